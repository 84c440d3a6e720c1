"""Meetings for tests, made directly (no audit events, no policy checks).

``meetings_for(world, register)`` gives panel A (``register`` is the small register of
``tests/subjects/factories.register_for``):

* ``held``: a meeting yesterday, co-chaired, quorate (police and children's social care
  attended; health is not in panel A's partnership, so panel A's quorum is set to police and
  children's social care), with one item (C2), approved and distributed minutes, and action
  ``action`` (police, owned by ``member_a``, about C2) still open;
* ``planned``: a meeting today with items for C1 (a new referral), P1 (a person of concern) and
  L1; core agencies police and children's social care; ``coordinator_a``, ``chair_a`` and
  ``member_a`` invited to the whole meeting, ``member_a_education`` (a school) only for C1.
"""

from __future__ import annotations

from datetime import time, timedelta
from typing import Any

from django.utils import timezone

from macehub.meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    AttendanceStatus,
    Chairing,
    Invitation,
    InvitationScope,
    ItemMinute,
    ItemSource,
    Meeting,
    MeetingStatus,
    Minutes,
    MinutesStatus,
    Strand,
)


def make_meeting(panel: Any, *, days: int = 0, **values: Any) -> Meeting:
    values.setdefault("start_time", time(10, 0))
    values.setdefault("venue", "Town hall, room 2")
    return Meeting.objects.create(panel=panel, date=timezone.localdate() + timedelta(days=days), **values)


def add_item(meeting: Meeting, subject: Any = None, *, title: str = "", **values: Any) -> AgendaItem:
    strand = {
        None: Strand.OTHER,
        "child": Strand.CHILDREN,
        "person": Strand.PERSONS,
        "location": Strand.LOCATIONS,
        "group": Strand.GROUPS,
        "theme": Strand.THEMES,
    }[subject.kind if subject is not None else None]
    position = AgendaItem.objects.filter(meeting=meeting).count() + 1
    return AgendaItem.objects.create(
        meeting=meeting, subject=subject, title=title, strand=strand, position=position, **values
    )


def invite(meeting: Meeting, user: Any, agency: Any, *items: AgendaItem) -> Invitation:
    scope = InvitationScope.ITEMS if items else InvitationScope.WHOLE
    invitation = Invitation.objects.create(meeting=meeting, user=user, agency=agency, scope=scope)
    if items:
        invitation.items.add(*items)
    return invitation


def meetings_for(world: Any, register: dict[str, Any]) -> dict[str, Any]:
    cached: dict[str, Any] | None = getattr(world, "_meetings", None)
    if cached is not None:
        return cached
    panel = world.panel_a
    panel.quorum_agency_types = ["police", "childrens_social_care"]
    panel.save(update_fields=["quorum_agency_types"])
    police, csc, school = world.agencies["police_a"], world.agencies["csc_a"], world.agencies["education_a"]
    m: dict[str, Any] = {}

    held = make_meeting(
        panel,
        days=-1,
        chairing=Chairing.CO_CHAIRED,
        chair=world.user("chair_a"),
        co_chair=world.user("coordinator_a"),
        status=MeetingStatus.HELD,
        closed_at=timezone.now(),
        quorate=True,
    )
    held.agencies.set([police, csc])
    held_item = add_item(held, register["c2"], discussion="Missing twice.", decisions="Keep open; review in 4 weeks.")
    for user, agency in (("chair_a", csc), ("coordinator_a", csc), ("member_a", police)):
        invite(held, world.user(user), agency)
    Attendance.objects.create(meeting=held, agency=police, status=AttendanceStatus.ATTENDED)
    Attendance.objects.create(meeting=held, agency=csc, status=AttendanceStatus.ATTENDED)
    minutes = Minutes.objects.create(
        meeting=held,
        number=1,
        status=MinutesStatus.DRAFT,
    )
    ItemMinute.objects.create(minutes=minutes, item=held_item, text="Missing twice. Decision: keep open.")
    Minutes.objects.filter(pk=minutes.pk).update(
        status=MinutesStatus.APPROVED,
        approved_by=world.user("chair_a"),
        approved_at=timezone.now(),
        distributed_at=timezone.now(),
    )
    action = Action.objects.create(
        panel=panel,
        number=1,
        meeting=held,
        item=held_item,
        subject=register["c2"],
        description="Share the latest missing-episode reports with children's social care.",
        owner_agency=police,
        owner=world.user("member_a"),
        due_date=timezone.localdate() + timedelta(days=7),
    )

    planned = make_meeting(panel, chair=world.user("chair_a"), online_link="https://teams.example/meet/alpha")
    planned.agencies.set([police, csc])
    child_item = add_item(planned, register["c1"], source=ItemSource.REFERRAL, presenter=world.user("member_a_education"),
                          presenter_agency=school)  # fmt: skip
    person_item = add_item(planned, register["p1"])
    location_item = add_item(planned, register["l1"], source=ItemSource.REVIEW)
    for user, agency in (("chair_a", csc), ("coordinator_a", csc), ("member_a", police)):
        invite(planned, world.user(user), agency)
    invite(planned, world.user("member_a_education"), school, child_item)

    m.update(
        {
            "held": held,
            "held_item": held_item,
            "minutes": minutes,
            "action": action,
            "planned": planned,
            "child_item": child_item,
            "person_item": person_item,
            "location_item": location_item,
        }
    )
    world._meetings = m
    return m
