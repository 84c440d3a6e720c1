"""Peer review rounds, meetings, findings, recommendations and implementation actions.

The chain the review must be able to show, end to end:

    self-assessment answers + meeting notes  →  finding  →  recommendation  →  owner
    →  implementation actions (milestones, progress updates with evidence)  →  closure
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from macehub.core.models import TrackedModel

from .cycles import Answer, Cycle
from .frameworks import ReviewArea


class ReviewRound(TrackedModel):
    class Status(models.TextChoices):
        OPEN = "open", "In progress"
        PUBLISHED = "published", "Findings published"

    name = models.CharField(max_length=120, unique=True, help_text="For example ‘2022 London MACE peer review’.")
    cycle = models.ForeignKey(
        Cycle,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_rounds",
        help_text="The self-assessment cycle the peer reviews build on.",
    )
    introduction = models.TextField(blank=True, help_text="Opens the findings report.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=["open", "published"]), name="review_round_status_known"),
            models.CheckConstraint(
                condition=Q(status="open") | Q(published_at__isnull=False), name="review_round_published_has_date"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED


class Sector(models.TextChoices):
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    LOCAL_AUTHORITY = "local_authority", "Local authority"
    OTHER = "other", "Other"


class PeerReview(TrackedModel):
    """One online peer-review meeting with one or more partnerships."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="reviews")
    title = models.CharField(max_length=200)
    partnerships = models.ManyToManyField("organisations.Partnership", related_name="peer_reviews")
    meeting_date = models.DateField()
    meeting_link = models.URLField("Online meeting link", max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    attendees = models.TextField(blank=True, help_text="Who attended, with their role and agency.")
    strengths = models.TextField(blank=True)
    areas_for_development = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "held", "cancelled"]), name="review_peer_review_status_known"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class ReviewerAssignment(models.Model):
    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="reviewer_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments")
    sector = models.CharField(max_length=20, choices=Sector.choices)

    class Meta:
        ordering = ["sector", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["review", "user"], name="review_reviewer_once_per_review"),
            models.CheckConstraint(condition=Q(sector__in=Sector.values), name="review_reviewer_sector_known"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_sector_display()})"


class ReviewNote(TrackedModel):
    """What the meeting found about one of the four review questions."""

    review = models.ForeignKey(PeerReview, on_delete=models.CASCADE, related_name="notes")
    area = models.CharField(max_length=20, choices=ReviewArea.choices)
    notes = models.TextField()

    class Meta:
        ordering = ["review", "area"]
        constraints = [
            models.UniqueConstraint(fields=["review", "area"], name="review_one_note_per_area"),
            models.CheckConstraint(condition=Q(area__in=ReviewArea.values), name="review_note_area_known"),
        ]

    def __str__(self) -> str:
        return f"{self.review}: {self.get_area_display()}"


class Theme(models.TextChoices):
    PROTOCOL = "protocol", "Protocol implementation and compliance"
    VOLT = "volt", "Understanding and using VOLT"
    MEETINGS = "meetings", "Meeting organisation and chairing"
    CONTRIBUTION = "contribution", "Multi-agency contribution"
    DATA = "data", "Data, oversight and impact"
    CROSS_BORDER = "cross_border", "Children who move across boroughs"
    TOOLS = "tools", "Tools and templates"


class Finding(TrackedModel):
    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="findings")
    theme = models.CharField(max_length=20, choices=Theme.choices)
    title = models.CharField(max_length=200)
    summary = models.TextField()
    partnerships = models.ManyToManyField(
        "organisations.Partnership", blank=True, related_name="review_findings", help_text="None means London-wide."
    )
    evidence_answers = models.ManyToManyField(Answer, blank=True, related_name="findings")
    evidence_notes = models.ManyToManyField(ReviewNote, blank=True, related_name="findings")
    source_review = models.ForeignKey(
        PeerReview, null=True, blank=True, on_delete=models.SET_NULL, related_name="findings"
    )

    class Meta:
        ordering = ["theme", "pk"]
        constraints = [models.CheckConstraint(condition=Q(theme__in=Theme.values), name="review_finding_theme_known")]

    def __str__(self) -> str:
        return self.title


class OwnerKind(models.TextChoices):
    UNASSIGNED = "", "Not assigned yet"
    GROUP = "group", "A governance group"
    PARTNERSHIP = "partnership", "A partnership"
    AGENCY = "agency", "An agency"


class Recommendation(TrackedModel):
    class Scope(models.TextChoices):
        LONDON = "london", "London-wide"
        PARTNERSHIP = "partnership", "For one partnership"

    class Status(models.TextChoices):
        PROPOSED = "proposed", "Proposed"
        ACCEPTED = "accepted", "Accepted and assigned"
        IN_PROGRESS = "in_progress", "In progress"
        IMPLEMENTED = "implemented", "Implemented"
        NOT_TAKEN_FORWARD = "not_taken_forward", "Not taken forward"

    round = models.ForeignKey(ReviewRound, on_delete=models.PROTECT, related_name="recommendations")
    findings = models.ManyToManyField(Finding, related_name="recommendations")
    reference = models.CharField(max_length=10, help_text="For example ‘R4’.")
    title = models.CharField(max_length=200)
    detail = models.TextField(blank=True)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.LONDON)
    partnership = models.ForeignKey(
        "organisations.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_recommendations",
    )
    owner_kind = models.CharField(max_length=20, choices=OwnerKind.choices, blank=True, default="")
    owner_group = models.ForeignKey(
        "review.GovernanceGroup", null=True, blank=True, on_delete=models.PROTECT, related_name="recommendations"
    )
    owner_partnership = models.ForeignKey(
        "organisations.Partnership", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    owner_agency = models.ForeignKey(
        "organisations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="review_recommendations"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PROPOSED)

    class Meta:
        ordering = ["round", "reference"]
        constraints = [
            models.UniqueConstraint(fields=["round", "reference"], name="review_recommendation_reference_unique"),
            models.CheckConstraint(
                condition=(
                    Q(scope="london", partnership__isnull=True) | Q(scope="partnership", partnership__isnull=False)
                ),
                name="review_recommendation_scope_matches_partnership",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        owner_kind="",
                        owner_group__isnull=True,
                        owner_partnership__isnull=True,
                        owner_agency__isnull=True,
                    )
                    | Q(
                        owner_kind="group",
                        owner_group__isnull=False,
                        owner_partnership__isnull=True,
                        owner_agency__isnull=True,
                    )
                    | Q(
                        owner_kind="partnership",
                        owner_group__isnull=True,
                        owner_partnership__isnull=False,
                        owner_agency__isnull=True,
                    )
                    | Q(
                        owner_kind="agency",
                        owner_group__isnull=True,
                        owner_partnership__isnull=True,
                        owner_agency__isnull=False,
                    )
                ),
                name="review_recommendation_one_owner",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["proposed", "accepted", "in_progress", "implemented", "not_taken_forward"]),
                name="review_recommendation_status_known",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference}. {self.title}"

    @property
    def owner(self) -> object | None:
        if self.owner_kind == OwnerKind.GROUP:
            return self.owner_group
        if self.owner_kind == OwnerKind.PARTNERSHIP:
            return self.owner_partnership
        if self.owner_kind == OwnerKind.AGENCY:
            return self.owner_agency
        return None

    @property
    def owner_label(self) -> str:
        owner = self.owner
        return str(owner) if owner is not None else "Not assigned yet"

    @property
    def audit_partnership_id(self) -> int | None:
        return self.partnership_id


class ImplementationAction(TrackedModel):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        AWAITING_CLOSURE = "awaiting_closure", "Waiting for closure approval"
        CLOSED = "closed", "Closed"

    #: Statuses a progress update may set (closure has its own steps).
    PROGRESS_STATUSES = (Status.NOT_STARTED, Status.ON_TRACK, Status.AT_RISK)

    recommendation = models.ForeignKey(Recommendation, on_delete=models.PROTECT, related_name="actions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="review_actions_led",
        help_text="The person who makes sure it happens.",
    )
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    closure_requested_at = models.DateTimeField(null=True, blank=True)
    closure_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "on_track", "at_risk", "awaiting_closure", "closed"]),
                name="review_action_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="closed") | Q(closed_at__isnull=False, closed_by__isnull=False),
                name="review_closed_action_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status != self.Status.CLOSED


class ActionMilestone(TrackedModel):
    action = models.ForeignKey(ImplementationAction, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(max_length=200)
    due_date = models.DateField()
    completed_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.title


class ProgressUpdate(TrackedModel):
    class Kind(models.TextChoices):
        PROGRESS = "progress", "Progress update"
        CLOSURE_REQUESTED = "closure_requested", "Closure requested"
        CLOSURE_APPROVED = "closure_approved", "Closure approved"
        CLOSURE_RETURNED = "closure_returned", "Closure not approved"

    action = models.ForeignKey(ImplementationAction, on_delete=models.PROTECT, related_name="updates")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PROGRESS)
    text = models.TextField()
    status_after = models.CharField(max_length=20, choices=ImplementationAction.Status.choices)
    evidence = models.ForeignKey("core.StoredFile", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.action}"
