"""Query budgets: the meetings pages run the same number of queries with a few items and agencies
as with many — the contributions grid for 30 items × 12 agencies included."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from macehub.meetings.models import (
    Acknowledgement,
    Action,
    Attendance,
    Contribution,
    ContributionStatus,
    Meeting,
)
from macehub.organisations.models import Agency, AgencyType
from macehub.subjects.models import Kind
from tests.factories.meetings import add_item, invite, make_meeting
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, make_subject


def _build(world: World, *, items: int, agencies: int, tag: str) -> Meeting:
    panel = world.panel_a
    chosen = [world.agencies["police_a"], world.agencies["csc_a"]]
    types = [t for t in AgencyType.values if t not in ("police", "childrens_social_care")]
    for i in range(agencies - 2):
        agency = Agency.objects.create(name=f"{tag} agency {i}", agency_type=types[i % len(types)])
        agency.partnerships.add(world.partnership_a)
        chosen.append(agency)
    meeting = make_meeting(panel, days=1, chair=world.user("chair_a"))
    meeting.agencies.set(chosen)
    invite(meeting, world.user("coordinator_a"), world.agencies["csc_a"])
    invite(meeting, world.user("member_a"), world.agencies["police_a"])
    made = []
    for i in range(items):
        kind = [Kind.CHILD, Kind.LOCATION, Kind.GROUP][i % 3]
        item = add_item(meeting, make_subject(panel, kind), minutes_allowed=5)
        made.append(item)
        for j, agency in enumerate(chosen):
            if (i + j) % 3:
                Contribution.objects.create(
                    item=item,
                    agency=agency,
                    status=ContributionStatus.SUBMITTED if j % 2 else ContributionStatus.NOTHING_HELD,
                    text="Known to us." if j % 2 else "",
                    submitted_by=world.user("coordinator_a"),
                    submitted_at=timezone.now(),
                )
        Action.objects.create(
            panel=panel,
            number=Action.objects.count() + 1,
            meeting=meeting,
            item=item,
            subject=item.subject,
            description="Do something",
            owner_agency=chosen[i % len(chosen)],
            due_date=timezone.localdate() + timedelta(days=7),
        )
    invite(meeting, world.user("member_a_education"), world.agencies["education_a"], *made[:2])
    for agency in chosen:
        Attendance.objects.create(meeting=meeting, agency=agency, status="attended")
    Acknowledgement.objects.create(meeting=meeting, user=world.user("chair_a"))
    return meeting


def _count(client: Any, path: str) -> int:
    client.get(path)  # warm up (content types, session)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200, path
    return len(captured.captured_queries)


@pytest.fixture
def pair(world: World) -> tuple[Meeting, Meeting]:
    ensure_harm_types()
    small = _build(world, items=2, agencies=2, tag="Small")
    big = _build(world, items=30, agencies=12, tag="Big")
    return small, big


@pytest.mark.parametrize(
    "page",
    ["contributions/", "agenda/", "pack/", "record/", "attendance/", "", "contribute/"],
)
def test_meeting_pages_have_a_fixed_query_budget(
    world: World, client_as: Any, pair: tuple[Meeting, Meeting], page: str
) -> None:
    small, big = pair
    client = client_as("chair_a")
    few = _count(client, f"/meetings/{small.pk}/{page}")
    many = _count(client, f"/meetings/{big.pk}/{page}")
    assert many == few, f"/meetings/<pk>/{page}: {few} queries for 2 items, {many} for 30 × 12"


def test_the_contributions_grid_for_30_items_and_12_agencies_stays_small(
    world: World, client_as: Any, pair: tuple[Meeting, Meeting]
) -> None:
    _, big = pair
    queries = _count(client_as("coordinator_a"), f"/meetings/{big.pk}/contributions/")
    assert queries <= 25, queries


def test_the_action_log_has_a_fixed_query_budget(world: World, client_as: Any, pair: tuple[Meeting, Meeting]) -> None:
    client = client_as("coordinator_a")
    Action.objects.filter(meeting=pair[1]).update(panel=world.panel_b)  # hide the big set for the first count
    few = _count(client, f"/panels/{world.panel_a.pk}/actions/?status=all")
    Action.objects.filter(meeting=pair[1]).update(panel=world.panel_a)
    many = _count(client, f"/panels/{world.panel_a.pk}/actions/?status=all")
    assert many == few
