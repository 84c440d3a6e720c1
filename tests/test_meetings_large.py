"""Very large meetings (issue 17): above 60 items the agenda, the contributions grid and the
meeting pack show 50 items a page, with GOV.UK pagination; every item is on exactly one page,
in agenda order; the counts, chase buttons and minutes still cover the whole meeting; Up and
Down still work at a page's edges; the PDF pack stays complete; query counts do not grow."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.meetings.models import Acknowledgement, Contribution, ContributionStatus, Meeting
from macehub.meetings.views.meetings import _pack_context
from macehub.subjects.models import Kind
from tests.factories.meetings import add_item, make_meeting
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, make_subject

ITEMS = 75  # children then locations: two strands, the page break inside the first


def _meeting(world: World, items: int) -> Meeting:
    panel = world.panel_a
    meeting = make_meeting(panel, days=3, chair=world.user("chair_a"))
    meeting.agencies.set([world.agencies["police_a"], world.agencies["csc_a"]])
    for i in range(items):
        kind = Kind.CHILD if i < 55 else Kind.LOCATION
        item = add_item(meeting, make_subject(panel, kind), minutes_allowed=5)
        if i % 2:
            Contribution.objects.create(
                item=item,
                agency=world.agencies["police_a"],
                status=ContributionStatus.NOTHING_HELD,
                submitted_by=world.user("coordinator_a"),
                submitted_at=timezone.now(),
            )
    Acknowledgement.objects.create(meeting=meeting, user=world.user("chair_a"))
    return meeting


def _item_ids(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'id="item-(\d+)"', html)]


@pytest.mark.django_db
def test_the_agenda_of_a_very_large_meeting_comes_a_page_at_a_time(world: World, client_as: Any) -> None:
    ensure_harm_types()
    meeting = _meeting(world, ITEMS)
    client = client_as("coordinator_a")
    first = client.get(f"/meetings/{meeting.pk}/agenda/").content.decode()
    second = client.get(f"/meetings/{meeting.pk}/agenda/?page=2").content.decode()
    assert "Items 1 to 50 of 75, 2 pages." in first
    assert "Items 51 to 75 of 75, 2 pages." in second
    assert 'aria-label="Pages of items"' in first and 'aria-current="page"' in first
    assert 'href="?page=2" rel="next"' in first and 'href="?page=1" rel="prev"' in second
    expected = list(meeting.items.order_by("strand", "position").values_list("pk", flat=True))
    shown = _item_ids(first) + _item_ids(second)
    assert sorted(shown) == sorted(expected) and len(shown) == ITEMS  # each once
    # The whole meeting's time is on every page; each strand heading counts its whole strand.
    assert "375 minutes" in second
    assert "55 items, 275 minutes (5 on this page)" in second
    # Up on the first row of page 2 (a child in the middle of the strand), no Down on the last child.
    page2_first = _item_ids(second)[0]
    row = second.split(f'id="item-{page2_first}"')[1].split("</tr>")[0]
    assert 'value="up"' in row and 'value="down"' in row
    # Dragging reorders a strand as shown: not offered when the strand is split over pages.
    assert "agenda.js" not in first
    # Out of range or nonsense: the nearest page, not an error.
    assert "Items 51 to 75" in client.get(f"/meetings/{meeting.pk}/agenda/?page=9").content.decode()
    assert "Items 1 to 50" in client.get(f"/meetings/{meeting.pk}/agenda/?page=x").content.decode()


@pytest.mark.django_db
def test_a_meeting_of_60_items_is_shown_whole(world: World, client_as: Any) -> None:
    ensure_harm_types()
    meeting = _meeting(world, 60)
    html = client_as("coordinator_a").get(f"/meetings/{meeting.pk}/agenda/").content.decode()
    assert len(_item_ids(html)) == 60
    assert "Pages of items" not in html
    assert "agenda.js" in html


@pytest.mark.django_db
def test_the_contributions_grid_pages_but_counts_every_item(world: World, client_as: Any) -> None:
    ensure_harm_types()
    meeting = _meeting(world, ITEMS)
    client = client_as("coordinator_a")
    pages = [client.get(f"/meetings/{meeting.pk}/contributions/?page={n}").content.decode() for n in (1, 2)]
    rows = [len(re.findall(r'<th scope="row" class="govuk-table__header">(?!Missing)', html)) for html in pages]
    assert rows == [50, 25]
    # 75 items × 2 agencies asked; the police sent 37 (nothing held).
    for html in pages:
        assert "150 contributions asked for, <strong>113 not sent</strong>" in html
        assert "<strong>38</strong> of 75" in html  # the police's missing, over every item


@pytest.mark.django_db
def test_the_pack_pages_on_screen_and_the_pdf_has_every_item(world: World, client_as: Any) -> None:
    ensure_harm_types()
    meeting = _meeting(world, ITEMS)
    client = client_as("chair_a")
    first = client.get(f"/meetings/{meeting.pk}/pack/").content.decode()
    second = client.get(f"/meetings/{meeting.pk}/pack/?page=2").content.decode()
    assert "75 items, 375 minutes." in first and "75 items, 375 minutes." in second
    assert "The PDF has every item" in first
    assert len(_item_ids(first)) == 50 and len(_item_ids(second)) == 25
    assert set(_item_ids(first)).isdisjoint(_item_ids(second))
    request = RequestFactory().get(f"/meetings/{meeting.pk}/pack.pdf")
    request.user = world.user("chair_a")
    whole = _pack_context(cast(AuthenticatedHttpRequest, request), meeting)
    assert len(whole["items"]) == ITEMS and whole["page"] is None


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["agenda/", "contributions/", "pack/"])
def test_paged_meeting_pages_run_as_many_queries_as_small_ones(world: World, client_as: Any, page: str) -> None:
    ensure_harm_types()
    small = _meeting(world, 3)
    large = _meeting(world, ITEMS)
    client = client_as("chair_a")

    def count(path: str) -> int:
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, path
        return len(captured.captured_queries)

    few = count(f"/meetings/{small.pk}/{page}")
    assert count(f"/meetings/{large.pk}/{page}") == few
    assert count(f"/meetings/{large.pk}/{page}?page=2") <= few
