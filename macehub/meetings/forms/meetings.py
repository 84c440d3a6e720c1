"""Forms for scheduling, changing and cancelling a meeting, inviting people, the confidentiality
acknowledgement and feedback.
Errors say what to do; what was typed is kept."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.access import GUEST_ROLES
from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.organisations.models import Cadence

from ..models import FEEDBACK_QUESTIONS, Answer, Chairing, InvitationScope, MeetingType
from .fields import TimeOfDayField, UserChoiceField


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
