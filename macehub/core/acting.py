"""Which partnership a person is acting for, shown in the header.

Someone may hold roles in several partnerships (a Met BCU officer sits on three boroughs'
panels). Their home page and lists focus on one at a time; what they may *see* is still
decided by all their memberships.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.http import HttpRequest

from .access import LONDON_ROLES, access_for, remembered

SESSION_KEY = "macehub_acting_partnership"


@dataclass(frozen=True)
class Acting:
    partnership_id: int | None
    label: str
    choices: tuple[tuple[int, str], ...]

    @property
    def can_change(self) -> bool:
        return len(self.choices) > 1


def acting_context(request: HttpRequest) -> Acting:
    """Worked out once per request (and again if the choice or the person's access changes)."""
    user = request.user
    chosen = request.session.get(SESSION_KEY)
    return remembered(("acting", user.pk, chosen), lambda: _acting(user, chosen))


def _acting(user: Any, chosen: Any) -> Acting:
    profile = access_for(user)
    ids = profile.partnership_ids()
    choices: tuple[tuple[int, str], ...] = ()
    if ids:
        partnership = apps.get_model("organisations", "Partnership")
        choices = tuple(partnership.objects.filter(pk__in=ids).order_by("short_name").values_list("pk", "short_name"))
    by_id = dict(choices)
    if chosen not in by_id:
        chosen = choices[0][0] if choices else None
    if chosen is not None:
        return Acting(chosen, by_id[chosen], choices)
    if profile.has_role(*LONDON_ROLES):
        return Acting(None, "London", choices)
    return Acting(None, "", choices)


def set_acting(request: HttpRequest, partnership_id: int) -> bool:
    if partnership_id not in access_for(request.user).partnership_ids():
        return False
    request.session[SESSION_KEY] = partnership_id
    return True


def acting_partnership_id(request: HttpRequest) -> Any:
    return acting_context(request).partnership_id
