"""Every write of cross-border working: sending a move, acknowledging, accepting or declining
it, the placement summaries, chasing and escalating, and finds in another partnership's area.

Each runs in one transaction with its audit event; e-mails are written to the outbox with the
change (``core.email.send_later``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from macehub.accounts.models import Membership
from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.casework.models import MissingEpisode, Plan, PlanStatus
from macehub.core.access import Role
from macehub.core.email import send_later
from macehub.core.services import snapshot
from macehub.meetings.models import Action as MeetingAction
from macehub.meetings.models import ActionStatus
from macehub.organisations.models import Panel, Partnership
from macehub.subjects.models import Kind, Status, Subject
from macehub.subjects.services import records as record_services

from .models import SUMMARY_PARTS, FoundElsewhere, Handover, HandoverState, MoveKind, PlacementSummary, Side
from .policies import finds, handovers, panels_to_receive_on, policy, summaries

#: Working days before an unacknowledged handover is chased, and before it is escalated.
CHASE_AFTER = "CROSSBORDER_CHASE_WORKING_DAYS"
ESCALATE_AFTER = "CROSSBORDER_ESCALATE_WORKING_DAYS"


def chase_days() -> int:
    return int(getattr(settings, CHASE_AFTER, 2))


def escalate_days() -> int:
    return int(getattr(settings, ESCALATE_AFTER, 5))


# --- The handover summary: a snapshot taken when it is sent ----------------------------------------


def build_summary(child: Subject, parts: Iterable[str], *, sender: Any) -> dict[str, Any]:
    """What the receiving partnership will see, chosen part by part from the minimum set.

    The child's name, date of birth, age band and sex always go: the receiving panel cannot hold
    the child without them. Everything else only if chosen."""
    chosen = [p for p in SUMMARY_PARTS if p in set(parts)]
    summary: dict[str, Any] = {
        "reference": child.reference,
        "panel": child.panel.name,
        "partnership": child.panel.partnership.short_name,
        "given_names": child.given_names,
        "family_name": child.family_name,
        "date_of_birth": child.date_of_birth.isoformat() if child.date_of_birth else "",
        "age_band": child.get_current_age_band_display(),
        "age_band_code": child.current_age_band,
        "sex": child.get_sex_display() if child.sex else "",
        "sex_code": child.sex,
        "sent_by": getattr(sender, "full_name", "") or getattr(sender, "email", ""),
        "sent_by_email": getattr(sender, "email", ""),
    }
    if "harm_types" in chosen:
        summary["harm_types"] = [h.label for h in child.harm_types.all()]
        summary["harm_type_codes"] = [h.code for h in child.harm_types.all()]
    if "risk_level" in chosen:
        summary["risk_level"] = child.risk_level or "Not recorded"
    if "current_plan" in chosen:
        plans = (
            Plan.objects.filter(Q(subject=child) | Q(children=child), status=PlanStatus.ACTIVE)
            .select_related("lead_agency")
            .distinct()
            .order_by("-started_on")
        )
        summary["current_plan"] = [
            {
                "type": plan.get_plan_type_display(),
                "title": plan.title,
                "lead": f"{plan.lead_professional} ({plan.lead_agency.name})",
                "started_on": plan.started_on.isoformat(),
            }
            for plan in plans
        ]
    if "open_actions" in chosen:
        actions = MeetingAction.objects.filter(subject=child, status=ActionStatus.OPEN).select_related("owner_agency")
        summary["open_actions"] = [
            {"description": a.description, "owner": a.owner_agency.name, "due": a.due_date.isoformat()}
            for a in actions.order_by("due_date")
        ]
    if "key_contacts" in chosen:
        contacts = [f"MACE coordinator: {summary['sent_by']} ({summary['sent_by_email']})"]
        if child.allocated_worker:
            contacts.append(f"Allocated worker: {child.allocated_worker}")
        summary["key_contacts"] = contacts
    return summary


def _emails(partnership_id: int, roles: Iterable[str]) -> list[str]:
    rows = Membership.objects.filter(
        partnership_id=partnership_id, role__in=list(roles), ended_at__isnull=True, user__is_active=True
    ).values_list("user__email", flat=True)
    return sorted(set(rows))


def receiving_coordinators(partnership_id: int) -> list[str]:
    return _emails(partnership_id, [Role.COORDINATOR])


def _notify(handover: Handover, template: str, to: list[str]) -> None:
    if to:
        send_later(template=f"crossborder/email/{template}", to=to, context={"handover": handover})


# --- Sending -------------------------------------------------------------------------------


def handover_send(
    *,
    actor: Any,
    child: Subject,
    to_partnership: Partnership,
    kind: str,
    moved_on: date,
    expected_end: date | None = None,
    parts: Iterable[str] = (),
    note: str = "",
) -> Handover:
    """Record that a child moved (or was placed) out of the partnership, notify the receiving
    partnership's coordinators, and step the child's record down as moved."""
    if not policy.can(actor, "send_move", child):
        raise PermissionDenied("send_move")
    errors: dict[str, str] = {}
    if moved_on > timezone.localdate() + timedelta(days=60):
        errors["moved_on"] = "The move must be within the next 60 days"
    unknown = set(parts) - set(SUMMARY_PARTS)
    if unknown:
        errors["parts"] = "Choose from the list"
    if errors:
        raise ValidationError(errors)
    now = timezone.now()
    handover = Handover(
        child=child,
        from_panel=child.panel,
        to_partnership=to_partnership,
        kind=kind,
        moved_on=moved_on,
        expected_end=expected_end,
        parts=[p for p in SUMMARY_PARTS if p in set(parts)],
        summary=build_summary(child, parts, sender=actor),
        note=note.strip(),
        sent_at=now,
        created_by=actor,
        updated_by=actor,
    )
    handover.full_clean()
    with transaction.atomic():
        handover.save()
        record(
            action=Action.CREATE,
            actor=actor,
            obj=handover,
            detail={"to": to_partnership.short_name, "kind": kind, "parts": handover.parts},
        )
        # The handover is recorded against the receiving partnership's trail too.
        record(
            action=Action.CREATE,
            actor=actor,
            obj=handover,
            partnership_id=to_partnership.pk,
            detail={"received_from": child.panel.partnership.short_name},
        )
        record_services.subject_set_status(
            actor=actor,
            subject=child,
            expected_version=child.version,
            status=Status.STEPPED_DOWN,
            reason=f"Moved: {MoveKind(kind).label.lower()}, now in {to_partnership.short_name} (handover sent "
            f"{timezone.localdate(now):%-d %B %Y})",
        )
        _notify(handover, "handover_sent", receiving_coordinators(to_partnership.pk))
    return handover


def handover_viewed(*, actor: Any, handover: Handover, side: str) -> None:
    """Every look at a handover is audited, on the trail of the side that looked."""
    partnership_id = handover.from_panel.partnership_id if side == "sending" else handover.to_partnership_id
    record(action=Action.VIEW, actor=actor, obj=handover, partnership_id=partnership_id, detail={"side": side})


# --- Receiving -----------------------------------------------------------------------------


def _locked(handover: Handover) -> Handover:
    return Handover.objects.select_for_update().select_related("from_panel", "to_partnership").get(pk=handover.pk)


def handover_acknowledge(*, actor: Any, handover: Handover) -> Handover:
    """The receiving partnership has seen the handover."""
    with transaction.atomic():
        handover = _locked(handover)
        handovers.require(actor, "acknowledge", handover)
        _acknowledge(actor, handover)
        handover.save(
            update_fields=["state", "acknowledged_at", "acknowledged_by", "version", "updated_by", "updated_at"]
        )
        for partnership_id in (handover.to_partnership_id, None):
            record(
                action=Action.UPDATE,
                actor=actor,
                obj=handover,
                partnership_id=partnership_id,
                detail={"acknowledged": True},
            )
        _notify(handover, "handover_acknowledged", _sender_emails(handover))
    return handover


def _acknowledge(actor: Any, handover: Handover) -> None:
    if handover.acknowledged_at is None:
        handover.acknowledged_at = timezone.now()
        handover.acknowledged_by = actor
    if handover.state == HandoverState.SENT:
        handover.state = HandoverState.ACKNOWLEDGED
    handover.version += 1
    handover.updated_by = actor


def _sender_emails(handover: Handover) -> list[str]:
    email = handover.snapshot.get("sent_by_email") or ""
    return [email] if email else []


def handover_accept(*, actor: Any, handover: Handover, panel: Panel) -> Handover:
    """Put the child on one of the receiving partnership's registers: a new record, linked to the
    handover (never to the sending record), holding only what the handover carried."""
    with transaction.atomic():
        handover = _locked(handover)
        handovers.require(actor, "decide", handover)
        if panel.pk not in panels_to_receive_on(actor, handover.to_partnership_id):
            raise ValidationError({"panel": "Choose a panel you coordinate in this partnership"})
        summary = handover.snapshot
        if not summary:
            raise ValidationError({"panel": "The sending partnership's record has been erased: nothing to add"})
        values: dict[str, Any] = {
            "given_names": summary.get("given_names", ""),
            "family_name": summary.get("family_name", ""),
            "sex": summary.get("sex_code", ""),
        }
        if summary.get("date_of_birth"):
            values["date_of_birth"] = date.fromisoformat(summary["date_of_birth"])
        else:
            values["age_band"] = summary.get("age_band_code") or "not_known"
        harm_codes = summary.get("harm_type_codes", [])
        from macehub.subjects.models import HarmType

        try:
            child = record_services.subject_create(
                actor=actor,
                panel=panel,
                kind=Kind.CHILD,
                values=values,
                harm_types=list(HarmType.objects.filter(code__in=harm_codes)),
                audit_detail={"from_handover": handover.pk},
            )
        except ValidationError as exc:
            problems = "; ".join(exc.messages)
            raise ValidationError({"panel": f"The child cannot be added to {panel.name}: {problems}"}) from None
        _acknowledge(actor, handover)
        handover.state = HandoverState.ACCEPTED
        handover.decided_at = timezone.now()
        handover.decided_by = actor
        handover.received_panel = panel
        handover.new_child = child
        handover.full_clean()
        handover.save()
        for partnership_id in (handover.to_partnership_id, None):
            record(
                action=Action.APPROVED,
                actor=actor,
                obj=handover,
                partnership_id=partnership_id,
                detail={"panel": panel.name},
            )
        _notify(handover, "handover_decided", _sender_emails(handover))
    return handover


def handover_decline(*, actor: Any, handover: Handover, reason: str) -> Handover:
    """The receiving partnership will not hold the child, and says why."""
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the child is not being accepted"})
    with transaction.atomic():
        handover = _locked(handover)
        handovers.require(actor, "decide", handover)
        _acknowledge(actor, handover)
        handover.state = HandoverState.DECLINED
        handover.decided_at = timezone.now()
        handover.decided_by = actor
        handover.decline_reason = reason.strip()
        handover.full_clean()
        handover.save()
        for partnership_id in (handover.to_partnership_id, None):
            record(action=Action.DECLINED, actor=actor, obj=handover, partnership_id=partnership_id)
        _notify(handover, "handover_decided", _sender_emails(handover))
    return handover


# --- Placed children: each side's summary ---------------------------------------------------------


def side_of(actor: Any, handover: Handover) -> str:
    """The side of the placement the person writes for."""
    from .policies import receiving_partnership_ids

    if handover.to_partnership_id in receiving_partnership_ids(actor):
        return Side.HOST
    return Side.PLACING


def placement_summary_save(*, actor: Any, handover: Handover, text: str) -> PlacementSummary:
    """Write or update this side's summary of a placed child (the other side sees it)."""
    handovers.require(actor, "share_summary", handover)
    if not text.strip():
        raise ValidationError({"text": "Enter the summary to share"})
    side = side_of(actor, handover)
    with transaction.atomic():
        summary = PlacementSummary.objects.select_for_update().filter(handover=handover, side=side).first()
        if summary is None:
            summary = PlacementSummary(handover=handover, side=side, text="", created_by=actor)
        else:
            summaries.require(actor, "edit", summary)
        before = snapshot(summary, ["text"])
        summary.text = text.strip()
        summary.updated_by = actor
        if summary.pk:
            summary.version += 1
        summary.full_clean()
        summary.save()
        record(
            action=Action.UPDATE if before["text"] else Action.CREATE,
            actor=actor,
            obj=summary,
            changes={"text": ["…", "…"]},
        )
    return summary


# --- Chasing and escalating -------------------------------------------------------------------


def add_working_days(start: date, days: int) -> date:
    """``days`` working days (Monday to Friday) after ``start``."""
    day = start
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return day


def chase_unacknowledged(now: datetime | None = None) -> dict[str, int]:
    """Chase handovers nobody has acknowledged after the set working days; escalate to the
    receiving partnership's strategic leads and borough admins after the longer wait."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    chased = escalated = 0
    waiting = Handover.objects.filter(state=HandoverState.SENT).select_related("to_partnership", "from_panel")
    for handover in waiting:
        sent_on = timezone.localdate(handover.sent_at)
        with transaction.atomic():
            if handover.escalated_at is None and today >= add_working_days(sent_on, escalate_days()):
                Handover.objects.filter(pk=handover.pk).update(escalated_at=now, chased_at=handover.chased_at or now)
                handover.escalated_at = now
                record(
                    action=Action.REMIND,
                    detail={"escalated": True},
                    actor_label="Cross-border chaser",
                    obj=handover,
                    partnership_id=handover.to_partnership_id,
                )
                _notify(
                    handover,
                    "handover_escalated",
                    _emails(handover.to_partnership_id, [Role.STRATEGIC_LEAD, Role.BOROUGH_ADMIN]),
                )
                escalated += 1
            elif handover.chased_at is None and today >= add_working_days(sent_on, chase_days()):
                Handover.objects.filter(pk=handover.pk).update(chased_at=now)
                handover.chased_at = now
                record(
                    action=Action.REMIND,
                    detail={"chased": True},
                    actor_label="Cross-border chaser",
                    obj=handover,
                    partnership_id=handover.to_partnership_id,
                )
                _notify(handover, "handover_chased", receiving_coordinators(handover.to_partnership_id))
                chased += 1
    return {"chased": chased, "escalated": escalated}


# --- Found in another partnership's area --------------------------------------------------------------


def partnership_of_authority(authority_id: int) -> Partnership | None:
    return Partnership.objects.filter(authorities__pk=authority_id, is_active=True).first()


def note_found_elsewhere(*, actor: Any, episode: MissingEpisode) -> FoundElsewhere | None:
    """Called (through casework's episode hook) whenever an episode is saved: when the child was
    found in another partnership's area, that partnership is told where and when — once."""
    authority_id = getattr(episode, "found_in_id", None)
    existing = FoundElsewhere.objects.filter(episode=episode).first()
    if authority_id is None or episode.returned_at is None:
        return existing
    partnership = partnership_of_authority(authority_id)
    child_partnership_id = episode.child.panel.partnership_id
    if partnership is None or partnership.pk == child_partnership_id:
        return existing
    if existing is not None:
        return existing
    notice = FoundElsewhere(
        episode=episode,
        from_panel=episode.child.panel,
        to_partnership=partnership,
        authority_id=authority_id,
        place=episode.where_found,
        found_on=timezone.localdate(episode.returned_at),
        created_by=actor,
        updated_by=actor,
    )
    notice.full_clean()
    notice.save()
    record(action=Action.CREATE, actor=actor, obj=notice)
    record(action=Action.CREATE, actor=actor, obj=notice, partnership_id=child_partnership_id)
    to = receiving_coordinators(partnership.pk)
    if to:
        send_later(template="crossborder/email/found_elsewhere", to=to, context={"notice": notice})
    return notice


def found_acknowledge(*, actor: Any, notice: FoundElsewhere) -> FoundElsewhere:
    with transaction.atomic():
        notice = FoundElsewhere.objects.select_for_update().get(pk=notice.pk)
        finds.require(actor, "acknowledge", notice)
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = actor
        notice.version += 1
        notice.updated_by = actor
        notice.save()
        record(action=Action.UPDATE, actor=actor, obj=notice, detail={"acknowledged": True})
    return notice
