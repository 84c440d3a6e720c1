"""Forms for changing a draft framework version."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin

from ..evidence.measures import MEASURE_BY_KEY, measure_choices
from ..models import FrameworkVersion, Question, ReviewArea, Section
from .common import textarea


class VersionForm(VersionedFormMixin, GovukForm):
    """What changed, and the rating scale's names and descriptors (the number of levels stays)."""

    notes = forms.CharField(
        label="What changed in this version",
        required=False,
        widget=textarea(3),
        help_text="People answering a new cycle see this.",
    )

    def __init__(self, *args: Any, version: FrameworkVersion, **kwargs: Any) -> None:
        self.instance = version
        if not kwargs.get("initial"):
            initial: dict[str, Any] = {"notes": version.notes}
            for level in version.rating_scale:
                initial[f"label_{level['value']}"] = level["label"]
                initial[f"descriptor_{level['value']}"] = level["descriptor"]
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        for level in version.rating_scale:
            n = level["value"]
            self.fields[f"label_{n}"] = forms.CharField(label=f"Name of level {n}", max_length=60)
            self.fields[f"descriptor_{n}"] = forms.CharField(
                label=f"What level {n} looks like", widget=textarea(2), max_length=500
            )
        if not self.is_bound:
            self.initial["version"] = version.version

    def rating_scale(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "value": level["value"],
                "label": data[f"label_{level['value']}"].strip(),
                "descriptor": data[f"descriptor_{level['value']}"].strip(),
            }
            for level in self.instance.rating_scale
        ]


class SectionForm(SubmissionMixin, GovukForm):
    code = forms.CharField(label="Section letter", max_length=8, help_text="For example ‘A’.")
    title = forms.CharField(label="Section title", max_length=200)
    area = forms.ChoiceField(label="Review question it tests", choices=ReviewArea.choices, widget=forms.RadioSelect)
    introduction = forms.CharField(label="Introduction (optional)", required=False, widget=textarea(3))
    order = forms.IntegerField(
        label="Position (optional)", required=False, min_value=1, help_text="Sections are shown in this order."
    )

    def __init__(self, *args: Any, instance: Section | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in ("code", "title", "area", "introduction", "order")}
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("submission_id", None)
        data["code"] = data["code"].strip().upper()
        data["order"] = data.get("order") or (self.instance.order if self.instance else 0)
        return data


class SectionEditForm(VersionedFormMixin, SectionForm):
    pass


class QuestionForm(SubmissionMixin, GovukForm):
    code = forms.CharField(label="Question number", max_length=10, help_text="For example ‘C3’.")
    text = forms.CharField(label="Question", widget=textarea(3), help_text="Write it as a statement to rate.")
    focus = forms.CharField(
        label="Aspect it tests (optional)",
        max_length=100,
        required=False,
        help_text="For example ‘Agenda’, ‘Attendance’, ‘Partner contributions’ or ‘Chairing’.",
    )
    protocol_reference = forms.CharField(
        label="Protocol clause or review question it tests",
        max_length=300,
        help_text="For example ‘Section 10 (Multi-agency meeting structures); appendix D’.",
    )
    guidance = forms.CharField(label="Guidance (optional)", required=False, widget=textarea(3))
    evidence_prompt = forms.CharField(label="Evidence prompt", widget=textarea(2), help_text="What to attach.")
    allows_comment = forms.BooleanField(label="Offer a free-text box for comments", required=False, initial=True)
    order = forms.IntegerField(label="Position in the section (optional)", required=False, min_value=1)
    measures = forms.MultipleChoiceField(
        label="Evidence figures from the records (optional)",
        required=False,
        choices=measure_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Shown beside the question in each partnership's return, for its period, with a suggested rating.",
    )

    FIELDS = (
        "code",
        "text",
        "focus",
        "protocol_reference",
        "guidance",
        "evidence_prompt",
        "allows_comment",
        "order",
        "measures",
    )

    def __init__(self, *args: Any, instance: Question | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in self.FIELDS}
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        data = {f: self.cleaned_data[f] for f in self.FIELDS}
        data["measures"] = [k for k in data.get("measures") or [] if k in MEASURE_BY_KEY]
        data["code"] = data["code"].strip().upper()
        data["order"] = data.get("order") or (self.instance.order if self.instance else 0)
        return data


class QuestionEditForm(VersionedFormMixin, QuestionForm):
    pass
