"""The VOLT agenda: accepted referrals offered first, then records due for review; presenters and
time allowances; ordering by buttons and by dragging; professionals invited for one item see
only that item (R21); persons of concern only for those the panel allows; no children at a
context conference (R24)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from macehub.meetings.models import AgendaItem, Contribution, ItemSource, MeetingStatus, MeetingType, Strand
from macehub.meetings.policies import item_records, meeting_records
from macehub.meetings.selectors.agenda import agenda_candidates, in_agenda_order, items_visible_to, listed_not_offered
from macehub.meetings.services import agenda as agenda_services
from macehub.referrals.models import Referral
from macehub.subjects.models import Kind
from tests.factories.meetings import make_meeting, meetings_for
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, make_subject, register_for


@pytest.fixture
def register(world: World) -> dict[str, Any]:
    ensure_harm_types()
    return register_for(world)


@pytest.fixture
def m(world: World, register: dict[str, Any]) -> dict[str, Any]:
    return meetings_for(world, register)


def _accepted_referral(world: World, subject: Any) -> Referral:
    referral = Referral.objects.create(
        panel=world.panel_a,
        number=Referral.objects.count() + 1,
        subject_type="child",
        referrer=world.user("member_a_education"),
        referrer_agency=world.agencies["education_a"],
        route="front_door",
        concerns="Seen with older males",
        status="accepted",
        decision_reason="Meets the criteria",
        decided_at=timezone.now(),
    )
    referral.subjects.add(subject)
    subject.for_next_meeting = True
    subject.save()
    return referral


def test_accepted_referrals_are_offered_first_then_reviews_grouped_by_strand(
    world: World, register: dict[str, Any]
) -> None:
    meeting = make_meeting(world.panel_a, days=7, chair=world.user("chair_a"))
    new_child = make_subject(world.panel_a, Kind.CHILD)
    referral = _accepted_referral(world, new_child)
    groups = {g.strand: g for g in agenda_candidates(world.user("chair_a"), meeting)}
    children = groups[Strand.CHILDREN]
    assert [c.subject for c in children.referrals] == [new_child]
    assert children.referrals[0].referral == referral
    assert "Accepted referral R-" in children.referrals[0].why
    assert register["c1"] in [c.subject for c in children.reviews]
    assert "Not yet heard at a meeting" in children.reviews[0].why
    # The chair may see persons of concern; the coordinator (children's social care) may not.
    assert Strand.PERSONS in groups
    coordinator_groups = {g.strand for g in agenda_candidates(world.user("coordinator_a"), meeting)}
    assert Strand.PERSONS not in coordinator_groups


def test_records_heard_recently_or_on_an_earlier_planned_agenda_are_not_offered(
    world: World, register: dict[str, Any], m: dict[str, Any]
) -> None:
    later = make_meeting(world.panel_a, days=14, chair=world.user("chair_a"))
    offered = {c.subject for g in agenda_candidates(world.user("chair_a"), later) for c in [*g.referrals, *g.reviews]}
    assert register["c2"] not in offered  # heard yesterday
    assert register["c1"] not in offered  # on today's planned agenda
    assert register["g1"] in offered


def test_a_context_conference_offers_no_children_and_refuses_them(world: World, register: dict[str, Any]) -> None:
    meeting = make_meeting(world.panel_a, days=7, chair=world.user("chair_a"), meeting_type=MeetingType.CONTEXT)
    strands = {g.strand for g in agenda_candidates(world.user("chair_a"), meeting)}
    assert Strand.CHILDREN not in strands
    with pytest.raises(ValidationError) as exc:
        agenda_services.agenda_add(
            actor=world.user("chair_a"), meeting=meeting, picks=[(register["c1"], ItemSource.ADDED, None)]
        )
    assert "does not discuss named children" in str(exc.value)


def test_the_builder_adds_ticked_records_with_the_referrer_presenting(
    world: World, client_as: Any, register: dict[str, Any]
) -> None:
    meeting = make_meeting(world.panel_a, days=7, chair=world.user("chair_a"))
    new_child = make_subject(world.panel_a, Kind.CHILD)
    referral = _accepted_referral(world, new_child)
    client = client_as("coordinator_a")
    page = client.get(f"/meetings/{meeting.pk}/agenda/add/").content.decode()
    assert f'value="{new_child.pk}:referral:{referral.pk}" checked' in page
    assert "Accepted referrals waiting to be heard" in page
    response = client.post(
        f"/meetings/{meeting.pk}/agenda/add/",
        {
            "add": "selected",
            "pick": [f"{new_child.pk}:referral:{referral.pk}", f"{register['l1'].pk}:review:0"],
        },
    )
    assert response.status_code == 302
    items = {i.subject: i for i in AgendaItem.objects.filter(meeting=meeting)}
    assert items[new_child].source == ItemSource.REFERRAL and items[new_child].minutes_allowed == 10
    assert items[new_child].presenter == world.user("member_a_education")
    assert items[register["l1"]].minutes_allowed == 5 and items[register["l1"]].strand == Strand.LOCATIONS
    # The referrer is invited for that item only.
    referrer = world.user("member_a_education")
    assert not meeting_records.can(referrer, "see_all_items", meeting)
    assert set(items_visible_to(referrer, meeting).values_list("pk", flat=True)) == {items[new_child].pk}


def test_the_builder_refuses_a_person_of_concern_to_someone_not_allowed(
    world: World, client_as: Any, register: dict[str, Any]
) -> None:
    meeting = make_meeting(world.panel_a, days=7, chair=world.user("chair_a"))
    client = client_as("coordinator_a")
    response = client.post(f"/meetings/{meeting.pk}/agenda/add/", {"add": "reference", "ref-reference": "P-0001"})
    assert response.status_code == 400
    assert "Enter the reference of a record on this panel" in response.content.decode()
    assert not AgendaItem.objects.filter(meeting=meeting).exists()
    response = client.post(f"/meetings/{meeting.pk}/agenda/add/", {"add": "other", "other-title": ""})
    assert "Enter the title of the item" in response.content.decode()


def test_items_move_up_and_down_within_their_strand_and_can_be_dragged(
    world: World, client_as: Any, register: dict[str, Any]
) -> None:
    meeting = make_meeting(world.panel_a, days=7, chair=world.user("chair_a"))
    extra = make_subject(world.panel_a, Kind.CHILD)
    agenda_services.agenda_add(
        actor=world.user("chair_a"),
        meeting=meeting,
        picks=[(s, ItemSource.ADDED, None) for s in (register["c1"], register["l1"], register["c2"], extra)],
    )
    client = client_as("coordinator_a")

    def children() -> list[Any]:
        items = in_agenda_order(list(AgendaItem.objects.filter(meeting=meeting).select_related("subject")))
        return [i.subject for i in items if i.strand == Strand.CHILDREN]

    assert children() == [register["c1"], register["c2"], extra]
    item = AgendaItem.objects.get(meeting=meeting, subject=extra)
    client.post(f"/meetings/items/{item.pk}/move/", {"direction": "up"})
    assert children() == [register["c1"], extra, register["c2"]]
    ids = [AgendaItem.objects.get(meeting=meeting, subject=s).pk for s in (register["c2"], register["c1"], extra)]
    response = client.post(f"/meetings/{meeting.pk}/agenda/reorder/", {"order": json.dumps(ids)})
    assert response.json() == {"status": "saved"}
    assert children() == [register["c2"], register["c1"], extra]
    location = AgendaItem.objects.get(meeting=meeting, subject=register["l1"]).pk
    response = client.post(f"/meetings/{meeting.pk}/agenda/reorder/", {"order": json.dumps([ids[0], location])})
    assert response.status_code == 400


def test_the_agenda_is_time_boxed_and_opens_with_outstanding_actions(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    page = client_as("chair_a").get(f"/meetings/{m['planned'].pk}/agenda/").content.decode()
    assert "Actions from earlier meetings" in page
    assert m["action"].reference in page
    assert "10:10" in page  # the first item starts after ten minutes on the actions
    assert "P-0001" in page


def test_an_item_guest_sees_only_their_item(world: World, client_as: Any, m: dict[str, Any]) -> None:
    client = client_as("member_a_education")
    page = client.get(f"/meetings/{m['planned'].pk}/agenda/").content.decode()
    assert "C-0001" in page
    assert "L-0001" not in page and "P-0001" not in page
    assert "Actions from earlier meetings" not in page
    assert client.get(f"/meetings/items/{m['location_item'].pk}/contribution/").status_code == 404


def test_persons_of_concern_are_hidden_from_the_coordinator_everywhere(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    client = client_as("coordinator_a")
    planned = m["planned"].pk
    for path in (f"/meetings/{planned}/agenda/", f"/meetings/{planned}/contributions/", f"/meetings/{planned}/record/"):
        page = client.get(path).content.decode()
        assert "P-0001" not in page and "Okonjo" not in page, path
        assert "shown only to the people" in page or "recorded by the people" in page
    assert client.get(f"/meetings/items/{m['person_item'].pk}/").status_code == 404
    # Nor does the school's member, even invited to the whole meeting.
    world_user = world.user("member_a_education")
    assert not item_records.can(world_user, "view", m["person_item"])


def test_changing_an_item_invites_guests_and_refuses_bad_times(world: World, client_as: Any, m: dict[str, Any]) -> None:
    item = m["location_item"]
    client = client_as("coordinator_a")
    response = client.post(
        f"/meetings/items/{item.pk}/",
        {"presenter": "", "minutes_allowed": "0", "guests": [world.user("member_a_education").pk], "version": 1},
    )
    assert response.status_code == 400
    assert "between 1 and 120 minutes" in response.content.decode()
    response = client.post(
        f"/meetings/items/{item.pk}/",
        {"presenter": "", "minutes_allowed": "15", "guests": [world.user("member_a_education").pk], "version": 1},
    )
    assert response.status_code == 302
    school = world.user("member_a_education")
    assert set(items_visible_to(school, m["planned"]).values_list("pk", flat=True)) == {
        m["child_item"].pk,
        item.pk,
    }


def test_an_item_with_contributions_stays_on_the_agenda(world: World, client_as: Any, m: dict[str, Any]) -> None:
    item = m["location_item"]
    Contribution.objects.create(
        item=item,
        agency=world.agencies["police_a"],
        status="nothing_held",
        submitted_by=world.user("member_a"),
        submitted_at=timezone.now(),
    )
    response = client_as("coordinator_a").post(f"/meetings/items/{item.pk}/remove/", follow=True)
    assert "stays on the agenda" in response.content.decode()
    assert AgendaItem.objects.filter(pk=item.pk).exists()
    free = m["child_item"]
    Contribution.objects.all().delete()
    client_as("coordinator_a").post(f"/meetings/items/{free.pk}/remove/")
    assert not AgendaItem.objects.filter(pk=free.pk).exists()


def test_nothing_changes_on_a_held_meeting(world: World, client_as: Any, m: dict[str, Any]) -> None:
    assert m["held"].status == MeetingStatus.HELD
    response = client_as("coordinator_a").get(f"/meetings/{m['held'].pk}/agenda/add/")
    assert response.status_code == 403
    assert m["held"].date < timezone.localdate() + timedelta(days=1)


def test_the_builder_says_why_a_record_listed_for_the_next_meeting_is_not_offered(
    world: World, client_as: Any, register: dict[str, Any], m: dict[str, Any]
) -> None:
    later = make_meeting(world.panel_a, days=14, chair=world.user("chair_a"))
    stepped_down = make_subject(
        world.panel_a, Kind.CHILD, status="stepped_down", status_reason="Early help", for_next_meeting=True
    )
    waiting = make_subject(world.panel_a, Kind.CHILD, for_next_meeting=True)
    register["c1"].for_next_meeting = True  # and on today's planned agenda
    register["c1"].save()
    register["p1"].for_next_meeting = True
    register["p1"].save()
    reasons = dict(listed_not_offered(world.user("chair_a"), later))
    assert "Stepped down on the register" in reasons[stepped_down]
    assert "add it by its reference" in reasons[stepped_down]
    assert reasons[register["c1"]].startswith("Already on the agenda of the meeting on")
    assert waiting not in reasons, "offered in the builder, so nothing to explain"
    offered = {c.subject for g in agenda_candidates(world.user("chair_a"), later) for c in [*g.referrals, *g.reviews]}
    assert waiting in offered and stepped_down not in offered
    # Persons of concern stay out for those the panel does not allow to see them.
    assert register["p1"] not in dict(listed_not_offered(world.user("coordinator_a"), later))
    html = client_as("coordinator_a").get(f"/meetings/{later.pk}/agenda/add/").content.decode()
    assert "Listed for the next meeting but not offered here" in html
    assert f"{stepped_down.reference} — Stepped down on the register" in html
    assert register["p1"].reference not in html


def test_the_agenda_and_the_meeting_page_explain_the_same_total_time(client_as: Any, m: dict[str, Any]) -> None:
    meeting = m["planned"]
    client = client_as("chair_a")
    items = sum(i.minutes_allowed for i in meeting.items.all())
    agenda = client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()
    assert f"{items + 10} minutes ({items} for the items and 10 for the actions from earlier meetings)" in agenda
    detail = client.get(f"/meetings/{meeting.pk}/").content.decode()
    assert f"{items} minutes, plus 10 minutes for the actions from earlier meetings ({items + 10} minutes in all)" in (
        detail
    )


def _overrun_text(page: str) -> str:
    import re

    match = re.search(r'data-testid="agenda-overrun">(.*?)</div>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def test_an_agenda_that_overruns_the_meeting_says_by_how_much(
    world: World, register: dict[str, Any], client_as: Any
) -> None:
    from datetime import time

    from tests.factories.meetings import add_item, make_meeting

    meeting = make_meeting(
        world.panel_a, days=7, start_time=time(10, 0), end_time=time(12, 0), chair=world.user("chair_a")
    )
    first = add_item(meeting, register["c1"], minutes_allowed=60)
    add_item(meeting, register["c2"], minutes_allowed=60)
    add_item(meeting, register["l1"], minutes_allowed=45)
    client = client_as("chair_a")
    page = client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()
    assert "165 minutes" in page and "10:00 to 12:00" in page
    text = _overrun_text(page)
    assert text.startswith("! Warning The agenda runs 45 minutes over: 165 minutes are planned but the meeting is 120")
    assert "Shorten items, move some to another meeting or change the meeting's end time." in text

    # An item about a person of concern the coordinator cannot see still counts towards the time.
    add_item(meeting, register["p1"], minutes_allowed=15)
    coordinator_text = _overrun_text(client_as("coordinator_a").get(f"/meetings/{meeting.pk}/agenda/").content.decode())
    assert "runs 60 minutes over: 180 minutes are planned (including items you cannot see)" in coordinator_text

    # Fitting the time (exactly) removes the warning; so does a meeting with no end time.
    AgendaItem.objects.filter(pk=first.pk).update(minutes_allowed=1)
    AgendaItem.objects.filter(meeting=meeting, subject=register["p1"]).update(minutes_allowed=14)
    assert _overrun_text(client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()) == ""
    type(meeting).objects.filter(pk=meeting.pk).update(end_time=None)
    AgendaItem.objects.filter(pk=first.pk).update(minutes_allowed=120)
    assert _overrun_text(client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()) == ""
