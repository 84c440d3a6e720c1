"""Shared fixtures. Personas are described in tests/factories/personas.py.

``world`` and ``client_as`` give the personas; ``demo_db`` gives the full demo (``seed_demo``),
seeded once per test session (per xdist worker) into a copy of the test database: each test
that asks for it runs in a transaction on that copy, rolled back afterwards like any ``db``
test, so the copy stays as seeded.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from tests.factories.personas import PERSONAS, World, build_world, sign_in

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_cache() -> Iterator[None]:
    """Rate-limit counters and used one-time codes must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


def _empties_the_database(item: pytest.Item) -> bool:
    marker = item.get_closest_marker("django_db")
    names = getattr(item, "fixturenames", ())
    return "transactional_db" in names or "live_server" in names or bool(marker and marker.kwargs.get("transaction"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    """After a test whose database is flushed (browser and other transactional tests), the
    reference data the migrations loaded is loaded again, once, so the tests after it need not."""
    result = yield
    if nextitem is not None and _empties_the_database(item):  # at the end the test database is gone
        from pytest_django.plugin import blocking_manager_key

        from tests.factories.reference import load_reference_data

        with item.config.stash[blocking_manager_key].unblock():
            load_reference_data()
            connection.close()
    return result


@pytest.fixture
def world(db: Any) -> World:
    return build_world()


@pytest.fixture
def client_as(world: World) -> Any:
    """``client_as("member_a")`` → a test client signed in as that persona (MFA passed)."""

    def make(persona: str) -> Client:
        client = Client()
        if persona == "anonymous":
            return client
        return sign_in(client, world.user(persona), mfa=persona != "password_only")

    return make


@pytest.fixture
def personas() -> tuple[str, ...]:
    return PERSONAS


class _DemoDatabase:
    """A copy of the migrated test database for the demo tests (SQLite: a file copy;
    PostgreSQL: CREATE DATABASE … TEMPLATE), made before the session's first test (so before a
    browser test's flush can empty the reference data the migrations load) and seeded with the
    demo when the first demo test needs it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.seeded = False

    def seed(self) -> None:
        if not self.seeded:
            call_command("seed_demo", stdout=io.StringIO())
            self.seeded = True


@pytest.fixture(scope="session", autouse=True)
def _demo_database(request: pytest.FixtureRequest) -> Iterator[_DemoDatabase | None]:
    if not any("demo_db" in getattr(item, "fixturenames", ()) for item in request.session.items):
        yield None
        return
    request.getfixturevalue("django_db_setup")
    blocker = request.getfixturevalue("django_db_blocker")
    with blocker.unblock():
        connection.close()
        connection.creation.clone_test_db(suffix="demo", verbosity=0, keepdb=False)
    demo = _DemoDatabase(connection.creation.get_test_db_clone_settings("demo")["NAME"])
    yield demo
    with blocker.unblock():
        connection.close()
        connection.creation.destroy_test_db(verbosity=0, suffix="demo")


@pytest.fixture(autouse=True)
def _on_the_demo_database(request: pytest.FixtureRequest, _demo_database: _DemoDatabase | None) -> Iterator[None]:
    """Points the default connection at the demo copy for a test that asks for ``demo_db``,
    before its transaction starts (autouse fixtures of this file are set up before the ``db``
    fixture of a test's arguments, and torn down after it)."""
    if "demo_db" not in request.fixturenames:
        yield
        return
    assert _demo_database is not None
    assert not connection.in_atomic_block, "the demo database must be chosen before the test's transaction"
    test_name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = _demo_database.name
    try:
        if not _demo_database.seeded:
            with request.getfixturevalue("django_db_blocker").unblock():
                _demo_database.seed()
            cache.clear()
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = test_name


@pytest.fixture
def demo_db(db: Any) -> None:
    """The full demo, as ``seed_demo`` leaves it (see ``_on_the_demo_database``). Changes a test
    makes are rolled back. Ask for it before ``world`` if both are needed."""
