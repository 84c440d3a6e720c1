"""Forms for actions: agreeing, editing, completing and deciding about them, and filtering the lists.
Errors say what to do; what was typed is kept."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin

from ..models import ActionStatus, CarryReason, ReviewOutcome
from .fields import AgencyChoiceField, UserChoiceField


class ActionForm(SubmissionMixin, GovukForm):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what needs to be done"},
    )
    owner_agency = AgencyChoiceField(
        label="Owner agency",
        queryset=None,
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    owner = UserChoiceField(label="Owner (optional)", queryset=None, required=False, empty_label="The agency")
    due_date = GovukDateField(label="Due date", min_year=2000, error_messages={"required": "Enter the due date"})

    def __init__(
        self, *args: Any, agencies: Any, people: Any, choices: dict[str, list[Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        # A page with one form per agenda item reads the choices once (see ``choice_lists``).
        for name, options in (choices or {}).items():
            self.fields[name].widget.choices = options

    def choice_lists(self) -> dict[str, list[Any]]:
        return {name: list(self.fields[name].choices) for name in ("owner_agency", "owner")}  # type: ignore[attr-defined]


class ActionEditForm(VersionedFormMixin, ActionForm):
    pass


class ActionCompleteForm(VersionedFormMixin, GovukForm):
    note = forms.CharField(
        label="What was done?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what was done"},
    )


class ActionReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What did the meeting decide?",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"required": "Choose what the meeting decided about the action"},
    )
    reason = forms.ChoiceField(
        label="If carried forward, why?",
        choices=[("", "Choose a reason"), *CarryReason.choices],
        required=False,
        help_text="‘Agency did not act’ is counted; repeated non-completion goes to the chair.",
    )
    new_due_date = GovukDateField(label="New due date (if carried forward)", required=False, min_year=2000)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 1}))
    #: The action as the page showed it: a change meanwhile (completed, due date moved) is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


ACTION_STATUS_FILTERS = [
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("escalated", "Escalated to the chair"),
    (ActionStatus.COMPLETED, "Completed"),
    (ActionStatus.NO_LONGER_NEEDED, "No longer needed"),
    ("all", "All"),
]


class ActionFilterForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=ACTION_STATUS_FILTERS, required=False)
    agency = AgencyChoiceField(label="Owner agency", queryset=None, required=False, empty_label="All agencies")
    subject = forms.CharField(
        label="Record",
        required=False,
        max_length=20,
        help_text="A reference, like C-0042",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    carried = forms.BooleanField(label="Carried forward at least once", required=False)

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]
