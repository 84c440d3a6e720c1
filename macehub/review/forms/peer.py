"""Forms for peer review rounds, meetings, findings, recommendations and actions."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.core.uploads import UploadField

from ..models import (
    Finding,
    ImplementationAction,
    OwnerKind,
    PeerReview,
    Recommendation,
    ReviewArea,
    ReviewRound,
    Sector,
    Theme,
)
from .common import PersonChoiceField, people, textarea


class RoundForm(SubmissionMixin, GovukForm):
    name = forms.CharField(label="Name of the review round", max_length=120)
    cycle: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Self-assessment cycle it builds on (optional)", queryset=None, required=False, empty_label="None"
    )
    introduction = forms.CharField(
        label="Introduction for the findings report (optional)", required=False, widget=textarea(5)
    )

    def __init__(self, *args: Any, cycles: Any, instance: ReviewRound | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "cycle": instance.cycle_id,
                "introduction": instance.introduction,
            }
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = cycles  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = ReviewRound.objects.filter(name__iexact=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another review round already has this name.")
        return name


class RoundEditForm(VersionedFormMixin, RoundForm):
    pass


SECTOR_FIELDS = [
    ("reviewer_health", Sector.HEALTH, "Reviewer from health"),
    ("reviewer_police", Sector.POLICE, "Reviewer from the police"),
    ("reviewer_local_authority", Sector.LOCAL_AUTHORITY, "Reviewer from a local authority"),
]


class PeerReviewPlanForm(SubmissionMixin, GovukForm):
    title = forms.CharField(label="Title", max_length=200, help_text="For example ‘Meeting 3: Lambeth and Southwark’.")
    partnerships: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Partnerships being reviewed",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one partnership to review."},
    )
    meeting_date = GovukDateField(label="Meeting date", min_year=2000, help_text="For example, 27 10 2025")
    meeting_link = forms.URLField(
        label="Online meeting link (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        error_messages={"invalid": "Enter the meeting link in the right format, like https://meet.example.org/abc"},
    )

    def __init__(self, *args: Any, partnerships: Any, instance: PeerReview | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                "title": instance.title,
                "partnerships": list(instance.partnerships.all()),
                "meeting_date": instance.meeting_date,
                "meeting_link": instance.meeting_link,
            }
            for assignment in instance.reviewer_assignments.all():
                for name, sector, _ in SECTOR_FIELDS:
                    if assignment.sector == sector:
                        initial[name] = assignment.user_id
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.fields["partnerships"].queryset = partnerships  # type: ignore[attr-defined]
        for name, _, label in SECTOR_FIELDS:
            self.fields[name] = PersonChoiceField(
                label=f"{label} (optional)", queryset=people(), required=False, empty_label="Nobody"
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        chosen = [data.get(name) for name, _, _ in SECTOR_FIELDS if data.get(name)]
        if not chosen:
            self.add_error(SECTOR_FIELDS[0][0], "Choose at least one reviewer")
        elif len({getattr(u, "pk", None) for u in chosen}) != len(chosen):
            self.add_error(SECTOR_FIELDS[1][0], "Choose a different person for each sector")
        return data

    def reviewers(self) -> list[tuple[Any, str]]:
        return [
            (self.cleaned_data[name], str(sector)) for name, sector, _ in SECTOR_FIELDS if self.cleaned_data.get(name)
        ]


class PeerReviewPlanEditForm(VersionedFormMixin, PeerReviewPlanForm):
    pass


class PeerReviewRecordForm(VersionedFormMixin, GovukForm):
    status = forms.ChoiceField(
        label="Did the meeting take place?", choices=PeerReview.Status.choices, widget=forms.RadioSelect
    )
    attendees = forms.CharField(
        label="Who attended",
        required=False,
        widget=textarea(4),
        help_text="Name, role and agency, one person per line.",
    )
    strengths = forms.CharField(label="Strengths", required=False, widget=textarea(5))
    areas_for_development = forms.CharField(label="Areas for development", required=False, widget=textarea(5))

    def __init__(self, *args: Any, instance: PeerReview, notes: dict[str, str], **kwargs: Any) -> None:
        self.instance = instance
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "status": instance.status,
                "attendees": instance.attendees,
                "strengths": instance.strengths,
                "areas_for_development": instance.areas_for_development,
                **{f"notes_{area}": text for area, text in notes.items()},
            }
        super().__init__(*args, **kwargs)
        for value, label in ReviewArea.choices:
            self.fields[f"notes_{value}"] = forms.CharField(label=f"Notes: {label}", required=False, widget=textarea(5))
        self.order_fields(
            ["status", "attendees", *[f"notes_{v}" for v in ReviewArea.values], "strengths", "areas_for_development"]
        )

    def notes(self) -> dict[str, str]:
        return {area: self.cleaned_data.get(f"notes_{area}", "") for area in ReviewArea.values}

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in ("status", "attendees", "strengths", "areas_for_development")}


class QuestionChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.text}"


class NoteChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        excerpt = obj.notes[:90] + ("…" if len(obj.notes) > 90 else "")
        return f"{obj.review.title} — {obj.get_area_display()}: {excerpt}"


class FindingForm(SubmissionMixin, GovukForm):
    theme = forms.ChoiceField(label="Theme", choices=Theme.choices, widget=forms.RadioSelect)
    title = forms.CharField(label="Finding", max_length=200, help_text="One sentence.")
    summary = forms.CharField(label="What the review found", widget=textarea(5))
    partnerships: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Partnerships it concerns (leave empty for a London-wide finding)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    questions: QuestionChoiceField = QuestionChoiceField(
        label="Self-assessment questions it draws on",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="The submitted answers of the partnerships above (or of every partnership, for a London-wide finding) are linked as evidence.",
    )
    notes: NoteChoiceField = NoteChoiceField(
        label="Meeting notes it draws on",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    source_review: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Meeting where it was found (optional)", queryset=None, required=False, empty_label="None"
    )

    def __init__(
        self,
        *args: Any,
        partnerships: Any,
        questions: Any,
        notes: Any,
        reviews: Any,
        instance: Finding | None = None,
        **kwargs: Any,
    ) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "theme": instance.theme,
                "title": instance.title,
                "summary": instance.summary,
                "partnerships": list(instance.partnerships.all()),
                "questions": sorted({a.question_id for a in instance.evidence_answers.all()}),
                "notes": list(instance.evidence_notes.all()),
                "source_review": instance.source_review_id,
            }
        super().__init__(*args, **kwargs)
        self.fields["partnerships"].queryset = partnerships  # type: ignore[attr-defined]
        self.fields["questions"].queryset = questions  # type: ignore[attr-defined]
        self.fields["notes"].queryset = notes  # type: ignore[attr-defined]
        self.fields["source_review"].queryset = reviews  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("questions") and not data.get("notes") and not self.errors:
            self.add_error("questions", "Choose at least one question or meeting note the finding draws on")
        return data


class FindingEditForm(VersionedFormMixin, FindingForm):
    pass


class RecommendationForm(SubmissionMixin, GovukForm):
    reference = forms.CharField(label="Reference", max_length=10, help_text="For example ‘R4’.")
    title = forms.CharField(label="Recommendation", max_length=200)
    detail = forms.CharField(label="Detail (optional)", required=False, widget=textarea(4))
    findings: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Findings it answers",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the finding or findings this recommendation answers."},
    )
    scope = forms.ChoiceField(label="Who it is for", choices=Recommendation.Scope.choices, widget=forms.RadioSelect)
    partnership: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Partnership (if it is for one partnership)", queryset=None, required=False, empty_label="Not needed"
    )
    owner_kind = forms.ChoiceField(label="Owner", choices=OwnerKind.choices, widget=forms.RadioSelect, required=False)
    owner_group: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Owning group (if a group owns it)", queryset=None, required=False, empty_label="Not needed"
    )
    owner_partnership: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Owning partnership (if a partnership owns it)", queryset=None, required=False, empty_label="Not needed"
    )
    owner_agency: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        label="Owning agency (if an agency owns it)", queryset=None, required=False, empty_label="Not needed"
    )
    status = forms.ChoiceField(label="Status", choices=Recommendation.Status.choices, widget=forms.RadioSelect)

    FIELDS = (
        "reference",
        "title",
        "detail",
        "scope",
        "partnership",
        "owner_kind",
        "owner_group",
        "owner_partnership",
        "owner_agency",
        "status",
    )

    def __init__(
        self,
        *args: Any,
        findings: Any,
        partnerships: Any,
        groups: Any,
        agencies: Any,
        instance: Recommendation | None = None,
        **kwargs: Any,
    ) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "reference": instance.reference,
                "title": instance.title,
                "detail": instance.detail,
                "scope": instance.scope,
                "partnership": instance.partnership_id,
                "owner_kind": instance.owner_kind,
                "owner_group": instance.owner_group_id,
                "owner_partnership": instance.owner_partnership_id,
                "owner_agency": instance.owner_agency_id,
                "status": instance.status,
                "findings": list(instance.findings.all()),
            }
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = findings  # type: ignore[attr-defined]
        self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]
        self.fields["owner_partnership"].queryset = partnerships  # type: ignore[attr-defined]
        self.fields["owner_group"].queryset = groups  # type: ignore[attr-defined]
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        data = {f: self.cleaned_data.get(f) for f in self.FIELDS}
        data["reference"] = str(data["reference"] or "").strip().upper()
        data["owner_kind"] = data["owner_kind"] or ""
        return data


class RecommendationEditForm(VersionedFormMixin, RecommendationForm):
    pass


class ActionForm(SubmissionMixin, GovukForm):
    title = forms.CharField(label="Action", max_length=200)
    description = forms.CharField(label="What will be done (optional)", required=False, widget=textarea(4))
    lead = PersonChoiceField(
        label="Action lead (optional)", queryset=None, required=False, empty_label="Nobody named yet"
    )
    due_date = GovukDateField(label="Due date (optional)", required=False, min_year=2000)

    def __init__(self, *args: Any, instance: ImplementationAction | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "description": instance.description,
                "lead": instance.lead_id,
                "due_date": instance.due_date,
            }
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = people()  # type: ignore[attr-defined]

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in ("title", "description", "lead", "due_date")}


class ActionEditForm(VersionedFormMixin, ActionForm):
    pass


class MilestoneAddForm(SubmissionMixin, GovukForm):
    title = forms.CharField(label="Milestone", max_length=200)
    due_date = GovukDateField(label="Due date", min_year=2000)


class MilestoneDoneForm(GovukForm):
    completed_on = GovukDateField(past=True, label="Date it was done", min_year=2000)


class ProgressForm(SubmissionMixin, VersionedFormMixin, GovukForm):
    text = forms.CharField(label="What has happened since the last update", widget=textarea(5))
    status = forms.ChoiceField(
        label="Status now",
        choices=[(s.value, s.label) for s in ImplementationAction.PROGRESS_STATUSES],
        widget=forms.RadioSelect,
    )
    evidence = UploadField(
        label="Evidence (optional)", required=False, help_text="A document or image that shows the progress."
    )


class ClosureRequestForm(VersionedFormMixin, GovukForm):
    text = forms.CharField(label="What was done, and how do you know it worked?", widget=textarea(5))
    evidence = UploadField(
        label="Evidence (optional)", required=False, help_text="For example the new template, the minutes or the data."
    )


class ClosureDecisionForm(VersionedFormMixin, GovukForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[("approve", "Approve: the action is done"), ("return", "Not yet: send it back to the owner")],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label="Comments (needed if you send it back)", required=False, widget=textarea(4))
