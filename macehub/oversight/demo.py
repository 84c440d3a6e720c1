"""Demo oversight data: releases and London datasets for the last four complete quarters.

* The three demo panels' partnerships (Lambeth, City and Hackney, Kingston and Richmond) get
  releases worked out from their demo records (the registers, meetings and casework seeded by
  the apps below), exactly as a real release is built. Lambeth's were prepared by Kwame and
  signed off by Helen — except the latest quarter's, which waits for Helen's sign-off.
* Every other partnership gets **synthetic** released aggregates, marked as demo (``is_demo``),
  so the London view is not nearly empty: sized by the area's child population, with seasonal
  shapes (more missing episodes and children discussed in the summer quarter, fewer in the
  winter), disproportionality by ethnic group and small counts that disclosure control hides.
* Every release is protected with the audited method (``protection.publish``: the whole extract
  as one publication), so the demo publishes nothing an intruder could work back.
* Dr Lena (the London team) has published the London dataset for the earlier quarters.

Idempotent: nothing is added once any release exists.
"""

from __future__ import annotations

import random
from typing import Any

from django.db import transaction
from django.utils import timezone

from macehub.core.demo import DemoContext
from macehub.organisations.models import Partnership

from .measures import LONDON_EXTRACT, Scope, Table, compute_tables
from .models import Release, ReleaseStatus
from .periods import Period, fiscal_quarter, last_complete_quarter
from .population import population_for
from .protection import publish
from .services import build_release_tables, prepare_release, publish_london_dataset, sign_off_release

DEMO_PARTNERSHIPS = ("lambeth", "city-hackney", "kingston-richmond")
#: Children discussed per quarter per 1,000 children aged 10 to 17, by financial quarter.
SEASON = {1: 1.0, 2: 1.2, 3: 1.05, 4: 0.85}
MISSING_SEASON = {1: 1.0, 2: 1.35, 3: 0.95, 4: 0.8}


def _quarters(n: int = 4) -> list[Period]:
    quarters = [last_complete_quarter()]
    while len(quarters) < n:
        quarters.append(quarters[-1].previous())
    return list(reversed(quarters))


def _split(rng: random.Random, total: int, weights: dict[str, float]) -> dict[str, int]:
    """``total`` units shared among the keys at random in proportion to ``weights``."""
    keys = list(weights)
    counts = dict.fromkeys(keys, 0)
    for key in rng.choices(keys, weights=[weights[k] for k in keys], k=max(0, total)):
        counts[key] += 1
    return counts


def _near(rng: random.Random, value: float) -> int:
    return max(0, round(value * rng.uniform(0.8, 1.2)))


def _synthetic(
    template: dict[str, Table], population: dict[str, int], period: Period, rng: random.Random
) -> dict[str, Table]:
    _, q = fiscal_quarter(period.start)
    size = population.get("total", 0) / 1000
    discussed = _near(rng, size * 1.3 * SEASON[q])
    tables = {key: Table(t.spec, period, t.rows, t.columns) for key, t in template.items()}

    def fill(key: str, col: str, values: dict[str, int]) -> None:
        for row, n in values.items():
            tables[key].set(row, col, n)

    fill(
        "children_summary",
        "children",
        {
            "discussed": discussed,
            "new": _near(rng, discussed * 0.35),
            "open_end": _near(rng, discussed * 1.3),
            "stepped_down": _near(rng, discussed * 0.1),
            "closed": _near(rng, discussed * 0.12),
        },
    )
    harm = {"cse": 0.25, "cce": 0.35, "county_lines": 0.15, "trafficking": 0.04, "online": 0.2}
    harm |= {"serious_violence": 0.25, "child_on_child": 0.1, "financial": 0.05, "radicalisation": 0.01, "other": 0.03}
    fill(
        "children_harm", "children", {k: sum(1 for _ in range(discussed) if rng.random() < p) for k, p in harm.items()}
    )
    fill(
        "children_age",
        "children",
        _split(
            rng,
            discussed,
            {
                "under_10": 0.01,
                "10_13": 0.15,
                "14_15": 0.35,
                "16_17": 0.45,
                "18_20": 0.02,
                "21_24": 0.0,
                "adult": 0.0,
                "not_known": 0.02,
            },
        ),
    )
    fill("children_sex", "children", _split(rng, discussed, {"female": 0.36, "male": 0.62, "not_known": 0.02}))
    lift = {"asian": 0.6, "black": 1.8, "mixed": 1.4, "white": 0.8, "other": 1.0}
    ethnic = {k: population.get(k, 0) * lift[k] for k in lift}
    recorded = _split(rng, round(discussed * 0.95), ethnic) if sum(ethnic.values()) else {}
    fill("children_ethnicity", "children", {**recorded, "not_recorded": discussed - sum(recorded.values())})
    fill(
        "children_send",
        "children",
        _split(rng, discussed, {"none": 0.55, "sen_support": 0.22, "ehc_plan": 0.13, "not_known": 0.1}),
    )
    fill(
        "children_looked_after",
        "children",
        _split(rng, discussed, {"no": 0.7, "yes": 0.2, "care_leaver": 0.03, "not_known": 0.07}),
    )
    trajectory = _split(rng, _near(rng, discussed * 0.4), {"fell": 0.45, "held": 0.35, "rose": 0.2})
    total = sum(trajectory.values())
    for row, n in trajectory.items():
        tables["risk_trajectory"].set(row, "children", n)
        tables["risk_trajectory"].set(row, "share", n, base=total)
    fill(
        "contexts_open",
        "records",
        {
            "group": _near(rng, discussed * 0.15),
            "location": _near(rng, discussed * 0.3),
            "person": _near(rng, discussed * 0.25),
            "cases": _near(rng, discussed * 0.05),
        },
    )
    referrals = _near(rng, discussed * 0.6)
    routes = _split(
        rng, referrals, {"front_door": 0.45, "strategy": 0.2, "police": 0.2, "pre_mace": 0.1, "other": 0.05}
    )
    for route, n in routes.items():
        decisions = _split(
            rng, n, {"accepted": 0.7, "signposted": 0.15, "not_met": 0.1, "withdrawn": 0.02, "waiting": 0.03}
        )
        for decision, m in decisions.items():
            tables["referrals"].set(route, decision, m)
    episodes = _near(rng, discussed * 0.5 * MISSING_SEASON[q])
    returned = _near(rng, episodes * 0.95)
    offered, completed = _near(rng, returned * 0.9), _near(rng, returned * 0.75)
    within = min(completed, _near(rng, returned * 0.55))
    offered, completed = min(offered, returned), min(completed, returned)
    missing = tables["missing"]
    for row, n in (
        ("episodes", episodes),
        ("children", _near(rng, episodes * 0.6)),
        ("returned", returned),
        ("offered", offered),
        ("completed", completed),
        ("within_72", within),
    ):
        missing.set(row, "number", n)
    missing.set("offered_pct", "number", offered, base=returned)
    missing.set("within_72_pct", "number", within, base=returned)
    referred = _near(rng, discussed * 0.1)
    rg_made = _near(rng, referred * 0.9)
    on_time = min(rg_made, _near(rng, rg_made * 0.6))
    cg = _near(rng, referred * 0.3)
    nrm = tables["nrm"]
    for row, n in (
        ("referred", referred),
        ("rg_made", rg_made),
        ("rg_on_time", on_time),
        ("rg_positive", min(rg_made, _near(rng, rg_made * 0.8))),
        ("rg_overdue_end", _near(rng, referred * 0.2)),
        ("cg_made", cg),
        ("cg_positive", min(cg, _near(rng, cg * 0.8))),
    ):
        nrm.set(row, "number", n)
    nrm.set("rg_on_time_pct", "number", on_time, base=rg_made)
    fill(
        "disruptions",
        "activities",
        _split(
            rng,
            _near(rng, discussed * 0.4),
            {"location": 0.4, "online": 0.1, "peer_group": 0.15, "perpetrator": 0.25, "community": 0.1},
        ),
    )
    agreed = _near(rng, discussed * 1.5)
    done = _near(rng, agreed * 0.8)
    done_on_time = min(done, _near(rng, done * 0.6))
    actions = tables["actions"]
    carried = _near(rng, agreed * 0.25)
    for row, n in (
        ("agreed", agreed),
        ("completed", done),
        ("completed_on_time", done_on_time),
        ("overdue_end", _near(rng, agreed * 0.1)),
        ("carried", carried),
    ):
        actions.set(row, "number", n)
    actions.set("completed_on_time_pct", "number", done_on_time, base=done)
    fill(
        "carried_reasons",
        "decisions",
        _split(rng, carried, {"circumstances_changed": 0.45, "in_progress": 0.35, "agency_did_not_act": 0.2}),
    )
    return tables


def seed(ctx: DemoContext) -> None:
    if Release.objects.exists():
        return
    rng = random.Random(2026)
    quarters = _quarters()
    kwame, helen, lena = (ctx.objects.get(f"user:{k}") for k in ("kwame", "helen", "lena"))
    found = [ctx.objects.get(f"partnership:{k}") for k in DEMO_PARTNERSHIPS]
    demo_partnerships: list[Partnership] = [p for p in found if p is not None]
    demo_ids = {p.pk for p in demo_partnerships}
    now = timezone.now()
    with transaction.atomic():
        for partnership in demo_partnerships:
            for i, period in enumerate(quarters):
                latest = i == len(quarters) - 1
                if partnership.short_name == "Lambeth" and kwame is not None and helen is not None:
                    release = prepare_release(actor=kwame, partnership=partnership, period=period)
                    if not latest:
                        sign_off_release(actor=helen, release=release, expected_version=release.version)
                    continue
                Release.objects.create(
                    partnership=partnership,
                    period_start=period.start,
                    period_end=period.end,
                    tables=build_release_tables(partnership, period, threshold=5),
                    method=_method(),
                    status=ReleaseStatus.SIGNED_OFF,
                    signed_off_at=now,
                )
        template_by_quarter = {
            period: compute_tables(Scope(partnership_id=0, panel_ids=(), risk_levels={}), period, LONDON_EXTRACT)
            for period in quarters
        }
        others = Partnership.objects.filter(is_active=True).exclude(pk__in=demo_ids).prefetch_related("authorities")
        rows = []
        for partnership in others.order_by("short_name"):
            population = population_for(a.gss_code for a in partnership.authorities.all())
            for period in quarters:
                tables = _synthetic(template_by_quarter[period], population, period, rng)
                rows.append(
                    Release(
                        partnership=partnership,
                        period_start=period.start,
                        period_end=period.end,
                        tables=publish(tables, where=f", {partnership.short_name} {period.label}").tables,
                        method=_method(),
                        status=ReleaseStatus.SIGNED_OFF,
                        signed_off_at=now,
                        is_demo=True,
                    )
                )
        Release.objects.bulk_create(rows)
        if lena is not None:
            for period in quarters[:-1]:
                publish_london_dataset(
                    actor=lena,
                    period=period,
                    note="Demo: includes synthetic figures for partnerships without a demo panel.",
                )
    ctx.log.append(
        f"Oversight: {Release.objects.count()} releases ({Release.objects.filter(is_demo=True).count()} synthetic), "
        f"{len(quarters) - 1} London datasets published"
    )


def _method() -> dict[str, Any]:
    from macehub.core.disclosure import method

    return method(threshold=5)
