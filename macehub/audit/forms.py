from __future__ import annotations

import re
from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from macehub.core.forms import GovukForm

from .models import Action, AuditEvent

# References people see: C-0037 (child), P- (person of concern), L- (location), G- (group),
# T- (theme), R- (referral), A- (action); and a meeting by its date.
_REFERENCE = re.compile(r"^([CPLGTRA])\s*-?\s*(\d{1,7})$")
_MEETING_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def reference_filter(text: str) -> Q | None:
    """Events about the record with this reference, or None if it is not one.

    Every event keeps the label its record had (``object_label``: "Child C-0037", "Risk
    assessment of C-0037", "Agenda item C-0037", "Referral R-0012", "Meeting 2026-03-12 …"),
    so the audit trail is searched as people read it, without reaching into other apps."""
    text = text.strip().upper()
    match = _REFERENCE.match(text)
    if match:
        canonical = f"{match.group(1)}-{int(match.group(2)):04d}"
        # Not followed by another digit: C-0037 must not find C-00371.
        return Q(object_label__regex=rf"(^|[^A-Za-z0-9]){canonical}([^0-9]|$)")
    if _MEETING_DATE.match(text):
        return Q(object_label__icontains=f"meeting {text}")
    return None


class AuditFilterForm(GovukForm):
    reference = forms.CharField(
        label="Reference",
        required=False,
        max_length=40,
        help_text="As people see it: C-0037 (child), P-0007 (person of concern), L-, G- or T- (location, group, "
        "theme), R-0012 (referral), A-0003 (action), or a meeting's date such as 2026-03-12. References are "
        "numbered within each panel, so the results can include the same reference in more than one panel.",
    )
    person = forms.CharField(label="Person (e-mail address)", required=False, max_length=254)
    action = forms.ChoiceField(label="Action", required=False, choices=[("", "Any action"), *Action.choices])
    object_type = forms.CharField(
        label="Record type",
        required=False,
        max_length=100,
        help_text="For example organisations.panel",
    )
    object_id = forms.CharField(label="Record id", required=False, max_length=64)
    date_from = forms.DateField(label="From", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(label="To", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def clean_reference(self) -> str:
        value = str(self.cleaned_data["reference"]).strip()
        if value and reference_filter(value) is None:
            raise forms.ValidationError(
                "Enter a reference like C-0037, R-0012 or A-0003, or a meeting date like 2026-03-12."
            )
        return value

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The ‘to’ date must be the same as or after the ‘from’ date.")
        return data

    def apply(self, qs: QuerySet[AuditEvent]) -> QuerySet[AuditEvent]:
        if not self.is_valid():
            return qs
        data = self.cleaned_data
        if data["reference"]:
            qs = qs.filter(reference_filter(data["reference"]))
        if data["person"]:
            qs = qs.filter(actor_label__iexact=data["person"].strip())
        if data["action"]:
            qs = qs.filter(action=data["action"])
        if data["object_type"]:
            qs = qs.filter(object_type=data["object_type"].strip().lower())
        if data["object_id"]:
            qs = qs.filter(object_id=data["object_id"].strip())
        if data["date_from"]:
            qs = qs.filter(occurred_at__date__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(occurred_at__date__lte=data["date_to"])
        return qs
