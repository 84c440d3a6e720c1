"""Forms for meetings and actions. Errors say what to do; what was typed is kept."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms

from macehub.core.access import GUEST_ROLES
from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.organisations.models import Agency, Cadence

from .models import (
    FEEDBACK_QUESTIONS,
    ActionStatus,
    Answer,
    AttendanceStatus,
    CarryReason,
    Chairing,
    ContributionStatus,
    InvitationScope,
    MeetingType,
    ReviewOutcome,
)
from .services.contributions import NOTHING_HELD_WITH_TEXT

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


class TimeOfDayField(forms.CharField):
    """A time typed as "10:00", "2pm" or "14.30"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        return value

    def to_python(self, value: Any) -> time | None:  # type: ignore[override]
        if isinstance(value, time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        match = _TIME.match(text)
        if not match:
            raise forms.ValidationError(f"{self.label} must be a time, like 10:00 or 2:30pm")
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
        if half == "pm" and hour < 12:
            hour += 12
        if half == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            raise forms.ValidationError(f"{self.label} must be a real time, like 10:00 or 2:30pm")
        return time(hour, minute)


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class AgencyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class MeetingForm(GovukForm):
    meeting_type = forms.ChoiceField(
        label="Type of meeting",
        choices=MeetingType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the type of meeting"},
    )
    date = GovukDateField(
        label="Date",
        help_text="For example, 27 3 2026",
        min_year=2000,
        error_messages={"required": "Enter the date of the meeting"},
    )
    start_time = TimeOfDayField(
        label="Start time",
        help_text="For example, 10:00 or 2pm",
        error_messages={"required": "Enter the start time"},
    )
    end_time = TimeOfDayField(label="End time (optional)", required=False)
    venue = forms.CharField(label="Venue", required=False, max_length=200, help_text="Leave blank if online only.")
    online_link = forms.URLField(
        label="Online meeting link",
        required=False,
        max_length=500,
        help_text="For example, the Teams link. Leave blank if in person only.",
        error_messages={"invalid": "Enter the link in the right format, starting https://"},
    )
    chairing = forms.ChoiceField(
        label="Chairing",
        choices=Chairing.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the meeting is chaired"},
    )
    chair = UserChoiceField(
        label="Chair",
        queryset=None,
        empty_label="Choose the chair",
        error_messages={"required": "Choose who chairs the meeting"},
    )
    co_chair = UserChoiceField(
        label="Co-chair (if co-chaired)",
        queryset=None,
        required=False,
        empty_label="No co-chair",
        help_text="Police and local authority co-chairs: choose the other chair here.",
    )
    contributions_due = GovukDateField(
        label="Agencies' contributions due by (optional)",
        required=False,
        min_year=2000,
        help_text="Usually two working days before the meeting.",
    )

    def __init__(self, *args: Any, chairs: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("chair", "co_chair"):
            self.fields[name].queryset = chairs  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        no_place = not (data.get("venue") or "").strip() and not (data.get("online_link") or "").strip()
        if no_place and "online_link" not in self.errors:
            self.add_error("venue", "Enter where the meeting is, or the link to join it online")
        if data.get("chairing") == Chairing.CO_CHAIRED and not data.get("co_chair") and "co_chair" not in self.errors:
            self.add_error("co_chair", "Choose the co-chair")
        return data

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "meeting_type": data["meeting_type"],
            "date": data["date"],
            "start_time": data["start_time"],
            "end_time": data["end_time"],
            "venue": data["venue"].strip(),
            "online_link": data["online_link"].strip(),
            "chairing": data["chairing"],
            "chair": data["chair"],
            "co_chair": data["co_chair"] if data["chairing"] == Chairing.CO_CHAIRED else None,
            "contributions_due": data["contributions_due"],
        }


class ScheduleForm(SubmissionMixin, MeetingForm):
    repeat = forms.IntegerField(
        label="How many meetings?",
        min_value=1,
        max_value=26,
        initial=1,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter how many meetings to schedule",
            "invalid": "Enter the number of meetings as a number, like 6",
            "min_value": "Enter a number of meetings from 1 to 26",
            "max_value": "Enter a number of meetings from 1 to 26",
        },
    )

    def __init__(self, *args: Any, cadence: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        label = str(Cadence(cadence).label).lower()
        self.fields[
            "repeat"
        ].help_text = (
            f"1 for a one-off meeting, or up to 26 meetings on the panel's cadence ({label}) from the date above."
        )


class MeetingEditForm(VersionedFormMixin, MeetingForm):
    pass


class CancelForm(VersionedFormMixin, GovukForm):
    reason = forms.CharField(
        label="Why is the meeting cancelled?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the meeting is cancelled"},
    )


class AddOtherItemForm(SubmissionMixin, GovukForm):
    title = forms.CharField(
        label="Title of the item",
        max_length=200,
        help_text="Do not name children.",
        error_messages={"required": "Enter the title of the item"},
    )
    minutes_allowed = forms.IntegerField(
        label="Time allowed (minutes)",
        min_value=1,
        max_value=120,
        initial=10,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the time allowed, in minutes",
            "invalid": "Enter the time allowed as a number of minutes",
            "min_value": "The time allowed must be between 1 and 120 minutes",
            "max_value": "The time allowed must be between 1 and 120 minutes",
        },
    )


class AddByReferenceForm(SubmissionMixin, GovukForm):
    reference = forms.CharField(
        label="Add a record by its reference",
        max_length=20,
        help_text="For example, C-0042 or L-0003.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
        error_messages={"required": "Enter a reference, like C-0042"},
    )


class ItemForm(VersionedFormMixin, GovukForm):
    title = forms.CharField(label="Title", max_length=200, required=False)
    presenter = UserChoiceField(
        label="Presenting professional",
        queryset=None,
        required=False,
        empty_label="Nobody chosen yet",
        help_text="They are invited for this item.",
    )
    minutes_allowed = forms.IntegerField(
        label="Time allowed (minutes)",
        min_value=1,
        max_value=120,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "class": "govuk-input--width-3"}),
        error_messages={
            "required": "Enter the time allowed, in minutes",
            "invalid": "Enter the time allowed as a number of minutes",
            "min_value": "The time allowed must be between 1 and 120 minutes",
            "max_value": "The time allowed must be between 1 and 120 minutes",
        },
    )
    guests: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Professionals invited for this item only",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="They see this item (and any other they are invited for), not the rest of the meeting.",
    )

    def __init__(self, *args: Any, people: Any, has_subject: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["presenter"].queryset = people  # type: ignore[attr-defined]
        self.fields["guests"].queryset = people  # type: ignore[attr-defined]
        self.fields["guests"].label_from_instance = lambda u: f"{u.full_name} ({u.email})"  # type: ignore[attr-defined]
        if has_subject:
            del self.fields["title"]


class InvitationsForm(GovukForm):
    """Core agencies, and for each person on the panel: the whole meeting, items only, or not invited."""

    agencies: forms.ModelMultipleChoiceField[Any] = forms.ModelMultipleChoiceField(
        label="Agencies invited to the whole meeting (core members)",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Each is asked to contribute on every item. Others are asked only about the items their people are invited for.",
    )

    SCOPES = [
        (InvitationScope.WHOLE, "Whole meeting"),
        (InvitationScope.ITEMS, "Only their items"),
        ("", "Not invited"),
    ]

    def __init__(self, *args: Any, agencies: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["agencies"].label_from_instance = lambda a: a.name  # type: ignore[attr-defined]
        self.people = people
        for membership in people:
            guest = membership.role in GUEST_ROLES
            self.fields[f"scope_{membership.user_id}"] = forms.ChoiceField(
                label=f"{membership.user.full_name}, {membership.agency.name} ({membership.get_role_display()})",
                choices=self.SCOPES[1:] if guest else self.SCOPES,  # R21: items only
                required=False,
                widget=forms.RadioSelect(attrs={"small": True}),
            )

    def scopes(self) -> dict[int, str]:
        return {m.user_id: self.cleaned_data.get(f"scope_{m.user_id}", "") or "" for m in self.people}


class AcknowledgeForm(GovukForm):
    confirm = forms.BooleanField(
        label="I will keep this information confidential, use it only for this meeting's purpose, and not share it "
        "beyond those who need to know to keep children safe",
        error_messages={"required": "Confirm that you will keep the pack confidential"},
    )


class ContributionForm(GovukForm):
    status = forms.ChoiceField(
        label="Does your agency hold information about this?",
        choices=[
            (ContributionStatus.SUBMITTED, "Yes: we hold information (write it below)"),
            (ContributionStatus.NOTHING_HELD, "Nothing held"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your agency holds information about this"},
    )
    text = forms.CharField(
        label="What your agency knows",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Recent contact, concerns, risks and what your agency is doing. Facts, dates and sources.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == ContributionStatus.SUBMITTED and not (data.get("text") or "").strip():
            self.add_error("text", "Enter what your agency knows, or choose ‘Nothing held’")
        if data.get("status") == ContributionStatus.NOTHING_HELD and (data.get("text") or "").strip():
            # Never throw away what someone typed: ask which they meant.
            self.add_error("text", NOTHING_HELD_WITH_TEXT)
        return data


def attendance_field_names(agency_id: int) -> tuple[str, str]:
    return f"status_{agency_id}", f"representative_{agency_id}"


class AttendanceForm(GovukForm):
    def __init__(self, *args: Any, agencies: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agencies = agencies
        for agency in agencies:
            status, rep = attendance_field_names(agency.pk)
            self.fields[status] = forms.ChoiceField(
                label=agency.name,
                choices=[("", "Not recorded"), *AttendanceStatus.choices],
                required=False,
                widget=forms.RadioSelect(attrs={"small": True}),
            )
            self.fields[rep] = forms.CharField(
                label=f"Who attended for {agency.name} (optional)", required=False, max_length=150
            )

    def rows(self) -> dict[int, tuple[str, str]]:
        result = {}
        for agency in self.agencies:
            status, rep = attendance_field_names(agency.pk)
            result[agency.pk] = (self.cleaned_data.get(status) or "", self.cleaned_data.get(rep) or "")
        return result


class ItemRecordForm(VersionedFormMixin, GovukForm):
    discussion = forms.CharField(label="Discussion summary", required=False, widget=forms.Textarea(attrs={"rows": 5}))
    risk_decided = forms.ChoiceField(label="Risk level decided", required=False)
    decisions = forms.CharField(label="Decisions", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, risk_levels: list[str] | None, current: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if risk_levels is None:
            del self.fields["risk_decided"]
        else:
            now = f" (now {current})" if current else " (none recorded yet)"
            choices = [("", f"Not decided{now}"), *[(r, r) for r in risk_levels]]
            self.fields["risk_decided"].choices = choices  # type: ignore[attr-defined]


class ActionForm(SubmissionMixin, GovukForm):
    description = forms.CharField(
        label="Action",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Enter what needs to be done"},
    )
    owner_agency = AgencyChoiceField(
        label="Owner agency",
        queryset=None,
        empty_label="Choose the agency",
        error_messages={"required": "Choose the agency that owns the action"},
    )
    owner = UserChoiceField(label="Owner (optional)", queryset=None, required=False, empty_label="The agency")
    due_date = GovukDateField(label="Due date", min_year=2000, error_messages={"required": "Enter the due date"})

    def __init__(
        self, *args: Any, agencies: Any, people: Any, choices: dict[str, list[Any]] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = agencies  # type: ignore[attr-defined]
        self.fields["owner"].queryset = people  # type: ignore[attr-defined]
        # A page with one form per agenda item reads the choices once (see ``choice_lists``).
        for name, options in (choices or {}).items():
            self.fields[name].widget.choices = options

    def choice_lists(self) -> dict[str, list[Any]]:
        return {name: list(self.fields[name].choices) for name in ("owner_agency", "owner")}  # type: ignore[attr-defined]


class ActionEditForm(VersionedFormMixin, ActionForm):
    pass


class ActionCompleteForm(VersionedFormMixin, GovukForm):
    note = forms.CharField(
        label="What was done?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what was done"},
    )


class ActionReviewForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What did the meeting decide?",
        choices=ReviewOutcome.choices,
        widget=forms.RadioSelect(attrs={"small": True}),
        error_messages={"required": "Choose what the meeting decided about the action"},
    )
    reason = forms.ChoiceField(
        label="If carried forward, why?",
        choices=[("", "Choose a reason"), *CarryReason.choices],
        required=False,
        help_text="‘Agency did not act’ is counted; repeated non-completion goes to the chair.",
    )
    new_due_date = GovukDateField(label="New due date (if carried forward)", required=False, min_year=2000)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 1}))
    #: The action as the page showed it: a change meanwhile (completed, due date moved) is not overwritten.
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)


class CloseForm(VersionedFormMixin, GovukForm):
    pass


class MinuteForm(VersionedFormMixin, GovukForm):
    text = forms.CharField(label="Minute", required=False, widget=forms.Textarea(attrs={"rows": 6}))


class OpeningForm(VersionedFormMixin, GovukForm):
    opening = forms.CharField(
        label="Opening and general business", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ApproveForm(VersionedFormMixin, GovukForm):
    pass


class CorrectionForm(GovukForm):
    reason = forms.CharField(
        label="What needs correcting, and why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what needs correcting and why"},
        help_text="The approved minutes stay in force until a chair approves the correction.",
    )


class FeedbackForm(SubmissionMixin, GovukForm):
    comment = forms.CharField(
        label="Anything else? (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Seen by the panel's chairs and coordinators, without your name. Do not name children.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, question in FEEDBACK_QUESTIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=question,
                choices=Answer.choices,
                coerce=int,
                widget=forms.RadioSelect(attrs={"small": True}),
                error_messages={"required": "Choose yes, partly or no"},
            )
        self.order_fields([name for name, _ in FEEDBACK_QUESTIONS] + ["comment"])


ACTION_STATUS_FILTERS = [
    ("open", "Open"),
    ("overdue", "Overdue"),
    ("escalated", "Escalated to the chair"),
    (ActionStatus.COMPLETED, "Completed"),
    (ActionStatus.NO_LONGER_NEEDED, "No longer needed"),
    ("all", "All"),
]


class ActionFilterForm(GovukForm):
    status = forms.ChoiceField(label="Status", choices=ACTION_STATUS_FILTERS, required=False)
    agency = AgencyChoiceField(label="Owner agency", queryset=None, required=False, empty_label="All agencies")
    subject = forms.CharField(
        label="Record",
        required=False,
        max_length=20,
        help_text="A reference, like C-0042",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    carried = forms.BooleanField(label="Carried forward at least once", required=False)

    def __init__(self, *args: Any, agencies: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]
        else:
            self.fields["agency"].queryset = agencies  # type: ignore[attr-defined]


class ChaseForm(GovukForm):
    """Which agency to chase for its contributions (none: every agency yet to contribute)."""

    agency = forms.ModelChoiceField(queryset=Agency.objects.all(), required=False)
