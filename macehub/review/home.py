"""The "MACE review" section of the signed-in home page."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from . import selectors
from .models import Cycle
from .policies import policy


def review_section(request: HttpRequest) -> dict[str, Any] | None:
    """Returns to complete, cycles to track, closures to approve and open actions — whichever apply."""
    user = request.user
    if not policy.can(user, "use_members_area"):
        return None
    can_manage = policy.can(user, "manage_review")
    returns = list(selectors.own_open_assessments(user).exclude(status="submitted")[:5])
    cycles = list(selectors.cycles_with_counts().filter(status=Cycle.Status.OPEN)[:3]) if can_manage else []
    closures = list(selectors.closures_waiting_for(user)[:5])
    actions = selectors.my_open_actions(user).count()
    if not (returns or cycles or closures or actions or policy.can(user, "view_review")):
        return {"minimal": True}
    return {
        "returns": returns,
        "cycles": cycles,
        "closures": closures,
        "action_count": actions,
        "takes_part": policy.can(user, "view_review"),
    }
