"""Recording a risk assessment."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm
from macehub.core.submissions import SubmissionMixin

from ..models import (
    CaseworkSettings,
)
from .common import DATE_HINT, AgencyField, agencies_for, textarea

# --- Risk assessments ------------------------------------------------------------------------


class AssessmentForm(SubmissionMixin, GovukForm):
    tool = forms.CharField(
        label="Assessment tool used",
        max_length=150,
        error_messages={"required": "Enter the assessment tool used"},
        help_text="For example: the partnership's child exploitation screening tool, a ROTH assessment, "
        "AssetPlus (youth justice) or a missing-person risk assessment.",
    )
    assessor_name = forms.CharField(
        label="Assessor",
        max_length=150,
        help_text="Name and role.",
        error_messages={"required": "Enter the assessor's name and role"},
    )
    assessor_agency = AgencyField(
        label="Assessor's agency", error_messages={"required": "Choose the assessor's agency"}
    )
    assessed_on = GovukDateField(
        past=True,
        label="Date of the assessment",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the date of the assessment"},
    )
    level = forms.ChoiceField(
        label="Risk level", widget=forms.RadioSelect, error_messages={"required": "Choose the risk level"}
    )
    factors = forms.CharField(
        label="Risk and protective factors",
        widget=textarea(5),
        error_messages={"required": "Enter the risk and protective factors"},
    )
    next_review_on = GovukDateField(
        label="Next review (optional)",
        required=False,
        help_text="Leave blank for the panel's usual interval.",
    )
    set_current_level = forms.BooleanField(
        label="Make this the child's current risk level (a panel decision, kept in the risk history)",
        required=False,
    )
    #: The version of the child's record (and so its risk level) when the form was opened.
    child_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, panel: Any, settings: CaseworkSettings, can_set_level: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [(level, level) for level in panel.risk_levels]  # type: ignore[attr-defined]
        self.fields["assessor_agency"].queryset = agencies_for(panel)  # type: ignore[attr-defined]
        self.fields[
            "next_review_on"
        ].help_text = f"Leave blank for {settings.assessment_review_weeks} weeks after the assessment (the panel's usual interval)."
        if not can_set_level:
            del self.fields["set_current_level"]
