"""The "Referrals" section of the home page: the triage queue for coordinators and chairs,
and the person's own recent referrals."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from . import selectors
from .policies import policy


def referrals_section(request: HttpRequest) -> dict[str, Any] | None:
    can_refer = policy.can(request.user, "make_referral")
    queues = selectors.waiting_counts(request.user) if policy.can(request.user, "use_queues") else []
    if not can_refer and not queues:
        return None
    now = timezone.now()
    for row in queues:
        row["oldest_days"] = (now - row["oldest"]).days if row["oldest"] else 0
    return {"can_refer": can_refer, "queues": queues, "recent": list(selectors.own_referrals(request.user)[:5])}
