"""Minutes: drafted from the record when the meeting closes, edited, approved by a chair (and
then never changed), corrected by new versions, distributed to the attendees with access.
Also the audit of opening packs and minutes, and attendees' feedback."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from macehub.accounts.types import User
from macehub.audit.models import Action as AuditAction
from macehub.audit.services import record
from macehub.core.email import send_later
from macehub.core.services import update_versioned

from ..models import (
    ActionReview,
    AgendaItem,
    Answer,
    Feedback,
    ItemMinute,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
)
from ..policies import item_records
from ..selectors.actions import actions_by_item
from ..selectors.attendance import attendance_rows, quoracy
from ..selectors.minutes import approved_minutes, distribution_list, minutes_versions
from .common import clean_text, refuse_children_names, require


def drafted_text(item: AgendaItem) -> str:
    parts = []
    if item.discussion.strip():
        parts.append(item.discussion.strip())
    if item.decisions.strip():
        parts.append(f"Decision: {item.decisions.strip()}")
    return "\n\n".join(parts)


def minutes_structure(meeting: Meeting) -> dict[str, Any]:
    """Attendance, quoracy, each item's risk decision and actions, and the decisions about earlier
    actions — what approval freezes into the minutes. A fixed number of queries."""
    rows = attendance_rows(meeting)
    quorum = quoracy(meeting.panel, rows)
    items = list(
        AgendaItem.objects.filter(meeting=meeting).select_related("subject", "presenter_agency", "risk_change")
    )
    actions = actions_by_item(items)
    reviews = list(
        ActionReview.objects.filter(meeting=meeting)
        .select_related("action", "action__subject", "action__owner_agency", "action__owner")
        .order_by("action__number")
    )
    chairs = [u.full_name for u in (meeting.chair, meeting.co_chair) if u is not None]
    return {
        "chairs": chairs,
        "chairing": meeting.get_chairing_display(),
        "attendance": [
            {
                "agency": agency.name,
                "status": att.get_status_display() if att else "Not recorded",
                "status_code": att.status if att else "",
                "representative": att.representative if att else "",
            }
            for agency, att in rows
        ],
        "quorate": quorum.quorate,
        "quorum": [{"label": p.label, "present": p.present} for p in quorum.parts],
        "missing": quorum.missing,
        "items": {
            str(item.pk): {
                "label": item.label,
                "kind": item.subject.kind if item.subject else "",
                "risk_decided": item.risk_decided,
                "risk_before": item.risk_change.previous_level if item.risk_change else "",
                "actions": [
                    {
                        "reference": a.reference,
                        "description": a.description,
                        "owner_agency": a.owner_agency.name,
                        "owner": a.owner.full_name if a.owner else "",
                        "due": a.due_date.isoformat(),
                    }
                    for a in actions.get(item.pk, [])
                ],
            }
            for item in items
        },
        "reviews": [
            {
                "reference": r.action.reference,
                "description": r.action.description,
                "subject": r.action.subject.safe_label if r.action.subject else "",
                "kind": r.action.subject.kind if r.action.subject else "",
                "owner_agency": r.action.owner_agency.name,
                "outcome": r.get_outcome_display(),
                "reason": r.get_reason_display() if r.reason else "",
                "reason_code": r.reason,
                "note": r.note,
                "new_due": r.new_due_date.isoformat() if r.new_due_date else "",
            }
            for r in reviews
        ],
    }


def minutes_draft(*, actor: User, meeting: Meeting) -> Minutes:
    """Version 1, drafted from what was recorded for each item (called when the meeting closes)."""
    if meeting.status != MeetingStatus.HELD:
        raise ValidationError("Minutes are drafted once the meeting is closed.")
    if Minutes.objects.filter(meeting=meeting).exists():
        raise ValidationError("This meeting already has minutes.")
    with transaction.atomic():
        minutes = Minutes.objects.create(meeting=meeting, number=1, created_by=actor, updated_by=actor)
        ItemMinute.objects.bulk_create(
            ItemMinute(minutes=minutes, item=item, text=drafted_text(item), created_by=actor, updated_by=actor)
            for item in AgendaItem.objects.filter(meeting=meeting)
        )
        record(action=AuditAction.CREATE, actor=actor, obj=minutes, detail={"drafted_from_record": True})
    return minutes


def _require_draft(minutes: Minutes) -> None:
    if minutes.status != MinutesStatus.DRAFT:
        raise ValidationError("Approved minutes cannot be changed: start a correction instead.")


def minute_save(*, actor: User, minute: ItemMinute, expected_version: int, text: str) -> ItemMinute:
    """Edit one item's minute in the draft (optimistic locking, as for the record)."""
    minutes = minute.minutes
    meeting = minutes.meeting
    require(actor, "manage_meeting", meeting)
    if not item_records.can(actor, "view", minute.item):
        raise PermissionDenied("manage_meeting")
    _require_draft(minutes)
    minute.text = clean_text(text)
    refuse_children_names(meeting, "text", minute.text)
    with transaction.atomic():
        update_versioned(minute, expected_version=expected_version, actor=actor, fields=["text"])
        record(action=AuditAction.UPDATE, actor=actor, obj=minute, changes={"text": ["(edited)", "(edited)"]})
    return minute


def opening_save(*, actor: User, minutes: Minutes, expected_version: int, opening: str) -> Minutes:
    require(actor, "manage_meeting", minutes.meeting)
    _require_draft(minutes)
    minutes.opening = clean_text(opening)
    refuse_children_names(minutes.meeting, "opening", minutes.opening)
    with transaction.atomic():
        update_versioned(minutes, expected_version=expected_version, actor=actor, fields=["opening"])
        record(action=AuditAction.UPDATE, actor=actor, obj=minutes, changes={"opening": ["(edited)", "(edited)"]})
    return minutes


def minutes_approve(*, actor: User, minutes: Minutes, expected_version: int) -> Minutes:
    """Only a chair approves minutes. Approval freezes them (attendance, quoracy, decisions and
    actions as they stand); a correction approved later replaces the earlier version, which is kept."""
    meeting = minutes.meeting
    require(actor, "approve_minutes", meeting)
    _require_draft(minutes)
    now = timezone.now()
    with transaction.atomic():
        earlier = list(Minutes.objects.filter(meeting=meeting, status=MinutesStatus.APPROVED))
        Minutes.objects.filter(pk__in=[m.pk for m in earlier]).update(status=MinutesStatus.SUPERSEDED)
        minutes.snapshot = minutes_structure(meeting)
        minutes.status = MinutesStatus.APPROVED
        minutes.approved_by = actor
        minutes.approved_at = now
        update_versioned(
            minutes,
            expected_version=expected_version,
            actor=actor,
            fields=["snapshot", "status", "approved_by", "approved_at"],
        )
        record(
            action=AuditAction.SIGN_OFF,
            actor=actor,
            obj=minutes,
            changes={"status": [MinutesStatus.DRAFT, MinutesStatus.APPROVED]},
            detail={"replaces": [f"v{m.number}" for m in earlier]},
        )
    return minutes


def minutes_correct(*, actor: User, meeting: Meeting, reason: str) -> Minutes:
    """Start a correction of approved minutes: a new draft version, with the reason, copied from the
    approved one. The approved version stays in force until a chair approves the correction."""
    require(actor, "manage_meeting", meeting)
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Enter what needs correcting and why"})
    approved = approved_minutes(meeting)
    if approved is None:
        raise ValidationError("Only approved minutes are corrected; edit the draft instead.")
    if Minutes.objects.filter(meeting=meeting, status=MinutesStatus.DRAFT).exists():
        raise ValidationError("A correction is already being drafted.")
    number = max(m.number for m in minutes_versions(meeting)) + 1
    with transaction.atomic():
        draft = Minutes.objects.create(
            meeting=meeting,
            number=number,
            opening=approved.opening,
            correction_reason=reason,
            created_by=actor,
            updated_by=actor,
        )
        ItemMinute.objects.bulk_create(
            ItemMinute(minutes=draft, item_id=m.item_id, text=m.text, created_by=actor, updated_by=actor)
            for m in approved.items.all()
        )
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=draft,
            detail={"correction_of": f"v{approved.number}"},
            purpose=reason,
        )
    return draft


def minutes_distribute(*, actor: User, minutes: Minutes) -> int:
    """Tell the attendees with access (invited people whose agency was there) that the approved
    minutes are ready. The e-mail carries no content: each person signs in and sees only the items
    they may see."""
    meeting = minutes.meeting
    require(actor, "manage_meeting", meeting)
    if minutes.status != MinutesStatus.APPROVED:
        raise ValidationError("Only approved minutes are distributed.")
    recipients = distribution_list(meeting)
    now = timezone.now()
    with transaction.atomic():
        for invitation in recipients:
            send_later(
                template="meetings/email/minutes",
                to=[invitation.user.email],
                context={"meeting": meeting, "panel": meeting.panel, "minutes": minutes},
            )
        Minutes.objects.filter(pk=minutes.pk).update(distributed_at=now)
        minutes.distributed_at = now
        record(
            action=AuditAction.DISTRIBUTE,
            actor=actor,
            obj=minutes,
            detail={"to": [i.user.email for i in recipients]},
        )
    return len(recipients)


def pack_viewed(*, actor: User, meeting: Meeting, items: int, pdf: bool = False) -> None:
    with transaction.atomic():
        record(
            action=AuditAction.DOWNLOAD if pdf else AuditAction.VIEW,
            actor=actor,
            obj=meeting,
            detail={"page": "meeting pack PDF" if pdf else "meeting pack", "items": items},
        )


def minutes_viewed(*, actor: User, minutes: Minutes, items: int, pdf: bool = False) -> None:
    with transaction.atomic():
        record(
            action=AuditAction.DOWNLOAD if pdf else AuditAction.VIEW,
            actor=actor,
            obj=minutes,
            detail={"page": "minutes PDF" if pdf else "minutes", "items": items},
        )


def record_viewed(*, actor: User, meeting: Meeting, page: str, items: int) -> None:
    with transaction.atomic():
        record(action=AuditAction.VIEW, actor=actor, obj=meeting, detail={"page": page, "items": items})


def feedback_give(
    *, actor: User, meeting: Meeting, focused: int, clear_actions: int, effective_chairing: int, comment: str
) -> Feedback:
    """An attendee's short view of the meeting: once each."""
    require(actor, "give_feedback", meeting)
    if Feedback.objects.filter(meeting=meeting, user=actor).exists():
        raise ValidationError("You have already given feedback on this meeting. Thank you.")
    for name, value in (
        ("focused", focused),
        ("clear_actions", clear_actions),
        ("effective_chairing", effective_chairing),
    ):
        if value not in Answer.values:
            raise ValidationError({name: "Choose yes, partly or no"})
    comment = clean_text(comment)
    refuse_children_names(meeting, "comment", comment)
    feedback = Feedback(
        meeting=meeting,
        user=actor,
        focused=focused,
        clear_actions=clear_actions,
        effective_chairing=effective_chairing,
        comment=comment,
        created_by=actor,
        updated_by=actor,
    )
    feedback.full_clean()
    with transaction.atomic():
        try:
            with transaction.atomic():
                feedback.save()
        except IntegrityError:
            # The same form sent twice at once: the first one counted.
            raise ValidationError("You have already given feedback on this meeting. Thank you.") from None
        record(action=AuditAction.SUBMIT, actor=actor, obj=feedback)
    return feedback
