"""List pages use the same number of queries with a few rows and with many."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from macehub.organisations.models import Partnership
from macehub.review.models import (
    ActionMilestone,
    Answer,
    Assessment,
    Cycle,
    DirectoryListing,
    Finding,
    GovernanceGroup,
    GroupMeeting,
    GroupMembership,
    ImplementationAction,
    Milestone,
    NewsItem,
    PeerReview,
    ProgressUpdate,
    Question,
    Recommendation,
    ReviewerAssignment,
    ReviewRound,
)
from tests.factories.personas import grant, make_user


def _count(client, url: str) -> int:
    assert client.get(url).status_code == 200  # warm: session, caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def _partnerships(n: int) -> list[Partnership]:
    start = Partnership.objects.count()
    return [Partnership.objects.create(name=f"P{start + i} partnership", short_name=f"P{start + i}") for i in range(n)]


def more_returns(rw, world) -> None:
    questions = list(Question.objects.filter(section__framework_version=rw.version))
    for partnership in _partnerships(8):
        assessment = Assessment.objects.create(
            cycle=rw.cycle, partnership=partnership, status="submitted", submitted_at=timezone.now()
        )
        Answer.objects.bulk_create(Answer(assessment=assessment, question=q, rating=2) for q in questions)


def more_cycles(rw, world) -> None:
    for i in range(6):
        cycle = Cycle.objects.create(
            name=f"Old cycle {i}",
            framework_version=rw.version,
            opens_on=timezone.localdate(),
            deadline=timezone.localdate(),
        )
        Assessment.objects.create(cycle=cycle, partnership=world.partnership_a)


def more_peer_review(rw, world) -> None:
    partnerships = _partnerships(3)
    for i in range(5):
        review = PeerReview.objects.create(
            round=rw.review_round, title=f"Meeting {i + 2}", meeting_date=timezone.localdate()
        )
        review.partnerships.set(partnerships)
        ReviewerAssignment.objects.create(review=review, user=world.user("london_team"), sector="local_authority")
        finding = Finding.objects.create(round=rw.review_round, theme="data", title=f"Finding {i}", summary="…")
        finding.partnerships.set(partnerships)
        rec = Recommendation.objects.create(
            round=rw.review_round,
            reference=f"R{i + 10}",
            title=f"Recommendation {i}",
            owner_kind="group",
            owner_group=rw.group,
            status="accepted",
        )
        rec.findings.set([finding, rw.finding])
        ImplementationAction.objects.create(recommendation=rec, title=f"Action {i}", lead=world.user("lead_a"))
    for i in range(4):
        ReviewRound.objects.create(name=f"Round {i}", cycle=rw.cycle)


def more_actions(rw, world) -> None:
    for i in range(6):
        action = ImplementationAction.objects.create(
            recommendation=rw.recommendation,
            title=f"Action {i}",
            lead=world.user("peer_reviewer"),
            due_date=timezone.localdate(),
        )
        ActionMilestone.objects.create(action=action, title="Step", due_date=timezone.localdate())
        ProgressUpdate.objects.create(
            action=action, text="Moving", status_after="on_track", created_by=world.user("peer_reviewer")
        )
        ProgressUpdate.objects.create(
            action=rw.action,
            text=f"Update {i}",
            status_after="on_track",
            evidence=rw.update_with_evidence.evidence,
            created_by=world.user("peer_reviewer"),
        )
        ActionMilestone.objects.create(action=rw.action, title=f"Milestone {i}", due_date=timezone.localdate())
        finding = Finding.objects.create(round=rw.review_round, theme="data", title=f"Finding {i}", summary="…")
        finding.evidence_answers.set([rw.answer_a])
        finding.evidence_notes.set([rw.note])
        finding.partnerships.set([world.partnership_a])
        rw.recommendation.findings.add(finding)


def more_groups(rw, world) -> None:
    for i in range(6):
        group = GovernanceGroup.objects.create(name=f"Group {i}", kind="task_and_finish")
        user = make_user(f"g{i}@test.invalid", f"Member {i}")
        grant(user, "peer_reviewer")
        GroupMembership.objects.create(group=group, user=user, role="chair")
        GroupMembership.objects.create(group=rw.group, user=user, role="member")
        GroupMeeting.objects.create(
            group=rw.group, title=f"Meeting {i}", meets_on=timezone.localdate() + timedelta(days=i)
        )
        Milestone.objects.create(title=f"Milestone {i}", due_on=timezone.localdate(), group=group)
        NewsItem.objects.create(title=f"News {i}", body="…", published_on=timezone.localdate())


def more_listings(rw, world) -> None:
    for i, partnership in enumerate(_partnerships(6)):
        user = make_user(f"lead{i}@test.invalid", f"Lead {i}")
        grant(user, "strategic_lead", partnership=partnership)
        grant(user, "borough_admin", partnership=partnership)
        DirectoryListing.objects.create(user=user, listed=True)


PAGES: list[tuple[str, str, Callable[..., str], Callable[..., None]]] = [
    ("tracking", "london_team", lambda rw: f"/review/cycles/{rw.cycle.pk}/", more_returns),
    ("heat map", "london_team", lambda rw: f"/review/cycles/{rw.cycle.pk}/results/", more_returns),
    ("own results", "borough_admin_b", lambda rw: f"/review/returns/{rw.return_b.pk}/results/", more_returns),
    ("cycle list", "london_team", lambda rw: "/review/cycles/", more_cycles),
    ("review overview", "london_team", lambda rw: "/review/", more_peer_review),
    ("round list", "london_team", lambda rw: "/review/peer-review/", more_peer_review),
    ("round detail", "london_team", lambda rw: f"/review/peer-review/{rw.review_round.pk}/", more_peer_review),
    (
        "findings report",
        "london_team",
        lambda rw: f"/review/peer-review/{rw.review_round.pk}/report/",
        more_peer_review,
    ),
    ("recommendation list", "peer_reviewer", lambda rw: "/review/recommendations/", more_peer_review),
    (
        "recommendation chain",
        "peer_reviewer",
        lambda rw: f"/review/recommendations/{rw.recommendation.pk}/",
        more_actions,
    ),
    ("action", "peer_reviewer", lambda rw: f"/review/actions/{rw.action.pk}/", more_actions),
    ("members home", "peer_reviewer", lambda rw: "/review/members/", more_actions),
    ("group list", "member_a", lambda rw: "/review/groups/", more_groups),
    ("group detail", "peer_reviewer", lambda rw: f"/review/groups/{rw.group.pk}/", more_groups),
    ("timeline", "member_a", lambda rw: "/review/timeline/", more_groups),
    ("members home (groups)", "peer_reviewer", lambda rw: "/review/members/", more_groups),
    ("directory", "member_a", lambda rw: "/review/members/directory/", more_listings),
    ("framework", "london_team", lambda rw: f"/review/frameworks/versions/{rw.version.pk}/", more_cycles),
    ("return task list", "lead_a", lambda rw: f"/review/returns/{rw.return_a.pk}/", more_returns),
]


@pytest.mark.parametrize(("label", "persona", "url", "grow"), PAGES, ids=[p[0] for p in PAGES])
def test_list_pages_use_the_same_number_of_queries_with_few_and_many_rows(
    label: str, persona: str, url: Callable[..., str], grow: Callable[..., None], rw, world, client_as
) -> None:
    client = client_as(persona)
    few = _count(client, url(rw))
    grow(rw, world)
    many = _count(client, url(rw))
    assert few == many, f"{label}: {few} queries with few rows, {many} with many"
