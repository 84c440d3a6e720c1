"""Time the pages people wait for, beside the floor (a minimal view through the same middleware).

    .venv/bin/python benchmarks/pages.py --database-url postgres://postgres@127.0.0.1:5432/macehub_bench17

Each page is fetched through Django's test client, signed in through the real sign-in and
two-factor pages as the person who uses it (the busiest partnership's coordinator, for the
coordinator home). For each: the median and 95th percentile server-side time, that median as a
multiple of the floor's median in the same run (the accessibility statement, signed in: the
middleware, the session and the user, a small template; no queries of its own),
the number of SQL queries and the time spent in them. ``--queries`` also prints the slowest
queries of one request (to ``EXPLAIN ANALYZE`` them).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SQLITE, bootstrap


class QueryLog:
    """Every query of a request with its time (a database execute wrapper)."""

    def __init__(self) -> None:
        self.queries: list[tuple[float, str]] = []

    def __call__(self, execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        began = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.queries.append((time.perf_counter() - began, sql if not params else f"{sql}  -- {params!r}"))


def measure(client: Any, url: str, runs: int, warmup: int) -> dict[str, Any]:
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
    seconds, logs = [], []
    for _ in range(max(1, runs)):
        log = QueryLog()
        with connection.execute_wrapper(log):
            began = time.perf_counter()
            response = client.get(url)
            seconds.append(time.perf_counter() - began)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        logs.append(log)
    ordered = sorted(seconds)
    return {
        "median": statistics.median(seconds),
        "p95": ordered[max(0, -(-len(ordered) * 95 // 100) - 1)],
        "queries": len(logs[-1].queries),
        "sql": statistics.median(sum(t for t, _ in log.queries) for log in logs),
        "slowest": sorted(logs[-1].queries, reverse=True)[:8],
        "bytes": len(response.content),
    }


def pages(*, full: bool = True) -> list[tuple[str, str, Any]]:
    """(name, url, user) for each page measured."""
    from benchmarks.run import busiest_partnership, enable_sign_in
    from macehub.accounts.models import Membership

    partnership = busiest_partnership()
    coordinator = (
        Membership.objects.filter(role="coordinator", partnership=partnership, ended_at__isnull=True)
        .select_related("user")
        .order_by("panel_id")
        .first()
    )
    assert coordinator is not None, "no coordinator: was the dataset made by generate.py?"
    enable_sign_in(coordinator.user)
    user = coordinator.user
    panel = int(coordinator.panel_id or 0)
    result = [
        ("Floor: /accessibility/ signed in (middleware, session, template)", "/accessibility/", user),
        (f"Coordinator home ({partnership.short_name})", "/", user),
    ]
    if not full:
        return result
    from django.db.models import Count
    from django.urls import reverse

    from benchmarks.run import data_quarter, person
    from macehub.meetings.models import Acknowledgement, Meeting, MeetingStatus
    from macehub.subjects.models import Kind, Subject

    # A realistic meeting: the panel's latest held meeting with 25 to 40 items.
    meeting = (
        Meeting.objects.filter(panel_id=panel, status=MeetingStatus.HELD)
        .annotate(n=Count("items"))
        .filter(n__gte=25, n__lte=40)
        .order_by("-date")
        .first()
    )
    child = Subject.objects.filter(panel_id=panel, kind=Kind.CHILD, status="open").order_by("-pk").first()
    analyst = person("partnership_analyst", partnership)
    enable_sign_in(analyst)
    if meeting is not None:
        Acknowledgement.objects.get_or_create(meeting=meeting, user=user)
        items = meeting.n
        result += [
            (f"Meeting agenda ({items} items)", reverse("meetings:agenda", args=[meeting.pk]), user),
            (f"Meeting pack ({items} items)", reverse("meetings:pack", args=[meeting.pk]), user),
        ]
    # The grid is for planning: the panel's planned meeting with most items.
    planned = (
        Meeting.objects.filter(panel_id=panel, status=MeetingStatus.PLANNED)
        .annotate(n=Count("items"))
        .order_by("-n", "date")
        .first()
    )
    if planned is not None:
        result.append(
            (
                f"Contributions grid (planned meeting, {planned.n} items)",
                reverse("meetings:contributions", args=[planned.pk]),
                user,
            )
        )
    result.append(("Child list (the panel's register)", reverse("subjects:child_list", args=[panel]), user))
    if child is not None:
        result.append(("Child detail", reverse("subjects:child_detail", args=[child.pk]), user))
    period = data_quarter()
    result.append(
        (
            "Partnership dashboard (as its analyst)",
            f"/oversight/partnerships/{partnership.pk}/?period={period.key}",
            analyst,
        )
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_SQLITE)
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--queries", action="store_true", help="print the slowest queries of each page")
    parser.add_argument("--home-only", action="store_true", help="only the floor and the coordinator home")
    args = parser.parse_args(argv)
    bootstrap(args.database_url)
    from django.test import Client

    from tests.factories.personas import sign_in

    print(f"Load average before: {[round(x, 2) for x in os.getloadavg()]}")
    results = []
    clients: dict[Any, Any] = {}  # one sign-in per person (a one-time code is accepted once)
    for name, url, user in pages(full=not args.home_only):
        if user not in clients:
            clients[user] = sign_in(Client(), user) if user is not None else Client()
        client = clients[user]
        results.append((name, measure(client, url, args.runs, args.warmup)))
    floor = results[0][1]["median"]
    print(f"\n{'Page':<55} {'p50':>9} {'p95':>9} {'× floor':>8} {'queries':>8} {'SQL':>9} {'HTML':>9}")
    for name, r in results:
        print(
            f"{name:<55} {r['median'] * 1000:>7.1f}ms {r['p95'] * 1000:>7.1f}ms {r['median'] / floor:>7.1f}× "
            f"{r['queries']:>8} {r['sql'] * 1000:>7.1f}ms {r['bytes'] / 1024:>7.0f}kB"
        )
    if args.queries:
        for name, r in results[1:]:
            print(f"\nSlowest queries: {name}")
            for seconds, sql in r["slowest"]:
                print(f"  {seconds * 1000:7.1f} ms  {sql[:3000]}")
    print(f"\nLoad average after: {[round(x, 2) for x in os.getloadavg()]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
