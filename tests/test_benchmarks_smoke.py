"""The benchmark scripts still work (benchmarks/README.md): a tiny dataset generated into the
test database, and every benchmark run once through the application and the SQL. Not a
timing test — it checks that the figures of both agree."""

from __future__ import annotations

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

    assert {row.group for row in report.rows} == {"dashboard", "release", "london"}
    assert all(row.app.seconds and row.raw is not None for row in report.rows)
    for name, (compared, differences) in report.checks.items():
        assert compared > 0, name
        assert differences == [], name
