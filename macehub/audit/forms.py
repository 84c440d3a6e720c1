from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from macehub.core.forms import GovukForm

from .models import Action, AuditEvent


class AuditFilterForm(GovukForm):
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
