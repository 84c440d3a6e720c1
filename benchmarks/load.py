"""Load benchmark: signed-in people of mixed roles using MACE Hub at once, on the production set-up.

    python3 -m venv /tmp/locust && /tmp/locust/bin/pip install locust      # once, apart from .venv
    .venv/bin/python benchmarks/load.py --database-url postgres://postgres@127.0.0.1:5432/macehub_bench \\
        --locust /tmp/locust/bin/locust [--users 50] [--duration 120] [--workers 4] [--json load.json]

What it does, in order:

1. Plans who takes part, on a dataset made by ``generate.py``: coordinators and chairs of the
   busiest panels, agency representatives, partnership analysts and the London team (extra
   London accounts are added when more are asked for than the data has), each with the pages
   of their role (home, child list and record, a realistic meeting's agenda, pack and
   contributions grid, the partnership dashboard, the London page) and the floor (the
   accessibility statement). Each page is fetched once through the test client, signed in as
   that person: a page they may not open (403) is left out of their plan, and reported.
2. Starts the production configuration: ``MACEHUB_ENV=production``, gunicorn (``--workers``
   sync workers, one node), PostgreSQL, Redis as the shared cache (the one on
   127.0.0.1:6379, or one started here), static files collected once into /tmp.
3. Runs locust headless (``benchmarks/locustfile.py``): ``--users`` people, started
   ``--spawn-rate`` a second, each with the session step 1 signed in (through the real
   password and one-time code pages), opening a page of their plan every 1–3 s
   (``--think``). The statistics are reset once everyone is in, so the ramp does not count;
   then ``--duration`` seconds are measured. (Signing 50 people in through gunicorn itself
   would meet allauth's limit of 30 sign-ins a minute from one address: behind the proxy,
   every person has the proxy's address unless ``ALLAUTH_TRUSTED_PROXY_COUNT`` is set.)
4. Prints p50/p95/p99, requests per second and errors per page and in all (PDFs and exports
   are not in the mix), beside the floor in the same run, with the load average before and
   after. ``--enforce`` exits 1 when the p95 of the pages is 100 ms or more, or any request
   failed.

Locust is not one of the app's dependencies (it brings gevent): install it in a separate
environment and name its ``locust`` with ``--locust`` (default: ``locust`` on the PATH).
Every process started here is stopped at the end, by its id.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_POSTGRES, ROOT, bootstrap

STATIC_ROOT = Path(tempfile.gettempdir()) / "macehub_load_static"
HOST = "localhost"
FLOOR = "floor: accessibility statement"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- 1. The plan -----------------------------------------------------------------------------


def mix(users: int) -> dict[str, int]:
    """How many of each role for ``users`` people: about 40% coordinators and chairs, 30% agency
    representatives, 20% partnership analysts and 10% the London team."""
    london = max(1, round(users * 0.1))
    analysts = max(1, round(users * 0.2))
    members = max(1, round(users * 0.3))
    return {
        "coordinator": users - london - analysts - members,
        "panel_member": members,
        "partnership_analyst": analysts,
        "london_project_team": london,
    }


def london_accounts(count: int) -> list[Any]:
    """``count`` London team accounts: the generated one and, when more are needed, added ones."""
    from macehub.accounts.models import Membership, User

    people = [
        m.user
        for m in Membership.objects.filter(role="london_project_team", ended_at__isnull=True)
        .select_related("user")
        .order_by("pk")
    ]
    n = len(people)
    while len(people) < count:
        n += 1
        user, _ = User.objects.get_or_create(
            email=f"london.load-{n}@bench.invalid",
            defaults={"full_name": f"London Team {n} (load benchmark)", "job_title": "London project team"},
        )
        Membership.objects.get_or_create(user=user, role="london_project_team", ended_at=None)
        people.append(user)
    return people[:count]


def plan(users: int) -> tuple[list[dict[str, Any]], list[str]]:
    """One entry per simulated person: e-mail, authenticator secret and weighted pages."""
    from django.conf import settings
    from django.db.models import Count
    from django.urls import reverse

    from benchmarks.run import data_quarter, enable_sign_in
    from macehub.accounts.models import Membership
    from macehub.meetings.models import Acknowledgement, Meeting, MeetingStatus
    from macehub.organisations.models import Panel
    from macehub.subjects.models import Kind, Subject

    period = data_quarter()
    wanted = mix(users)
    panels = list(Panel.objects.annotate(n=Count("subjects")).order_by("-n", "pk").values_list("pk", "partnership_id"))
    meetings: dict[int, tuple[Any, Any]] = {}

    def panel_meetings(panel: int) -> tuple[Any, Any]:
        if panel not in meetings:
            held = (
                Meeting.objects.filter(panel_id=panel, status=MeetingStatus.HELD)
                .annotate(n=Count("items"))
                .filter(n__gte=20, n__lte=40)
                .order_by("-date")
                .first()
            )
            planned = (
                Meeting.objects.filter(panel_id=panel, status=MeetingStatus.PLANNED)
                .annotate(n=Count("items"))
                .order_by("-n", "date")
                .first()
            )
            meetings[panel] = (held, planned)
        return meetings[panel]

    def children(panel: int) -> list[int]:
        return list(
            Subject.objects.filter(panel_id=panel, kind=Kind.CHILD, status="open")
            .order_by("-pk")
            .values_list("pk", flat=True)[:3]
        )

    people: list[tuple[Any, list[tuple[str, str, int]]]] = []
    floor = (FLOOR, "/accessibility/", 1)
    # Coordinators and chairs of the busiest panels first, round the panels.
    panel_roles = [
        m
        for role in ("coordinator", "panel_chair")
        for m in Membership.objects.filter(role=role, panel__isnull=False, ended_at__isnull=True).select_related("user")
    ]
    order: dict[int | None, int] = {pk: i for i, (pk, _) in enumerate(panels)}
    panel_roles.sort(key=lambda m: (m.role != "coordinator", order.get(m.panel_id, 99)))
    for m in panel_roles[: wanted["coordinator"]]:
        assert m.panel_id is not None  # panel roles, filtered above
        held, planned = panel_meetings(m.panel_id)
        pages = [
            ("coordinator home", "/", 3),
            ("child list", reverse("subjects:child_list", args=[m.panel_id]), 2),
            floor,
        ]
        pages += [("child record", reverse("subjects:child_detail", args=[pk]), 1) for pk in children(m.panel_id)]
        if held is not None:
            Acknowledgement.objects.get_or_create(meeting=held, user=m.user)
            pages += [
                ("meeting agenda", reverse("meetings:agenda", args=[held.pk]), 2),
                ("meeting pack", reverse("meetings:pack", args=[held.pk]), 1),
            ]
        if planned is not None:
            pages.append(("contributions grid", reverse("meetings:contributions", args=[planned.pk]), 1))
        people.append((m.user, pages))
    members = list(
        Membership.objects.filter(role="panel_member", ended_at__isnull=True)
        .select_related("user")
        .order_by("panel_id", "pk")
    )
    members.sort(key=lambda m: order.get(m.panel_id, 99))
    # One representative from each of the busiest panels, then a second round.
    by_panel: dict[int, list[Any]] = {}
    for m in members:
        by_panel.setdefault(int(m.panel_id or 0), []).append(m)
    picked: list[Any] = []
    for depth in range(8):
        for pk, _ in panels:
            if len(picked) < wanted["panel_member"] and depth < len(by_panel.get(pk, [])):
                picked.append(by_panel[pk][depth])
    for m in picked:
        held, planned = panel_meetings(m.panel_id)
        pages = [("member home", "/", 3), floor]
        if held is not None:
            pages += [
                ("meeting agenda", reverse("meetings:agenda", args=[held.pk]), 2),
                ("meeting pack", reverse("meetings:pack", args=[held.pk]), 1),
            ]
        if planned is not None:  # representatives see the meetings to come and add to them
            pages += [
                ("meeting agenda (planned)", reverse("meetings:agenda", args=[planned.pk]), 2),
                ("contributions grid", reverse("meetings:contributions", args=[planned.pk]), 1),
            ]
        people.append((m.user, pages))
    partnerships = list(dict.fromkeys(p for _, p in panels))
    analysts = {
        m.partnership_id: m.user
        for m in Membership.objects.filter(role="partnership_analyst", ended_at__isnull=True).select_related("user")
    }
    for partnership in [p for p in partnerships if p in analysts][: wanted["partnership_analyst"]]:
        dashboard = f"/oversight/partnerships/{partnership}/?period={period.key}"
        people.append(
            (analysts[partnership], [("analyst home", "/", 1), ("partnership dashboard", dashboard, 3), floor])
        )
    for user in london_accounts(wanted["london_project_team"]):
        people.append((user, [("London team home", "/", 1), ("London page", reverse("oversight:london"), 3), floor]))

    # Check each page opens for its person (a page they may not see is left out, and said).
    from django.test import Client

    from tests.factories.personas import sign_in

    left_out = []
    result = []
    for user, pages in people:
        enable_sign_in(user)
        client = sign_in(Client(), user)
        kept = []
        for name, url, weight in pages:
            status = client.get(url).status_code
            if status == 200:
                kept.append({"name": name, "url": url, "weight": weight})
            else:
                left_out.append(f"{user.email} {name} {url}: {status}")
        # The session signed in here is handed to the simulated person (see the locustfile).
        result.append(
            {"email": user.email, "session": client.cookies[settings.SESSION_COOKIE_NAME].value, "pages": kept}
        )
    return result, left_out


# --- 2. The production set-up ----------------------------------------------------------------


class Processes:
    """The processes started here, stopped by their ids at the end."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen[bytes]] = []

    def start(self, args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
        handle = open(log, "wb")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own commands
            args,
            env=env,
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=ROOT,
        )
        self.started.append(process)
        return process

    def stop(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.started:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


def production_env(database_url: str, secret_key: str, london_key: str, work: Path, redis_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update(
        {
            "MACEHUB_ENV": "production",
            # The same key as the plan's (development) process: the authenticators' secrets are
            # encrypted with a key derived from it, and the audit chain is keyed by it.
            "SECRET_KEY": secret_key,
            # Production refuses to start without the London fingerprint key ("known elsewhere?").
            "MACEHUB_LONDON_KEY": london_key,
            "ALLOWED_HOSTS": HOST,
            "SITE_URL": f"https://{HOST}",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": f"macehub-load-{os.getpid()}",
            "BEHIND_TLS_PROXY": "true",
            "TRUSTED_PROXY_COUNT": "1",
            "MACEHUB_UPLOAD_ROOT": str(work / "uploads"),
            "MACEHUB_STATIC_ROOT": str(STATIC_ROOT),
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": "1",
            "EMAIL_USE_TLS": "false",
            "SECURITY_KEY_ROLES": "",
            "LOG_LEVEL": "WARNING",
        }
    )
    return env


def wait_for(url: str, seconds: float = 60) -> None:
    request = urllib.request.Request(url, headers={"Host": HOST, "X-Forwarded-Proto": "https"})  # noqa: S310
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - our own node
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise SystemExit(f"the app node did not answer {url}")
        time.sleep(0.3)


def redis_up(processes: Processes, work: Path) -> str:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as s:
            s.sendall(b"PING\r\n")
            if s.recv(16).startswith(b"+PONG"):
                return "redis://127.0.0.1:6379/0"
    except OSError:
        pass
    server = shutil.which("redis-server")
    if server is None:
        raise SystemExit("no Redis on 127.0.0.1:6379 and no redis-server to start (scripts/ensure-system-packages)")
    port = free_port()
    processes.start(
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        dict(os.environ),
        work / "redis.log",
    )
    time.sleep(0.5)
    return f"redis://127.0.0.1:{port}/0"


# --- 3 and 4. The run and its figures ----------------------------------------------------------


def read_stats(path: Path) -> list[dict[str, Any]]:
    rows = []
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"] if row["Type"] else "All pages",
                    "type": row["Type"],
                    "requests": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "p50": float(row["50%"] or 0),
                    "p95": float(row["95%"] or 0),
                    "p99": float(row["99%"] or 0),
                    "rps": float(row["Requests/s"] or 0),
                }
            )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--locust", default="locust", help="the locust command (installed apart from .venv)")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--spawn-rate", type=float, default=5.0)
    parser.add_argument("--duration", type=int, default=120, help="seconds measured, after everyone is signed in")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0), metavar=("MIN", "MAX"))
    parser.add_argument("--json", type=Path)
    parser.add_argument("--enforce", action="store_true", help="exit 1 if p95 >= 100 ms or any request failed")
    args = parser.parse_args(argv)
    locust = shutil.which(args.locust)
    if locust is None:
        raise SystemExit(f"no {args.locust}: install locust in a separate environment (see this script's docstring)")
    if not args.database_url.startswith("postgres"):
        raise SystemExit("the load benchmark runs on PostgreSQL (the production database)")

    bootstrap(args.database_url)
    from django.conf import settings

    work = Path(tempfile.mkdtemp(prefix="macehub-load-"))
    began = time.perf_counter()
    people, left_out = plan(args.users)
    print(
        f"Planned {len(people)} people in {time.perf_counter() - began:.0f} s"
        f" ({sum(len(p['pages']) for p in people)} pages)"
    )
    for line in left_out:
        print(f"  left out (not 200): {line}")
    plan_file = work / "plan.json"
    plan_file.write_text(
        json.dumps(
            {
                "host": HOST,
                "cookie": "__Host-macehub-session",
                "people": people,
                "think_min": args.think[0],
                "think_max": args.think[1],
            }
        ),
        encoding="utf-8",
    )

    processes = Processes()
    try:
        env = production_env(
            args.database_url, settings.SECRET_KEY, settings.KNOWN_ELSEWHERE_KEY, work, redis_up(processes, work)
        )
        (work / "uploads").mkdir()
        if not (STATIC_ROOT / "staticfiles.json").exists():
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--no-input", "--verbosity", "0"],
                env=env,
                cwd=ROOT,
                check=True,
            )
        port = free_port()
        processes.start(
            [
                str(ROOT / ".venv/bin/gunicorn"),
                "config.wsgi",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(args.workers),
                "--timeout",
                "60",
                "--no-control-socket",
            ],
            env,
            work / "gunicorn.log",
        )
        wait_for(f"http://127.0.0.1:{port}/account/login/")
        load_before = os.getloadavg()
        spawn = args.users / args.spawn_rate
        print(
            f"Load average before: {[round(x, 2) for x in load_before]}; {args.users} people, "
            f"{spawn:.0f} s to sign everyone in, then {args.duration} s measured"
        )
        locust_env = {**os.environ, "MACEHUB_LOAD_PLAN": str(plan_file)}
        run = subprocess.run(  # noqa: S603 - our own commands
            [
                locust,
                "-f",
                str(ROOT / "benchmarks/locustfile.py"),
                "--headless",
                "--only-summary",
                "--users",
                str(args.users),
                "--spawn-rate",
                str(args.spawn_rate),
                "--reset-stats",
                "--run-time",
                f"{int(spawn + args.duration + 1)}s",
                "--stop-timeout",
                "10",
                "--host",
                f"http://127.0.0.1:{port}",
                "--csv",
                str(work / "load"),
                "--loglevel",
                "WARNING",
            ],
            env=locust_env,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        load_after = os.getloadavg()
        if not (work / "load_stats.csv").exists():
            print(run.stdout[-3000:], run.stderr[-3000:])
            raise SystemExit("locust wrote no statistics")
    finally:
        processes.stop()

    rows = read_stats(work / "load_stats.csv")
    pages = [r for r in rows if r["type"] == "GET"]
    floor = next((r for r in pages if r["name"] == FLOOR), None)
    total = {
        "requests": sum(r["requests"] for r in pages),
        "failures": sum(r["failures"] for r in pages),
        "rps": sum(r["rps"] for r in pages),
    }
    everything = next((r for r in rows if r["name"] == "All pages"), None)  # locust's "Aggregated"
    print(
        f"\n{'Page':<34} {'requests':>9} {'errors':>7} {'p50':>7} {'p95':>7} {'p99':>7} {'req/s':>7} {'p50 × floor':>12}"
    )
    for r in sorted(pages, key=lambda r: -r["p95"]):
        ratio = f"{r['p50'] / floor['p50']:.1f}×" if floor and floor["p50"] else "—"
        print(
            f"{r['name']:<34} {r['requests']:>9} {r['failures']:>7} {r['p50']:>5.0f}ms {r['p95']:>5.0f}ms "
            f"{r['p99']:>5.0f}ms {r['rps']:>7.1f} {ratio:>12}"
        )
    if everything:
        print(
            f"{'All pages together':<34} {everything['requests']:>9} {everything['failures']:>7} "
            f"{everything['p50']:>5.0f}ms {everything['p95']:>5.0f}ms {everything['p99']:>5.0f}ms {everything['rps']:>7.1f}"
        )
    print(f"Pages: {total['requests']} requests, {total['failures']} errors, {total['rps']:.1f} per second")
    print(f"Load average after: {[round(x, 2) for x in load_after]}")
    failures_csv = work / "load_failures.csv"
    if failures_csv.exists() and failures_csv.read_text(encoding="utf-8").count("\n") > 1:
        print("\nErrors:\n" + failures_csv.read_text(encoding="utf-8")[:3000])
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "users": args.users,
                    "duration": args.duration,
                    "workers": args.workers,
                    "load_before": load_before,
                    "load_after": load_after,
                    "rows": rows,
                    "left_out": left_out,
                },
                indent=2,
            ),
            encoding="utf-8",
        )
    shutil.rmtree(work, ignore_errors=True)
    if args.enforce:
        worst = everything["p95"] if everything else 0
        if total["failures"] or worst >= 100:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
