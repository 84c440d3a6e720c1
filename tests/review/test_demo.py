"""The review demo reads like the 2022 peer review, and seeding twice changes nothing."""

from __future__ import annotations

from macehub.core.demo import DemoContext
from macehub.organisations.models import LocalAuthority, Partnership
from macehub.review.models import (
    Assessment,
    Cycle,
    GovernanceGroup,
    ImplementationAction,
    PeerReview,
    Recommendation,
    ReviewRound,
)


def _seed() -> DemoContext:
    from macehub.accounts import demo as accounts_demo
    from macehub.organisations import demo as organisations_demo
    from macehub.review import demo as review_demo

    ctx = DemoContext()
    organisations_demo.seed(ctx)
    accounts_demo.seed(ctx)
    review_demo.seed(ctx)
    return ctx


def test_the_demo_has_the_2022_review_and_what_followed(db) -> None:
    _seed()
    partnerships = Partnership.objects.count()
    assert partnerships == 31 and LocalAuthority.objects.count() == 33
    cycle = Cycle.objects.get(name="2022 MACE self-assessment")
    returned = cycle.assessments.filter(status=Assessment.Status.SUBMITTED)
    assert (returned.count(), cycle.assessments.count()) == (24, partnerships)
    covered = LocalAuthority.objects.filter(partnerships__review_assessments__in=returned).distinct().count()
    assert covered == 26
    round_2022 = ReviewRound.objects.get(name="2022 London MACE peer review")
    assert round_2022.is_published and round_2022.published_at.date().isoformat().startswith("2023-01")
    meetings = PeerReview.objects.filter(round=round_2022)
    assert meetings.count() == 6
    assert Partnership.objects.filter(peer_reviews__round=round_2022).distinct().count() == 10
    statuses = set(Recommendation.objects.values_list("status", flat=True))
    assert {"proposed", "accepted", "in_progress", "implemented"} <= statuses
    assert ImplementationAction.objects.filter(status="awaiting_closure").exists()
    assert ImplementationAction.objects.filter(status="closed").exists()
    kinds = set(GovernanceGroup.objects.values_list("kind", flat=True))
    assert kinds == {"project_delivery", "task_and_finish", "chairs_reference"}
    current = Cycle.objects.get(status="open")
    lambeth = current.assessments.get(partnership__short_name="Lambeth")
    assert lambeth.status == "not_started" and current.previous == cycle


def test_seeding_twice_changes_nothing(db) -> None:
    _seed()
    before = (Cycle.objects.count(), Recommendation.objects.count(), Assessment.objects.count())
    ctx = _seed()
    assert (Cycle.objects.count(), Recommendation.objects.count(), Assessment.objects.count()) == before
    assert "Review: demo data already present." in ctx.log
