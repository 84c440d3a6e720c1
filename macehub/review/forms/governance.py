"""Forms for governance groups, meetings, the timeline, news and the directory."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin

from ..models import GovernanceGroup, GroupMeeting, GroupMembership, Milestone
from .common import PersonChoiceField, people, textarea


class GroupForm(SubmissionMixin, GovukForm):
    name = forms.CharField(label="Group name", max_length=150)
    kind = forms.ChoiceField(label="Type of group", choices=GovernanceGroup.Kind.choices, widget=forms.RadioSelect)
    workstream = forms.CharField(
        label="Workstream (optional)",
        max_length=150,
        required=False,
        help_text="For example ‘Using data to understand practice and improve outcomes’.",
    )
    purpose = forms.CharField(label="Purpose (optional)", required=False, widget=textarea(3))
    terms_of_reference = forms.CharField(label="Terms of reference (optional)", required=False, widget=textarea(8))
    is_active = forms.BooleanField(label="The group is active", required=False, initial=True)

    FIELDS = ("name", "kind", "workstream", "purpose", "terms_of_reference", "is_active")

    def __init__(self, *args: Any, instance: GovernanceGroup | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in self.FIELDS}
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name: str = self.cleaned_data["name"].strip()
        clash = GovernanceGroup.objects.filter(name__iexact=name)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another group already has this name.")
        return name

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class GroupEditForm(VersionedFormMixin, GroupForm):
    pass


class GroupMemberForm(SubmissionMixin, GovukForm):
    user = PersonChoiceField(label="Person", queryset=None, empty_label="Choose a person")
    role = forms.ChoiceField(label="Role in the group", choices=GroupMembership.Role.choices, widget=forms.RadioSelect)
    represents = forms.CharField(
        label="What they represent (optional)",
        max_length=150,
        required=False,
        help_text="For example ‘Health (ICB)’ or ‘MACE chairs’.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people()  # type: ignore[attr-defined]


class GroupMeetingForm(SubmissionMixin, GovukForm):
    title = forms.CharField(label="Meeting title", max_length=200)
    meets_on = GovukDateField(label="Date", min_year=2000)
    location = forms.CharField(
        label="Where (optional)", max_length=300, required=False, help_text="A room, or ‘Online’."
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=textarea(8))
    decisions = forms.CharField(
        label="Decisions (optional)", required=False, widget=textarea(5), help_text="One decision per line."
    )

    FIELDS = ("title", "meets_on", "location", "notes", "decisions")

    def __init__(self, *args: Any, instance: GroupMeeting | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f) for f in self.FIELDS}
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data[f] for f in self.FIELDS}


class GroupMeetingEditForm(VersionedFormMixin, GroupMeetingForm):
    pass


class MilestoneForm(SubmissionMixin, GovukForm):
    title = forms.CharField(label="Milestone", max_length=200)
    description = forms.CharField(label="Description (optional)", required=False, widget=textarea(3))
    starts_on = GovukDateField(label="Start date (optional)", required=False, min_year=2000)
    due_on = GovukDateField(label="Due date", min_year=2000)
    status = forms.ChoiceField(label="Status", choices=Milestone.Status.choices, widget=forms.RadioSelect)
    completed_on = GovukDateField(past=True, label="Date reached (if done)", required=False, min_year=2000)
    group = forms.ModelChoiceField(
        label="Group responsible (optional)", queryset=GovernanceGroup.objects.all(), required=False, empty_label="None"
    )

    FIELDS = ("title", "description", "starts_on", "due_on", "status", "completed_on", "group")

    def __init__(self, *args: Any, instance: Milestone | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {f: getattr(instance, f"{f}_id" if f == "group" else f) for f in self.FIELDS}
        super().__init__(*args, **kwargs)

    def values(self) -> dict[str, Any]:
        return {f: self.cleaned_data.get(f) for f in self.FIELDS}


class MilestoneEditForm(VersionedFormMixin, MilestoneForm):
    pass


class NewsForm(SubmissionMixin, GovukForm):
    title = forms.CharField(label="Headline", max_length=200)
    body = forms.CharField(label="News", widget=textarea(6))
    published_on = GovukDateField(label="Date", min_year=2000)


class DirectoryForm(GovukForm):
    listed = forms.BooleanField(
        label="List me in the directory of MACE chairs and leads",
        required=False,
        help_text="Other approved members will see your name, roles, partnership and work e-mail address.",
    )
    note = forms.CharField(
        label="A note for other members (optional)",
        max_length=200,
        required=False,
        help_text="For example ‘Happy to share our terms of reference’.",
    )
