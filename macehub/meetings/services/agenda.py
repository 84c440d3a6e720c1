"""Building a VOLT agenda: items picked from the registers, each with a presenting professional
and a time allowance, grouped by strand and put in order."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from macehub.accounts.types import User
from macehub.audit.models import Action as AuditAction
from macehub.audit.services import record, save_with_audit
from macehub.core.services import snapshot
from macehub.subjects.models import Kind, Status, Subject
from macehub.subjects.policies import records

from ..models import STRAND_FOR_KIND, AgendaItem, ItemSource, Meeting, Strand
from ..selectors.invitations import panel_people
from .common import refuse_children_names, require
from .scheduling import invite_for_item

DEFAULT_MINUTES = {ItemSource.REFERRAL: 10, ItemSource.REVIEW: 5, ItemSource.ADDED: 10}


def _next_position(meeting: Meeting) -> int:
    return int(AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("position"))["last"] or 0) + 1


def _check_subject(actor: User, meeting: Meeting, subject: Subject) -> None:
    if subject.panel_id != meeting.panel_id or subject.status == Status.MERGED:
        raise ValidationError({"subjects": "Choose records on this panel's register"})
    if not records.can(actor, "view", subject):  # a person of concern they may not see
        raise ValidationError({"subjects": "Choose records on this panel's register"})
    if subject.kind == Kind.CHILD and meeting.is_context_conference:
        raise ValidationError(
            {"subjects": "A context conference does not discuss named children: add locations, groups or themes"}
        )


def agenda_add(
    *,
    actor: User,
    meeting: Meeting,
    picks: Iterable[tuple[Subject, str, Any]],
) -> list[AgendaItem]:
    """Add records to the agenda in one go. ``picks`` are (record, source, referral or None).
    The referrer of an accepted referral presents it (and is invited for that item) when they
    have a role on the panel; reviews get five minutes, new referrals ten."""
    require(actor, "plan_meeting", meeting)
    picks = list(picks)
    if not picks:
        raise ValidationError({"subjects": "Choose at least one record to add to the agenda"})
    people = {m.user_id: m for m in panel_people(meeting.panel)}
    already = set(
        AgendaItem.objects.filter(meeting=meeting, subject__isnull=False).values_list("subject_id", flat=True)
    )
    items = []
    with transaction.atomic():
        position = _next_position(meeting)
        for subject, source, referral in picks:
            _check_subject(actor, meeting, subject)
            if subject.pk in already:
                continue
            already.add(subject.pk)
            presenter = None
            presenter_agency = None
            if referral is not None and referral.referrer_id in people:
                presenter = referral.referrer
                presenter_agency = referral.referrer_agency
            item = AgendaItem(
                meeting=meeting,
                strand=STRAND_FOR_KIND[subject.kind],
                subject=subject,
                referral=referral,
                position=position,
                minutes_allowed=DEFAULT_MINUTES.get(ItemSource(source), 10),
                presenter=presenter,
                presenter_agency=presenter_agency,
                source=source,
                created_by=actor,
                updated_by=actor,
            )
            item.full_clean()
            item.save()
            position += 1
            items.append(item)
            if presenter is not None:
                invite_for_item(actor=actor, item=item, user_ids=[presenter.pk])
        record(
            action=AuditAction.UPDATE,
            actor=actor,
            obj=meeting,
            detail={"agenda_added": [i.subject.reference for i in items if i.subject]},
        )
    return items


def agenda_add_other(*, actor: User, meeting: Meeting, title: str, minutes_allowed: int) -> AgendaItem:
    """An item of other business (no register record)."""
    require(actor, "plan_meeting", meeting)
    title = title.strip()
    if not title:
        raise ValidationError({"title": "Enter the title of the item"})
    refuse_children_names(meeting, "title", title)
    with transaction.atomic():
        item = AgendaItem(
            meeting=meeting,
            strand=Strand.OTHER,
            title=title,
            position=_next_position(meeting),
            minutes_allowed=minutes_allowed,
            created_by=actor,
            updated_by=actor,
        )
        item.full_clean()
        item.save()
        record(action=AuditAction.UPDATE, actor=actor, obj=meeting, detail={"agenda_added": [title]})
    return item


def item_update(
    *,
    actor: User,
    item: AgendaItem,
    expected_version: int,
    minutes_allowed: int,
    presenter: Any,
    title: str = "",
) -> AgendaItem:
    """Change an item's presenting professional or time allowance. The presenter must have a role on
    the panel; they are invited for the item."""
    meeting = item.meeting
    require(actor, "plan_meeting", meeting)
    people = {m.user_id: m for m in panel_people(meeting.panel)}
    fields = ["minutes_allowed", "presenter", "presenter_agency", "title"]
    before = snapshot(item, fields)
    if presenter is not None and presenter.pk not in people:
        raise ValidationError({"presenter": "Choose someone with a role on this panel"})
    item.minutes_allowed = minutes_allowed
    item.presenter = presenter
    item.presenter_agency = people[presenter.pk].agency if presenter is not None else None
    if item.subject_id is None:
        if not title.strip():
            raise ValidationError({"title": "Enter the title of the item"})
        refuse_children_names(meeting, "title", title)
        item.title = title.strip()
    with transaction.atomic():
        save_with_audit(item, actor=actor, expected_version=expected_version, fields=fields, before=before)
        if presenter is not None:
            invite_for_item(actor=actor, item=item, user_ids=[presenter.pk])
    return item


def _strand_items(item: AgendaItem) -> list[AgendaItem]:
    return list(AgendaItem.objects.filter(meeting_id=item.meeting_id, strand=item.strand).order_by("position", "pk"))


def item_move(*, actor: User, item: AgendaItem, direction: str) -> None:
    """Move an item up or down within its strand (the buttons; dragging uses :func:`agenda_reorder`)."""
    require(actor, "plan_meeting", item.meeting)
    if direction not in ("up", "down"):
        raise ValidationError("Choose up or down.")
    items = _strand_items(item)
    index = next(i for i, other in enumerate(items) if other.pk == item.pk)
    swap = index - 1 if direction == "up" else index + 1
    if not 0 <= swap < len(items):
        return
    order = list(items)
    order[index], order[swap] = order[swap], order[index]
    with transaction.atomic():
        _renumber_to(order, sorted(i.position for i in items))
        record(action=AuditAction.UPDATE, actor=actor, obj=item, detail={"moved": direction})


def _renumber_to(order: list[AgendaItem], positions: list[int]) -> None:
    if len(set(positions)) != len(positions):
        start = positions[0] if positions else 1
        positions = list(range(start, start + len(order)))
    for item, position in zip(order, positions, strict=True):
        if item.position != position:
            AgendaItem.objects.filter(pk=item.pk).update(position=position)
            item.position = position


def agenda_reorder(*, actor: User, meeting: Meeting, order: list[int]) -> None:
    """Put the items of one strand in the order given (dragging, with JavaScript). Items not named
    keep their places; items of other strands or meetings are refused."""
    require(actor, "plan_meeting", meeting)
    items = {i.pk: i for i in AgendaItem.objects.filter(meeting=meeting, pk__in=order)}
    if len(items) != len(set(order)) or not items:
        raise ValidationError("Choose items of this meeting's agenda.")
    strands = {i.strand for i in items.values()}
    if len(strands) != 1:
        raise ValidationError("Items can be put in order within one strand at a time.")
    ordered = [items[pk] for pk in dict.fromkeys(order)]
    with transaction.atomic():
        _renumber_to(ordered, sorted(i.position for i in ordered))
        record(action=AuditAction.UPDATE, actor=actor, obj=meeting, detail={"agenda_reordered": strands.pop()})


def item_remove(*, actor: User, item: AgendaItem) -> None:
    """Take an item off a planned agenda. Refused once anything is recorded against it
    (contributions, a discussion, decisions or actions), so nothing anyone wrote is lost."""
    require(actor, "plan_meeting", item.meeting)
    if item.contributions.exists() or item.actions.exists() or item.discussion.strip() or item.decisions.strip():
        raise ValidationError(
            "This item already has contributions or a record of the discussion, so it stays on the agenda."
        )
    label = item.audit_label
    with transaction.atomic():
        for invitation in item.guests.all():
            invitation.items.remove(item)
        item.delete()
        record(action=AuditAction.UPDATE, actor=actor, obj=item.meeting, detail={"agenda_removed": label})
