"""Forms for cycles and returns."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.core.uploads import UploadField

from ..models import Answer, Cycle, FrameworkVersion, Question
from .common import textarea

COMMENT_MAX = 5000


class CycleForm(SubmissionMixin, GovukForm):
    name = forms.CharField(
        label="Name of the cycle", max_length=120, help_text="For example ‘2025 MACE self-assessment’."
    )
    framework_version = forms.ModelChoiceField(
        label="Framework version",
        queryset=FrameworkVersion.objects.none(),
        empty_label="Choose a published framework version",
    )
    opens_on = GovukDateField(label="Opening date", help_text="For example, 2 9 2025", min_year=2000)
    deadline = GovukDateField(label="Deadline for returns", help_text="For example, 14 11 2025", min_year=2000)
    previous = forms.ModelChoiceField(
        label="Earlier cycle to carry answers forward from (optional)",
        queryset=Cycle.objects.none(),
        required=False,
        empty_label="None",
        help_text="Partnerships can start from their answers to it, and see how their scores changed.",
    )
    partnerships: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Participating partnerships",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one participating partnership."},
    )

    def __init__(self, *args: Any, versions: Any, cycles: Any, partnerships: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["framework_version"].queryset = versions  # type: ignore[attr-defined]
        self.fields["previous"].queryset = cycles  # type: ignore[attr-defined]
        self.fields["partnerships"].queryset = partnerships  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if Cycle.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError("Another cycle already has this name.")
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        opens_on, deadline = data.get("opens_on"), data.get("deadline")
        if opens_on and deadline and deadline < opens_on:
            self.add_error("deadline", "The deadline must be on or after the opening date")
        return data


class CycleEditForm(VersionedFormMixin, GovukForm):
    name = forms.CharField(label="Name of the cycle", max_length=120)
    deadline = GovukDateField(label="Deadline for returns", min_year=2000)
    status = forms.ChoiceField(
        label="Status",
        choices=Cycle.Status.choices,
        widget=forms.RadioSelect,
        help_text="When a cycle is closed, its returns can no longer be changed.",
    )

    def __init__(self, *args: Any, instance: Cycle, **kwargs: Any) -> None:
        self.instance = instance
        kwargs.setdefault("initial", {"name": instance.name, "deadline": instance.deadline, "status": instance.status})
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        if Cycle.objects.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("Another cycle already has this name.")
        return name

    def clean_deadline(self) -> Any:
        deadline = self.cleaned_data["deadline"]
        if deadline and deadline < self.instance.opens_on:
            raise forms.ValidationError(
                f"The deadline must be on or after the opening date ({self.instance.opens_on:%d %B %Y})"
            )
        return deadline


class SectionAnswersForm(VersionedFormMixin, GovukForm):
    """One section of a return: for each question a rating, an optional comment and a file.

    Nothing is required here — people save and come back; completeness is checked on submit."""

    def __init__(
        self,
        *args: Any,
        questions: list[Question],
        answers: dict[int, Answer],
        scale: list[tuple[int, str]],
        suggested: dict[int, int] | None = None,
        **kwargs: Any,
    ) -> None:
        suggested = suggested or {}
        if "initial" not in kwargs:
            initial: dict[str, Any] = {}
            for question in questions:
                answer = answers.get(question.pk)
                if answer is not None:
                    initial[f"q{question.pk}_rating"] = answer.rating
                    initial[f"q{question.pk}_comment"] = answer.comment
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        self.questions = questions
        self.suggested = suggested
        self.scale_labels = dict(scale)
        for question in questions:
            suggestion = suggested.get(question.pk)
            # The suggested level is named in its label, never chosen for the person.
            choices = [
                (value, f"{label} (suggested from the evidence)" if value == suggestion else label)
                for value, label in scale
            ]
            self.fields[f"q{question.pk}_rating"] = forms.TypedChoiceField(
                label=f"{question.code} rating",
                choices=choices,
                coerce=int,
                required=False,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"small": True}),
                error_messages={"invalid_choice": f"Choose a rating for {question.code} from the scale"},
            )
            if question.allows_comment or suggestion is not None:
                self.fields[f"q{question.pk}_comment"] = forms.CharField(
                    label=f"{question.code} comments (optional)"
                    if suggestion is None
                    else f"{question.code} comments (needed if you choose a rating other than the suggested one)",
                    required=False,
                    max_length=COMMENT_MAX,
                    widget=textarea(4),
                    help_text="What you do, how well it works and what you plan to change.",
                    error_messages={
                        "max_length": f"Comments for {question.code} must be {COMMENT_MAX} characters or fewer"
                    },
                )
            self.fields[f"q{question.pk}_evidence"] = UploadField(
                label=f"Attach evidence for {question.code} (optional)",
                required=False,
                help_text="PDF, Word, Excel, PowerPoint, OpenDocument, text, CSV, PNG or JPEG. No children's details.",
            )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for question in self.questions:
            suggestion = self.suggested.get(question.pk)
            rating = data.get(f"q{question.pk}_rating")
            name = f"q{question.pk}_comment"
            if (
                suggestion is not None
                and rating is not None
                and rating != suggestion
                and name not in self.errors
                and not (data.get(name) or "").strip()
            ):
                self.add_error(
                    name,
                    f"{question.code}: say why you chose {self.scale_labels.get(rating, rating)} when the evidence "
                    f"suggests {self.scale_labels.get(suggestion, suggestion)}",
                )
        # A section has many file boxes: say which question a file problem belongs to.
        for question in self.questions:
            name = f"q{question.pk}_evidence"
            if name in self.errors:
                self.errors[name] = self.error_class([f"{question.code}: {e}" for e in self.errors[name]])
        return data

    def items(self) -> list[dict[str, Any]]:
        """The bound fields grouped by question, for the template."""
        rows = []
        for question in self.questions:
            rows.append(
                {
                    "question": question,
                    "rating": self[f"q{question.pk}_rating"],
                    "comment": self[f"q{question.pk}_comment"] if f"q{question.pk}_comment" in self.fields else None,
                    "evidence": self[f"q{question.pk}_evidence"],
                }
            )
        return rows

    def answer_values(self) -> dict[int, dict[str, Any]]:
        data = self.cleaned_data
        return {
            q.pk: {"rating": data.get(f"q{q.pk}_rating"), "comment": data.get(f"q{q.pk}_comment") or ""}
            for q in self.questions
        }

    def uploads(self) -> dict[int, Any]:
        return {
            q.pk: self.cleaned_data[f"q{q.pk}_evidence"]
            for q in self.questions
            if self.cleaned_data.get(f"q{q.pk}_evidence")
        }


class SubmitForm(VersionedFormMixin, GovukForm):
    confirm = forms.BooleanField(
        label="The partnership's statutory partners have seen this return and agree it can be submitted",
        error_messages={"required": "Confirm that the statutory partners agree the return can be submitted"},
    )


class ReopenForm(VersionedFormMixin, GovukForm):
    reason = forms.CharField(
        label="Why are you reopening this return?",
        widget=textarea(3),
        max_length=1000,
        help_text="The partnership's leads are told this by e-mail.",
        error_messages={"required": "Enter why you are reopening the return"},
    )


class PublishResultsForm(VersionedFormMixin, GovukForm):
    publish = forms.TypedChoiceField(
        label="Named results",
        choices=[("yes", "Publish: partnerships see each other's results by name"), ("no", "Do not publish")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
    )


def default_opening() -> Any:
    return timezone.localdate()
