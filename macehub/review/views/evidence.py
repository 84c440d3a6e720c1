"""Evidence against self-ratings outside the partnership: the London heat map (the London team
and the MACE Chairs Reference Group) and the peer reviewers' evidence page for a meeting."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from macehub.accounts.types import AuthenticatedHttpRequest

from .. import evidence_map as maps
from .. import report, selectors
from ..policies import cycles, policy


@require_GET
def cycle_evidence_map(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Partnerships × sections: how many self-ratings the evidence does not support, and which."""
    cycle = cycles.get_or_404(request.user, pk, "see_evidence_map")
    evidence_map = maps.evidence_map(cycle)
    return render(
        request,
        "review/cycle_evidence_map.html",
        {
            "cycle": cycle,
            "map": evidence_map,
            "scale": cycle.framework_version.rating_scale,
            "can_manage": policy.can(request.user, "manage_review"),
        },
    )


@require_GET
def review_evidence(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The reviewers' page: each reviewed partnership's answers beside its evidence and the
    London median, with disclosure control (the same content as the pre-reading pack)."""
    review = selectors.get_peer_review_for(request.user, pk)
    return render(request, "review/review_evidence.html", report.pre_reading_pack(review))
