"""Disruption activity."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.subjects.models import Subject

from ..models import (
    DisruptionCategory,
    Tactic,
)
from .common import DATE_HINT, AgencyField, InstanceForm, agencies_for, textarea

# --- Disruption ------------------------------------------------------------------------------


class DisruptionForm(SubmissionMixin, VersionedFormMixin, InstanceForm):
    category = forms.ChoiceField(
        label="Category",
        choices=DisruptionCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the category"},
    )
    tactic = forms.ChoiceField(
        label="Tactic or legal tool",
        choices=[("", "Choose a tactic"), *Tactic.choices],
        error_messages={"required": "Choose the tactic or legal tool"},
    )
    other_tactic = forms.CharField(label="If other, what was used?", max_length=150, required=False)
    agency = AgencyField(label="Agency", error_messages={"required": "Choose the agency that carried it out"})
    done_on = GovukDateField(
        past=True, label="Date", help_text=DATE_HINT, error_messages={"required": "Enter the date of the activity"}
    )
    description = forms.CharField(label="What was done (optional)", widget=textarea(3), required=False)
    outcome = forms.CharField(
        label="Outcome (optional)",
        widget=textarea(3),
        required=False,
        help_text="For example ‘Notice served; no contact reported since’. You can add this later.",
    )
    children = forms.ModelMultipleChoiceField(
        label="Children this protects",
        queryset=Subject.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Children linked to this record. The activity appears in their journey.",
    )

    def __init__(self, *args: Any, panel: Any, children: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for(panel)  # type: ignore[attr-defined]
        if children is None:
            del self.fields["children"]
        else:
            field = self.fields["children"]
            field.queryset = children  # type: ignore[attr-defined]
            field.label_from_instance = lambda s: s.reference  # type: ignore[attr-defined]
        if self.instance is None:
            self.fields["version"].required = False

    def initial_from(self, instance: Any) -> dict[str, Any]:
        initial = super().initial_from(instance)
        initial["agency"] = instance.agency_id
        return initial

    def values(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k]
            for k in ("category", "tactic", "other_tactic", "agency", "done_on", "description", "outcome")
        }
