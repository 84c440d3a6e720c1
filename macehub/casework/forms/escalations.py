"""Escalations and their responses."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin

from ..models import (
    EscalationRoute,
    EscalationStatus,
)
from .common import DATE_HINT, InstanceForm, textarea

# --- Escalations -----------------------------------------------------------------------------


class EscalationForm(SubmissionMixin, VersionedFormMixin, InstanceForm):
    route = forms.ChoiceField(
        label="Escalated",
        choices=EscalationRoute.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where it was escalated"},
    )
    escalated_on = GovukDateField(
        past=True,
        label="Date escalated",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the date of the escalation"},
    )
    escalated_to = forms.CharField(
        label="Escalated to",
        max_length=200,
        help_text="The group or person, for example ‘Exploitation sub-group (tactical)’.",
        error_messages={"required": "Enter who it was escalated to"},
    )
    reason = forms.CharField(
        label="Reason", widget=textarea(4), error_messages={"required": "Enter the reason for the escalation"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is None:
            self.fields["version"].required = False

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("route", "escalated_on", "escalated_to", "reason")}


class EscalationResponseForm(EscalationForm):
    status = forms.ChoiceField(label="Status", choices=EscalationStatus.choices, widget=forms.RadioSelect)
    response = forms.CharField(label="Response", widget=textarea(4), required=False)
    responded_on = GovukDateField(past=True, label="Date of the response", required=False)
    outcome = forms.CharField(label="Outcome (optional)", widget=textarea(3), required=False)

    def values(self) -> dict[str, Any]:
        return {
            **super().values(),
            **{k: self.cleaned_data[k] for k in ("status", "response", "responded_on", "outcome")},
        }
