"""Time the self-assessment evidence (issue #15): every figure of the catalogue for the busiest
partnership, for the 12 months before the data's last complete quarter ends.

    .venv/bin/python benchmarks/evidence.py --database-url postgres://postgres@127.0.0.1:5432/macehub_bench

Runs ``macehub.review.evidence.compute.evidence_for`` ``--warmup`` times untimed and ``--runs``
times timed, and prints the median and 95th percentile, the number of queries (the same
whatever the data size), the time spent in SQL and the slowest queries (``--queries N``). Target
(issue 15): under 2 s on PostgreSQL at the benchmark scale; ``--enforce`` exits 1 when the median
misses it.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SQLITE, bootstrap
from benchmarks.pages import QueryLog

TARGET_SECONDS = 2.0


def evidence_run(runs: int = 5, warmup: int = 1) -> dict[str, Any]:
    from django.db import connection

    from benchmarks.run import busiest_partnership, data_quarter
    from macehub.review.evidence.compute import evidence_for

    partnership = busiest_partnership()
    end = data_quarter().end
    start = end.replace(year=end.year - 1) + timedelta(days=1)
    for _ in range(warmup):
        evidence_for(partnership, start, end)
    seconds: list[float] = []
    logs: list[QueryLog] = []
    figures: dict[str, Any] = {}
    for _ in range(max(1, runs)):
        log = QueryLog()
        with connection.execute_wrapper(log):
            began = time.perf_counter()
            figures = evidence_for(partnership, start, end)
            seconds.append(time.perf_counter() - began)
        logs.append(log)
    ordered = sorted(seconds)
    median_log = logs[seconds.index(ordered[len(ordered) // 2])]
    return {
        "partnership": partnership.short_name,
        "start": start,
        "end": end,
        "median": statistics.median(seconds),
        "p95": ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))],
        "queries": len(median_log.queries),
        "sql": sum(t for t, _ in median_log.queries),
        "slowest": sorted(median_log.queries, reverse=True),
        "figures": figures,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_SQLITE)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--queries", type=int, default=5, help="print the N slowest queries")
    parser.add_argument("--enforce", action="store_true", help="exit 1 when the median misses the target")
    args = parser.parse_args(argv)
    bootstrap(args.database_url)
    from django.db import connection

    load = os.getloadavg()
    result = evidence_run(args.runs, args.warmup)
    filled = sum(1 for f in result["figures"].values() if f.value is not None)
    print(f"Database: {connection.vendor}; load average {load[0]:.1f} before, {os.getloadavg()[0]:.1f} after")
    print(f"Busiest partnership: {result['partnership']}, {result['start']:%-d %B %Y} to {result['end']:%-d %B %Y}")
    print(f"Figures: {len(result['figures'])} ({filled} with a value)")
    print(
        f"evidence_for: median {result['median'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms, "
        f"{result['queries']} queries, {result['sql'] * 1000:.0f} ms in SQL (target {TARGET_SECONDS:g} s)"
    )
    for seconds, sql in result["slowest"][: args.queries]:
        print(f"  {seconds * 1000:7.0f} ms  {sql[:160]}")
    if args.enforce and result["median"] > TARGET_SECONDS:
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
