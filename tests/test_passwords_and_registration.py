"""C15 and C16: passwords an attacker would guess first are refused, in plain words; and
registering an address that already has an account does a new account's work too, so
neither the answer nor the time taken tells the two apart (the timing itself is measured
statistically by benchmarks/registration_timing.py, not here)."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from macehub.accounts.models import AccessRequest, User
from macehub.audit.models import AuditEvent
from tests.factories.personas import World


def _registration(world: World, email: str, password: str) -> dict[str, Any]:
    return {
        "full_name": "Priya New",
        "job_title": "Designated safeguarding lead",
        "email": email,
        "password1": password,
        "password2": password,
        "role": "panel_member",
        "partnership": world.partnership_a.pk,
        "panel": world.panel_a.pk,
        "agency": world.agencies["csc_a"].pk,
        "reason": "I am the DSL at Alpha Academy",
    }


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("Password1234!", "on lists of passwords published after data breaches"),
        ("correcthorsebatterystaple", "on lists of passwords published after data breaches"),
        ("Correct Horse Battery Staple", "on lists of passwords published after data breaches"),
        ("Summer2026!!x", "too easy to guess"),
        ("Lambeth2025!", "too easy to guess"),
        ("Southwark Police 2024", "too easy to guess"),
    ],
)
def test_guessable_passwords_are_refused_with_the_reason(world: World, password: str, reason: str) -> None:
    response = Client().post("/account/signup/", _registration(world, "priya.new@school.test", password))
    assert response.status_code == 200
    assert reason in response.content.decode()
    assert not User.objects.filter(email="priya.new@school.test").exists()


@pytest.mark.parametrize(
    "password", ["granite meadow oboe sprockets", "three random words here", "ταχύτητα ροδάκινο 🚲 λίμνη"]
)
def test_long_unpredictable_passphrases_are_accepted(db: Any, password: str) -> None:
    validate_password(password)


def test_the_breached_list_is_large_and_needs_no_network(db: Any) -> None:
    from macehub.accounts.validators import breached_passwords

    words = breached_passwords()
    assert len(words) > 40_000
    assert {"123456", "password", "qwerty", "correcthorsebatterystaple"} <= words
    with pytest.raises(ValidationError):
        validate_password("iloveyou")


def test_registering_a_known_address_answers_alike_and_keeps_nothing_of_the_rehearsal(world: World) -> None:
    known = world.user("member_a").email
    before = (User.objects.count(), AccessRequest.objects.count(), AuditEvent.objects.count())
    answer_known = Client().post("/account/signup/", _registration(world, known, "granite meadow oboe sprockets"))
    assert (User.objects.count(), AccessRequest.objects.count(), AuditEvent.objects.count()) == before
    answer_new = Client().post(
        "/account/signup/", _registration(world, "new.one@school.test", "granite meadow oboe sprockets")
    )
    assert answer_known.status_code == answer_new.status_code == 302
    assert answer_known["Location"] == answer_new["Location"]
    assert User.objects.filter(email="new.one@school.test").exists()
    assert not User.objects.filter(email__endswith="@rehearsal.invalid").exists()


def test_the_timing_benchmark_runs(world: World) -> None:
    """Not a timing test: the script in benchmarks/ works against the test database."""
    from benchmarks.registration_timing import mann_whitney_p, measure

    result = measure(2, log=lambda _line: None)
    assert len(result.known) == len(result.new) == 2
    assert mann_whitney_p([1.0, 2.0, 3.0], [1.0, 2.0, 3.0]) > 0.9
    assert mann_whitney_p([1.0] * 10, [5.0] * 10) < 0.01
