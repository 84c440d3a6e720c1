"""Releases: the analyst prepares, the strategic lead signs off (audited), the figures are
disclosure-controlled, a signed-off release never changes, and only then does London see it."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from macehub.audit.models import Action, AuditEvent
from macehub.oversight import selectors, services
from macehub.oversight.models import ImmutableReleaseError, LondonDataset, Release, ReleaseStatus

from ..intruder import Intruder, read_release
from .factories import QUARTER, records_for


def _prepare(world: Any, **kwargs: Any) -> Release:
    return services.prepare_release(
        actor=world.user("analyst_a"), partnership=world.partnership_a, period=QUARTER, **kwargs
    )


@pytest.mark.django_db
def test_the_analyst_prepares_and_the_lead_signs_off(world: Any) -> None:
    records_for(world)
    release = _prepare(world)
    assert release.status == ReleaseStatus.DRAFT
    assert release.method["threshold"] == 5 and "audited secondary suppression" in release.method["method"]
    assert release.method["protection_width"] == 5
    summary = release.tables["children_summary"]["cells"]
    # 1 closed is hidden; 6 discussed is hidden too: the sex table's 2 and 4 would give it away.
    assert summary[4] == ["c"] and summary[1] == ["5"]
    # Small counts are stored only as c; zeros as 0.
    sex = release.tables["children_sex"]
    assert sex["cells"] == [["c"], ["c"], ["0"]] and sex["total"] == "c"
    # The tests' own intruder finds nothing to work out.
    intruder = Intruder()
    read_release(intruder, release.tables, "a")
    assert intruder.disclosures(width=5, threshold=5) == {}
    with pytest.raises(PermissionDenied):
        services.sign_off_release(actor=world.user("analyst_a"), release=release, expected_version=release.version)
    services.sign_off_release(actor=world.user("lead_a"), release=release, expected_version=release.version)
    release.refresh_from_db()
    assert release.status == ReleaseStatus.SIGNED_OFF and release.signed_off_by == world.user("lead_a")
    event = AuditEvent.objects.filter(action=Action.SIGN_OFF, object_type="oversight.release").get()
    assert event.actor_id == world.user("lead_a").pk and event.partnership_id == world.partnership_a.pk
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="oversight.release").exists()


@pytest.mark.django_db
def test_only_the_partnerships_analyst_prepares(world: Any) -> None:
    for persona in ("lead_a", "borough_admin_a", "chair_a", "london_team", "system_admin"):
        with pytest.raises(PermissionDenied):
            services.prepare_release(actor=world.user(persona), partnership=world.partnership_a, period=QUARTER)
    with pytest.raises(PermissionDenied):
        services.prepare_release(actor=world.user("analyst_a"), partnership=world.partnership_b, period=QUARTER)


@pytest.mark.django_db
def test_a_quarter_must_have_ended_and_thresholds_come_from_the_list(world: Any) -> None:
    from django.utils import timezone

    from macehub.oversight.periods import quarter_of

    with pytest.raises(ValidationError):
        services.prepare_release(
            actor=world.user("analyst_a"), partnership=world.partnership_a, period=quarter_of(timezone.localdate())
        )
    with pytest.raises(ValidationError):
        _prepare(world, threshold=4)


@pytest.mark.django_db
def test_a_signed_off_release_never_changes_and_corrections_are_new_releases(world: Any) -> None:
    records_for(world)
    release = _prepare(world)
    services.sign_off_release(actor=world.user("lead_a"), release=release, expected_version=release.version)
    release.refresh_from_db()
    release.tables = {}
    with pytest.raises(ImmutableReleaseError):
        release.save()
    with pytest.raises(ImmutableReleaseError):
        release.delete()
    with pytest.raises(ValidationError):
        _prepare(world)  # a correction needs a reason
    correction = _prepare(world, correction_reason="A referral was recorded against the wrong panel.")
    assert correction.number == 2 and correction.status == ReleaseStatus.DRAFT
    services.sign_off_release(actor=world.user("lead_a"), release=correction, expected_version=correction.version)
    current = selectors.current_releases(QUARTER)
    assert [r.pk for r in current] == [correction.pk]


@pytest.mark.django_db
def test_preparing_again_replaces_the_draft(world: Any) -> None:
    records_for(world)
    first = _prepare(world)
    again = _prepare(world, threshold=10)
    assert again.pk == first.pk and again.threshold == 10 and again.version == 2
    assert Release.objects.count() == 1
    # The lead signing off the version they read, after it changed, is refused.
    from macehub.core.services import ConcurrentEditError

    with pytest.raises(ConcurrentEditError):
        services.sign_off_release(actor=world.user("lead_a"), release=again, expected_version=1)


@pytest.mark.django_db
def test_london_sees_releases_only_once_signed_off(world: Any) -> None:
    records_for(world)
    release = _prepare(world)
    london = world.user("london_team")
    assert not selectors.releases_visible_to(london).exists()
    assert selectors.current_releases(QUARTER) == []
    services.sign_off_release(actor=world.user("lead_a"), release=release, expected_version=release.version)
    assert list(selectors.releases_visible_to(london)) == [release]
    # Partnership B's people never see A's releases.
    assert not selectors.releases_visible_to(world.user("borough_admin_b")).exists()


@pytest.mark.django_db
def test_the_london_team_publishes_the_assembled_dataset(world: Any) -> None:
    records_for(world)
    release = _prepare(world)
    with pytest.raises(ValidationError):
        services.publish_london_dataset(actor=world.user("london_team"), period=QUARTER)
    services.sign_off_release(actor=world.user("lead_a"), release=release, expected_version=release.version)
    with pytest.raises(PermissionDenied):
        services.publish_london_dataset(actor=world.user("lead_a"), period=QUARTER)
    dataset = services.publish_london_dataset(actor=world.user("london_team"), period=QUARTER, note="First.")
    assert dataset.sources == [{"release": release.pk, "partnership": "Alpha", "number": 1, "demo": False}]
    summary = dataset.tables["children_summary"]
    assert summary["partnerships"] == ["Alpha"]
    assert summary["cells"][0][4] == "c"  # closed: 1, hidden
    assert AuditEvent.objects.filter(action=Action.PUBLISH, object_type="oversight.londondataset").exists()
    dataset.note = "changed"
    with pytest.raises(ImmutableReleaseError):
        dataset.save()
    assert LondonDataset.objects.count() == 1


@pytest.mark.django_db
def test_nobody_signs_off_a_release_they_prepared(world: Any) -> None:
    """Separation of duties (C32): an analyst who is also the strategic lead needs a second person."""
    from macehub.core.access import Role
    from macehub.oversight.policies import policy
    from tests.factories.personas import grant

    records_for(world)
    both = world.user("analyst_a")
    grant(both, Role.STRATEGIC_LEAD, partnership=world.partnership_a)
    release = services.prepare_release(actor=both, partnership=world.partnership_a, period=QUARTER)
    assert not policy.can(both, "sign_off_release", release)
    with pytest.raises(PermissionDenied):
        services.sign_off_release(actor=both, release=release, expected_version=release.version)
    second = world.user("lead_a")
    assert policy.can(second, "sign_off_release", release)
    services.sign_off_release(actor=second, release=release, expected_version=release.version)
    assert Release.objects.get(pk=release.pk).signed_off_by == second


@pytest.mark.django_db
def test_a_release_that_gives_figures_away_cannot_be_signed_off(world: Any) -> None:
    """A draft stored by the method that shipped before (the intruder recovers both 1s) is refused,
    with the figure and the reason in plain words."""
    records_for(world)
    release = _prepare(world)
    tables = dict(release.tables)
    tables["children_age"] = {
        **tables["children_age"],
        "cells": [["0"], ["10"], ["8"], ["6"], ["c"], ["c"], ["0"], ["0"]],
        "column_totals": ["26"],
        "total": "26",
    }
    Release.objects.filter(pk=release.pk).update(tables=tables)
    release.refresh_from_db()
    with pytest.raises(services.DisclosureRiskError) as refused:
        services.sign_off_release(actor=world.user("lead_a"), release=release, expected_version=release.version)
    explanations = [f.explanation for f in refused.value.result.findings]
    assert any(
        "‘18 to 20’" in e and "exactly 1" in e and "the total 26 of ‘Children discussed by age’" in e
        for e in explanations
    ), explanations
    assert Release.objects.get(pk=release.pk).status == ReleaseStatus.DRAFT


@pytest.mark.django_db
def test_the_london_team_withdraws_and_the_partnership_reissues(world: Any) -> None:
    records_for(world)
    release = _prepare(world)
    services.sign_off_release(actor=world.user("lead_a"), release=release, expected_version=release.version)
    dataset = services.publish_london_dataset(actor=world.user("london_team"), period=QUARTER)
    with pytest.raises(PermissionDenied):
        services.withdraw_release(actor=world.user("lead_a"), release=release, reason="No.")
    services.withdraw_release(actor=world.user("london_team"), release=release, reason="The audit failed.")
    services.withdraw_london_dataset(actor=world.user("london_team"), dataset=dataset, reason="The audit failed.")
    assert selectors.current_releases(QUARTER) == []
    assert not selectors.published_datasets().exists()
    assert AuditEvent.objects.filter(action=Action.WITHDRAWN).count() == 2
    reissued = _prepare(world, correction_reason="Re-issued with the audited method after withdrawal.")
    assert reissued.number == 2
    services.sign_off_release(actor=world.user("lead_a"), release=reissued, expected_version=reissued.version)
    assert [r.pk for r in selectors.current_releases(QUARTER)] == [reissued.pk]
    again = services.publish_london_dataset(actor=world.user("london_team"), period=QUARTER)
    assert again.number == 2 and again.sources[0]["release"] == reissued.pk
