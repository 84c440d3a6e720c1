"""Forms of cross-border working (GOV.UK markup through core's renderer)."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm
from macehub.core.submissions import SubmissionMixin
from macehub.organisations.models import Panel, Partnership

from .models import SUMMARY_PARTS, MoveKind

DATE_HINT = "For example, 27 3 2026"


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class MoveForm(SubmissionMixin, GovukForm):
    to_partnership = forms.ModelChoiceField(
        label="Which partnership is the child moving to?",
        queryset=Partnership.objects.none(),
        empty_label="Choose the receiving or host partnership",
        error_messages={
            "required": "Choose the partnership the child is moving to",
            "invalid_choice": "Choose a partnership from the list",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of move is it?",
        choices=MoveKind.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what kind of move it is",
            "invalid_choice": "Choose what kind of move it is",
        },
    )
    moved_on = GovukDateField(
        label="Date of the move", help_text=DATE_HINT, error_messages={"required": "Enter the date of the move"}
    )
    expected_end = GovukDateField(
        label="Expected end (optional)",
        help_text="For a placement or custody, when it is expected to end.",
        required=False,
    )
    parts = forms.MultipleChoiceField(
        label="What goes in the handover summary?",
        choices=list(SUMMARY_PARTS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="The child's name, date of birth, age band and sex always go, so the receiving panel can hold "
        "them. Choose only what the receiving panel needs. The summary is copied when you send it: later "
        "changes to your record are not shared.",
        error_messages={"invalid_choice": "Choose from the list"},
    )
    note = forms.CharField(label="Message to the receiving coordinator (optional)", widget=_textarea(3), required=False)

    def __init__(self, *args: Any, own_partnership_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_partnership"].queryset = (  # type: ignore[attr-defined]
            Partnership.objects.filter(is_active=True).exclude(pk=own_partnership_id).order_by("short_name")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        moved, end = data.get("moved_on"), data.get("expected_end")
        if moved and end and end < moved:
            self.add_error("expected_end", "The expected end must be the same as or after the date of the move")
        return data


class DecideForm(GovukForm):
    decision = forms.ChoiceField(
        label="Will your panel hold the child?",
        choices=[("accept", "Yes, add them to a register"), ("decline", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your panel will hold the child"},
    )
    panel = forms.ModelChoiceField(
        label="Which panel's register? (if yes)",
        queryset=Panel.objects.none(),
        required=False,
        empty_label="Choose a panel",
        error_messages={"invalid_choice": "Choose a panel from the list"},
    )
    reason = forms.CharField(label="Why not? (if no)", widget=_textarea(3), required=False)

    def __init__(self, *args: Any, panel_ids: frozenset[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        panels = Panel.objects.filter(pk__in=panel_ids, is_active=True).order_by("name")
        self.fields["panel"].queryset = panels  # type: ignore[attr-defined]
        if len(panel_ids) == 1 and not self.is_bound:
            self.fields["panel"].initial = next(iter(panel_ids))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "accept" and not data.get("panel"):
            self.add_error("panel", "Choose the panel whose register the child joins")
        if data.get("decision") == "decline" and not (data.get("reason") or "").strip():
            self.add_error("reason", "Enter why the child is not being accepted")
        return data


class SummaryForm(GovukForm):
    text = forms.CharField(
        label="Summary to share",
        widget=_textarea(6),
        help_text="The other authority sees this, and only this. Keep it to what they need to work with the child.",
        error_messages={"required": "Enter the summary to share"},
    )
