"""Forms for agencies' contributions and chasing them.
Errors say what to do; what was typed is kept."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukForm
from macehub.organisations.models import Agency

from ..models import ContributionStatus
from ..services.contributions import NOTHING_HELD_WITH_TEXT


class ContributionForm(GovukForm):
    status = forms.ChoiceField(
        label="Does your agency hold information about this?",
        choices=[
            (ContributionStatus.SUBMITTED, "Yes: we hold information (write it below)"),
            (ContributionStatus.NOTHING_HELD, "Nothing held"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your agency holds information about this"},
    )
    text = forms.CharField(
        label="What your agency knows",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Recent contact, concerns, risks and what your agency is doing. Facts, dates and sources.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ContributionStatus.SUBMITTED and not (data.get("text") or "").strip():
            self.add_error("text", "Enter what your agency knows, or choose ‘Nothing held’")
        if data.get("status") == ContributionStatus.NOTHING_HELD and (data.get("text") or "").strip():
            # Never throw away what someone typed: ask which they meant.
            self.add_error("text", NOTHING_HELD_WITH_TEXT)
        return data


class ChaseForm(GovukForm):
    """Which agency to chase for its contributions (none: every agency yet to contribute)."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False)
