"""Helpers shared by the meetings views."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.organisations.selectors import get_panel_for

from ..models import Meeting
from ..policies import meeting_records, policy
from ..selectors.meetings import get_meeting_for


def apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def panel_for(request: AuthenticatedHttpRequest, panel_pk: int, action: str) -> Any:
    """The panel, if the person may do ``action`` there: 404 if they cannot see the panel at all,
    403 if they can see it but not this (partnership roles, on meeting pages)."""
    panel = get_panel_for(request.user, panel_pk)
    policy.require(request.user, action, panel)
    return panel


def meeting_for(request: AuthenticatedHttpRequest, pk: int, action: str = "view_meeting") -> Meeting:
    """The meeting, if the person may see it (404 otherwise) and may do ``action`` (403)."""
    meeting = get_meeting_for(request.user, pk)
    policy.require(request.user, action, meeting)
    return meeting


@dataclass(frozen=True)
class MeetingSight:
    """What the meeting's policy lets the person see of one meeting, for pages and templates."""

    #: coordinators and chairs: every item, the minutes drafts, the grid, the record
    may_run: bool
    #: every item (core members too), not only those they are invited for
    sees_all_items: bool
    #: persons of concern on the agenda, in the minutes and action lists
    sees_persons: bool


def sight_of(request: AuthenticatedHttpRequest, meeting: Meeting) -> MeetingSight:
    user = request.user
    return MeetingSight(
        may_run=meeting_records.can(user, "run", meeting),
        sees_all_items=meeting_records.can(user, "see_all_items", meeting),
        sees_persons=meeting_records.can(user, "see_persons", meeting),
    )


def is_autosave(request: AuthenticatedHttpRequest) -> bool:
    """Sent by the record page's script (fetch), which wants JSON back, not a page."""
    return request.headers.get("X-Autosave") == "1"


def json_errors(form: Any, status: int = 400) -> JsonResponse:
    return JsonResponse(
        {"status": "invalid", "errors": {k: [str(e) for e in v] for k, v in form.errors.items()}}, status=status
    )


def safe_next(request: AuthenticatedHttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=False):
        return target
    return default


def meeting_url(meeting: Meeting, page: str = "detail") -> str:
    return reverse(f"meetings:{page}", args=[meeting.pk])


#: Meetings with more items than this are shown a page of ``ITEMS_PER_PAGE`` at a time on
#: the agenda, the contributions grid and the meeting pack (a real meeting has 10 to 40; the
#: pages stay usable if one is far larger). The PDF pack is always complete, for printing.
PAGINATE_ABOVE = 60
ITEMS_PER_PAGE = 50


@dataclass(frozen=True)
class ItemPage:
    """One page of a long meeting's items: ``start``/``end`` slice the items in agenda order."""

    number: int
    pages: int
    total: int
    start: int
    end: int

    @property
    def previous(self) -> int | None:
        return self.number - 1 if self.number > 1 else None

    @property
    def next(self) -> int | None:
        return self.number + 1 if self.number < self.pages else None

    @property
    def numbers(self) -> list[int]:
        return list(range(1, self.pages + 1))


def item_page(request: AuthenticatedHttpRequest, total: int) -> ItemPage | None:
    """The page of items asked for (``?page=``), or None when the meeting is small enough to
    show whole. A page number out of range or not a number shows the nearest page."""
    if total <= PAGINATE_ABOVE:
        return None
    pages = -(-total // ITEMS_PER_PAGE)
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() else 1
    number = min(max(number, 1), pages)
    start = (number - 1) * ITEMS_PER_PAGE
    return ItemPage(number, pages, total, start, min(start + ITEMS_PER_PAGE, total))
