"""What crossborder adds to the pages of the apps below it (registered in ``AppConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def home_section(request: HttpRequest) -> dict[str, Any] | None:
    from . import selectors
    from .policies import policy

    if not policy.can(request.user, "use_crossborder"):
        return None
    waiting = list(selectors.incoming(request.user).filter(state__in=["sent", "acknowledged"])[:20])
    new_finds = list(selectors.finds_for(request.user).filter(acknowledged_at__isnull=True)[:20])
    if not waiting and not new_finds:
        return None
    return {"waiting": waiting, "new_finds": new_finds}


def record_section(user: Any, subject: Any) -> dict[str, Any] | None:
    from . import selectors
    from .policies import policy

    if subject.kind != "child":
        return None
    moves = selectors.handovers_of_child(user, subject)
    can_send = policy.can(user, "send_move", subject)
    if not moves and not can_send:
        return None
    return {"subject": subject, "moves": moves, "can_send": can_send}


def register_all() -> None:
    from macehub.casework.hooks import register_episode_hook
    from macehub.core import home, navigation, record_sections

    from .policies import policy
    from .services import note_found_elsewhere

    register_episode_hook(note_found_elsewhere)
    home.register(home.HomeSection("crossborder", "crossborder/home_section.html", home_section, order=15))
    record_sections.register(
        record_sections.RecordSection("crossborder", "crossborder/record_section.html", record_section, order=10)
    )
    navigation.register(
        navigation.NavItem(
            "Cross-border",
            "crossborder:home",
            lambda u: policy.can(u, "use_crossborder"),
            order=28,
            section="/crossborder/",
        )
    )
