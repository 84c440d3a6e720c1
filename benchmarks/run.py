"""Time the oversight layer on the generated dataset, beside the same aggregates in plain SQL.

    .venv/bin/python benchmarks/run.py --database-url postgres://postgres@127.0.0.1:5432/macehub_bench

Three operations, each through the real application code and through the page a person
uses (Django's test client, signed in through the real sign-in and two-factor pages, so
middleware, policies and template rendering count):

1. **The partnership dashboard** (`/oversight/partnerships/<id>/`) of the busiest partnership
   for the last complete quarter of the data: the view's own table builder (children on the
   register and the month-by-month trend, the previous quarter, the London medians) and the
   page as its partnership analyst sees it. Target: under 300 ms.
2. **One partnership's quarterly release**: ``services.build_release_tables`` (every table
   about people computed and protected jointly, with the intruder audit in the loop; the 15
   tables of the standard London extract kept), ``services.prepare_release`` (the
   same, stored as a draft correction) and the "Prepare a release" preview page. Target: 2 s.
3. **The pan-London assembly**: ``services.publish_london_dataset`` (every partnership's
   current signed-off release assembled into the 15 London tables, audited jointly with every
   release in it as an intruder would combine them, and stored) and
   the London view page as the London team sees it. Target: 10 s. Before timing, every
   partnership's release for the quarter is prepared by its analyst and signed off by its
   lead (once; later runs reuse them); building all of them is timed once too.

Beside each, the same counts computed by hand-written SQL (``rawsql.py``), so the overhead
ratio (application ÷ SQL) is visible; and the application's figures are checked against the
SQL's, figure by figure. Each operation runs ``--warmup`` times untimed, then ``--runs``
times; the median and the 95th percentile (nearest rank: with 5 runs, the slowest) are shown.
Exit status is non-zero only with ``--enforce-targets`` and a target missed.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SQLITE, bootstrap

TARGETS = {"dashboard": 0.3, "release": 2.0, "london": 10.0}
#: The application's figures against the same figures in plain SQL (issue 17): at most this ratio.
FIGURES_RATIO = 1.5
THRESHOLD = 5
CORRECTION = "Benchmark: timing the release build"


@dataclass
class Timing:
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def p95(self) -> float:
        ordered = sorted(self.seconds)
        return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Row:
    group: str
    name: str
    app: Timing
    raw: Timing | None = None
    targeted: bool = True

    @property
    def ratio(self) -> float | None:
        return self.app.median / self.raw.median if self.raw and self.raw.median else None

    @property
    def target(self) -> float | None:
        return TARGETS.get(self.group) if self.targeted else None

    @property
    def met(self) -> bool | None:
        if self.group == "figures":
            return None if self.ratio is None else self.ratio <= FIGURES_RATIO
        return None if self.target is None else self.app.median <= self.target


@dataclass
class Report:
    rows: list[Row] = field(default_factory=list)
    checks: dict[str, tuple[int, list[str]]] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)


def timed(fn: Callable[[], Any], *, runs: int, warmup: int) -> Timing:
    for _ in range(warmup):
        fn()
    seconds = []
    for _ in range(max(1, runs)):
        began = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - began)
    return Timing(seconds)


# --- Setting up ------------------------------------------------------------------------------


def enable_sign_in(user: Any) -> None:
    """Give a generated account the test password, a verified address and an authenticator
    (as ``tests.factories.personas.make_user`` does), so the test client signs in through the pages."""
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories.personas import PASSWORD, totp_secret_for

    if not user.check_password(PASSWORD):
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, totp_secret_for(user.email))
        RecoveryCodes.activate(user)


def signed_in(user: Any) -> Any:
    from django.test import Client

    from tests.factories.personas import sign_in

    return sign_in(Client(), user)


def person(role: str, partnership: Any = None) -> Any:
    from macehub.accounts.models import Membership

    membership = (
        Membership.objects.filter(role=role, partnership=partnership, panel__isnull=True, ended_at__isnull=True)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    if membership is None:
        raise SystemExit(f"No {role} for {partnership or 'London'}: was the dataset made by generate.py?")
    return membership.user


def busiest_partnership() -> Any:
    from django.db.models import Count, Q

    from macehub.organisations.models import Partnership

    return (
        Partnership.objects.annotate(children=Count("panels__subjects", filter=Q(panels__subjects__kind="child")))
        .order_by("-children", "short_name")
        .first()
    )


def data_quarter() -> Any:
    """The last complete quarter before the data's last held meeting."""
    from datetime import timedelta

    from django.db.models import Max

    from macehub.meetings.models import Meeting, MeetingStatus
    from macehub.oversight.periods import last_complete_quarter

    last = Meeting.objects.filter(status=MeetingStatus.HELD).aggregate(d=Max("date"))["d"]
    if last is None:
        raise SystemExit("No meetings: generate the dataset first (benchmarks/generate.py).")
    return last_complete_quarter(last + timedelta(days=1))


def ensure_releases(period: Any, log: Callable[[str], None]) -> Timing | None:
    """Every active partnership's signed-off release of the quarter, prepared by its analyst and
    signed off by its lead through the services. Returns the build times when any were built."""
    from macehub.organisations.models import Partnership
    from macehub.oversight import services
    from macehub.oversight.models import Release, ReleaseStatus

    seconds = []
    for partnership in Partnership.objects.filter(is_active=True).order_by("short_name"):
        done = Release.objects.filter(
            partnership=partnership, period_start=period.start, status=ReleaseStatus.SIGNED_OFF
        ).exists()
        if done:
            continue
        began = time.perf_counter()
        release = services.prepare_release(
            actor=person("partnership_analyst", partnership), partnership=partnership, period=period
        )
        seconds.append(time.perf_counter() - began)
        services.sign_off_release(
            actor=person("strategic_lead", partnership), release=release, expected_version=release.version
        )
    if seconds:
        log(f"  prepared and signed off {len(seconds)} releases for {period.label} in {sum(seconds):.1f} s")
    return Timing(seconds) if seconds else None


# --- Checking the figures ----------------------------------------------------------------------


def app_counts(tables: dict[str, Any], prefix: str = "") -> dict[tuple[str, str, str], int]:
    from macehub.oversight.measures import COUNT

    result = {}
    for key, table in tables.items():
        for row in table.rows:
            for col in table.columns:
                cell = table.cell(row.key, col.key)
                if cell.kind == COUNT:
                    result[(f"{prefix}{key}", row.key, col.key)] = cell.count
    return result


def compare(app: dict[tuple[str, str, str], int], raw: dict[tuple[str, str, str], int]) -> tuple[int, list[str]]:
    """How many figures were compared, and the ones that differ."""
    differences = []
    keys = set(app) | {k for k, v in raw.items() if v}
    for key in sorted(keys):
        if app.get(key, 0) != raw.get(key, 0):
            differences.append(f"{'/'.join(key)}: application {app.get(key, 0)}, SQL {raw.get(key, 0)}")
    return len(keys), differences


# --- The benchmark ---------------------------------------------------------------------------


def run(
    *,
    runs: int = 5,
    warmup: int = 1,
    partnership_name: str | None = None,
    period_key: str | None = None,
    pages: bool = True,
    all_releases: bool = True,
    sections: bool = False,
    log: Callable[[str], None] = print,
) -> Report:
    from django.db import connection
    from django.test import RequestFactory

    from benchmarks import rawsql
    from macehub.organisations.models import Panel, Partnership
    from macehub.oversight import selectors, services
    from macehub.oversight.measures import LONDON_EXTRACT, SECTIONS, compute_tables, trend_months
    from macehub.oversight.periods import parse_period
    from macehub.oversight.views import dashboards as views

    report = Report()
    period = parse_period(period_key) if period_key else data_quarter()
    if period is None or period.kind != "quarter":
        raise SystemExit("--period must be a quarter, for example 2026-q2")
    partnership = Partnership.objects.get(short_name=partnership_name) if partnership_name else busiest_partnership()
    scope = selectors.scope_for(partnership)
    analyst = person("partnership_analyst", partnership)
    lead = person("strategic_lead", partnership)
    london_user = person("london_project_team")
    for user in (analyst, lead, london_user):
        enable_sign_in(user)
    report.facts |= {
        "partnership": partnership.short_name,
        "panels": len(scope.panel_ids),
        "period": period.key,
        "period_label": period.long_label,
        "database": connection.vendor,
    }
    log(f"Partnership {partnership.short_name} ({len(scope.panel_ids)} panels), quarter {period.long_label}")

    log("Setting up: every partnership's release of the quarter …")
    built = ensure_releases(period, log)

    # 1. The dashboard.
    keys = ["children_summary", "children_trend"]
    request = RequestFactory().get(f"/oversight/partnerships/{partnership.pk}/", {"period": period.key})
    request.user = analyst
    months = trend_months(period)
    raw_dashboard = timed(
        lambda: rawsql.dashboard(connection, scope.panel_ids, period, months), runs=runs, warmup=warmup
    )
    report.rows.append(
        Row(
            "dashboard",
            "Dashboard tables (view's builder: 2 tables, previous quarter, London medians)",
            timed(
                lambda: views._display_tables(cast(Any, request), partnership, period, keys), runs=runs, warmup=warmup
            ),
            raw_dashboard,
        )
    )
    # Like for like with the SQL: the same figures, through the application's measures, with
    # nothing else (no London medians, no disclosure control).
    report.rows.append(
        Row(
            "figures",
            "Dashboard figures (compute_tables: the 2 tables and the previous quarter's summary)",
            timed(
                lambda: (
                    compute_tables(scope, period, keys),
                    compute_tables(scope, period.previous(), ["children_summary"]),
                ),
                runs=runs,
                warmup=warmup,
            ),
            raw_dashboard,
        )
    )
    if pages:
        client = signed_in(analyst)
        url = f"/oversight/partnerships/{partnership.pk}/?period={period.key}"

        def dashboard_page() -> None:
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"

        report.rows.append(
            Row(
                "dashboard",
                "Dashboard page (GET as the partnership analyst)",
                timed(dashboard_page, runs=runs, warmup=warmup),
                raw_dashboard,
            )
        )
        if sections:
            for section in SECTIONS:
                section_url = f"/oversight/partnerships/{partnership.pk}/sections/{section.key}/?period={period.key}"

                def section_page(section_url: str = section_url) -> None:
                    response = client.get(section_url)
                    assert response.status_code == 200, f"{section_url}: {response.status_code}"

                report.rows.append(
                    Row(
                        "dashboard",
                        f"Section page: {section.title} (not targeted)",
                        timed(section_page, runs=runs, warmup=warmup),
                        targeted=False,
                    )
                )
    app_dash = app_counts(compute_tables(scope, period, keys))
    app_dash |= app_counts(compute_tables(scope, period.previous(), ["children_summary"]), prefix="previous:")
    report.checks["dashboard"] = compare(app_dash, rawsql.dashboard(connection, scope.panel_ids, period, months))

    # 2. One partnership's release.
    raw_extract = timed(
        lambda: rawsql.extract(connection, scope.panel_ids, scope.risk_levels, period), runs=runs, warmup=warmup
    )
    report.rows.append(
        Row(
            "figures",
            "Release figures (compute_tables: the 15 extract tables, before disclosure control)",
            timed(lambda: compute_tables(scope, period, LONDON_EXTRACT), runs=runs, warmup=warmup),
            raw_extract,
        )
    )
    report.rows.append(
        Row(
            "release",
            "Release tables (services.build_release_tables: the 15 extract tables, protected jointly with the audit in the loop)",
            timed(
                lambda: services.build_release_tables(partnership, period, threshold=THRESHOLD),
                runs=runs,
                warmup=warmup,
            ),
            raw_extract,
        )
    )
    report.rows.append(
        Row(
            "release",
            "Prepare the release (services.prepare_release: build with the audit, store the draft)",
            timed(
                lambda: services.prepare_release(
                    actor=analyst, partnership=partnership, period=period, correction_reason=CORRECTION
                ),
                runs=runs,
                warmup=warmup,
            ),
            raw_extract,
        )
    )
    if pages:
        client = signed_in(analyst)
        url = f"/oversight/partnerships/{partnership.pk}/releases/prepare/?period={period.key}"

        def prepare_page() -> None:
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"

        report.rows.append(
            Row(
                "release",
                "Prepare-a-release page (GET: the preview of every table)",
                timed(prepare_page, runs=runs, warmup=warmup),
                raw_extract,
            )
        )
    app_extract = app_counts(selectors.tables_for(partnership, period, LONDON_EXTRACT))
    report.checks["release"] = compare(
        app_extract, rawsql.extract(connection, scope.panel_ids, scope.risk_levels, period)
    )

    # 3. The pan-London assembly.
    partnerships = list(Partnership.objects.filter(is_active=True).order_by("short_name"))
    panels: dict[int, list[tuple[int, list[str]]]] = {}
    for panel_id, partnership_id, levels in Panel.objects.values_list("pk", "partnership_id", "risk_levels"):
        panels.setdefault(partnership_id, []).append((panel_id, list(levels or [])))

    def raw_london() -> None:
        for p in partnerships:
            own = panels.get(p.pk, [])
            rawsql.extract(connection, [pk for pk, _ in own], dict(own), period)

    # The London assembly reads stored releases, never records: no SQL does the same work, so
    # its rows carry no SQL time and no ratio (the honest comparison is building every release).
    report.rows.append(
        Row(
            "london",
            "Publish the London dataset (services.publish_london_dataset: assemble 15 tables from "
            f"{len(partnerships)} releases, joint intruder audit, store)",
            timed(lambda: services.publish_london_dataset(actor=london_user, period=period), runs=runs, warmup=warmup),
        )
    )
    if pages:
        client = signed_in(london_user)
        url = f"/oversight/london/?period={period.key}&table=children_summary"

        def london_page() -> None:
            response = client.get(url)
            assert response.status_code == 200, f"{url}: {response.status_code}"

        report.rows.append(
            Row(
                "london",
                "London view page (GET as the London team)",
                timed(london_page, runs=runs, warmup=warmup),
            )
        )
    if all_releases:

        def build_all() -> None:
            for p in partnerships:
                services.build_release_tables(p, period, threshold=THRESHOLD)

        report.rows.append(
            Row(
                "london",
                f"Every partnership's release tables built ({len(partnerships)} × build_release_tables; not targeted)",
                timed(build_all, runs=1, warmup=0),
                timed(raw_london, runs=min(runs, 3), warmup=0),
                targeted=False,
            )
        )
    if built is not None:
        report.facts["releases_prepared_in_setup"] = {
            "count": len(built.seconds),
            "total_seconds": round(sum(built.seconds), 2),
            "slowest_seconds": round(max(built.seconds), 2),
        }
    return report


# --- Reporting -------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    from django.db import connection

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    import django

    info["django"] = django.get_version()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SHOW server_version")
            info["database"] = f"PostgreSQL {cursor.fetchone()[0]}"
        else:
            cursor.execute("SELECT sqlite_version()")
            info["database"] = f"SQLite {cursor.fetchone()[0]}"
    info["load_average"] = [round(x, 2) for x in os.getloadavg()]
    return info


def sizes() -> dict[str, int]:
    from django.db import connection

    tables = [
        "subjects_subject",
        "meetings_meeting",
        "meetings_agendaitem",
        "meetings_contribution",
        "meetings_attendance",
        "meetings_action",
        "meetings_actionreview",
        "referrals_referral",
        "subjects_link",
        "subjects_riskchange",
        "casework_riskassessment",
        "casework_missingepisode",
        "casework_returninterview",
        "casework_nrmreferral",
        "casework_disruption",
    ]
    result = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608 - fixed names
            result[table] = int(cursor.fetchone()[0])
        cursor.execute("SELECT COUNT(*) FROM subjects_subject WHERE kind = 'child'")
        result["children"] = int(cursor.fetchone()[0])
        cursor.execute("SELECT COUNT(*) FROM organisations_partnership")
        result["partnerships"] = int(cursor.fetchone()[0])
        cursor.execute("SELECT COUNT(*) FROM organisations_panel")
        result["panels"] = int(cursor.fetchone()[0])
    return result


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms" if seconds < 10 else f"{seconds:,.1f} s"


def print_report(report: Report) -> None:
    print()
    header = f"{'Operation':<92} {'app p50':>10} {'app p95':>10} {'SQL p50':>10} {'ratio':>7} {'target':>8}  met"
    print(header)
    print("-" * len(header))
    group = None
    for row in report.rows:
        if row.group != group:
            group = row.group
            print(f"[{group}]")
        raw = ms(row.raw.median) if row.raw else ""  # no SQL equivalent: nothing to show
        ratio = f"{row.ratio:.1f}×" if row.ratio is not None else ""
        target = (
            f"{FIGURES_RATIO}× SQL" if row.group == "figures" else ms(row.target) if row.target is not None else "—"
        )
        met = "—" if row.met is None else ("yes" if row.met else "NO")
        print(
            f"  {row.name:<90} {ms(row.app.median):>10} {ms(row.app.p95):>10} {raw:>10} {ratio:>7} {target:>8}  {met}"
        )
    print()
    for name, (compared, differences) in report.checks.items():
        verdict = "agree" if not differences else f"{len(differences)} DIFFER"
        print(f"Figures checked against the SQL ({name}): {compared} figures, {verdict}")
        for line in differences[:20]:
            print(f"    {line}")


def as_json(report: Report) -> dict[str, Any]:
    return {
        "facts": report.facts,
        "rows": [
            {
                "group": r.group,
                "name": r.name,
                "app_seconds": r.app.seconds,
                "app_median": r.app.median,
                "app_p95": r.app.p95,
                "sql_median": r.raw.median if r.raw else None,
                "ratio": r.ratio,
                "target": r.target,
                "met": r.met,
            }
            for r in report.rows
        ],
        "checks": {k: {"compared": n, "differences": d} for k, (n, d) in report.checks.items()},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_SQLITE, help=f"default {DEFAULT_SQLITE}")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--partnership", help="short name (default: the one with most children)")
    parser.add_argument("--period", help="a quarter such as 2026-q2 (default: the data's last complete quarter)")
    parser.add_argument("--no-pages", action="store_true", help="skip the pages (test client)")
    parser.add_argument("--no-all-releases", action="store_true", help="skip building every partnership's release")
    parser.add_argument("--sections", action="store_true", help="also time the five dashboard section pages")
    parser.add_argument("--json", type=Path, help="write the results here as JSON")
    parser.add_argument("--enforce-targets", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)

    bootstrap(args.database_url)
    before = machine()
    print(
        f"Machine: {before.get('cpu', '?')}, {before['cpus']} CPUs, {before.get('memory_gb', '?')} GB; {before['database']}"
    )
    print(f"Load average before: {before['load_average']}")
    counts = sizes()
    print("Dataset: " + ", ".join(f"{k} {v:,}" for k, v in counts.items()))
    report = run(
        runs=args.runs,
        warmup=args.warmup,
        partnership_name=args.partnership,
        period_key=args.period,
        pages=not args.no_pages,
        all_releases=not args.no_all_releases,
        sections=args.sections,
    )
    after = os.getloadavg()
    report.facts |= {"machine": before, "sizes": counts, "load_average_after": [round(x, 2) for x in after]}
    print_report(report)
    print(f"\nLoad average after: {[round(x, 2) for x in after]}")
    if args.json:
        args.json.write_text(json.dumps(as_json(report), indent=2, default=str))
        print(f"Written to {args.json}")
    missed = [r for r in report.rows if r.met is False]
    differ = [k for k, (_, d) in report.checks.items() if d]
    if args.enforce_targets and missed:
        print(f"{len(missed)} target(s) missed.")
        return 1
    if args.enforce_targets and differ:
        print("The application's figures differ from the SQL's.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
