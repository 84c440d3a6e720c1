"""Scheduling meetings (one-off or on the panel's cadence), changing and cancelling them,
and inviting people (core members to the whole meeting, professionals to single items)."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import date, time
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.accounts.types import User
from macehub.audit.models import Action as AuditAction
from macehub.audit.services import record
from macehub.core.access import PANEL_ROLES
from macehub.core.email import send_later
from macehub.core.services import field_changes, snapshot, update_versioned
from macehub.organisations.models import Agency

from ..models import Chairing, Invitation, InvitationScope, Meeting, MeetingStatus, MeetingType
from ..selectors.invitations import (
    default_core_agencies,
    invitations_of,
    panel_chairs,
    panel_people,
    partnership_agencies,
)
from .common import next_dates, require

MEETING_FIELDS = [
    "meeting_type",
    "date",
    "start_time",
    "end_time",
    "venue",
    "online_link",
    "chairing",
    "chair",
    "co_chair",
    "contributions_due",
]
MAX_REPEATS = 26
#: A change to any of these moves the meeting in people's calendars: an update is sent.
CALENDAR_FIELDS = ("date", "start_time", "end_time", "venue")


def _check(meeting: Meeting) -> None:
    errors: dict[str, str] = {}
    chairs = {u.pk for u in panel_chairs(meeting.panel)}
    if meeting.chair_id is None:
        errors["chair"] = "Choose who chairs the meeting"
    elif meeting.chair_id not in chairs:
        errors["chair"] = "Choose a chair of this panel"
    if meeting.chairing == Chairing.CO_CHAIRED:
        if meeting.co_chair_id is None:
            errors["co_chair"] = "Choose the co-chair"
        elif meeting.co_chair_id not in chairs:
            errors["co_chair"] = "Choose a chair of this panel"
        elif meeting.co_chair_id == meeting.chair_id:
            errors["co_chair"] = "Choose a different person as co-chair"
    else:
        meeting.co_chair = None
    if not meeting.venue.strip() and not meeting.online_link.strip():
        errors["venue"] = "Enter where the meeting is, or the link to join it online"
    if meeting.end_time and meeting.end_time <= meeting.start_time:
        errors["end_time"] = "The end time must be after the start time"
    if meeting.contributions_due and meeting.contributions_due > meeting.date:
        errors["contributions_due"] = "Contributions must be due on or before the day of the meeting"
    if errors:
        raise ValidationError(errors)


def _default_invitations(meeting: Meeting) -> None:
    """Core agencies, and invitations for the panel's people: coordinators, chairs and the
    representatives of core agencies to the whole meeting; everyone else is invited item by item."""
    core = default_core_agencies(meeting.panel)
    meeting.agencies.set(core)
    core_ids = {a.pk for a in core}
    seen: set[int] = set()
    rows = []
    for membership in panel_people(meeting.panel):
        if membership.user_id in seen:
            continue
        whole = membership.role in ("coordinator", "panel_chair") or membership.agency_id in core_ids
        if not whole:
            continue
        seen.add(membership.user_id)
        rows.append(
            Invitation(
                meeting=meeting,
                user_id=membership.user_id,
                agency_id=membership.agency_id,
                scope=InvitationScope.WHOLE,
                created_by=meeting.created_by,
                updated_by=meeting.created_by,
            )
        )
    Invitation.objects.bulk_create(rows)


def meeting_schedule(
    *,
    actor: User,
    panel: Any,
    values: dict[str, Any],
    repeat: int = 1,
) -> list[Meeting]:
    """Schedule a meeting, or ``repeat`` meetings on the panel's cadence from the date given.
    Core members are invited straight away (nothing is sent until the coordinator sends it)."""
    require(actor, "schedule", panel)
    if not 1 <= repeat <= MAX_REPEATS:
        raise ValidationError({"repeat": f"Enter a number of meetings from 1 to {MAX_REPEATS}"})
    first: date = values["date"]
    if first < timezone.localdate():
        raise ValidationError({"date": "The date of the meeting must be today or in the future"})
    series = uuid.uuid4() if repeat > 1 else None
    due_gap = (first - values["contributions_due"]) if values.get("contributions_due") else None
    meetings = []
    with transaction.atomic():
        for day in next_dates(panel.cadence, first, repeat):
            meeting = Meeting(
                panel=panel,
                series=series,
                created_by=actor,
                updated_by=actor,
                **{**values, "date": day, "contributions_due": (day - due_gap) if due_gap is not None else None},
            )
            _check(meeting)
            meeting.full_clean()
            meeting.save()
            _default_invitations(meeting)
            meetings.append(meeting)
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=meetings[0],
            changes=snapshot(meetings[0], ["meeting_type", "date", "chairing", "chair", "co_chair"]),
            detail={"meetings": len(meetings), "dates": [m.date.isoformat() for m in meetings]},
        )
    return meetings


def meeting_update(*, actor: User, meeting: Meeting, expected_version: int, values: dict[str, Any]) -> Meeting:
    require(actor, "plan_meeting", meeting)
    fields = [f for f in MEETING_FIELDS if f in values]
    before = snapshot(meeting, fields)
    for name in fields:
        setattr(meeting, name, values[name])
    if meeting.meeting_type == MeetingType.CONTEXT and meeting.items.filter(subject__kind="child").exists():
        raise ValidationError(
            {"meeting_type": "A context conference does not discuss named children: remove the children's items first"}
        )
    _check(meeting)
    moved = [f for f in CALENDAR_FIELDS if f in fields and before[f] != snapshot(meeting, [f])[f]]
    if moved:
        meeting.calendar_sequence += 1
        fields = [*fields, "calendar_sequence"]
    with transaction.atomic():
        update_versioned(meeting, expected_version=expected_version, actor=actor, fields=fields)
        changes = field_changes(before, snapshot(meeting, [f for f in fields if f != "calendar_sequence"]))
        told = _send_calendar_update(meeting, template="meetings/email/meeting_moved", method="REQUEST") if moved else 0
        if changes:
            detail = {"calendar_updates_sent": told} if moved else None
            record(action=AuditAction.UPDATE, actor=actor, obj=meeting, changes=changes, detail=detail)
    return meeting


def _send_calendar_update(meeting: Meeting, *, template: str, method: str) -> int:
    """E-mail everyone already sent an invitation the meeting's new calendar entry."""
    from ..calendar import attachment

    told = 0
    for invitation in invitations_of(meeting):
        if invitation.sent_at is None:
            continue
        send_later(
            template=template,
            to=[invitation.user.email],
            context={"meeting": meeting, "panel": meeting.panel, "invitation": invitation},
            attachments=[attachment(meeting, method=method, attendee=invitation.user)],
        )
        told += 1
    return told


def meeting_cancel(*, actor: User, meeting: Meeting, expected_version: int, reason: str) -> Meeting:
    """Cancel a planned meeting; its agenda stays on record, and the records listed on it can be
    added to another meeting."""
    require(actor, "plan_meeting", meeting)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the meeting is cancelled"})
    meeting.status = MeetingStatus.CANCELLED
    meeting.cancel_reason = reason.strip()
    meeting.calendar_sequence += 1
    with transaction.atomic():
        update_versioned(
            meeting,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "cancel_reason", "calendar_sequence"],
        )
        told = _send_calendar_update(meeting, template="meetings/email/meeting_cancelled", method="CANCEL")
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=meeting,
            changes={"status": [MeetingStatus.PLANNED, MeetingStatus.CANCELLED]},
            detail={"reason": meeting.cancel_reason, "calendar_cancellations_sent": told},
        )
    return meeting


def invitations_set(
    *,
    actor: User,
    meeting: Meeting,
    agencies: Iterable[Agency],
    scopes: dict[int, str],
) -> None:
    """Which agencies are core members, and who is invited to the whole meeting, to some items,
    or not at all (``scopes``: membership user id → "whole", "items" or ""). People invited for
    items keep the items they were invited for."""
    require(actor, "plan_meeting", meeting)
    memberships = panel_people(meeting.panel)
    people = {m.user_id: m for m in memberships}
    members = {m.user_id for m in memberships if m.role in PANEL_ROLES}
    agency_list = list(agencies)
    partnership_agency_ids = set(partnership_agencies(meeting.panel).values_list("pk", flat=True))
    if any(a.pk not in partnership_agency_ids for a in agency_list):
        raise ValidationError({"agencies": "Choose agencies of this partnership"})
    existing = {i.user_id: i for i in Invitation.objects.filter(meeting=meeting)}
    added, removed, changed = [], [], []
    with transaction.atomic():
        meeting.agencies.set(agency_list)
        for user_id, scope in scopes.items():
            membership = people.get(user_id)
            if membership is None:
                raise ValidationError({"__all__": "Choose people who have a role on this panel"})
            current = existing.get(user_id)
            if not scope:
                if current is not None:
                    current.items.clear()
                    current.delete()
                    removed.append(membership.user.email)
                continue
            if scope not in InvitationScope.values:
                raise ValidationError({"__all__": "Choose how each person is invited"})
            if scope == InvitationScope.WHOLE and user_id not in members:
                # R21: a professional invited for an item sees that item, never the whole meeting.
                raise ValidationError(
                    {
                        f"scope_{user_id}": f"{membership.user.full_name} is invited for items only: choose "
                        "‘Only their items’, or ask the borough admin to make them a panel member"
                    }
                )
            if current is None:
                Invitation.objects.create(
                    meeting=meeting,
                    user_id=user_id,
                    agency_id=membership.agency_id,
                    scope=scope,
                    created_by=actor,
                    updated_by=actor,
                )
                added.append(membership.user.email)
            elif current.scope != scope:
                Invitation.objects.filter(pk=current.pk).update(
                    scope=scope, updated_by=actor, updated_at=timezone.now()
                )
                changed.append(membership.user.email)
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=meeting,
            detail={
                "invitations": {"added": added, "removed": removed, "changed": changed},
                "core_agencies": sorted(a.name for a in agency_list),
            },
        )


def invite_for_item(*, actor: User, item: Any, user_ids: Iterable[int]) -> list[Invitation]:
    """Invite professionals for one item (R21): they see that item only, unless they are already
    invited to the whole meeting."""
    meeting = item.meeting
    require(actor, "plan_meeting", meeting)
    people = {m.user_id: m for m in panel_people(meeting.panel)}
    invitations = []
    with transaction.atomic():
        for user_id in user_ids:
            membership = people.get(user_id)
            if membership is None:
                raise ValidationError({"guests": "Choose people who have a role on this panel"})
            invitation, _ = Invitation.objects.get_or_create(
                meeting=meeting,
                user_id=user_id,
                defaults={
                    "agency_id": membership.agency_id,
                    "scope": InvitationScope.ITEMS,
                    "created_by": actor,
                    "updated_by": actor,
                },
            )
            if invitation.scope == InvitationScope.ITEMS:
                invitation.items.add(item)
            invitations.append(invitation)
        if invitations:
            record(
                action=AuditAction.UPDATE,
                actor=actor,
                obj=item,
                detail={"invited_for_item": [people[i.user_id].user.email for i in invitations]},
            )
    return invitations


def uninvite_from_item(*, actor: User, item: Any, user_ids: Iterable[int]) -> None:
    meeting = item.meeting
    require(actor, "plan_meeting", meeting)
    with transaction.atomic():
        gone = []
        for invitation in Invitation.objects.filter(
            meeting=meeting, user_id__in=list(user_ids), scope=InvitationScope.ITEMS
        ):
            invitation.items.remove(item)
            gone.append(invitation.user.email)
        if gone:
            record(action=AuditAction.UPDATE, actor=actor, obj=item, detail={"no_longer_invited_for_item": gone})


def invitations_send(*, actor: User, meeting: Meeting) -> int:
    """E-mail everyone invited who has not yet been told: the date, where, and (for items) that
    their agency's contribution is asked for by the deadline. The e-mail names no one."""
    require(actor, "plan_meeting", meeting)
    pending = [
        i for i in invitations_of(meeting) if i.sent_at is None and (i.scope == InvitationScope.WHOLE or i.items.all())
    ]
    now = timezone.now()
    from ..calendar import attachment

    with transaction.atomic():
        for invitation in pending:
            send_later(
                template="meetings/email/invitation",
                to=[invitation.user.email],
                context={
                    "meeting": meeting,
                    "panel": meeting.panel,
                    "invitation": invitation,
                    "item_count": len(invitation.items.all()),
                },
                attachments=[attachment(meeting, method="REQUEST", attendee=invitation.user)],
            )
        Invitation.objects.filter(pk__in=[i.pk for i in pending]).update(sent_at=now)
        Meeting.objects.filter(pk=meeting.pk).update(invitations_sent_at=now)
        meeting.invitations_sent_at = now
        record(
            action=AuditAction.DISTRIBUTE,
            actor=actor,
            obj=meeting,
            detail={"invitations_sent": len(pending), "to": [i.user.email for i in pending]},
        )
    return len(pending)


def acknowledge(*, actor: User, meeting: Meeting) -> None:
    """R23: the person confirms they will keep the pack confidential, once per meeting."""
    from ..models import Acknowledgement

    require(actor, "view_pack", meeting)
    with transaction.atomic():
        _, created = Acknowledgement.objects.get_or_create(meeting=meeting, user=actor)
        if created:
            record(
                action=AuditAction.CREATE,
                actor=actor,
                obj=meeting,
                detail={"confidentiality_acknowledged": True},
            )


def default_times() -> tuple[time, time]:
    return time(10, 0), time(12, 0)
