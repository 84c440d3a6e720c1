"""Forms for links between records, merging duplicates and reviewing shared-context alerts."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.organisations.models import Agency

from ..models import (
    ALLOWED_PAIRS,
    KIND_RANK,
    PLURAL,
    REVERSE_CHOICE,
    SYMMETRIC,
    Confidence,
    Kind,
    LinkType,
    Subject,
)

# --- Links ------------------------------------------------------------------------------------


def _kinds_in_words(kinds: set[str]) -> str:
    words = [str(Kind(k).label).lower() for k in sorted(kinds, key=lambda k: KIND_RANK[Kind(k)])]
    if len(words) >= len(Kind.values) - 1:
        return "any record"
    return "a " + (" or a ".join(words) if len(words) < 3 else ", a ".join(words[:-1]) + " or a " + words[-1])


def link_type_choices(kind: str, visible_kinds: set[str] | None = None) -> list[tuple[str, str]]:
    """The link types a record of this kind can take part in, worded from its side, each saying
    what it can link to. Types that could only reach records the person cannot see are left out."""
    visible = set(visible_kinds or Kind.values)
    choices: list[tuple[str, str]] = []
    for link_type in LinkType:
        pairs = ALLOWED_PAIRS[link_type]
        forward = {target for source, target in pairs if source == kind} & visible
        backward = {source for source, target in pairs if target == kind} & visible
        if link_type in SYMMETRIC:
            forward |= backward
        if forward:
            choices.append((link_type.value, f"{link_type.label} — {_kinds_in_words(forward)}"))
        if link_type not in SYMMETRIC and backward:
            choices.append((f"{link_type.value}:reverse", f"{REVERSE_CHOICE[link_type]} — {_kinds_in_words(backward)}"))
    return choices


def choice_label(subject: Subject) -> str:
    """A record in a list to choose from: enough to tell children apart, never a name."""
    if subject.kind == Kind.CHILD:
        details = [subject.get_current_age_band_display(), subject.get_sex_display() if subject.sex else ""]
    elif subject.kind == Kind.PERSON:
        details = [subject.get_person_age_group_display() if subject.person_age_group else ""]
    else:
        details = []
    details = [d for d in details if d and d != "Not recorded"]
    if not subject.is_open:
        details.append(subject.get_status_display().lower())
    return f"{subject.safe_label} ({', '.join(details)})" if details else subject.safe_label


def record_choices(subjects: Any, exclude_pk: int) -> list[Any]:
    """Records grouped by kind for a select: references only (and names of places and groups)."""
    groups: dict[str, list[tuple[int, str]]] = {}
    for s in subjects:
        if s.pk != exclude_pk:
            groups.setdefault(s.kind, []).append((s.pk, choice_label(s)))
    ordered = sorted(groups.items(), key=lambda item: KIND_RANK[Kind(item[0])])
    return [("", "Choose a record"), *[(PLURAL[Kind(k)], options) for k, options in ordered]]


class LinkForm(SubmissionMixin, GovukForm):
    link_type = forms.ChoiceField(
        label="How are they linked?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how they are linked"},
    )
    other = forms.TypedChoiceField(
        label="Linked record", coerce=int, help_text="Add the record first if it is not on the register yet."
    )
    known_from = GovukDateField(
        label="Date known", help_text="When the link was seen or reported, for example 3 11 2025."
    )
    source_agency = forms.ModelChoiceField(
        label="Agency the information came from",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        error_messages={"required": "Enter the date the link was known"},
    )
    confidence = forms.ChoiceField(
        label="How sure is this?",
        choices=Confidence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how sure this is"},
    )
    notes = forms.CharField(label="Notes (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(
        self, *args: Any, subject: Subject, candidates: Any, agencies: Any, visible_kinds: set[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["link_type"].choices = link_type_choices(subject.kind, visible_kinds)  # type: ignore[attr-defined]
        self.fields["other"].choices = record_choices(candidates, subject.pk)  # type: ignore[attr-defined]
        self.fields["source_agency"].queryset = agencies  # type: ignore[attr-defined]

    def link_type_and_direction(self) -> tuple[str, bool]:
        value = self.cleaned_data["link_type"]
        link_type, _, reverse = value.partition(":")
        return link_type, reverse == "reverse"


class LinkEndForm(VersionedFormMixin, GovukForm):
    ended_on = GovukDateField(label="Date the link ended", error_messages={"required": "Enter the date the link ended"})
    reason = forms.CharField(
        label="Why has it ended?", max_length=300, error_messages={"required": "Enter why the link has ended"}
    )


class MergeForm(GovukForm):
    keep = forms.ChoiceField(
        label="Which record should be kept?",
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which record to keep"},
    )
    reason = forms.CharField(
        label="Why are these the same?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why these are the same"},
        help_text="For example ‘Same child: name spelt differently by two agencies, same school and date of birth’.",
    )
    this_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    other_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, this: Subject, other: Subject, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["keep"].choices = [  # type: ignore[attr-defined]
            ("this", f"Keep {this.reference} (merge {other.reference} into it)"),
            ("other", f"Keep {other.reference} (merge {this.reference} into it)"),
        ]
        if not self.is_bound:
            older = "this" if this.number < other.number else "other"
            self.initial.update({"this_version": this.version, "other_version": other.version, "keep": older})


class AlertReviewForm(SubmissionMixin, GovukForm):
    first = forms.IntegerField(widget=forms.HiddenInput)
    second = forms.IntegerField(widget=forms.HiddenInput)
    context = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(
        label="What did the panel decide?",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what the panel decided and why"},
        help_text="For example ‘Both attend the same college; no connection found’.",
    )
