"""C28: a save made from a page opened before someone else's change does not silently win.

The risk assessment that sets a child's current level carries the version of the child's
record the person saw (and with it the level shown on the page); a legal hold is placed or
released only as the person chose, on the version they saw.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from macehub.casework.models import RiskAssessment
from macehub.subjects.common import subject_url
from macehub.subjects.models import Subject
from macehub.subjects.services import records as record_services
from tests.factories.personas import World

from .hostile import forms_on
from .subjects.factories import register_for


def _form_on(client: Any, path: str) -> dict[str, Any]:
    """The page's own form as the browser would send it (hidden ids and versions included)."""
    forms, _links = forms_on(client.get(path).content.decode(), f"http://testserver{path}")
    form = next(f for f in forms if f.method == "post" and f.action == f"http://testserver{path}")
    return {k: v[-1] for k, v in form.fields.items() if v}


def test_a_risk_assessment_from_a_stale_page_does_not_replace_a_colleagues_level(world: World, client_as: Any) -> None:
    child = register_for(world)["c1"]
    path = f"/casework/children/{child.pk}/risk/new/"
    coordinator = client_as("coordinator_a")
    seen = [
        f for f in forms_on(coordinator.get(path).content.decode(), f"http://testserver{path}")[0] if f.method == "post"
    ]
    # The page's own form (every page also carries the idle warning's forms).
    form = next(f for f in seen if "child_version" in f.fields)
    data: dict[str, Any] = {k: v[-1] for k, v in form.fields.items() if v}
    today = timezone.localdate()
    data.update(
        {
            "tool": "Exploitation screening tool",
            "assessor_name": "Sam Green",
            "assessed_on_day": today.day,
            "assessed_on_month": today.month,
            "assessed_on_year": today.year,
            "level": "Low",
            "factors": "Attending school.",
            "set_current_level": "on",
        }
    )
    # While the coordinator writes, the chair decides the level is High.
    record_services.subject_set_risk(
        actor=world.user("chair_a"), subject=child, expected_version=child.version, level="High", reason="Panel",
        decided_on=today - timedelta(days=1),
    )  # fmt: skip
    response = coordinator.post(path, data)
    assert response.status_code == 409
    page = response.content.decode()
    assert "its risk level is now High" in page and "Attending school." in page
    assert Subject.objects.get(pk=child.pk).risk_level == "High"
    assert not RiskAssessment.objects.filter(child=child, level="Low").exists()
    # Saving again, now knowing, is a deliberate choice.
    again_form = next(f for f in forms_on(page, f"http://testserver{path}")[0] if "child_version" in f.fields)
    again = {k: v[-1] for k, v in again_form.fields.items() if v}
    response = coordinator.post(path, {**data, "child_version": again["child_version"]})
    assert response.status_code == 302
    assert Subject.objects.get(pk=child.pk).risk_level == "Low"


def test_placing_a_legal_hold_twice_never_releases_it(world: World, client_as: Any) -> None:
    child = register_for(world)["c1"]
    coordinator = client_as("coordinator_a")
    path = subject_url(child, "hold")
    data = {**_form_on(coordinator, path), "reason": "Public inquiry INQ-3"}
    assert data["action"] == "place"
    assert coordinator.post(path, data).status_code == 302
    # The same "Place" sent again (a second tab, the back button).
    page = coordinator.post(path, data)
    assert "already on legal hold" in page.content.decode() or page.status_code == 409
    child.refresh_from_db()
    assert child.legal_hold_since is not None and child.legal_hold_reason == "Public inquiry INQ-3"


def test_a_hold_released_from_a_stale_page_is_refused(world: World, client_as: Any) -> None:
    child = register_for(world)["c1"]
    coordinator = client_as("coordinator_a")
    path = subject_url(child, "hold")
    coordinator.post(path, {**_form_on(coordinator, path), "reason": "Inquiry"})
    release = {**_form_on(coordinator, path), "reason": "Inquiry closed"}
    assert release["action"] == "release"
    # Meanwhile a colleague edits the record.
    Subject.objects.filter(pk=child.pk).update(version=child.version + 5)
    response = coordinator.post(path, release)
    assert response.status_code == 409
    child.refresh_from_db()
    assert child.legal_hold_since is not None, "the hold stays until released on the record as it is"
    assert "Inquiry closed" in response.content.decode()


def test_the_legal_hold_follows_the_policy(world: World) -> None:
    import pytest
    from django.core.exceptions import PermissionDenied

    from macehub.subjects.services import retention

    child = register_for(world)["c1"]
    with pytest.raises(PermissionDenied):
        retention.place_hold(actor=world.user("member_a"), subject=child, expected_version=child.version, reason="x")
    assert Subject.objects.get(pk=child.pk).legal_hold_since is None
