"""Fixtures for the VOLT register and referral tests."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.personas import World

from .factories import ensure_harm_types, register_for


@pytest.fixture
def register(world: World) -> dict[str, Any]:
    """Panel A's small register (see factories.py) and one child on panel B."""
    return register_for(world)


@pytest.fixture(autouse=True)
def _harm_types(db: Any) -> None:
    ensure_harm_types()
