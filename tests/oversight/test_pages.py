"""Dashboards, drill-down, exports and the board report; the London team reaches no record and
no unreleased number through any page, export or API call; query budgets."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from macehub.audit.models import Action, AuditEvent
from macehub.oversight import services
from macehub.oversight.models import TokenScope

from .factories import QUARTER, records_for

Q = "period=2025-q1"


def _dashboard(world: Any, suffix: str = "") -> str:
    return f"/oversight/partnerships/{world.partnership_a.pk}/{suffix}"


@pytest.mark.django_db
def test_the_dashboard_shows_figures_definitions_charts_and_comparisons(world: Any, client_as: Any) -> None:
    records_for(world)
    response = client_as("analyst_a").get(_dashboard(world) + "?" + Q)
    html = response.content.decode()
    assert response.status_code == 200
    assert "What this counts:" in html and 'data-oversight-chart="chart-children_summary"' in html
    assert 'id="chart-children_summary" type="application/json"' in html
    assert "2024-25 Q4" in html  # the previous quarter beside this one
    # The analyst is not on a panel: numbers, never links to records.
    assert "/records/" not in html and "/register/" not in html
    section = (
        client_as("analyst_a")
        .get(_dashboard(world, "sections/children/") + "?" + Q + "&view=published")
        .content.decode()
    )
    assert "Shown with disclosure control" in section and "<abbr" in section


@pytest.mark.django_db
def test_drill_down_lists_records_only_for_panel_roles(world: Any, client_as: Any) -> None:
    records = records_for(world)
    chair = client_as("chair_a")
    html = chair.get(_dashboard(world, "sections/children/") + "?" + Q).content.decode()
    link = re.search(r'href="([^"]*/tables/children_sex/records/[^"]*row=female[^"]*)"', html)
    assert link is not None
    page = chair.get(link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200
    text = page.content.decode()
    assert records["children"][0].reference in text
    assert records["children"][0].family_name not in text  # references, never names
    assert client_as("analyst_a").get(link.group(1).replace("&amp;", "&")).status_code == 403
    assert client_as("london_team").get(link.group(1).replace("&amp;", "&")).status_code == 403


@pytest.mark.django_db
def test_exports_are_formula_safe_and_audited(world: Any, client_as: Any) -> None:
    from openpyxl import load_workbook

    records_for(world)
    world.agencies["police_a"].name = "=HYPERLINK(evil)"
    world.agencies["police_a"].save()
    client = client_as("analyst_a")
    response = client.get(_dashboard(world, "tables/all/export.xlsx") + "?" + Q)
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[0] == "About" and len(book.sheetnames) > 10
    cells = [c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row]
    assert "'=HYPERLINK(evil)" in cells and "=HYPERLINK(evil)" not in cells
    csv = client.get(_dashboard(world, "tables/children_sex/export.csv") + "?" + Q + "&view=published")
    body = b"".join(csv.streaming_content).decode()
    assert "Female,c" in body
    events = AuditEvent.objects.filter(action=Action.EXPORT, partnership_id=world.partnership_a.pk)
    assert events.count() == 2 and events.first().detail["disclosure_control"] is True


@pytest.mark.django_db
def test_the_quarterly_board_report(world: Any, client_as: Any) -> None:
    from pypdf import PdfReader

    records_for(world)
    response = client_as("lead_a").get(_dashboard(world, "report.pdf") + "?" + Q)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Alpha Safeguarding Children Partnership" in text
    assert "Exploitation dataset: 2025-26 Q1" in text
    assert "Children discussed by ethnic group" in text and "Illustrative figures" in text
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail__what="quarterly report").exists()


@pytest.mark.django_db
def test_the_release_pages_walk_from_preview_to_sign_off(world: Any, client_as: Any) -> None:
    records_for(world)
    analyst = client_as("analyst_a")
    preview = analyst.get(_dashboard(world, "releases/prepare/") + "?" + Q)
    assert preview.status_code == 200
    assert "Small count" in preview.content.decode() and "Hidden to protect" in preview.content.decode()
    response = analyst.post(_dashboard(world, "releases/prepare/"), {"period": QUARTER.key, "threshold": "5"})
    assert response.status_code == 302
    release_url = response["Location"]
    lead = client_as("lead_a")
    sign = lead.get(release_url + "sign-off/")
    assert sign.status_code == 200
    refused = lead.post(release_url + "sign-off/", {"version": "1"})
    assert refused.status_code == 200 and "Confirm that you have checked the figures" in refused.content.decode()
    done = lead.post(release_url + "sign-off/", {"version": "1", "confirm": "on"})
    assert done.status_code == 302
    london = client_as("london_team").get("/oversight/london/?" + Q)
    assert london.status_code == 200 and "Alpha" in london.content.decode()


@pytest.mark.django_db
def test_the_london_team_reaches_no_record_and_no_unreleased_number(world: Any, client_as: Any) -> None:
    """Through pages, exports and the API, with a session and with a London token."""
    records = records_for(world)
    draft = services.prepare_release(actor=world.user("analyst_a"), partnership=world.partnership_a, period=QUARTER)
    # Mark the draft with a number that appears nowhere else.
    from macehub.oversight.models import Release

    tables = draft.tables
    tables["children_summary"]["cells"][0] = ["987654"]
    Release.objects.filter(pk=draft.pk).update(tables=tables)
    lena = client_as("london_team")
    _, secret = services.issue_token(actor=world.user("london_team"), name="London", scope=TokenScope.LONDON)
    a = world.partnership_a.pk
    pages = [
        "/oversight/",
        "/oversight/london/",
        f"/oversight/london/?{Q}",
        f"/oversight/london/?{Q}&table=children_sex",
        "/oversight/measures/",
        "/oversight/tokens/",
    ]
    refused = [
        f"/oversight/partnerships/{a}/",
        f"/oversight/partnerships/{a}/sections/children/?{Q}",
        f"/oversight/partnerships/{a}/tables/children_summary/records/?{Q}&row=discussed&col=children",
        f"/oversight/partnerships/{a}/tables/all/export.xlsx?{Q}",
        f"/oversight/partnerships/{a}/tables/children_sex/export.csv?{Q}",
        f"/oversight/partnerships/{a}/report.pdf?{Q}",
        f"/oversight/partnerships/{a}/releases/",
        f"/oversight/partnerships/{a}/releases/prepare/",
        f"/oversight/releases/{draft.pk}/",
        f"/oversight/releases/{draft.pk}/export.csv",
        f"/oversight/releases/{draft.pk}/export.xlsx",
        f"/oversight/releases/{draft.pk}/sign-off/",
    ]
    api = [
        "/api/releases",
        f"/api/releases/{draft.pk}",
        f"/api/partnerships/{a}/measures",
        "/api/london",
        "/api/measures",
    ]
    names = [c.family_name for c in records["children"]] + [records["children"][0].reference]
    seen = []
    for path in pages:
        response = lena.get(path)
        assert response.status_code == 200, path
        seen.append(response.content.decode())
    for path in refused:
        assert lena.get(path).status_code in (403, 404), path
    for path in api:
        for response in (lena.get(path), Client_get(path, secret)):
            assert response.status_code in (200, 403, 404), path
            seen.append(response.content.decode())
    for text in seen:
        assert "987654" not in text
        for name in names:
            assert name not in text


def Client_get(path: str, token: str) -> Any:  # noqa: N802 - reads like the client call it wraps
    from django.test import Client

    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def _queries(client: Any, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "suffix",
    ["", "sections/children/", "sections/equality/", "sections/contexts/", "sections/safety/", "sections/partners/"],
)
def test_dashboards_use_the_same_number_of_queries_with_few_and_many_records(
    world: Any, client_as: Any, suffix: str
) -> None:
    records_for(world, children=2)
    client = client_as("chair_a")
    path = _dashboard(world, suffix) + "?" + Q
    _queries(client, path)  # warm: session and access caches
    few = _queries(client, path)
    _add_children(world, 30)  # many more children, on another held meeting with another agency
    many = _queries(client, path)
    assert few == many, f"{path}: {few} queries with few rows, {many} with many"


def _add_children(world: Any, n: int) -> None:
    from datetime import date

    from macehub.meetings.models import AgendaItem, Attendance, Meeting, MeetingStatus, Strand

    from ..subjects.factories import make_subject
    from .factories import _at

    meeting = Meeting.objects.create(
        panel=world.panel_a, date=date(2025, 6, 5), start_time=_at(date(2025, 6, 5)).time(), venue="Hall",
        status=MeetingStatus.HELD, closed_at=_at(date(2025, 6, 5)), quorate=False,
    )  # fmt: skip
    meeting.agencies.set([world.agencies["police_a"], world.agencies["education_a"]])
    Attendance.objects.create(meeting=meeting, agency=world.agencies["education_a"], status="apologies")
    for i in range(n):
        child = make_subject(world.panel_a, "child", sex="female", ethnicity="white_irish", send="sen_support")
        AgendaItem.objects.create(meeting=meeting, subject=child, strand=Strand.CHILDREN, position=i + 1)


@pytest.mark.django_db
def test_wrong_preview_parameters_get_a_plain_error_not_a_crash(world: Any, client_as: Any) -> None:
    url = _dashboard(world, "releases/prepare/")
    analyst = client_as("analyst_a")
    for query, error in (
        ("?threshold=abc", "Choose a threshold from the list"),
        ("?threshold=4", "Choose a threshold from the list"),
        ("?threshold=99999999999999999999999", "Choose a threshold from the list"),
        ("?period=2025-q9", "Choose a quarter that has ended"),
        ("?period=%00", "Choose a quarter that has ended"),
    ):
        response = analyst.get(url + query)
        assert response.status_code == 200, query
        assert error in response.content.decode(), query
    assert analyst.get(url + "?threshold=10&period=2025-q1").status_code == 200
    # A right quarter is kept when the threshold is wrong.
    kept = analyst.get(url + "?threshold=abc&period=2025-q1").content.decode()
    assert "Choose a threshold from the list" in kept and "<strong>2025-26 Q1 (April to June 2025)</strong>" in kept


@pytest.mark.django_db
def test_the_lead_is_told_which_figure_gives_a_release_away_and_the_preparer_gets_no_button(
    world: Any, client_as: Any
) -> None:
    from macehub.oversight.models import Release

    records_for(world)
    release = services.prepare_release(actor=world.user("analyst_a"), partnership=world.partnership_a, period=QUARTER)
    lead = client_as("lead_a")
    page = lead.get(f"/oversight/releases/{release.pk}/").content.decode()
    assert 'data-testid="audit-passed"' in page and "Check and sign off" in page
    # As the old method would have stored it: 0, 10, 8, 6, c, c, 0 with total 26.
    tables = dict(release.tables)
    tables["children_age"] = {**tables["children_age"], "cells": [["0"], ["10"], ["8"], ["6"], ["c"], ["c"], ["0"], ["0"]],
                              "column_totals": ["26"], "total": "26"}  # fmt: skip
    Release.objects.filter(pk=release.pk).update(tables=tables)
    page = lead.get(f"/oversight/releases/{release.pk}/").content.decode()
    assert 'data-testid="audit-failed"' in page and "can be worked out as exactly 1" in page
    response = lead.post(f"/oversight/releases/{release.pk}/sign-off/", {"confirm": "on", "version": release.version})
    text = response.content.decode()
    assert "cannot be signed off" in text and "‘18 to 20’" in text
    assert Release.objects.get(pk=release.pk).status == "draft"
    # The analyst who prepared it is offered no sign-off, even when also a strategic lead.
    from macehub.core.access import Role
    from tests.factories.personas import grant

    grant(world.user("analyst_a"), Role.STRATEGIC_LEAD, partnership=world.partnership_a)
    page = client_as("analyst_a").get(f"/oversight/releases/{release.pk}/").content.decode()
    assert "Check and sign off" not in page and 'data-testid="prepared-it"' in page
    assert client_as("analyst_a").get(f"/oversight/releases/{release.pk}/sign-off/").status_code == 403
