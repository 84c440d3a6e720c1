"""National Referral Mechanism referrals."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin

from ..models import (
    EXPLOITATION_TYPES,
    AdultConsent,
    Decision,
    DecisionMaker,
    DutyToNotify,
)
from .common import DATE_HINT, AgencyField, InstanceForm, agencies_for, textarea

# --- NRM -------------------------------------------------------------------------------------


class NRMForm(SubmissionMixin, VersionedFormMixin, InstanceForm):
    referred_on = GovukDateField(
        past=True,
        label="Date of the NRM referral",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the date of the NRM referral"},
    )
    first_responder_agency = AgencyField(
        label="First responder agency",
        help_text="For children, usually children's social care or the youth justice service.",
        error_messages={"required": "Choose the first responder agency"},
    )
    first_responder_name = forms.CharField(label="First responder (optional)", max_length=150, required=False)
    exploitation_types = forms.MultipleChoiceField(
        label="Type of exploitation (optional)",
        choices=EXPLOITATION_TYPES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    decision_maker = forms.ChoiceField(
        label="Who makes the decisions?",
        choices=DecisionMaker.choices,
        widget=forms.RadioSelect,
        help_text="Devolved panels decide for children more than 100 days from their 18th birthday.",
        error_messages={"required": "Choose who makes the decisions"},
    )
    rg_decision = forms.ChoiceField(
        label="Reasonable-grounds decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        initial=Decision.PENDING,
    )
    rg_decided_on = GovukDateField(past=True, label="Date of the reasonable-grounds decision", required=False)
    cg_decision = forms.ChoiceField(
        label="Conclusive-grounds decision",
        choices=Decision.choices,
        widget=forms.RadioSelect,
        initial=Decision.PENDING,
    )
    cg_decided_on = GovukDateField(past=True, label="Date of the conclusive-grounds decision", required=False)
    duty_to_notify = forms.ChoiceField(
        label="Duty to notify (Modern Slavery Act 2015, section 52)",
        choices=DutyToNotify.choices,
        widget=forms.RadioSelect,
        initial=DutyToNotify.BY_REFERRAL,
        help_text="For a child, the NRM referral itself meets the duty to notify the Home Office.",
    )
    adult_consent = forms.ChoiceField(
        label="Consent to stay in the NRM after 18",
        choices=AdultConsent.choices,
        widget=forms.RadioSelect,
        initial=AdultConsent.NOT_YET,
        help_text="Children do not have to consent. A young person must consent to stay in the process once they turn 18.",
    )
    adult_consent_on = GovukDateField(past=True, label="Date they were asked", required=False)
    notes = forms.CharField(label="Notes (optional)", widget=textarea(3), required=False)

    def __init__(self, *args: Any, panel: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["first_responder_agency"].queryset = agencies_for(panel)  # type: ignore[attr-defined]
        if self.instance is None:
            self.fields["version"].required = False

    def initial_from(self, instance: Any) -> dict[str, Any]:
        initial = super().initial_from(instance)
        initial["first_responder_agency"] = instance.first_responder_agency_id
        return initial

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            name: d.get(name)
            if name.endswith("_on") or name in ("first_responder_agency", "exploitation_types")
            else d.get(name, "")
            for name in (
                "referred_on",
                "first_responder_agency",
                "first_responder_name",
                "exploitation_types",
                "decision_maker",
                "rg_decision",
                "rg_decided_on",
                "cg_decision",
                "cg_decided_on",
                "duty_to_notify",
                "adult_consent",
                "adult_consent_on",
                "notes",
            )
        } | {"exploitation_types": list(d.get("exploitation_types") or [])}
