"""Who may open the cross-border pages.

Panel A's child C1 has been placed in partnership B (a handover sent by A's coordinator), and
was found in B's area after going missing. The personas hold no role in B that receives
handovers (tests/crossborder/ adds B's coordinator and checks the receiving side): so here
the sending side reads the handover (any panel A role: 200), follows it up (A's coordinators
and chairs write the placing summary), and cannot acknowledge or decide it (403); everyone
else gets 404 — the handover does not exist for them. Moves are sent by A's coordinator only
(C2, still open). The cross-border list is for coordinators and chairs.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.factories.personas import World

from .outcomes import DENIED, HIDDEN, NOT_ALLOWED, OK, REDIRECT, Case, signed_in

PANEL_A_ROLES = ("member_a", "member_a_education", "coordinator_a", "chair_a")
DECIDERS = ("coordinator_a", "chair_a")


def _objects(world: World) -> dict[str, Any]:
    cached = getattr(world, "_crossborder", None)
    if cached is not None:
        return cached
    from datetime import datetime, timedelta

    from django.utils import timezone

    from macehub.casework.services.missing import episode_create
    from macehub.organisations.models import LocalAuthority
    from tests.factories.crossborder import send_c1
    from tests.subjects.factories import register_for

    register = register_for(world)
    started = timezone.make_aware(datetime(2026, 10, 1, 18))
    episode = episode_create(
        actor=world.user("coordinator_a"),
        child=register["c1"],
        values={
            "started_at": started,
            "returned_at": started + timedelta(hours=10),
            "reported_to_police": False,
            "risk_grade": "medium",
            "placement": "home",
            "philomena": "not_applicable",
            "where_found": "Peckham Rye car park",
            "found_in": LocalAuthority.objects.get(name="Southwark"),
            "notes": "",
        },
    )
    cached = {
        "handover": send_c1(world, kind="placed"),
        "notice": episode.found_notice,
        "c2": register["c2"],
    }
    world._crossborder = cached  # type: ignore[attr-defined]
    return cached


def _path(template: str, key: str) -> Callable[[World], str]:
    return lambda w: template.format(pk=_objects(w)[key].pk)


SENDING_READS = signed_in(HIDDEN, **dict.fromkeys(PANEL_A_ROLES, OK))
SENDING_REFUSED = signed_in(HIDDEN, **dict.fromkeys(PANEL_A_ROLES, DENIED))

CASES: dict[str, Case] = {
    "crossborder:home": Case(lambda w: "/crossborder/", signed_in(DENIED, **dict.fromkeys(DECIDERS, OK))),
    "crossborder:move_create": Case(
        _path("/crossborder/children/{pk}/move/", "c2"),
        signed_in(HIDDEN, **{**dict.fromkeys(PANEL_A_ROLES, DENIED), "coordinator_a": OK}),
        post=True,
    ),
    "crossborder:handover": Case(_path("/crossborder/handovers/{pk}/", "handover"), SENDING_READS),
    "crossborder:acknowledge": Case(
        _path("/crossborder/handovers/{pk}/acknowledge/", "handover"),
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": SENDING_REFUSED},
        notes="POST only; the receiving partnership's coordinators (none among the personas).",
    ),
    "crossborder:decide": Case(_path("/crossborder/handovers/{pk}/decide/", "handover"), SENDING_REFUSED, post=True),
    "crossborder:placement_summary": Case(
        _path("/crossborder/handovers/{pk}/summary/", "handover"),
        signed_in(HIDDEN, **{**dict.fromkeys(PANEL_A_ROLES, DENIED), **dict.fromkeys(DECIDERS, OK)}),
        post=True,
    ),
    "crossborder:found_acknowledge": Case(
        _path("/crossborder/found/{pk}/acknowledge/", "notice"),
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": SENDING_REFUSED},
        notes="POST only; the area's coordinators (none among the personas); the sending panel sees it.",
    ),
    "crossborder:found_places": Case(
        lambda w: f"/crossborder/partnerships/{w.partnership_a.pk}/found-places/",
        signed_in(HIDDEN, **dict.fromkeys(DECIDERS, OK)),
    ),
}

__all__ = ["REDIRECT"]
