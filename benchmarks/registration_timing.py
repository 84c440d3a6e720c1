"""Does registering with an address that already has an account take a different time? (C16)

MACE Hub answers a registration for a known address exactly as for a new one (allauth
e-mails the owner instead), and does a new account's work on both paths
(``RegistrationForm.try_save``): otherwise the time taken would tell an attacker which
addresses have accounts. This script measures it through the real sign-up page, with the
production password hasher (Argon2), and tests the two samples statistically:

* ``--samples`` registrations each (default 30), known and new addresses interleaved in a
  random order, each from its own client address (so rate limits do not interfere);
* the median of each, their difference, and a two-sided Mann–Whitney U test (normal
  approximation with tie correction): a p-value below ``--alpha`` says the two are
  distinguishable;
* it exits 1 if the medians differ by more than ``--bound`` milliseconds *and* the test says
  the samples differ — a timing test on a shared two-core machine is too noisy for a unit
  test, so it lives here, beside the performance benchmarks (benchmarks/README.md).

    .venv/bin/python benchmarks/registration_timing.py [--samples 30] [--bound 50] [--database-url URL]
"""

from __future__ import annotations

import argparse
import math
import random
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import bootstrap

PASSWORD = "granite meadow oboe sprockets 48"  # noqa: S105 - a benchmark-only credential
KNOWN = "known.person@timing.invalid"


@dataclass
class Result:
    known: list[float]
    new: list[float]

    @property
    def difference_ms(self) -> float:
        return (statistics.median(self.known) - statistics.median(self.new)) * 1000

    @property
    def p_value(self) -> float:
        return mann_whitney_p(self.known, self.new)


def mann_whitney_p(a: list[float], b: list[float]) -> float:
    """Two-sided Mann–Whitney U test, normal approximation with a tie correction."""
    n1, n2 = len(a), len(b)
    pooled = sorted([(v, 0) for v in a] + [(v, 1) for v in b])
    ranks = [0.0] * len(pooled)
    ties = 0.0
    i = 0
    while i < len(pooled):
        j = i
        while j + 1 < len(pooled) and pooled[j + 1][0] == pooled[i][0]:
            j += 1
        for k in range(i, j + 1):
            ranks[k] = (i + j) / 2 + 1
        size = j - i + 1
        ties += size**3 - size
        i = j + 1
    r1 = sum(r for r, (_v, group) in zip(ranks, pooled, strict=True) if group == 0)
    u = r1 - n1 * (n1 + 1) / 2
    n = n1 + n2
    sigma = math.sqrt(n1 * n2 / 12 * ((n + 1) - ties / (n * (n - 1))))
    if sigma == 0:
        return 1.0
    z = (u - n1 * n2 / 2) / sigma
    return math.erfc(abs(z) / math.sqrt(2))


def _world() -> dict[str, Any]:
    """A partnership with a panel and an agency to ask for, and one account that exists."""
    from allauth.account.models import EmailAddress

    from macehub.accounts.models import User
    from macehub.organisations.models import Agency, AgencyType, Panel, Partnership

    partnership, _ = Partnership.objects.get_or_create(name="Timing Partnership", defaults={"short_name": "Timing"})
    panel, _ = Panel.objects.get_or_create(partnership=partnership, name="Timing MACE")
    agency, created = Agency.objects.get_or_create(name="Timing Police", defaults={"agency_type": AgencyType.POLICE})
    if created:
        agency.partnerships.add(partnership)
    if not User.objects.filter(email=KNOWN).exists():
        user = User.objects.create_user(email=KNOWN, password=PASSWORD, full_name="Known Person", job_title="Tester")
        EmailAddress.objects.create(user=user, email=KNOWN, verified=True, primary=True)
    return {"partnership": partnership.pk, "panel": panel.pk, "agency": agency.pk}


def measure(samples: int, *, log: Callable[[str], None] = print) -> Result:
    from django.test import Client

    world = _world()
    order = ["known"] * samples + ["new"] * samples
    random.shuffle(order)
    timings: dict[str, list[float]] = {"known": [], "new": []}
    for index, which in enumerate(order):
        email = KNOWN if which == "known" else f"new.{time.time_ns()}.{index}@timing.invalid"
        client = Client(REMOTE_ADDR=f"10.{index // 65536 % 256}.{index // 256 % 256}.{index % 256}")
        data = {
            "full_name": "Timing Person",
            "job_title": "Tester",
            "email": email,
            "password1": PASSWORD,
            "password2": PASSWORD,
            "role": "panel_member",
            "partnership": world["partnership"],
            "panel": world["panel"],
            "agency": world["agency"],
            "reason": "Measuring how long registration takes",
        }
        started = time.perf_counter()
        response = client.post("/account/signup/", data)
        timings[which].append(time.perf_counter() - started)
        if response.status_code != 302:
            raise SystemExit(f"registration was not accepted ({response.status_code}): check the form data")
    result = Result(known=timings["known"], new=timings["new"])
    log(
        f"known addresses: median {statistics.median(result.known) * 1000:.1f} ms; "
        f"new addresses: median {statistics.median(result.new) * 1000:.1f} ms; "
        f"difference {result.difference_ms:+.1f} ms; Mann–Whitney p = {result.p_value:.3f} "
        f"({samples} each)"
    )
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="sqlite:////tmp/macehub_timing.sqlite3")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--bound", type=float, default=50.0, help="largest acceptable median difference, in ms")
    parser.add_argument("--alpha", type=float, default=0.01)
    args = parser.parse_args()
    bootstrap(args.database_url)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    result = measure(args.samples)
    distinguishable = result.p_value < args.alpha
    if abs(result.difference_ms) > args.bound and distinguishable:
        print(f"FAIL: the medians differ by more than {args.bound:.0f} ms and the samples are distinguishable")
        return 1
    print("OK: registering a known address cannot be told from a new one by its timing")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
