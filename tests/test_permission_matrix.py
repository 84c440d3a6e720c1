"""Every URL, every persona: the expected outcome, and no change from a refused request.

Each app lists its URLs in tests/permission_matrix/<app>.py. A URL without an entry fails
this test, so a new view cannot ship without someone deciding who may use it.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client

from tests.factories.personas import PERSONAS, World, sign_in

from .permission_matrix.outcomes import DENIED, HIDDEN, LOGIN, MFA, NOT_ALLOWED
from .permission_matrix.probe import all_cases, all_url_names, fetch, outcome_of

REFUSED = {LOGIN, MFA, DENIED, HIDDEN, NOT_ALLOWED}


CASES, MODULE_OF = all_cases()


def test_every_url_has_an_entry_in_the_permission_matrix() -> None:
    missing = sorted(set(all_url_names()) - set(CASES))
    stale = sorted(set(CASES) - set(all_url_names()))
    assert not missing, f"URLs with no permission-matrix entry (add them to tests/permission_matrix/): {missing}"
    assert not stale, f"Permission-matrix entries for URLs that no longer exist: {stale}"


def test_every_entry_decides_for_every_persona() -> None:
    for name, case in CASES.items():
        assert set(case.expect) == set(PERSONAS), (
            f"{name} does not say what happens to {set(PERSONAS) - set(case.expect)}"
        )


def _client(world: World, persona: str) -> Client:
    client = Client()
    if persona != "anonymous":
        sign_in(client, world.user(persona), mfa=persona != "password_only")
    return client


def _domain_fingerprint() -> dict[str, tuple[int, int, int]]:
    """For every MACE Hub table except the audit trail (refusals are audited): the number of
    rows, the sum of their versions and how many are active, so an edit in place (or a
    deactivation) shows up as well as an insert."""
    from django.db.models import Sum

    fingerprint = {}
    for model in apps.get_models():
        if not model.__module__.startswith("macehub.") or model._meta.app_label == "audit":
            continue
        manager = model._default_manager
        fields = {f.name for f in model._meta.concrete_fields}
        versions = (manager.aggregate(total=Sum("version"))["total"] or 0) if "version" in fields else 0
        active = manager.filter(is_active=True).count() if "is_active" in fields else 0
        fingerprint[model._meta.label] = (manager.count(), versions, active)
    return fingerprint


# Each app's URLs are checked together: every persona signs in once (through the real pages)
# and visits all of them, which keeps the suite fast as the number of URLs grows.
MODULES = sorted(set(MODULE_OF.values()))


@pytest.mark.parametrize("module", MODULES)
def test_each_persona_gets_the_expected_outcome(module: str, world: World) -> None:
    cases = {name: case for name, case in CASES.items() if MODULE_OF[name] == module}
    paths = {name: case.path(world) for name, case in cases.items()}
    wrong = []
    for persona in PERSONAS:
        client = _client(world, persona)
        for name, case in cases.items():
            actual = outcome_of(fetch(client, "GET", paths[name]))
            if actual != case.expect[persona]:
                wrong.append(f"GET {paths[name]} ({name}) as {persona}: expected {case.expect[persona]}, got {actual}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("module", sorted({MODULE_OF[n] for n, c in CASES.items() if c.post}))
def test_refused_posts_change_nothing(module: str, world: World) -> None:
    cases = {name: case for name, case in CASES.items() if case.post and MODULE_OF[name] == module}
    paths = {name: case.path(world) for name, case in cases.items()}
    wrong = []
    for persona in PERSONAS:
        refused = {
            name: case.extra.get("post_expect", case.expect)[persona]
            for name, case in cases.items()
            if case.extra.get("post_expect", case.expect)[persona] in REFUSED
        }
        if not refused:
            continue
        client = _client(world, persona)
        before = _domain_fingerprint()
        for name, expected in refused.items():
            actual = outcome_of(fetch(client, "POST", paths[name]))
            if actual != expected:
                wrong.append(f"POST {paths[name]} ({name}) as {persona}: expected {expected}, got {actual}")
        if _domain_fingerprint() != before:
            # Something changed: find which refused POST did it, one at a time.
            for name in refused:
                snapshot = _domain_fingerprint()
                fetch(client, "POST", paths[name])
                if _domain_fingerprint() != snapshot:
                    wrong.append(f"POST {paths[name]} ({name}) as {persona} was refused but changed data")
            wrong.append(f"refused POSTs as {persona} changed data")
    assert not wrong, "\n".join(wrong)
