"""Governance groups, their meetings, the project timeline, and the members area."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from macehub.core.models import TrackedModel


class GovernanceGroup(TrackedModel):
    class Kind(models.TextChoices):
        PROJECT_DELIVERY = "project_delivery", "Project Delivery Group"
        TASK_AND_FINISH = "task_and_finish", "Task and Finish group"
        CHAIRS_REFERENCE = "chairs_reference", "MACE Chairs Reference Group / Chairs Network"
        OTHER = "other", "Other group"

    name = models.CharField(max_length=150, unique=True)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    purpose = models.TextField(blank=True, help_text="One or two sentences: why the group exists.")
    terms_of_reference = models.TextField(blank=True)
    workstream = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["project_delivery", "task_and_finish", "chairs_reference", "other"]),
                name="review_group_kind_known",
            )
        ]

    def __str__(self) -> str:
        return self.name


class GroupMembership(TrackedModel):
    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        MEMBER = "member", "Member"
        SECRETARIAT = "secretariat", "Secretariat"

    group = models.ForeignKey(GovernanceGroup, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_group_memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    represents = models.CharField(
        max_length=150, blank=True, help_text="The agency or sector they bring, for example ‘Health (ICB)’."
    )

    class Meta:
        ordering = ["role", "user__full_name"]
        constraints = [
            models.UniqueConstraint(fields=["group", "user"], name="review_group_member_once"),
            models.CheckConstraint(
                condition=Q(role__in=["chair", "member", "secretariat"]), name="review_group_role_known"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.group})"


class GroupMeeting(TrackedModel):
    group = models.ForeignKey(GovernanceGroup, on_delete=models.CASCADE, related_name="meetings")
    meets_on = models.DateField()
    title = models.CharField(max_length=200)
    location = models.CharField(max_length=300, blank=True, help_text="A room, or ‘Online’.")
    notes = models.TextField(blank=True)
    decisions = models.TextField(blank=True, help_text="One decision per line.")

    class Meta:
        ordering = ["-meets_on", "-pk"]

    def __str__(self) -> str:
        return self.title

    def decision_list(self) -> list[str]:
        return [line.strip() for line in self.decisions.splitlines() if line.strip()]


class Milestone(TrackedModel):
    """A point on the project timeline (for example ‘Findings published — January 2023’)."""

    class Status(models.TextChoices):
        PLANNED = "planned", "Planned"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        DELAYED = "delayed", "Delayed"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    starts_on = models.DateField(null=True, blank=True)
    due_on = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PLANNED)
    completed_on = models.DateField(null=True, blank=True)
    group = models.ForeignKey(
        GovernanceGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="milestones"
    )

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["planned", "in_progress", "done", "delayed"]),
                name="review_milestone_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | Q(completed_on__isnull=False), name="review_done_milestone_has_date"
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(starts_on__lte=models.F("due_on")),
                name="review_milestone_starts_before_due",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NewsItem(TrackedModel):
    title = models.CharField(max_length=200)
    body = models.TextField()
    published_on = models.DateField()

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self) -> str:
        return self.title


class DirectoryListing(TrackedModel):
    """A person's choice to appear in the members' directory (off unless they opt in)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="review_directory_listing"
    )
    listed = models.BooleanField(default=False)
    note = models.CharField(
        max_length=200, blank=True, help_text="Optional, for example ‘Happy to share our terms of reference’."
    )

    class Meta:
        ordering = ["user__full_name"]

    def __str__(self) -> str:
        return f"{self.user} ({'listed' if self.listed else 'not listed'})"

    @property
    def audit_label(self) -> str:
        return f"directory listing of user {self.user_id}"
