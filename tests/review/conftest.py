"""Fixtures for the review tests: the personas' world plus review records (tests/factories/review.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.factories.personas import World
from tests.factories.review import ReviewWorld, review_world


@pytest.fixture
def rw(world: World) -> ReviewWorld:
    return review_world(world)


def section_post(
    section: Any, state_version: int, ratings: dict[int, int | None], *, comment: str = "", **extra: Any
) -> dict[str, Any]:
    """POST data for a return section: ``ratings`` maps question pk to rating (None leaves it blank).

    ``comment`` goes with every rating: a rating other than the evidence's suggestion needs one."""
    data: dict[str, Any] = {"version": state_version, "next": "list"}
    for question_id, rating in ratings.items():
        data[f"q{question_id}_rating"] = "" if rating is None else str(rating)
        data[f"q{question_id}_comment"] = comment
    data.update(extra)
    return data
