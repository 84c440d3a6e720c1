"""Missing episodes and return home interviews."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.organisations.models import LocalAuthority
from macehub.subjects.models import KIND_RANK, PLURAL, Confidence, Kind, Subject

from ..models import (
    InterviewOutcome,
    MissingClass,
    Philomena,
    Placement,
    RiskGrade,
)
from .common import (
    DATE_HINT,
    YES_NO,
    AgencyField,
    InstanceForm,
    TimeField,
    agencies_for,
    combine_moment,
    initial_moment,
    textarea,
)

# --- Missing episodes and interviews ---------------------------------------------------------


class EpisodeForm(SubmissionMixin, VersionedFormMixin, InstanceForm):
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
    found_in = forms.ModelChoiceField(
        label="London borough where the child was found (optional)",
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        empty_label="Not known or outside London",
        help_text="If it is another partnership's area, that partnership is told where and when (not who).",
        error_messages={"invalid_choice": "Choose a borough from the list"},
    )
    notes = forms.CharField(label="Notes (optional)", widget=textarea(3), required=False)

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
            "found_in": d["found_in"],
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


class InterviewForm(SubmissionMixin, VersionedFormMixin, InstanceForm):
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
        widget=textarea(5),
        required=False,
        help_text="Push and pull factors, where they were, who they were with. Record what matters for safety planning.",
    )
    reason_not_completed = forms.CharField(
        label="Why was it not completed? (if not completed)", widget=textarea(2), required=False
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
