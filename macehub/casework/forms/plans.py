"""Plans and plan reviews."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.subjects.models import Subject

from ..models import (
    PLAN_TYPES_FOR_KIND,
    CaseworkSettings,
    PlanOutcome,
    PlanType,
    Progress,
    ReviewDecision,
)
from ..services.common import MAX_OUTCOMES
from .common import DATE_HINT, AgencyField, agencies_for, textarea

# --- Plans -----------------------------------------------------------------------------------


class PlanForm(SubmissionMixin, GovukForm):
    plan_type = forms.ChoiceField(
        label="Type of plan", widget=forms.RadioSelect, error_messages={"required": "Choose the type of plan"}
    )
    other_type = forms.CharField(label="If other, what kind of plan?", max_length=100, required=False)
    title = forms.CharField(
        label="Short title (optional)",
        max_length=200,
        required=False,
        help_text="For example ‘Safety plan for the estate’.",
    )
    lead_agency = AgencyField(label="Lead agency", error_messages={"required": "Choose the lead agency"})
    lead_professional = forms.CharField(
        label="Lead professional",
        max_length=150,
        help_text="Name and role.",
        error_messages={"required": "Enter the lead professional's name and role"},
    )
    started_on = GovukDateField(
        past=True,
        label="Date the plan started",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the date the plan started"},
    )
    next_review_on = GovukDateField(label="First review (optional)", required=False)

    def __init__(self, *args: Any, subject: Subject, settings: CaseworkSettings, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = PLAN_TYPES_FOR_KIND.get(subject.kind, [])
        self.fields["plan_type"].choices = [(t, PlanType(t).label) for t in allowed]  # type: ignore[attr-defined]
        self.fields["lead_agency"].queryset = agencies_for(subject.panel)  # type: ignore[attr-defined]
        self.fields[
            "next_review_on"
        ].help_text = f"Leave blank for {settings.plan_review_weeks} weeks after the plan starts."
        for i in range(1, MAX_OUTCOMES + 1):
            self.fields[f"outcome_{i}"] = forms.CharField(
                label=f"Intended outcome {i}" + ("" if i == 1 else " (optional)"),
                max_length=300,
                required=i == 1,
                help_text="What will be different for the child or the place if the plan works? "
                "For example ‘Jay attends college at least four days a week’."
                if i == 1
                else "",
                error_messages={"required": "Enter at least one intended outcome: what the plan is trying to achieve"},
            )

    def outcomes(self) -> list[str]:
        return [self.cleaned_data.get(f"outcome_{i}", "") for i in range(1, MAX_OUTCOMES + 1)]

    def values(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k]
            for k in (
                "plan_type",
                "other_type",
                "title",
                "lead_agency",
                "lead_professional",
                "started_on",
                "next_review_on",
            )
        }


class PlanReviewForm(SubmissionMixin, VersionedFormMixin, GovukForm):
    reviewed_on = GovukDateField(
        past=True,
        label="Date of the review",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the date of the review"},
    )

    def __init__(self, *args: Any, outcomes: list[PlanOutcome], instance: Any, **kwargs: Any) -> None:
        self.instance = instance
        super().__init__(*args, **kwargs)
        self.outcome_list = outcomes
        for outcome in outcomes:
            self.fields[f"score_{outcome.pk}"] = forms.TypedChoiceField(
                label=f"Progress towards ‘{outcome.text}’",
                choices=Progress.choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"small": True}),
                error_messages={"required": f"Choose how much progress there has been towards ‘{outcome.text}’"},
            )
            self.fields[f"comment_{outcome.pk}"] = forms.CharField(
                label=f"Evidence for outcome {outcome.order} (optional)", widget=textarea(2), required=False
            )
        self.fields["summary"] = forms.CharField(
            label="What did the review find?",
            widget=textarea(4),
            error_messages={"required": "Enter what the review found"},
        )
        self.fields["decision"] = forms.ChoiceField(
            label="What happens to the plan now?",
            choices=ReviewDecision.choices,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose what happens to the plan next"},
        )
        self.fields["next_review_on"] = GovukDateField(
            label="Next review", required=False, help_text="Not needed if the plan ends."
        )

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            o.pk: (self.cleaned_data.get(f"score_{o.pk}"), self.cleaned_data.get(f"comment_{o.pk}", ""))
            for o in self.outcome_list
        }

    def outcome_fields(self) -> list[tuple[PlanOutcome, Any, Any]]:
        return [(o, self[f"score_{o.pk}"], self[f"comment_{o.pk}"]) for o in self.outcome_list]
