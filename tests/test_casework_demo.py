"""The demo casework gives children realistic histories, and seeding twice changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.management import call_command
from django.utils import timezone

from macehub.accounts.models import User
from macehub.casework.models import (
    Disruption,
    Escalation,
    MissingEpisode,
    NRMReferral,
    Plan,
    ReturnInterview,
    RiskAssessment,
)
from macehub.casework.selectors import due_lists, overdue_by_panel
from macehub.casework.times import to_london
from macehub.core import timeline
from macehub.organisations.models import Panel
from macehub.subjects.models import RiskChange


def _counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (RiskAssessment, Plan, MissingEpisode, ReturnInterview, NRMReferral, Disruption, Escalation)
    )


def test_demo_casework_tells_realistic_stories(demo_db: None) -> None:
    counts = _counts()
    call_command("seed_demo", stdout=io.StringIO())
    assert _counts() == counts, "idempotent"
    grace = User.objects.get(email="grace@demo.macehub.test")
    for panel in Panel.objects.all():
        levels = panel.risk_levels
        assert RiskAssessment.objects.filter(child__panel=panel).count() >= 30
        changes = RiskChange.objects.filter(subject__panel=panel).exclude(previous_level="")
        steps = {(levels.index(c.level) - levels.index(c.previous_level)) > 0 for c in changes}
        assert steps == {True, False}, "risk going up and down"
        plans = Plan.objects.filter(subject__panel=panel)
        assert plans.filter(reviews__isnull=False).distinct().count() >= 3
        assert plans.filter(status="ended").exists()
        assert any(p.plan_children.count() >= 2 for p in plans.filter(plan_type="context"))
        interviews = ReturnInterview.objects.filter(episode__child__panel=panel)
        assert interviews.filter(within_72_hours=True).exists() and interviews.filter(within_72_hours=False).exists()
        assert interviews.filter(outcome="declined").exists()
        assert MissingEpisode.objects.filter(child__panel=panel, returned_at__isnull=True).exists()
        # Across the October clock change: the London clock shows under 72 hours, elapsed time is over.
        across = [
            i
            for i in interviews.filter(within_72_hours=False).select_related("episode")
            if i.episode.returned_at
            and i.completed_at
            and to_london(i.episode.returned_at).utcoffset() != to_london(i.completed_at).utcoffset()
        ]
        assert across, "an interview across the clock change"
        returned, completed = across[0].episode.returned_at, across[0].completed_at
        assert returned and completed
        local = to_london(completed).replace(tzinfo=None) - to_london(returned).replace(tzinfo=None)
        assert local < timedelta(hours=72) < completed - returned
        nrm = NRMReferral.objects.filter(child__panel=panel)
        today = timezone.localdate()
        stages = {
            "waiting in time": nrm.filter(rg_decision="pending", decision_due_on__gte=today).exists(),
            "waiting late": nrm.filter(rg_decision="pending", decision_due_on__lt=today).exists(),
            "waiting for conclusive grounds": nrm.filter(rg_decision="positive", cg_decision="pending").exists(),
            "concluded": nrm.exclude(cg_decision="pending").exists(),
            "negative": nrm.filter(rg_decision="negative").exists(),
        }
        assert all(stages.values()), stages
        categories = set(Disruption.objects.filter(target__panel=panel).values_list("category", flat=True))
        assert categories == {"location", "online", "peer_group", "perpetrator", "community"}
        routes = set(Escalation.objects.filter(subject__panel=panel).values_list("route", flat=True))
        assert routes == {"tactical", "strategic", "specialist_crime"}
    lambeth = Panel.objects.get(name="Lambeth MAVE")
    due = due_lists(grace, lambeth)
    assert due.interviews_overdue and due.nrm_late and due.assessments and due.consent
    assert overdue_by_panel(grace, [lambeth.pk])[lambeth.pk].total == due.overdue_count
    busiest = max(
        {e.child for e in MissingEpisode.objects.filter(child__panel=lambeth).select_related("child", "child__panel")},
        key=lambda c: len(timeline.events_for(grace, c)),
    )
    kinds = {e.kind for e in timeline.events_for(grace, busiest)}
    assert {"risk", "plan", "missing", "nrm"} <= kinds


def test_nothing_the_demo_publishes_gives_a_figure_away(demo_db: None) -> None:
    """Everything the demo publishes — every signed-off release and London dataset — audited
    jointly by the tests' own intruder finds no figure it can work out (C33). (A test of its
    own, on the shared demo copy, so it can run beside the one above.)"""
    from .oversight.demo_audit import demo_disclosures

    checked, found = demo_disclosures()
    assert checked > 1000
    assert found == {}, list(found.items())[:5]
