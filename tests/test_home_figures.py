"""The coordinator home's figures (issue 17 made their queries cheaper): each compared with a
straightforward count in Python over every row, on data built to catch the edge cases — a
pair of children already linked to each other, two links between the same child and context,
ended links, merged children, a person of concern, an alert already reviewed; actions of every
status, owner and agency, escalated or not; missing episodes inside and outside the window,
with and without a finished return interview. And the home page's query count stays the same
when the data grows."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import combinations
from typing import Any

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from macehub.casework.models import MissingEpisode, ReturnInterview
from macehub.casework.selectors import overdue_by_panel
from macehub.meetings.home import actions_section
from macehub.meetings.models import Action, ActionStatus
from macehub.meetings.policies import chairing_panel_ids
from macehub.subjects.models import AlertReview, Kind, Link, Status, Subject
from macehub.subjects.policies import poc_panel_ids
from macehub.subjects.selectors import alert_count
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, make_link, make_subject

PEOPLE = ("coordinator_a", "chair_a", "member_a", "member_a_education")


def _request(user: Any) -> Any:
    request = RequestFactory().get("/")
    request.user = user
    request.session = {}  # type: ignore[assignment]  # no view here stores anything
    return request


def _build(world: World, *, scale: int) -> None:
    """Records on panel A (and a few on panel B, which must never count)."""
    panel = world.panel_a
    children = [make_subject(panel, Kind.CHILD) for _ in range(3 + 2 * scale)]
    merged = make_subject(panel, Kind.CHILD, status=Status.MERGED, merged_into=children[0])
    place = make_subject(panel, Kind.LOCATION)
    group = make_subject(panel, Kind.GROUP)
    person = make_subject(panel, Kind.PERSON)
    for i, child in enumerate(children):
        make_link(child, place, "seen_at")
        if i % 2:
            make_link(child, group, "member_of")
        if i % 3 == 0:
            make_link(child, person, "exploited_by")
    make_link(children[0], place, "lives_at")  # a second link to the same context
    make_link(children[0], children[1], "associates")  # already linked to each other
    make_link(children[2], group, "member_of", ended_on=date(2025, 10, 1))  # an ended link
    make_link(merged, place, "seen_at")
    AlertReview.objects.create(
        panel=panel, first_child=children[1], second_child=children[2], context=place, note="Known."
    )
    other_panel = world.panel_b
    elsewhere = [make_subject(other_panel, Kind.CHILD) for _ in range(2)]
    far_place = make_subject(other_panel, Kind.LOCATION)
    for child in elsewhere:
        make_link(child, far_place, "seen_at")

    today = timezone.localdate()
    now = timezone.now()
    agencies = [world.agencies["police_a"], world.agencies["csc_a"], world.agencies["education_a"]]
    owners = [world.user("coordinator_a"), world.user("member_a"), world.user("chair_a"), None]
    statuses = [ActionStatus.OPEN, ActionStatus.OPEN, ActionStatus.COMPLETED, ActionStatus.NO_LONGER_NEEDED]
    subjects = [*children[:3], person, None]
    for i in range(12 * scale):
        status = statuses[i % len(statuses)]
        Action.objects.create(
            panel=panel,
            number=Action.objects.filter(panel=panel).count() + 1,
            subject=subjects[i % len(subjects)],
            description="Do something",
            owner_agency=agencies[i % len(agencies)],
            owner=owners[i % len(owners)],
            due_date=today + timedelta(days=(i % 5) * 7 - 14),
            status=status,
            completed_at=now if status != ActionStatus.OPEN else None,
            escalated_at=now if i % 4 == 1 else None,
        )
    for i, child in enumerate([*children, merged]):
        for j, days_ago in enumerate((1, 10, 100, 200)):  # 1 day: still inside the 72 hours
            returned = now - timedelta(days=days_ago)
            episode = MissingEpisode.objects.create(
                child=child,
                started_at=returned - timedelta(hours=30),
                returned_at=returned,
                reported_to_police=False,
                risk_grade="medium",
                placement="home",
                philomena="no",
            )
            outcome = ("completed", "declined", "not_completed", None)[(i + j) % 4]
            if outcome is not None:
                done = outcome == "completed"
                ReturnInterview.objects.create(
                    episode=episode,
                    offered=True,
                    outcome=outcome,
                    completed_at=returned + timedelta(hours=20) if done else None,
                    interviewer_name="Ife Interviewer" if done else "",
                )


def _expected_alerts(user: Any, panel: Any) -> int:
    kinds = {Kind.LOCATION, Kind.GROUP} | ({Kind.PERSON} if panel.pk in poc_panel_ids(user) else set())
    current = list(Link.objects.filter(ended_on__isnull=True).select_related("source", "target"))
    linked = {frozenset((link.source_id, link.target_id)) for link in current}
    reviewed = {(frozenset((r.first_child_id, r.second_child_id)), r.context_id) for r in AlertReview.objects.all()}
    found = set()
    for context in Subject.objects.filter(panel=panel, kind__in=kinds).exclude(status=Status.MERGED):
        kids = {
            link.source_id
            for link in current
            if link.target_id == context.pk and link.source.kind == Kind.CHILD and link.source.status != Status.MERGED
        }
        for a, b in combinations(sorted(kids), 2):
            pair = frozenset((a, b))
            if pair not in linked and (pair, context.pk) not in reviewed:
                found.add((a, b, context.pk))
    return len(found)


def _expected_actions(user: Any, world: World) -> dict[str, int]:
    panel = world.panel_a
    today = timezone.localdate()
    memberships = user.memberships.filter(ended_at__isnull=True, panel=panel)
    manages = memberships.filter(role__in=["coordinator", "panel_chair"]).exists()
    agency_ids = set(memberships.exclude(agency__isnull=True).values_list("agency_id", flat=True))
    sees_poc = panel.pk in poc_panel_ids(user)
    chairs = panel.pk in chairing_panel_ids(user)
    counts = dict.fromkeys(("mine_open", "mine_overdue", "agency_open", "agency_overdue", "escalated"), 0)
    for action in Action.objects.select_related("subject"):
        if action.panel_id != panel.pk or action.status != ActionStatus.OPEN:
            continue
        if action.subject is not None and action.subject.kind == Kind.PERSON and not sees_poc:
            continue
        own = action.owner_id == user.pk
        agency = action.owner_agency_id in agency_ids
        if not (manages or own or agency):
            continue
        overdue = action.due_date < today
        counts["mine_open"] += own
        counts["mine_overdue"] += own and overdue
        counts["agency_open"] += agency
        counts["agency_overdue"] += agency and overdue
        counts["escalated"] += chairs and action.escalated_at is not None
    return counts


def _expected_interviews(panel: Any) -> int:
    now = timezone.now()
    n = 0
    for episode in MissingEpisode.objects.select_related("child"):
        if episode.child.panel_id != panel.pk or episode.child.status == Status.MERGED:
            continue
        if episode.returned_at is None or not (
            now - timedelta(days=183) <= episode.returned_at < now - timedelta(hours=72)
        ):
            continue
        finished = ReturnInterview.objects.filter(episode=episode, outcome__in=["completed", "declined"]).exists()
        n += not finished
    return n


@pytest.mark.django_db
@pytest.mark.parametrize("persona", PEOPLE)
def test_home_figures_equal_a_straightforward_count(world: World, persona: str) -> None:
    ensure_harm_types()
    _build(world, scale=2)
    user = world.user(persona)
    panel = world.panel_a

    expected = _expected_actions(user, world)
    section = actions_section(_request(user))
    assert section is not None
    got = {
        "mine_open": section["mine"]["open"],
        "mine_overdue": section["mine"]["overdue"],
        "agency_open": section["agency"]["open"],
        "agency_overdue": section["agency"]["overdue"],
        "escalated": section["escalated"],
    }
    assert got == expected
    assert any(expected.values())
    if got["mine_overdue"]:
        assert all(a.status == ActionStatus.OPEN and a.owner_id == user.pk for a in section["overdue"])

    if persona in ("coordinator_a", "chair_a"):
        alerts = alert_count(user, panel)
        assert alerts == _expected_alerts(user, panel)
        assert alerts > 0
        overdue = overdue_by_panel(user, [panel.pk])[panel.pk]
        assert overdue.interviews == _expected_interviews(panel)
        assert overdue.interviews > 0


@pytest.mark.django_db
def test_the_coordinator_home_runs_as_many_queries_with_more_data(world: World, client_as: Any) -> None:
    ensure_harm_types()
    client = client_as("coordinator_a")

    def count() -> int:
        client.get("/")
        with CaptureQueriesContext(connection) as captured:
            response = client.get("/")
        assert response.status_code == 200
        return len(captured.captured_queries)

    _build(world, scale=1)
    small = count()
    _build(world, scale=4)
    assert count() == small
