"""Cross-border test builders: a coordinator for partnership B (the personas have none), and a
handover of panel A's child C1 to partnership B sent through the real service."""

from __future__ import annotations

from datetime import date
from typing import Any

from macehub.core.access import Role
from tests.factories.personas import World, grant, make_user


def coordinator_b(world: World) -> Any:
    """Partnership B's MACE coordinator (made once per world)."""
    cached = getattr(world, "_coordinator_b", None)
    if cached is None:
        cached = make_user("coordinator.b@test.invalid", "Cole Bravo")
        grant(cached, Role.COORDINATOR, panel=world.panel_b, agency=world.agencies["csc_b"])
        world._coordinator_b = cached  # type: ignore[attr-defined]
    return cached


def send_c1(world: World, *, kind: str = "family_moved", parts: tuple[str, ...] = ("harm_types", "risk_level")) -> Any:
    from macehub.crossborder.services import handover_send
    from tests.subjects.factories import register_for

    child = register_for(world)["c1"]
    child.refresh_from_db()
    return handover_send(
        actor=world.user("coordinator_a"),
        child=child,
        to_partnership=world.partnership_b,
        kind=kind,
        moved_on=date(2026, 11, 30),
        parts=parts,
        note="Mum has moved to Southwark with both children.",
    )
