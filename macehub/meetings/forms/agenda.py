"""Forms for building the agenda: adding items and changing one.
Errors say what to do; what was typed is kept."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin

from .fields import UserChoiceField


class AddOtherItemForm(SubmissionMixin, GovukForm):
    title = forms.CharField(
        label="Title of the item",
        max_length=200,
        help_text="Do not name children.",
        error_messages={"required": "Enter the title of the item"},
    )
    minutes_allowed = forms.IntegerField(
        label="Time allowed (minutes)",
        min_value=1,
        max_value=120,
        initial=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the time allowed, in minutes",
            "invalid": "Enter the time allowed as a number of minutes",
            "min_value": "The time allowed must be between 1 and 120 minutes",
            "max_value": "The time allowed must be between 1 and 120 minutes",
        },
    )


class AddByReferenceForm(SubmissionMixin, GovukForm):
    reference = forms.CharField(
        label="Add a record by its reference",
        max_length=20,
        help_text="For example, C-0042 or L-0003.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter a reference, like C-0042"},
    )


class ItemForm(VersionedFormMixin, GovukForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    presenter = UserChoiceField(
        label="Presenting professional",
        queryset=None,
        required=False,
        empty_label="Nobody chosen yet",
        help_text="They are invited for this item.",
    )
    minutes_allowed = forms.IntegerField(
        label="Time allowed (minutes)",
        min_value=1,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the time allowed, in minutes",
            "invalid": "Enter the time allowed as a number of minutes",
            "min_value": "The time allowed must be between 1 and 120 minutes",
            "max_value": "The time allowed must be between 1 and 120 minutes",
        },
    )
    guests: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Professionals invited for this item only",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see this item (and any other they are invited for), not the rest of the meeting.",
    )

    def __init__(self, *args: Any, people: Any, has_subject: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = people  # type: ignore[attr-defined]
        self.fields["guests"].queryset = people  # type: ignore[attr-defined]
        self.fields["guests"].label_from_instance = lambda u: f"{u.full_name} ({u.email})"  # type: ignore[attr-defined]
        if has_subject:
            del self.fields["title"]
