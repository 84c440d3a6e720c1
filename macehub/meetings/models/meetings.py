"""Meetings, their VOLT agendas, who is invited (to the whole meeting or to single items),
confidentiality acknowledgements, agency contributions, attendance and feedback."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from macehub.core.models import TrackedModel


class MeetingType(models.TextChoices):
    OPERATIONAL = "operational", "Operational MACE"
    STRATEGIC = "strategic", "Strategic or themes meeting"
    PRE_MACE = "pre_mace", "Pre-MACE triage"
    CONTEXT = "context_conference", "Context conference"
    ROTH = "roth_conference", "Risk-outside-the-home conference"
    OTHER = "other", "Other meeting"


class Chairing(models.TextChoices):
    SINGLE = "single", "One chair"
    CO_CHAIRED = "co_chaired", "Co-chaired (police and local authority)"


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"


class Meeting(TrackedModel):
    """One meeting of a panel (R17, R18). Recurring meetings share a ``series``."""

    panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="meetings")
    meeting_type = models.CharField(max_length=20, choices=MeetingType.choices, default=MeetingType.OPERATIONAL)
    date = models.DateField()
    start_time = models.TimeField()
    end_time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    online_link = models.URLField("Online meeting link", max_length=500, blank=True)
    chairing = models.CharField(max_length=12, choices=Chairing.choices, default=Chairing.SINGLE)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    co_chair = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Agencies invited to the whole meeting (core members); item guests add their own agency for their items.
    agencies = models.ManyToManyField("organisations.Agency", blank=True, related_name="+")
    contributions_due = models.DateField("Contributions due by", null=True, blank=True)
    status = models.CharField(max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED)
    series = models.UUIDField(null=True, blank=True, editable=False, db_index=True)
    cancel_reason = models.TextField(blank=True)
    invitations_sent_at = models.DateTimeField(null=True, blank=True)
    #: The calendar invitation's SEQUENCE (RFC 5545): goes up when the meeting moves or is cancelled.
    calendar_sequence = models.PositiveIntegerField(default=0, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    #: Recorded when the meeting is closed, from the attendance and the panel's rule (R19).
    quorate = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["date", "start_time", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(meeting_type__in=MeetingType.values), name="meeting_type_known"),
            models.CheckConstraint(condition=Q(status__in=MeetingStatus.values), name="meeting_status_known"),
            models.CheckConstraint(condition=Q(chairing__in=Chairing.values), name="meeting_chairing_known"),
            models.CheckConstraint(
                condition=~Q(chairing=Chairing.CO_CHAIRED) | Q(co_chair__isnull=False),
                name="meeting_co_chaired_names_co_chair",
            ),
            models.CheckConstraint(condition=~Q(venue="", online_link=""), name="meeting_has_venue_or_link"),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.CANCELLED) | ~Q(cancel_reason=""),
                name="meeting_cancelled_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=MeetingStatus.HELD) | Q(closed_at__isnull=False),
                name="meeting_held_has_closed_at",
            ),
        ]
        indexes = [models.Index(fields=["panel", "status", "date"])]

    def __str__(self) -> str:
        return f"{self.get_meeting_type_display()}, {self.date:%-d %B %Y}"

    @property
    def audit_label(self) -> str:
        return f"Meeting {self.date:%Y-%m-%d} ({self.get_meeting_type_display()})"

    @property
    def audit_partnership_id(self) -> int:
        return self.panel.partnership_id

    @property
    def is_context_conference(self) -> bool:
        """R24: no child is named or listed at a context conference."""
        return self.meeting_type == MeetingType.CONTEXT

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def is_held(self) -> bool:
        return self.status == MeetingStatus.HELD


class Strand(models.TextChoices):
    """VOLT strands, in agenda order."""

    CHILDREN = "children", "Victims: children and young people"
    PERSONS = "persons", "Offenders: persons of concern"
    LOCATIONS = "locations", "Locations"
    GROUPS = "groups", "Groups"
    THEMES = "themes", "Themes"
    OTHER = "other", "Other business"


STRAND_ORDER = {strand: i for i, strand in enumerate(Strand.values)}
STRAND_FOR_KIND = {
    "child": Strand.CHILDREN,
    "person": Strand.PERSONS,
    "location": Strand.LOCATIONS,
    "group": Strand.GROUPS,
    "theme": Strand.THEMES,
}


class ItemSource(models.TextChoices):
    REFERRAL = "referral", "New referral"
    REVIEW = "review", "Review"
    ADDED = "added", "Added"


class AgendaItem(TrackedModel):
    """One item on a meeting's agenda, and what the meeting recorded about it (R20).

    ``version`` guards the record of the discussion: two people saving the same item at once
    cannot overwrite each other."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="items")
    strand = models.CharField(max_length=10, choices=Strand.choices)
    subject = models.ForeignKey(
        "subjects.Subject", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    referral = models.ForeignKey(
        "referrals.Referral", null=True, blank=True, on_delete=models.PROTECT, related_name="agenda_items"
    )
    title = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)
    minutes_allowed = models.PositiveSmallIntegerField(
        "Time allowed (minutes)", default=10, validators=[MinValueValidator(1), MaxValueValidator(120)]
    )
    presenter = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    presenter_agency = models.ForeignKey(
        "organisations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(max_length=10, choices=ItemSource.choices, default=ItemSource.ADDED)
    # What the meeting recorded.
    discussion = models.TextField(blank=True)
    risk_decided = models.CharField(max_length=40, blank=True)
    decisions = models.TextField(blank=True)
    risk_change = models.ForeignKey(
        "subjects.RiskChange", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["meeting", "position", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(strand__in=Strand.values), name="agenda_item_strand_known"),
            models.CheckConstraint(condition=Q(source__in=ItemSource.values), name="agenda_item_source_known"),
            models.CheckConstraint(
                condition=Q(subject__isnull=False) | ~Q(title=""), name="agenda_item_has_subject_or_title"
            ),
            models.UniqueConstraint(
                fields=["meeting", "subject"],
                condition=Q(subject__isnull=False),
                name="agenda_item_subject_once_per_meeting",
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Never a person's name: a reference, or a place/group/theme's name, or the title."""
        subject = self.subject if self.subject_id is not None else None
        return subject.safe_label if subject is not None else self.title

    @property
    def audit_label(self) -> str:
        subject = self.subject if self.subject_id is not None else None
        return f"Agenda item {subject.reference}" if subject is not None else f"Agenda item {self.pk}"

    @property
    def audit_partnership_id(self) -> int:
        return self.meeting.panel.partnership_id

    @property
    def has_decision(self) -> bool:
        return bool(self.decisions.strip())


class InvitationScope(models.TextChoices):
    WHOLE = "whole", "The whole meeting"
    ITEMS = "items", "Only the items they are invited for"


class Invitation(TrackedModel):
    """Someone with a role on the panel, invited to the whole meeting (a core member) or only
    to some items (R21): a professional invited for one item sees only that item."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="invitations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="meeting_invitations")
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=10, choices=InvitationScope.choices, default=InvitationScope.WHOLE)
    items = models.ManyToManyField(AgendaItem, blank=True, related_name="guests")
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["meeting", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="invitation_once_per_person"),
            models.CheckConstraint(condition=Q(scope__in=InvitationScope.values), name="invitation_scope_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} to {self.meeting}"

    @property
    def audit_label(self) -> str:
        return f"Invitation of {self.user.email} to meeting {self.meeting.date:%Y-%m-%d}"

    @property
    def audit_partnership_id(self) -> int:
        return self.meeting.panel.partnership_id


class Acknowledgement(models.Model):
    """R23: the person confirmed, before opening the pack, that they will keep it confidential."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="acknowledgements")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="acknowledged_once_per_meeting")]

    def __str__(self) -> str:
        return f"{self.user} acknowledged {self.meeting}"


class ContributionStatus(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    NOTHING_HELD = "nothing_held", "Nothing held"


#: How the grid reads a missing contribution.
NOT_SENT = "not_sent"
NOT_ASKED = "not_asked"


class Contribution(TrackedModel):
    """What one agency knows about one agenda item, sent before the meeting (or that it holds nothing)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.PROTECT, related_name="contributions")
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=12, choices=ContributionStatus.choices)
    text = models.TextField(blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["item", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["item", "agency"], name="contribution_once_per_item_and_agency"),
            models.CheckConstraint(condition=Q(status__in=ContributionStatus.values), name="contribution_status_known"),
            models.CheckConstraint(
                condition=~Q(status=ContributionStatus.SUBMITTED) | ~Q(text=""),
                name="contribution_submitted_has_text",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency} on {self.item}"

    @property
    def audit_label(self) -> str:
        return f"Contribution of {self.agency.name} to {self.item.audit_label}"

    @property
    def audit_partnership_id(self) -> int:
        return self.item.meeting.panel.partnership_id


class Chase(models.Model):
    """The coordinator chased an agency's missing contributions (by e-mail, sent in the background)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="chases")
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    missing = models.PositiveIntegerField()
    recipients = models.PositiveIntegerField()
    chased_at = models.DateTimeField(auto_now_add=True)
    chased_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-chased_at"]

    def __str__(self) -> str:
        return f"Chased {self.agency} for {self.meeting}"


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", "Attended"
    DEPUTY = "deputy", "Sent a deputy"
    APOLOGIES = "apologies", "Apologies"
    ABSENT = "absent", "Absent"


PRESENT = frozenset({AttendanceStatus.ATTENDED, AttendanceStatus.DEPUTY})


class Attendance(TrackedModel):
    """Whether an agency was at the meeting (R19)."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="attendance")
    agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=AttendanceStatus.choices)
    representative = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["meeting", "agency__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "agency"], name="attendance_once_per_agency"),
            models.CheckConstraint(condition=Q(status__in=AttendanceStatus.values), name="attendance_status_known"),
        ]

    def __str__(self) -> str:
        return f"{self.agency}: {self.get_status_display()}"

    @property
    def is_present(self) -> bool:
        return self.status in PRESENT


class Answer(models.IntegerChoices):
    YES = 3, "Yes"
    PARTLY = 2, "Partly"
    NO = 1, "No"


FEEDBACK_QUESTIONS = (
    ("focused", "Was the meeting focused on exploitation (not wider case management)?"),
    ("clear_actions", "Did it end with clear actions: who, what and by when?"),
    ("effective_chairing", "Was the chairing effective?"),
)


class Feedback(TrackedModel):
    """An attendee's short view of one meeting; it rolls up for the chair and the partnership."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="feedback")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    focused = models.PositiveSmallIntegerField(choices=Answer.choices)
    clear_actions = models.PositiveSmallIntegerField(choices=Answer.choices)
    effective_chairing = models.PositiveSmallIntegerField(choices=Answer.choices)
    comment = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="feedback_once_per_person"),
            models.CheckConstraint(
                condition=Q(focused__in=Answer.values)
                & Q(clear_actions__in=Answer.values)
                & Q(effective_chairing__in=Answer.values),
                name="feedback_answers_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Feedback on {self.meeting}"

    @property
    def audit_label(self) -> str:
        return f"Feedback on meeting {self.meeting.date:%Y-%m-%d}"

    @property
    def audit_partnership_id(self) -> int:
        return self.meeting.panel.partnership_id
