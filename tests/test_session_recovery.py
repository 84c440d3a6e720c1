"""Issue #18 on the server: the timeout warning's status check, answers a script can tell apart
(signed out, token rotated, refused), and forms kept for their author after a sign-out."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from macehub.accounts.models import KeptDraft
from tests.factories.casework import casework_for
from tests.factories.personas import World, sign_in_through_forms

from .subjects.factories import register_for

STATUS = "/account/session/"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def child(world: World) -> Any:
    register = register_for(world)
    casework_for(world, register)
    return register["c1"]


def test_the_status_check_reports_seconds_left_without_counting_as_activity(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("member_a"))
        client.get("/")
        clock.shift(timedelta(minutes=13))
        data = client.get(STATUS, **JSON).json()
        assert data["signed_in"] is True
        assert data["seconds_left"] == 120
        assert data["csrf_token"]
        clock.shift(timedelta(minutes=1))
        assert client.get(STATUS, **JSON).json()["seconds_left"] == 60  # asking did not renew it
        # "Stay signed in" is activity: a full 15 minutes again.
        assert client.post(STATUS, **JSON).json()["seconds_left"] == 900
        clock.shift(timedelta(minutes=16))
        late = client.get(STATUS, **JSON)
        assert late.status_code == 401
        assert late.json() == {"signed_in": False, "reason": "idle", "seconds_left": 0}
        assert client.get("/").status_code == 302


def test_a_script_is_told_signed_out_or_token_rotated_not_refused(world: World) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("member_a"))
        clock.shift(timedelta(minutes=16))
        expired = client.post("/people/", {"x": "1"}, **JSON)
        assert expired.status_code == 401
        assert expired.json()["reason"] == "idle"
        # Already signed out: still 401, never the sign-in page's HTML.
        assert client.get("/people/", **JSON).status_code == 401
        assert client.get(STATUS, **JSON).status_code == 401
    client = sign_in_through_forms(Client(), world.user("member_a"))
    client.handler.enforce_csrf_checks = True
    rotated = client.post(STATUS, {"csrfmiddlewaretoken": "stale" * 8}, **JSON)
    assert rotated.status_code == 403
    assert rotated.json() == {"error": "csrf_failed", "signed_in": True}
    page = client.post(STATUS, {"csrfmiddlewaretoken": "stale" * 8})
    assert "Your form could not be sent" in page.content.decode()


def _episode_form(child: Any) -> dict[str, str]:
    return {
        "went_missing_at_0": "24",
        "went_missing_at_1": "10",
        "went_missing_at_2": "2025",
        "police_reference": "CAD 4471/24Oct",
        "notes": "Seen at Croydon bus station by a youth worker.",
    }


def test_a_form_posted_after_the_idle_limit_is_kept_for_its_author_only(world: World, child: Any) -> None:
    path = f"/casework/children/{child.pk}/missing/new/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("chair_a"))
        clock.shift(timedelta(minutes=16))
        response = client.post(path, _episode_form(child))
        assert response.status_code == 302
        assert response["Location"].startswith("/account/login/?signed_out=idle&next=")
        kept = KeptDraft.objects.get()
        assert kept.user == world.user("chair_a")
        assert kept.path == path
        assert "Croydon bus station" not in kept.data and "CAD" not in kept.data  # encrypted at rest
        assert kept.expires_at - kept.created_at == timedelta(hours=24)

        # A colleague opening the same form sees nothing of it.
        colleague = sign_in_through_forms(Client(), world.user("coordinator_a"))
        assert "Croydon bus station" not in colleague.get(path).content.decode()

        sign_in_through_forms(client, world.user("chair_a"))
        page = client.get(path).content.decode()
        assert "You were signed out before this form was sent" in page
        assert "Seen at Croydon bus station by a youth worker." in page
        assert not KeptDraft.objects.exists()  # given back once
        assert "Croydon bus station" not in client.get(path).content.decode()


def test_a_form_posted_from_a_page_left_open_after_the_sign_out_is_kept_too(world: World, child: Any) -> None:
    """Another tab's request ended the session first: the anonymous session remembers whose it was."""
    path = f"/casework/children/{child.pk}/missing/new/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("chair_a"))
        clock.shift(timedelta(minutes=16))
        assert client.get("/").status_code == 302  # the other tab: signed out
        response = client.post(path, _episode_form(child))
    assert response["Location"].startswith("/account/login/?signed_out=idle&next=")
    assert KeptDraft.objects.get().user == world.user("chair_a")


def test_nothing_is_kept_without_a_valid_token_or_for_a_stranger(world: World, child: Any) -> None:
    path = f"/casework/children/{child.pk}/missing/new/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("chair_a"))
        client.handler.enforce_csrf_checks = True
        clock.shift(timedelta(minutes=16))
        client.post(path, {**_episode_form(child), "csrfmiddlewaretoken": "forged" * 8})
    assert not KeptDraft.objects.exists()
    stranger = Client()
    response = stranger.post(path, _episode_form(child))
    assert response.status_code == 302
    assert not KeptDraft.objects.exists()


def test_kept_forms_expire_and_the_retention_run_deletes_them(world: World, child: Any) -> None:
    path = f"/casework/children/{child.pk}/missing/new/"
    with time_machine.travel(timezone.now(), tick=False) as clock:
        client = sign_in_through_forms(Client(), world.user("chair_a"))
        clock.shift(timedelta(minutes=16))
        client.post(path, _episode_form(child))
        assert KeptDraft.objects.count() == 1
        clock.shift(timedelta(hours=25))
        sign_in_through_forms(client, world.user("chair_a"))
        assert "Croydon bus station" not in client.get(path).content.decode()  # past its time: never shown
        call_command("apply_retention", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert not KeptDraft.objects.exists()
    assert json.dumps(list(KeptDraft.objects.values())) == "[]"
