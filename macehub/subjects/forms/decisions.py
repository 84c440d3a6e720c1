"""Forms for decisions about a record: revealing identity, status, risk level, opening a context
as a case."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin

from ..models import (
    Status,
)

# --- Decisions --------------------------------------------------------------------------------

PURPOSES = [
    ("meeting", "Preparing for or taking part in a panel meeting"),
    ("safeguarding", "Sharing information with a partner to keep the child safe"),
    ("duplicate", "Checking whether two records are the same person"),
    ("update", "Checking or correcting their details"),
    ("other", "Another reason"),
]


class RevealForm(GovukForm):
    purpose = forms.ChoiceField(
        label="Why do you need to see their name and date of birth?",
        choices=PURPOSES,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose why you need to see their name and date of birth"},
    )
    detail = forms.CharField(
        label="More detail (needed for another reason)",
        max_length=300,
        required=False,
        help_text="This is recorded with your name and can be seen by the partnership's borough admin.",
        error_messages={"required": "Choose why you need to see their name and date of birth"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("purpose") == "other" and not data.get("detail", "").strip():
            self.add_error("detail", "Enter why you need to see their name and date of birth")
        return data

    def purpose_text(self) -> str:
        label = dict(PURPOSES)[self.cleaned_data["purpose"]]
        detail = self.cleaned_data.get("detail", "").strip()
        return f"{label}: {detail}" if detail else label


class StatusForm(VersionedFormMixin, GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[(s.value, s.label) for s in (Status.OPEN, Status.STEPPED_DOWN, Status.CLOSED)],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed to step down or close: for example ‘Risk reduced; support continues through early help’.",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") in (Status.STEPPED_DOWN, Status.CLOSED) and not data.get("reason", "").strip():
            self.add_error("reason", "Enter the reason for stepping down or closing")
        return data


class RiskForm(SubmissionMixin, VersionedFormMixin, GovukForm):
    level = forms.ChoiceField(label="Risk level", widget=forms.RadioSelect)
    decided_on = GovukDateField(
        label="Date decided",
        help_text="For example, 14 10 2025.",
        error_messages={"required": "Enter the date the panel decided"},
    )
    reason = forms.CharField(
        label="Reason for this level",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter the reason for this risk level"},
    )

    def __init__(self, *args: Any, panel: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level, level) for level in panel.risk_levels]  # type: ignore[attr-defined]


class CaseForm(VersionedFormMixin, GovukForm):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Enter the reason"}
    )
