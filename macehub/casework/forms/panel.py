"""A panel's casework settings."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import VersionedFormMixin

from ..models import (
    CaseworkSettings,
)
from .common import InstanceForm

# --- Settings --------------------------------------------------------------------------------


class SettingsForm(VersionedFormMixin, InstanceForm):
    assessment_review_weeks = forms.IntegerField(
        label="Review a risk assessment after (weeks)",
        min_value=1,
        max_value=52,
        help_text="The next review date offered for a new risk assessment. For example, 12.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "min_value": "Enter a number of weeks from 1 to 52",
            "max_value": "Enter a number of weeks from 1 to 52",
        },
    )
    plan_review_weeks = forms.IntegerField(
        label="Review a plan after (weeks)",
        min_value=1,
        max_value=52,
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "min_value": "Enter a number of weeks from 1 to 52",
            "max_value": "Enter a number of weeks from 1 to 52",
        },
    )
    nrm_decision_days = forms.IntegerField(
        label="NRM reasonable-grounds decision expected within (days)",
        min_value=1,
        max_value=365,
        help_text="45 days under the devolved child decision-making model.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "min_value": "Enter a number of days from 1 to 365",
            "max_value": "Enter a number of days from 1 to 365",
        },
    )
    consent_prompt_days = forms.IntegerField(
        label="Ask about consent to stay in the NRM this many days before the 18th birthday",
        min_value=7,
        max_value=365,
        help_text="A young person must consent to stay in the NRM once they turn 18.",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3"}),
        error_messages={
            "min_value": "Enter a number of days from 7 to 365",
            "max_value": "Enter a number of days from 7 to 365",
        },
    )

    def __init__(self, *args: Any, instance: CaseworkSettings, **kwargs: Any) -> None:
        super().__init__(*args, instance=instance, **kwargs)
        if instance.pk is None:
            self.fields["version"].required = False
