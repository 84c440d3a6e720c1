"""During the meeting: attendance (and so quoracy), the record of each item — discussion, the
risk level decided, decisions — and closing the meeting."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.accounts.types import User
from macehub.audit.models import Action as AuditAction
from macehub.audit.services import record, save_with_audit
from macehub.core.services import snapshot, update_versioned
from macehub.organisations.models import Agency
from macehub.subjects.models import Kind, Subject

from ..models import ActionStatus, AgendaItem, Attendance, AttendanceStatus, Meeting, MeetingStatus
from ..policies import item_records
from ..selectors.actions import outstanding_actions
from ..selectors.agenda import in_agenda_order
from ..selectors.attendance import Quoracy, attendance_rows, quoracy
from .common import clean_text, refuse_children_names, require

RECORD_FIELDS = ["discussion", "risk_decided", "decisions"]


def attendance_record(*, actor: User, meeting: Meeting, rows: dict[int, tuple[str, str]]) -> Quoracy:
    """Record, for each agency, whether it attended, sent a deputy, gave apologies or was absent
    (``rows``: agency id → (status, representative)). A blank status removes the entry. Returns
    the quoracy worked out from the panel's rule."""
    require(actor, "plan_meeting", meeting)
    expected = {a.pk: a for a, _ in attendance_rows(meeting)}
    unknown = set(rows) - set(expected)
    if unknown:
        extra = Agency.objects.filter(pk__in=unknown, partnerships=meeting.panel.partnership_id)
        expected.update({a.pk: a for a in extra})
        if set(rows) - set(expected):
            raise ValidationError("Choose agencies of this partnership.")
    changes: dict[str, list[str]] = {}
    with transaction.atomic():
        # One writer per meeting at a time, reading what the previous one saved: the autosave
        # and the "Save" button (or two quick clicks) otherwise both create the same row.
        Meeting.objects.select_for_update().filter(pk=meeting.pk).values_list("pk", flat=True).first()
        current = {a.agency_id: a for a in Attendance.objects.filter(meeting=meeting)}
        for agency_id, (status, representative) in rows.items():
            existing = current.get(agency_id)
            representative = representative.strip()[:150]
            if not status:
                if existing is not None:
                    existing.delete()
                    changes[expected[agency_id].name] = [existing.status, ""]
                continue
            if status not in AttendanceStatus.values:
                raise ValidationError({f"status_{agency_id}": "Choose whether the agency attended"})
            if existing is None:
                Attendance.objects.create(
                    meeting=meeting,
                    agency_id=agency_id,
                    status=status,
                    representative=representative,
                    created_by=actor,
                    updated_by=actor,
                )
                changes[expected[agency_id].name] = ["", status]
            elif existing.status != status or existing.representative != representative:
                Attendance.objects.filter(pk=existing.pk).update(
                    status=status, representative=representative, updated_by=actor, updated_at=timezone.now()
                )
                changes[expected[agency_id].name] = [existing.status, status]
        if changes:
            record(action=AuditAction.UPDATE, actor=actor, obj=meeting, changes={"attendance": changes})
    return quoracy(meeting.panel, attendance_rows(meeting))


def item_record(
    *,
    actor: User,
    item: AgendaItem,
    expected_version: int,
    discussion: str,
    risk_decided: str,
    decisions: str,
) -> AgendaItem:
    """Save what the meeting recorded about an item (autosaved as the coordinator types).
    Refused with :class:`ConcurrentEditError` if someone else saved the item since this person
    last loaded or saved it, so neither loses their text. The risk level is applied to the child's
    record when the meeting is closed."""
    meeting = item.meeting
    require(actor, "plan_meeting", meeting)
    if not item_records.can(actor, "view", item):
        raise PermissionDenied("plan_meeting")
    risk_decided = risk_decided.strip()
    if risk_decided:
        if item.subject is None or item.subject.kind != Kind.CHILD:
            raise ValidationError({"risk_decided": "A risk level is decided for a child"})
        if risk_decided not in meeting.panel.risk_levels:
            raise ValidationError({"risk_decided": "Choose a level from the panel's risk scale"})
    before = snapshot(item, RECORD_FIELDS)
    item.discussion = clean_text(discussion)
    item.decisions = clean_text(decisions)
    item.risk_decided = risk_decided
    refuse_children_names(meeting, "discussion", item.discussion)
    refuse_children_names(meeting, "decisions", item.decisions)
    save_with_audit(
        item,
        actor=actor,
        expected_version=expected_version,
        fields=RECORD_FIELDS,
        before=before,
        redact=frozenset({"discussion", "decisions"}),
    )
    return item


def close_problems(actor: User, meeting: Meeting) -> list[str]:
    """Why the meeting cannot be closed yet, in plain words (empty when it can)."""
    problems = []
    if meeting.date > timezone.localdate():
        problems.append(f"The meeting is on {meeting.date:%-d %B %Y}: it can be closed on or after that day.")
    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("subject", "meeting"))
    undecided = [i for i in items if not i.has_decision]
    visible = [i for i in undecided if item_records.can(actor, "view", i)]
    if visible:
        problems.append("Record a decision for " + ", ".join(i.label for i in in_agenda_order(visible)) + ".")
    if len(visible) < len(undecided):
        problems.append(
            "Some items you cannot see (about persons of concern) have no decision yet: ask the chair to record them."
        )
    if not items:
        problems.append("The agenda is empty.")
    if not meeting.attendance.exists():
        problems.append("Record who attended.")
    outstanding = outstanding_actions(actor, meeting)
    unreviewed = [a for a, review in outstanding if review is None and a.status == ActionStatus.OPEN]
    if unreviewed:
        problems.append(
            "Decide each outstanding action (completed, carried forward or no longer needed): "
            + ", ".join(a.reference for a in unreviewed)
            + "."
        )
    return problems


def meeting_close(*, actor: User, meeting: Meeting, expected_version: int) -> Meeting:
    """Close a meeting once every item has a decision and every outstanding action has been
    decided: quoracy is recorded, risk levels decided for children are applied to their records
    (through the register's own service, so the history is kept), the records heard are taken off
    the "next meeting" list, and the minutes are drafted from the record."""
    from macehub.subjects.services import records as record_services

    from .minutes import minutes_draft

    require(actor, "plan_meeting", meeting)
    problems = close_problems(actor, meeting)
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().select_related("panel", "panel__partnership").get(pk=meeting.pk)
        if meeting.status != MeetingStatus.PLANNED:
            raise ValidationError("This meeting has already been closed.")
        quorum = quoracy(meeting.panel, attendance_rows(meeting))
        items = list(AgendaItem.objects.filter(meeting=meeting).select_related("subject", "subject__panel"))
        applied = []
        for item in items:
            subject = item.subject
            if subject is None or not item.risk_decided or subject.kind != Kind.CHILD:
                continue
            subject = Subject.objects.select_related("panel").get(pk=subject.pk)
            if subject.risk_level == item.risk_decided:
                continue
            change = record_services.subject_set_risk(
                actor=actor,
                subject=subject,
                expected_version=subject.version,
                level=item.risk_decided,
                reason=f"Decided at the {meeting.panel.name} meeting on {meeting.date:%-d %B %Y}.",
                decided_on=meeting.date,
            )
            AgendaItem.objects.filter(pk=item.pk).update(risk_change=change)
            applied.append(subject.reference)
        heard = [i.subject_id for i in items if i.subject_id]
        # The register's "listed for the next meeting" flag: these records have now been heard.
        Subject.objects.filter(pk__in=heard, for_next_meeting=True).update(for_next_meeting=False)
        meeting.status = MeetingStatus.HELD
        meeting.closed_at = timezone.now()
        meeting.closed_by = actor
        meeting.quorate = quorum.quorate
        update_versioned(
            meeting,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "closed_at", "closed_by", "quorate"],
        )
        minutes_draft(actor=actor, meeting=meeting)
        record(
            action=AuditAction.CLOSE,
            actor=actor,
            obj=meeting,
            changes={"status": [MeetingStatus.PLANNED, MeetingStatus.HELD]},
            detail={"quorate": quorum.quorate, "not_present": quorum.missing, "risk_levels_applied": applied},
        )
    return meeting
