"""Time the PDFs people download: the board report, a meeting pack and a peer-review report.

    .venv/bin/python benchmarks/pdfs.py --database-url postgres://postgres@127.0.0.1:5432/macehub_bench
    .venv/bin/python benchmarks/pdfs.py --database-url postgres://postgres@127.0.0.1:5432/macehub_demo   # a seeded demo

Each PDF is fetched through the test client signed in as the person who downloads it, as
``pages.py`` does, and its time split into three parts: the SQL (every query, timed),
WeasyPrint (laying the HTML out and writing the PDF: ``weasyprint.HTML.write_pdf``, timed
around the call) and the rest (building the context in Python and rendering the template).

- **Board report**: the quarterly report of the busiest partnership (every dashboard table,
  disclosure-controlled), as its analyst, for the data's last complete quarter.
- **Meeting pack**: the busiest panel's latest held meeting of 25 to 40 items, as its
  coordinator.
- **Peer-review report**: the findings report of the review round with the most findings, as
  the London team. ``generate.py`` makes no peer reviews: on a generated dataset this PDF is
  skipped; run the script against a seeded demo (``manage.py seed_demo``) with
  ``--only Peer-review`` for it (the demo's people have their own authenticators). Its size
  depends on the round (partnerships, findings, recommendations), not on the register.

The issue 17 target: the meeting pack and board report under 3 s at scale 1.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SQLITE, bootstrap
from benchmarks.pages import QueryLog


class LayoutClock:
    """Time spent in WeasyPrint's ``write_pdf`` (wrapped for the run, put back after)."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> LayoutClock:
        from weasyprint import HTML

        self.original = HTML.write_pdf
        clock = self

        def write_pdf(html: Any, *args: Any, **kwargs: Any) -> Any:
            began = time.perf_counter()
            try:
                return clock.original(html, *args, **kwargs)
            finally:
                clock.seconds += time.perf_counter() - began

        HTML.write_pdf = write_pdf
        return self

    def __exit__(self, *exc: object) -> None:
        from weasyprint import HTML

        HTML.write_pdf = self.original


def documents() -> list[tuple[str, str, Any]]:
    """(name, url, user) of each PDF this dataset has."""
    from django.db.models import Count
    from django.urls import reverse

    from benchmarks.run import data_quarter, enable_sign_in
    from macehub.accounts.models import Membership, User
    from macehub.meetings.models import Acknowledgement, Meeting, MeetingStatus
    from macehub.organisations.models import Panel
    from macehub.review.models import ReviewRound

    result = []
    panel = Panel.objects.annotate(n=Count("subjects")).order_by("-n", "pk").first()
    if panel is not None:
        analyst = (
            Membership.objects.filter(
                role="partnership_analyst", partnership_id=panel.partnership_id, ended_at__isnull=True
            )
            .select_related("user")
            .order_by("pk")
            .first()
        )
        if analyst is not None:
            enable_sign_in(analyst.user)
            period = data_quarter()
            url = reverse("oversight:report_pdf", args=[panel.partnership_id])
            result.append((f"Board report ({period.label})", f"{url}?period={period.key}", analyst.user))
        coordinator = (
            Membership.objects.filter(role="coordinator", panel=panel, ended_at__isnull=True)
            .select_related("user")
            .first()
        )
        meeting = (
            Meeting.objects.filter(panel=panel, status=MeetingStatus.HELD)
            .annotate(n=Count("items"))
            .filter(n__gte=25, n__lte=40)
            .order_by("-date")
            .first()
        )
        if coordinator is not None and meeting is not None:
            enable_sign_in(coordinator.user)
            Acknowledgement.objects.get_or_create(meeting=meeting, user=coordinator.user)
            result.append(
                (f"Meeting pack ({meeting.n} items)", reverse("meetings:pack_pdf", args=[meeting.pk]), coordinator.user)
            )
    review_round = ReviewRound.objects.annotate(n=Count("findings")).order_by("-n", "-pk").first()
    if review_round is not None:
        # An account of the benchmark's own (a seeded demo's people have their own authenticators).
        london, _ = User.objects.get_or_create(
            email="london.pdfs@bench.invalid",
            defaults={"full_name": "London Team (PDF benchmark)", "job_title": "London project team"},
        )
        Membership.objects.get_or_create(user=london, role="london_project_team", ended_at=None)
        enable_sign_in(london)
        result.append(
            (
                f"Peer-review report ({review_round.n} findings)",
                reverse("review:round_report_pdf", args=[review_round.pk]),
                london,
            )
        )
    return result


def measure(client: Any, url: str, runs: int, warmup: int) -> dict[str, Any]:
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url)
        assert response.status_code == 200, f"{url}: {response.status_code}"
    totals, sqls, layouts, sizes = [], [], [], []
    for _ in range(max(1, runs)):
        log = QueryLog()
        with connection.execute_wrapper(log), LayoutClock() as layout:
            began = time.perf_counter()
            response = client.get(url)
            totals.append(time.perf_counter() - began)
        assert response.status_code == 200, f"{url}: {response.status_code}"
        assert response["Content-Type"] == "application/pdf", response["Content-Type"]
        sqls.append(sum(t for t, _ in log.queries))
        layouts.append(layout.seconds)
        sizes.append(len(response.content))
    return {
        "median": statistics.median(totals),
        "max": max(totals),
        "sql": statistics.median(sqls),
        "layout": statistics.median(layouts),
        "queries": len(log.queries),
        "bytes": sizes[-1],
        "pages": response.content.count(b"/Type /Page\n") or response.content.count(b"/Type/Page"),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_SQLITE)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--only", help="only the PDFs whose name starts with this (e.g. Peer-review)")
    args = parser.parse_args(argv)
    bootstrap(args.database_url)
    from django.test import Client

    from tests.factories.personas import sign_in

    print(f"Load average before: {[round(x, 2) for x in os.getloadavg()]}")
    rows = []
    clients: dict[Any, Any] = {}
    for name, url, user in documents():
        if args.only and not name.startswith(args.only):
            continue
        if user not in clients:
            clients[user] = sign_in(Client(), user)
        rows.append((name, measure(clients[user], url, args.runs, args.warmup)))
    print(f"\n{'PDF':<36} {'p50':>8} {'max':>8} {'SQL':>8} {'layout':>8} {'rest':>8} {'queries':>8} {'size':>8}")
    for name, r in rows:
        rest = r["median"] - r["sql"] - r["layout"]
        print(
            f"{name:<36} {r['median']:>7.2f}s {r['max']:>7.2f}s {r['sql']:>7.2f}s {r['layout']:>7.2f}s "
            f"{rest:>7.2f}s {r['queries']:>8} {r['bytes'] / 1024:>6.0f}kB"
        )
    print(f"\nLoad average after: {[round(x, 2) for x in os.getloadavg()]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
