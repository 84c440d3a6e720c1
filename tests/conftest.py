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


@pytest.fixture(scope="session")
def _demo_database(django_db_setup: Any, django_db_blocker: Any) -> Iterator[str]:
    """A copy of the migrated test database with the demo seeded in it, made once per session
    (SQLite: a file copy; PostgreSQL: CREATE DATABASE … TEMPLATE). Yields its name."""
    test_name = connection.settings_dict["NAME"]
    with django_db_blocker.unblock():
        connection.close()
        connection.creation.clone_test_db(suffix="demo", verbosity=0, keepdb=False)
        demo_name = connection.creation.get_test_db_clone_settings("demo")["NAME"]
        connection.settings_dict["NAME"] = demo_name
        try:
            call_command("seed_demo", stdout=io.StringIO())
        finally:
            connection.close()
            connection.settings_dict["NAME"] = test_name
    cache.clear()
    yield demo_name
    with django_db_blocker.unblock():
        connection.creation._destroy_test_db(demo_name, verbosity=0)


@pytest.fixture(autouse=True)
def _on_the_demo_database(request: pytest.FixtureRequest) -> Iterator[None]:
    """Points the default connection at the demo copy for a test that asks for ``demo_db``,
    before its transaction starts (autouse fixtures of this file are set up before the ``db``
    fixture of a test's arguments, and torn down after it)."""
    if "demo_db" not in request.fixturenames:
        yield
        return
    demo_name = request.getfixturevalue("_demo_database")
    assert not connection.in_atomic_block, "the demo database must be chosen before the test's transaction"
    test_name = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = demo_name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = test_name


@pytest.fixture
def demo_db(db: Any) -> None:
    """The full demo, as ``seed_demo`` leaves it (see ``_on_the_demo_database``). Changes a test
    makes are rolled back. Ask for it before ``world`` if both are needed."""
