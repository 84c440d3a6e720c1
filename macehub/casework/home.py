"""The "Casework" section of the home page: per panel, what is overdue (a fixed number of
queries however many panels and records)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from macehub.core.acting import acting_context
from macehub.subjects.policies import registers

from . import selectors
from .policies import policy


def casework_section(request: HttpRequest) -> dict[str, Any] | None:
    if not policy.can(request.user, "use_casework"):
        return None
    acting = acting_context(request)
    panels = registers.visible(request.user).order_by("name")
    if acting.partnership_id is not None:
        panels = panels.filter(partnership_id=acting.partnership_id)
    panels_list = list(panels)
    overdue = selectors.overdue_by_panel(request.user, [p.pk for p in panels_list])
    return {"rows": [{"panel": p, "overdue": overdue[p.pk]} for p in panels_list]}
