"""The review overview and the members area: news, meetings, your actions, the directory."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.submissions import once

from .. import selectors
from ..forms.governance import DirectoryForm, NewsForm
from ..models import Cycle
from ..policies import cycles, policy
from ..services import governance as services
from .common import handle


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Where the review work starts: what this person has to do, and what is happening."""
    policy.require(request.user, "view_review")
    user = request.user
    can_manage = policy.can(user, "manage_review")
    return render(
        request,
        "review/index.html",
        {
            "can_manage": can_manage,
            "my_returns": selectors.own_open_assessments(user),
            "open_cycles": selectors.cycles_with_counts().filter(status=Cycle.Status.OPEN) if can_manage else [],
            "published_cycles": selectors.cycles_with_counts().filter(results_published=True) if not can_manage else [],
            "rounds": selectors.rounds_visible_to(user).order_by("-created_at")[:5],
            "my_reviews": selectors.peer_reviews_visible_to(user)
            .filter(round__status="open")
            .order_by("meeting_date")[:10],
            "closures": selectors.closures_waiting_for(user),
            "my_actions": selectors.my_open_actions(user)[:10],
            "evidence_cycles": cycles.visible(user, "see_evidence_map").order_by("-opens_on")[:3],
        },
    )


@require_GET
def members_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_members_area")
    user = request.user
    return render(
        request,
        "review/members_home.html",
        {
            "news": selectors.news()[:5],
            "meetings": selectors.upcoming_meetings_for(user)[:8],
            "my_actions": selectors.my_open_actions(user)[:10],
            "my_recommendations": selectors.my_recommendations(user)[:10],
            "closures": selectors.closures_waiting_for(user),
            "listing": selectors.listing_for(user),
            "can_manage": policy.can(user, "manage_review"),
            "takes_part": policy.can(user, "view_review"),
        },
    )


@require_GET
def directory(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_members_area")
    return render(
        request,
        "review/directory.html",
        {"rows": selectors.directory_rows(), "listing": selectors.listing_for(request.user)},
    )


@require_http_methods(["GET", "POST"])
def directory_me(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_members_area")
    listing = selectors.listing_for(request.user)
    form = DirectoryForm(
        request.POST or None,
        initial={"listed": listing.listed if listing else False, "note": listing.note if listing else ""},
    )
    return handle(
        request,
        form,
        lambda data: services.directory_listing_save(actor=request.user, listed=data["listed"], note=data["note"]),
        success=lambda item: reverse("review:directory"),
        message=lambda item: (
            "You are listed in the directory." if item.listed else "You are not listed in the directory."
        ),
        title="Your directory listing",
        caption="Members area",
        back=(reverse("review:directory"), "Back to the directory"),
        intro="The directory helps MACE chairs, coordinators and leads find each other. You are listed only if you choose to be.",
    )


@require_http_methods(["GET", "POST"])
@once
def news_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_review")
    form = NewsForm(request.POST or None, initial={"published_on": timezone.localdate()})
    return handle(
        request,
        form,
        lambda data: services.news_publish(
            actor=request.user, title=data["title"], body=data["body"], published_on=data["published_on"]
        ),
        success=lambda item: reverse("review:members_home"),
        message="News published.",
        title="Publish news",
        caption="Members area",
        back=(reverse("review:members_home"), "Back to the members area"),
        submit="Publish",
    )
