"""Forms for recording the meeting: attendance, what was decided on each item, closing it.
Errors say what to do; what was typed is kept."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukForm, VersionedFormMixin

from ..models import AttendanceStatus


def attendance_field_names(agency_id: int) -> tuple[str, str]:
    return f"status_{agency_id}", f"representative_{agency_id}"


class AttendanceForm(GovukForm):
    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        for agency in agencies:
            status, rep = attendance_field_names(agency.pk)
            self.fields[status] = forms.ChoiceField(
                label=agency.name,
                choices=[("", "Not recorded"), *AttendanceStatus.choices],
                required=False,
                widget=forms.RadioSelect(attrs={"small": True}),
            )
            self.fields[rep] = forms.CharField(
                label=f"Who attended for {agency.name} (optional)", required=False, max_length=150
            )

    def rows(self) -> dict[int, tuple[str, str]]:
        result = {}
        for agency in self.agencies:
            status, rep = attendance_field_names(agency.pk)
            result[agency.pk] = (self.cleaned_data.get(status) or "", self.cleaned_data.get(rep) or "")
        return result


class ItemRecordForm(VersionedFormMixin, GovukForm):
    discussion = forms.CharField(label="Discussion summary", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    risk_decided = forms.ChoiceField(label="Risk level decided", required=False)
    decisions = forms.CharField(label="Decisions", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, risk_levels: list[str] | None, current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if risk_levels is None:
            del self.fields["risk_decided"]
        else:
            now = f" (now {current})" if current else " (none recorded yet)"
            choices = [("", f"Not decided{now}"), *[(r, r) for r in risk_levels]]
            self.fields["risk_decided"].choices = choices  # type: ignore[attr-defined]


class CloseForm(VersionedFormMixin, GovukForm):
    pass
