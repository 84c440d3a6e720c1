"""The benchmark scripts still work (benchmarks/README.md): a tiny dataset generated into the
test database, and every benchmark run once through the application and the SQL. Not a
timing test — it checks that the figures of both agree."""

from __future__ import annotations

import contextlib
import io
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
    assert "0.0×" not in printed.getvalue()
    for name, (compared, differences) in report.checks.items():
        assert compared > 0, name
        assert differences == [], name


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
