"""Actions: agreeing them, completing them, deciding about them at the next meeting (done,
carried forward with a reason, no longer needed), escalating repeated non-completion to the
chair, and reminders before and after the due date."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from macehub.accounts.types import User
from macehub.audit.models import Action as AuditAction
from macehub.audit.services import record, save_with_audit
from macehub.core.email import send_later
from macehub.core.services import snapshot, update_versioned
from macehub.organisations.models import Agency
from macehub.subjects.models import Kind
from macehub.subjects.policies import records

from ..models import (
    Action,
    ActionReview,
    ActionStatus,
    AgendaItem,
    CarryReason,
    Meeting,
    ReviewOutcome,
)
from ..policies import action_records, item_records, policy
from ..selectors.invitations import panel_chairs, panel_people
from .common import clean_text, refuse_children_names, require

#: Reminders go this many days before the due date, and on the first day an action is overdue
#: (then weekly while it stays overdue).
REMIND_BEFORE_DAYS = 3
OVERDUE_REPEAT_DAYS = 7
#: An action carried forward this many times because its agency did not act is escalated to the
#: chair; so is an agency with this many such carry-forwards (any actions) in six months.
ESCALATE_ACTION_AFTER = 2
ESCALATE_AGENCY_AFTER = 3
ESCALATION_WINDOW = timedelta(days=183)

ACTION_FIELDS = ["description", "owner_agency", "owner", "due_date"]


def _next_number(panel_id: int) -> int:
    return int(Action.objects.filter(panel_id=panel_id).aggregate(last=Max("number"))["last"] or 0) + 1


def _check_owner(action: Action) -> None:
    """The owner agency works with the panel's partnership; the owner person represents that
    agency on the panel; an action about a person of concern goes only to someone allowed to see them."""
    panel = action.panel
    if not Agency.objects.filter(pk=action.owner_agency_id, partnerships=panel.partnership_id).exists():
        raise ValidationError({"owner_agency": "Choose an agency of this partnership"})
    if action.owner_id is not None:
        people = {(m.user_id, m.agency_id) for m in panel_people(panel)}
        if (action.owner_id, action.owner_agency_id) not in people:
            raise ValidationError({"owner": "Choose someone who represents the owning agency on this panel"})
    subject = action.subject
    if subject is not None and subject.kind == Kind.PERSON:
        allowed_type = action.owner_agency.agency_type in panel.poc_visible_agency_types
        allowed_person = action.owner is not None and records.can(action.owner, "view", subject)
        if not (allowed_type or allowed_person):
            raise ValidationError(
                {"owner_agency": "Only people the panel allows to see persons of concern can own this action"}
            )


def action_create(
    *,
    actor: User,
    meeting: Meeting,
    item: AgendaItem | None,
    description: str,
    owner_agency: Agency,
    owner: Any,
    due_date: date,
) -> Action:
    """Agree an action at a meeting: what, which agency (and who), by when; linked to the item's
    record. Due dates are in the future."""
    require(actor, "plan_meeting", meeting)
    if item is not None and (item.meeting_id != meeting.pk or not item_records.can(actor, "view", item)):
        raise ValidationError("Choose an item of this meeting.")
    description = clean_text(description)
    if not description:
        raise ValidationError({"description": "Enter what needs to be done"})
    refuse_children_names(meeting, "description", description)
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date must be today or in the future"})
    action = Action(
        panel=meeting.panel,
        number=0,
        meeting=meeting,
        item=item,
        subject=item.subject if item is not None else None,
        description=description,
        owner_agency=owner_agency,
        owner=owner,
        due_date=due_date,
        created_by=actor,
        updated_by=actor,
    )
    _check_owner(action)
    action.full_clean(exclude=["number"])
    with transaction.atomic():
        for attempt in range(5):
            action.number = _next_number(meeting.panel_id)
            try:
                with transaction.atomic():
                    action.save()
                break
            except IntegrityError:
                if attempt == 4:
                    raise
        record(
            action=AuditAction.CREATE,
            actor=actor,
            obj=action,
            changes=snapshot(action, ["owner_agency", "owner", "due_date"]),
            detail={"subject": action.subject.reference if action.subject else "", "meeting": meeting.date},
        )
    return action


def action_update(*, actor: User, action: Action, expected_version: int, values: dict[str, Any]) -> Action:
    require(actor, "edit_action", action)
    fields = [f for f in ACTION_FIELDS if f in values]
    before = snapshot(action, fields)
    for name in fields:
        setattr(action, name, values[name])
    action.description = clean_text(action.description)
    if not action.description:
        raise ValidationError({"description": "Enter what needs to be done"})
    if action.meeting is not None:
        refuse_children_names(action.meeting, "description", action.description)
    _check_owner(action)
    save_with_audit(action, actor=actor, expected_version=expected_version, fields=fields, before=before)
    return action


def action_complete(*, actor: User, action: Action, expected_version: int, note: str) -> Action:
    """The owner (or their agency, or the coordinator) records that an action is done, and how."""
    require(actor, "complete_action", action)
    note = clean_text(note)
    if not note:
        raise ValidationError({"note": "Enter what was done"})
    action.status = ActionStatus.COMPLETED
    action.completed_at = timezone.now()
    action.completion_note = note
    with transaction.atomic():
        update_versioned(
            action,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "completed_at", "completion_note"],
        )
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=action,
            changes={"status": [ActionStatus.OPEN, ActionStatus.COMPLETED]},
        )
    return action


def _escalate(actor: User, action: Action, meeting: Meeting) -> bool:
    """R26: repeated non-completion by an agency goes to the panel's chairs."""
    did_not_act = ActionReview.objects.filter(action=action, reason=CarryReason.AGENCY_DID_NOT_ACT).count()
    since = meeting.date - ESCALATION_WINDOW
    agency_total = ActionReview.objects.filter(
        action__panel_id=action.panel_id,
        action__owner_agency_id=action.owner_agency_id,
        reason=CarryReason.AGENCY_DID_NOT_ACT,
        meeting__date__gte=since,
    ).count()
    if action.escalated_at is not None or (
        did_not_act < ESCALATE_ACTION_AFTER and agency_total < ESCALATE_AGENCY_AFTER
    ):
        return False
    action.escalated_at = timezone.now()
    Action.objects.filter(pk=action.pk).update(escalated_at=action.escalated_at)
    chairs = panel_chairs(action.panel)
    for chair in chairs:
        send_later(
            template="meetings/email/escalation",
            to=[chair.email],
            context={
                "action": action,
                "panel": action.panel,
                "agency": action.owner_agency,
                "did_not_act": did_not_act,
                "agency_total": agency_total,
            },
        )
    record(
        action=AuditAction.UPDATE,
        actor=actor,
        obj=action,
        changes={"escalated": [False, True]},
        detail={
            "escalated_to": [c.email for c in chairs],
            "agency": action.owner_agency.name,
            "times_agency_did_not_act_on_this_action": did_not_act,
            "agency_did_not_act_in_six_months": agency_total,
        },
    )
    return True


def action_review(
    *,
    actor: User,
    action: Action,
    meeting: Meeting,
    outcome: str,
    reason: str = "",
    note: str = "",
    new_due_date: date | None = None,
    expected_version: int | None = None,
) -> ActionReview:
    """At the next meeting, each open action is completed, carried forward — with a reason that
    says whether circumstances changed or the agency did not act — or no longer needed.
    Carrying forward because the agency did not act counts towards escalation to the chair."""
    require(actor, "plan_meeting", meeting)
    if action.panel_id != meeting.panel_id:
        raise ValidationError("Choose an action of this panel.")
    if action.is_open and not policy.can(actor, "decide_action", action):
        raise ValidationError("You own this action: another coordinator or chair records what the meeting decided.")
    if not action_records.can(actor, "view", action):  # a person of concern they may not see
        raise ValidationError("Choose an action of this panel.")
    if action.meeting_id == meeting.pk:
        raise ValidationError("An action is decided at a later meeting than the one that agreed it.")
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": "Choose what the meeting decided about the action"})
    note = clean_text(note)
    existing = ActionReview.objects.filter(action=action, meeting=meeting).first()
    if existing is not None:
        raise ValidationError("This meeting has already decided about this action.")
    if not action.is_open:
        raise ValidationError("This action is already closed.")
    if outcome == ReviewOutcome.CARRIED_FORWARD:
        errors = {}
        if reason not in CarryReason.values:
            errors["reason"] = "Choose why the action is carried forward"
        if new_due_date is None:
            errors["new_due_date"] = "Enter the new due date"
        elif new_due_date <= meeting.date:
            errors["new_due_date"] = "The new due date must be after the meeting"
        if errors:
            raise ValidationError(errors)
    elif outcome == ReviewOutcome.NO_LONGER_NEEDED and not note:
        raise ValidationError({"note": "Enter why the action is no longer needed"})
    elif outcome == ReviewOutcome.COMPLETED and not note and not action.completion_note:
        raise ValidationError({"note": "Enter what was done"})
    refuse_children_names(meeting, "note", note)
    review = ActionReview(
        action=action,
        meeting=meeting,
        outcome=outcome,
        reason=reason if outcome == ReviewOutcome.CARRIED_FORWARD else "",
        note=note,
        previous_due_date=action.due_date,
        new_due_date=new_due_date if outcome == ReviewOutcome.CARRIED_FORWARD else None,
        created_by=actor,
        updated_by=actor,
    )
    review.full_clean()
    with transaction.atomic():
        review.save()
        fields: list[str]
        if outcome == ReviewOutcome.CARRIED_FORWARD and new_due_date is not None:
            action.due_date = new_due_date
            action.times_carried_forward += 1
            action.reminded_before_on = None
            action.reminded_overdue_on = None
            fields = ["due_date", "times_carried_forward", "reminded_before_on", "reminded_overdue_on"]
        else:
            action.status = (
                ActionStatus.COMPLETED if outcome == ReviewOutcome.COMPLETED else ActionStatus.NO_LONGER_NEEDED
            )
            action.completed_at = timezone.now()
            action.completion_note = note or action.completion_note
            fields = ["status", "completed_at", "completion_note"]
        update_versioned(action, expected_version=expected_version or action.version, actor=actor, fields=fields)
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=action,
            detail={
                "reviewed_at_meeting": meeting.date.isoformat(),
                "outcome": outcome,
                "reason": review.reason,
                "new_due_date": new_due_date,
            },
        )
        if review.reason == CarryReason.AGENCY_DID_NOT_ACT:
            _escalate(actor, action, meeting)
    return review


def _recipients(action: Action) -> list[str]:
    """The owner; failing that, the owning agency's representatives on the panel."""
    if action.owner is not None and action.owner.is_active:
        return [action.owner.email]
    return sorted(
        {m.user.email for m in panel_people(action.panel) if m.agency_id == action.owner_agency_id and m.user.is_active}
    )


def send_reminders(*, today: date | None = None) -> dict[str, int]:
    """E-mail the owners of open actions due in three days, and of overdue actions (on the first
    overdue day, then weekly). Each reminder is recorded; running it twice in a day sends nothing
    twice. Run daily by ``manage.py send_action_reminders`` (through the task worker)."""
    today = today or timezone.localdate()
    soon = today + timedelta(days=REMIND_BEFORE_DAYS)
    sent = {"before": 0, "overdue": 0}
    due_soon = Action.objects.filter(
        status=ActionStatus.OPEN, due_date__gt=today, due_date__lte=soon, reminded_before_on__isnull=True
    ).select_related("panel", "panel__partnership", "owner", "owner_agency", "subject")
    overdue = Action.objects.filter(status=ActionStatus.OPEN, due_date__lt=today).select_related(
        "panel", "panel__partnership", "owner", "owner_agency", "subject"
    )
    for kind, actions in (("before", due_soon), ("overdue", overdue)):
        for action in actions:
            last = action.reminded_overdue_on
            if kind == "overdue" and last is not None and (today - last).days < OVERDUE_REPEAT_DAYS:
                continue
            to = _recipients(action)
            if not to:
                continue
            with transaction.atomic():
                send_later(
                    template=f"meetings/email/action_{kind}",
                    to=to,
                    context={"action": action, "panel": action.panel, "days_overdue": (today - action.due_date).days},
                )
                field = "reminded_before_on" if kind == "before" else "reminded_overdue_on"
                Action.objects.filter(pk=action.pk).update(**{field: today})
                record(action=AuditAction.REMIND, actor=None, obj=action, detail={"reminder": kind, "to": to})
            sent[kind] += 1
    return sent
