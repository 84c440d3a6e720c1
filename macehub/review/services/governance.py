"""Governance groups, their members and meetings, the project timeline, news and the directory."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core.services import field_changes, snapshot

from ..models import DirectoryListing, GovernanceGroup, GroupMeeting, GroupMembership, Milestone, NewsItem
from ..policies import policy
from .common import require

GROUP_FIELDS = ["name", "kind", "purpose", "terms_of_reference", "workstream", "is_active"]


def _save(
    *,
    actor: Any,
    target: Any,
    creating: bool,
    fields: list[str],
    values: dict[str, Any],
    expected_version: int | None,
    detail: dict[str, Any] | None = None,
) -> Any:
    before = {} if creating else snapshot(target, fields)
    for name in fields:
        if name in values:
            setattr(target, name, values[name])
    with transaction.atomic():
        if creating:
            target.full_clean()
            target.save()
            record(
                action=Action.CREATE,
                actor=actor,
                obj=target,
                changes=field_changes({}, snapshot(target, fields)),
                detail=detail,
            )
        else:
            save_with_audit(
                target, actor=actor, expected_version=expected_version or 0, fields=fields, before=before, detail=detail
            )
    return target


def group_save(
    *, actor: Any, group: GovernanceGroup | None, expected_version: int | None = None, **values: Any
) -> GovernanceGroup:
    require(actor, "manage_review")
    target = group or GovernanceGroup(created_by=actor, updated_by=actor)
    result: GovernanceGroup = _save(
        actor=actor,
        target=target,
        creating=group is None,
        fields=GROUP_FIELDS,
        values=values,
        expected_version=expected_version,
    )
    return result


def group_member_add(
    *, actor: Any, group: GovernanceGroup, user: Any, role: str, represents: str = ""
) -> GroupMembership:
    require(actor, "manage_review")
    membership = GroupMembership(
        group=group, user=user, role=role, represents=represents, created_by=actor, updated_by=actor
    )
    if not policy.can(actor, "add_group_member", membership):
        raise ValidationError(
            {"user": "You cannot add yourself to a group. Ask someone else in the London project team to add you."}
        )
    if GroupMembership.objects.filter(group=group, user=user).exists():
        raise ValidationError({"user": f"{user} is already a member of this group."})
    if not user.is_active:
        raise ValidationError({"user": "Choose someone whose account is active."})
    membership.full_clean()
    with transaction.atomic():
        membership.save()
        record(
            action=Action.CREATE,
            actor=actor,
            obj=membership,
            changes={"group": group.name, "user": user.email, "role": role, "represents": represents},
        )
    return membership


def group_member_remove(*, actor: Any, membership: GroupMembership) -> None:
    require(actor, "manage_review")
    with transaction.atomic():
        record(
            action=Action.DELETE,
            actor=actor,
            obj=membership,
            detail={"group": membership.group.name, "user": membership.user.email, "role": membership.role},
        )
        membership.delete()


MEETING_FIELDS = ["meets_on", "title", "location", "notes", "decisions"]


def group_meeting_save(
    *,
    actor: Any,
    group: GovernanceGroup,
    meeting: GroupMeeting | None,
    expected_version: int | None = None,
    **values: Any,
) -> GroupMeeting:
    """The group's chair or secretariat (or the London team) records a meeting, its notes and decisions."""
    require(actor, "record_group_meeting", group)
    target = meeting or GroupMeeting(group=group, created_by=actor, updated_by=actor)
    result: GroupMeeting = _save(
        actor=actor,
        target=target,
        creating=meeting is None,
        fields=MEETING_FIELDS,
        values=values,
        expected_version=expected_version,
    )
    return result


MILESTONE_FIELDS = ["title", "description", "starts_on", "due_on", "status", "completed_on", "group"]


def milestone_save(
    *, actor: Any, milestone: Milestone | None, expected_version: int | None = None, **values: Any
) -> Milestone:
    require(actor, "manage_review")
    if values.get("status") == Milestone.Status.DONE and not values.get("completed_on"):
        raise ValidationError({"completed_on": "Enter the date the milestone was reached"})
    if values.get("status") != Milestone.Status.DONE:
        values["completed_on"] = None
    starts, due = values.get("starts_on"), values.get("due_on")
    if starts and due and starts > due:
        raise ValidationError({"starts_on": "The start date must be on or before the due date"})
    target = milestone or Milestone(created_by=actor, updated_by=actor)
    result: Milestone = _save(
        actor=actor,
        target=target,
        creating=milestone is None,
        fields=MILESTONE_FIELDS,
        values=values,
        expected_version=expected_version,
    )
    return result


def news_publish(*, actor: Any, title: str, body: str, published_on: Any) -> NewsItem:
    require(actor, "manage_review")
    item = NewsItem(title=title, body=body, published_on=published_on, created_by=actor, updated_by=actor)
    result: NewsItem = _save(
        actor=actor,
        target=item,
        creating=True,
        fields=["title", "body", "published_on"],
        values={},
        expected_version=None,
    )
    return result


def directory_listing_save(*, actor: Any, listed: bool, note: str) -> DirectoryListing:
    """A member opts in to (or out of) the directory; nobody else can do it for them."""
    require(actor, "use_members_area")
    from django.contrib.auth import get_user_model

    with transaction.atomic():
        # One save per person at a time: the same form sent twice at once must not create
        # two listings (the second waits here, then finds the first and updates it).
        get_user_model().objects.select_for_update().filter(pk=actor.pk).values_list("pk", flat=True).first()
        listing = DirectoryListing.objects.filter(user=actor).first()
        creating = listing is None
        target = listing or DirectoryListing(user=actor, created_by=actor, updated_by=actor)
        result: DirectoryListing = _save(
            actor=actor,
            target=target,
            creating=creating,
            fields=["listed", "note"],
            values={"listed": listed, "note": note.strip()},
            expected_version=None if creating else target.version,
            detail={"event": "directory_opt_in" if listed else "directory_opt_out"},
        )
    return result
