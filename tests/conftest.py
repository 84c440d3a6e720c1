"""Shared fixtures. Personas are described in tests/factories/personas.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
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
