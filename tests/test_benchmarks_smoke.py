"""The benchmark scripts still work (benchmarks/README.md): a tiny dataset generated into the
test database, and every benchmark run once through the application and the SQL. Not a
timing test — it checks that the figures of both agree."""

from __future__ import annotations

import contextlib
import io
import re
from typing import Any

import pytest


@pytest.mark.django_db
def test_generate_then_run_each_benchmark_once() -> None:
    from django.db import connection

    from benchmarks import generate, run

    stats = generate.generate(scale=0.001, years=1, seed=7, log=lambda *_: None)
    assert stats.rows["meetings_agendaitem"] > 0
    assert stats.rows["meetings_contribution"] > 0
    assert stats.rows["casework_missingepisode"] > 0
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_check")
            assert cursor.fetchall() == []

    lines: list[Any] = []
    report = run.run(runs=1, warmup=0, all_releases=False, log=lines.append)

    assert {row.group for row in report.rows} == {"dashboard", "figures", "release", "london"}
    assert all(row.app.seconds for row in report.rows)
    # Every row computed from the records has its SQL beside it; the London assembly reads stored
    # releases, so it has none, and the printed table shows nothing there (not "0.0×").
    for row in report.rows:
        assert (row.raw is None) == (row.group == "london"), row.name
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        run.print_report(report)
    # "10.0×" is a real ratio; only a bare "0.0×" (a ratio against nothing) is wrong.
    assert not re.search(r"(?<![\d.])0\.0×", printed.getvalue())
    for name, (compared, differences) in report.checks.items():
        assert compared > 0, name
        assert differences == [], name

    from benchmarks import evidence
    from macehub.review.evidence.measures import MEASURES

    result = evidence.evidence_run(runs=1, warmup=0)
    assert len(result["figures"]) == len(MEASURES)
    assert result["figures"]["meetings_quorate_share"].value is not None


@pytest.mark.django_db
def test_generated_meetings_are_a_realistic_size() -> None:
    """A busy panel sits several times a week rather than holding one meeting of hundreds of
    items: once the registers have filled up, held meetings carry about 25 items at most
    (small panels fewer), never the hundreds the busiest panels used to get."""
    from django.db.models import Count

    from benchmarks import generate
    from macehub.meetings.models import Meeting, MeetingStatus

    generate.generate(scale=0.02, years=2, seed=11, log=lambda *_: None)
    held = Meeting.objects.filter(status=MeetingStatus.HELD)
    first = held.order_by("date").values_list("date", flat=True).first()
    assert first is not None
    settled = held.filter(date__gte=first.replace(year=first.year + 1))  # the second year
    sizes = sorted(settled.annotate(n=Count("items")).values_list("n", flat=True))
    assert len(sizes) > 100
    assert 10 <= sizes[len(sizes) // 2] <= 32, sizes[len(sizes) // 2]
    assert sizes[int(len(sizes) * 0.99)] <= 45, sizes[-10:]
    assert sizes[-1] <= 60, sizes[-5:]


@pytest.mark.django_db
def test_pdf_timings_and_load_plan_run_on_a_generated_dataset() -> None:
    """pdfs.py fetches each PDF the dataset has as the person who downloads it (a real PDF,
    its time split into SQL, layout and the rest), and load.py's plan gives every simulated
    person a signed-in session and only pages they may open."""
    from django.conf import settings
    from django.test import Client

    from benchmarks import generate, load, pdfs
    from tests.factories.personas import sign_in

    generate.generate(scale=0.001, years=1, seed=7, log=lambda *_: None)
    found = pdfs.documents()
    assert any(name.startswith("Board report") for name, _, _ in found)
    _, url, user = next(d for d in found if d[0].startswith("Board report"))
    result = pdfs.measure(sign_in(Client(), user), url, runs=1, warmup=0)
    assert result["queries"] > 0 and result["bytes"] > 1000
    assert 0 < result["layout"] < result["median"]

    people, _left_out = load.plan(5)
    assert len(people) == 5
    assert sum(load.mix(50).values()) == 50
    for person in people:
        assert person["session"] and person["pages"], person["email"]
        client = Client()
        client.cookies[settings.SESSION_COOKIE_NAME] = person["session"]
        for page in person["pages"]:
            assert client.get(page["url"]).status_code == 200, page
