"""Forms for casework. Errors say what to do, next to the field; what was typed is kept.

Date-times are typed as a date (day, month, year) and a time on a London clock; the form turns
them into one UTC moment (``<name>_at``) and refuses a time the clocks skipped.
"""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.organisations.models import Agency
from macehub.subjects.models import KIND_RANK, PLURAL, Confidence, Kind, Subject

from .models import (
    EXPLOITATION_TYPES,
    PLAN_TYPES_FOR_KIND,
    AdultConsent,
    CaseworkSettings,
    Decision,
    DecisionMaker,
    DisruptionCategory,
    DutyToNotify,
    EscalationRoute,
    EscalationStatus,
    InterviewOutcome,
    MissingClass,
    Philomena,
    Placement,
    PlanOutcome,
    PlanType,
    Progress,
    ReviewDecision,
    RiskGrade,
    Tactic,
)
from .services import MAX_OUTCOMES
from .times import TimeError, london_datetime, london_parts, parse_time

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_HINT = "For example, 27 3 2025."


def _textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class TimeField(forms.CharField):
    """A time of day on a London clock, typed as "21:30" or "9:30pm"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("help_text", "Use the 24-hour clock, for example 21:30, or am and pm, for example 9:30pm.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> time | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_time(text)
        except TimeError as exc:
            raise forms.ValidationError(str(exc)) from exc


def combine_moment(form: forms.Form, name: str, *, what: str, required: bool) -> None:
    """Turn ``<name>_on`` and ``<name>_time`` into ``cleaned_data["<name>_at"]`` (UTC)."""
    data = form.cleaned_data
    day_field, time_field = f"{name}_on", f"{name}_time"
    day, at = data.get(day_field), data.get(time_field)
    data[f"{name}_at"] = None
    if day_field in form.errors or time_field in form.errors:
        return
    if day is None and at is None:
        if required:
            form.add_error(day_field, f"Enter the date {what}")
        return
    if day is None:
        form.add_error(day_field, f"Enter the date {what}")
        return
    if at is None:
        form.add_error(time_field, f"Enter the time {what}")
        return
    try:
        data[f"{name}_at"] = london_datetime(day, at)
    except TimeError as exc:
        form.add_error(time_field, str(exc))


def initial_moment(initial: dict[str, Any], name: str, moment: Any) -> None:
    day, at = london_parts(moment)
    initial[f"{name}_on"] = day
    initial[f"{name}_time"] = at


def agencies_for(panel: Any) -> Any:
    return Agency.objects.filter(partnerships=panel.partnership_id, is_active=True).order_by("name")


class AgencyField(forms.ModelChoiceField[Agency]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Agency.objects.none())
        kwargs.setdefault("empty_label", "Choose an agency")
        super().__init__(*args, **kwargs)


class _InstanceForm(GovukForm):
    """A form that may edit a record: ``instance`` fills the initial values."""

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)

    def initial_from(self, instance: Any) -> dict[str, Any]:
        return {name: getattr(instance, name) for name in self.base_fields if hasattr(instance, name)}


# --- Settings --------------------------------------------------------------------------------


class SettingsForm(VersionedFormMixin, _InstanceForm):
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
        widget=_textarea(5),
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
                label=f"Evidence for outcome {outcome.order} (optional)", widget=_textarea(2), required=False
            )
        self.fields["summary"] = forms.CharField(
            label="What did the review find?",
            widget=_textarea(4),
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


# --- Missing episodes and interviews ---------------------------------------------------------


class EpisodeForm(SubmissionMixin, VersionedFormMixin, _InstanceForm):
    started_on = GovukDateField(past=True, label="Date the child went missing", help_text=DATE_HINT)
    started_time = TimeField(label="Time the child went missing")
    returned_on = GovukDateField(
        past=True,
        label="Date the child returned",
        required=False,
        help_text="Leave blank if the child is still missing.",
    )
    returned_time = TimeField(label="Time the child returned", required=False)
    reported_to_police = forms.ChoiceField(
        label="Was the child reported missing to the police?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes if the child was reported to the police"},
    )
    police_reference = forms.CharField(label="Police reference (optional)", max_length=60, required=False)
    classification = forms.ChoiceField(
        label="How did the police classify it?",
        choices=MissingClass.choices,
        widget=forms.RadioSelect,
        required=False,
    )
    risk_grade = forms.ChoiceField(
        label="Risk grade",
        choices=RiskGrade.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the risk grade"},
    )
    placement = forms.ChoiceField(
        label="Where was the child living?",
        choices=[("", "Choose the placement type"), *Placement.choices],
        error_messages={"required": "Choose where the child was living"},
    )
    philomena = forms.ChoiceField(
        label="Is a Philomena Protocol form on file?",
        choices=Philomena.choices,
        widget=forms.RadioSelect,
        help_text="The Philomena Protocol covers children in children's homes and supported accommodation.",
        error_messages={"required": "Choose whether a Philomena Protocol form is on file"},
    )
    where_found = forms.CharField(label="Where the child was found (optional)", max_length=200, required=False)
    notes = forms.CharField(label="Notes (optional)", widget=_textarea(3), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["started_on"].error_messages["required"] = "Enter the date the child went missing"
        self.fields["started_time"].error_messages["required"] = "Enter the time the child went missing"
        if self.instance is None:
            self.fields["version"].required = False

    def initial_from(self, instance: Any) -> dict[str, Any]:
        initial = super().initial_from(instance)
        initial_moment(initial, "started", instance.started_at)
        initial_moment(initial, "returned", instance.returned_at)
        initial["reported_to_police"] = "yes" if instance.reported_to_police else "no"
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        combine_moment(self, "started", what="the child went missing", required=True)
        combine_moment(self, "returned", what="the child returned", required=False)
        if data.get("reported_to_police") == "yes" and not data.get("classification"):
            self.add_error("classification", "Choose how the police classified the episode")
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        reported = d["reported_to_police"] == "yes"
        return {
            "started_at": d["started_at"],
            "returned_at": d["returned_at"],
            "reported_to_police": reported,
            "police_reference": d["police_reference"] if reported else "",
            "classification": d["classification"] if reported else "",
            "risk_grade": d["risk_grade"],
            "placement": d["placement"],
            "philomena": d["philomena"],
            "where_found": d["where_found"],
            "notes": d["notes"],
        }


class RecordsField(forms.ModelMultipleChoiceField[Subject]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Subject.objects.none())
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        self.already: set[int] = set()
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Subject) -> str:
        label = obj.safe_label
        return f"{label} (already linked)" if obj.pk in self.already else label


class InterviewForm(SubmissionMixin, VersionedFormMixin, _InstanceForm):
    offered = forms.ChoiceField(
        label="Was a return home interview offered?",
        choices=YES_NO,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose yes if an interview was offered"},
    )
    offered_on = GovukDateField(past=True, label="Date it was offered", required=False, help_text=DATE_HINT)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=InterviewOutcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the outcome of the interview"},
    )
    completed_on = GovukDateField(past=True, label="Date of the interview", required=False, help_text=DATE_HINT)
    completed_time = TimeField(label="Time of the interview", required=False)
    interviewer_name = forms.CharField(label="Interviewer", max_length=150, required=False, help_text="Name and role.")
    interviewer_agency = AgencyField(label="Interviewer's agency", required=False)
    summary = forms.CharField(
        label="What the child said (summary)",
        widget=_textarea(5),
        required=False,
        help_text="Push and pull factors, where they were, who they were with. Record what matters for safety planning.",
    )
    reason_not_completed = forms.CharField(
        label="Why was it not completed? (if not completed)", widget=_textarea(2), required=False
    )
    link_places = RecordsField(label="Locations and groups the child mentioned")
    link_people = RecordsField(label="Persons of concern the child mentioned")
    link_children = RecordsField(label="Other children the child mentioned")
    new_location = forms.CharField(
        label="A place not on the register yet (optional)",
        max_length=200,
        required=False,
        help_text="For example ‘Flat 3, Tanner House’. It is added to the locations register and linked.",
    )
    confidence = forms.ChoiceField(
        label="How sure is this information?",
        choices=Confidence.choices,
        widget=forms.RadioSelect,
        initial=Confidence.LIKELY,
        error_messages={"required": "Choose how sure the information is"},
    )

    LINK_FIELDS = ("link_places", "link_people", "link_children", "new_location", "confidence")

    def __init__(self, *args: Any, panel: Any, candidates: list[Subject], already: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["interviewer_agency"].queryset = agencies_for(panel)  # type: ignore[attr-defined]
        if self.instance is None:
            self.fields["version"].required = False
        by_kind: dict[str, list[int]] = {}
        for s in candidates:
            by_kind.setdefault(s.kind, []).append(s.pk)
        base = Subject.objects.filter(pk__in=[s.pk for s in candidates]).order_by("kind", "number")
        groups = {
            "link_places": [Kind.LOCATION, Kind.GROUP],
            "link_people": [Kind.PERSON],
            "link_children": [Kind.CHILD],
        }
        for name, kinds in groups.items():
            field = self.fields[name]
            field.queryset = base.filter(kind__in=kinds)  # type: ignore[attr-defined]
            field.already = already  # type: ignore[attr-defined]
            field.choices_available = any(by_kind.get(k) for k in kinds)  # type: ignore[attr-defined]
        if not by_kind.get(Kind.PERSON):
            del self.fields["link_people"]

    def initial_from(self, instance: Any) -> dict[str, Any]:
        initial = super().initial_from(instance)
        initial_moment(initial, "completed", instance.completed_at)
        initial["offered"] = "yes" if instance.offered else "no"
        initial["interviewer_agency"] = instance.interviewer_agency_id
        return initial

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        combine_moment(self, "completed", what="of the interview", required=False)
        return data

    def values(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "offered": d["offered"] == "yes",
            "offered_on": d.get("offered_on"),
            "outcome": d["outcome"],
            "completed_at": d.get("completed_at"),
            "interviewer_name": d.get("interviewer_name", ""),
            "interviewer_agency": d.get("interviewer_agency"),
            "summary": d.get("summary", ""),
            "reason_not_completed": d.get("reason_not_completed", ""),
        }

    def link_records(self) -> list[Subject]:
        chosen: list[Subject] = []
        for name in ("link_places", "link_people", "link_children"):
            chosen.extend(self.cleaned_data.get(name) or [])
        return sorted(chosen, key=lambda s: (KIND_RANK[Kind(s.kind)], s.number))

    def interview_fields(self) -> list[Any]:
        return [f for f in self.visible_fields() if f.name not in self.LINK_FIELDS]

    def link_field_groups(self) -> list[tuple[str, Any]]:
        return [
            (PLURAL[Kind.LOCATION] + " and groups" if name == "link_places" else str(field.label), self[name])
            for name, field in self.fields.items()
            if name in ("link_places", "link_people", "link_children") and field.choices_available  # type: ignore[attr-defined]
        ]


# --- NRM -------------------------------------------------------------------------------------


class NRMForm(SubmissionMixin, VersionedFormMixin, _InstanceForm):
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
    notes = forms.CharField(label="Notes (optional)", widget=_textarea(3), required=False)

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


# --- Disruption ------------------------------------------------------------------------------


class DisruptionForm(SubmissionMixin, VersionedFormMixin, _InstanceForm):
    category = forms.ChoiceField(
        label="Category",
        choices=DisruptionCategory.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the category"},
    )
    tactic = forms.ChoiceField(
        label="Tactic or legal tool",
        choices=[("", "Choose a tactic"), *Tactic.choices],
        error_messages={"required": "Choose the tactic or legal tool"},
    )
    other_tactic = forms.CharField(label="If other, what was used?", max_length=150, required=False)
    agency = AgencyField(label="Agency", error_messages={"required": "Choose the agency that carried it out"})
    done_on = GovukDateField(
        past=True, label="Date", help_text=DATE_HINT, error_messages={"required": "Enter the date of the activity"}
    )
    description = forms.CharField(label="What was done (optional)", widget=_textarea(3), required=False)
    outcome = forms.CharField(
        label="Outcome (optional)",
        widget=_textarea(3),
        required=False,
        help_text="For example ‘Notice served; no contact reported since’. You can add this later.",
    )
    children = forms.ModelMultipleChoiceField(
        label="Children this protects",
        queryset=Subject.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Children linked to this record. The activity appears in their journey.",
    )

    def __init__(self, *args: Any, panel: Any, children: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies_for(panel)  # type: ignore[attr-defined]
        if children is None:
            del self.fields["children"]
        else:
            field = self.fields["children"]
            field.queryset = children  # type: ignore[attr-defined]
            field.label_from_instance = lambda s: s.reference  # type: ignore[attr-defined]
        if self.instance is None:
            self.fields["version"].required = False

    def initial_from(self, instance: Any) -> dict[str, Any]:
        initial = super().initial_from(instance)
        initial["agency"] = instance.agency_id
        return initial

    def values(self) -> dict[str, Any]:
        return {
            k: self.cleaned_data[k]
            for k in ("category", "tactic", "other_tactic", "agency", "done_on", "description", "outcome")
        }


# --- Escalations -----------------------------------------------------------------------------


class EscalationForm(SubmissionMixin, VersionedFormMixin, _InstanceForm):
    route = forms.ChoiceField(
        label="Escalated",
        choices=EscalationRoute.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose where it was escalated"},
    )
    escalated_on = GovukDateField(
        past=True,
        label="Date escalated",
        help_text=DATE_HINT,
        error_messages={"required": "Enter the date of the escalation"},
    )
    escalated_to = forms.CharField(
        label="Escalated to",
        max_length=200,
        help_text="The group or person, for example ‘Exploitation sub-group (tactical)’.",
        error_messages={"required": "Enter who it was escalated to"},
    )
    reason = forms.CharField(
        label="Reason", widget=_textarea(4), error_messages={"required": "Enter the reason for the escalation"}
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is None:
            self.fields["version"].required = False

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in ("route", "escalated_on", "escalated_to", "reason")}


class EscalationResponseForm(EscalationForm):
    status = forms.ChoiceField(label="Status", choices=EscalationStatus.choices, widget=forms.RadioSelect)
    response = forms.CharField(label="Response", widget=_textarea(4), required=False)
    responded_on = GovukDateField(past=True, label="Date of the response", required=False)
    outcome = forms.CharField(label="Outcome (optional)", widget=_textarea(3), required=False)

    def values(self) -> dict[str, Any]:
        return {
            **super().values(),
            **{k: self.cleaned_data[k] for k in ("status", "response", "responded_on", "outcome")},
        }


# --- The journey filter ----------------------------------------------------------------------


class JourneyFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label="Show", required=False, widget=forms.CheckboxSelectMultiple)
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("oldest", "Oldest first"), ("newest", "Newest first")],
        widget=forms.RadioSelect(attrs={"small": True}),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]

    def chosen(self) -> tuple[set[str] | None, bool]:
        if not self.is_valid():
            return None, False
        kinds = set(self.cleaned_data.get("kind") or []) or None
        return kinds, self.cleaned_data.get("order") == "newest"
