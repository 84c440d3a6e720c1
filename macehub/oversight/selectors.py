"""Reads for oversight, always scoped to the asking person (or API token).

Dashboards compute from the records with aggregate queries (``measures``); the London layer
reads only signed-off releases and published London datasets — never a record.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet

from macehub.core.selectors import get_visible_or_404
from macehub.organisations.models import Panel, Partnership

from .measures import SPECS, Scope, Table, compute_tables, drill_model
from .models import APIToken, LondonDataset, Release, ReleaseStatus
from .periods import Period, quarter_of
from .policies import london_datasets, releases, tokens
from .policies import partnerships as partnership_policy
from .protection import assemble, median_of, released_value

# --- Partnerships and scope ------------------------------------------------------------------


def dashboard_partnerships(user: Any) -> QuerySet[Partnership]:
    return partnership_policy.visible(user, "view_dashboard", Partnership.objects.order_by("short_name"))


def get_dashboard_partnership(user: Any, pk: Any) -> Partnership:
    return get_visible_or_404(dashboard_partnerships(user), pk, user=user)


def release_partnerships(user: Any) -> QuerySet[Partnership]:
    return partnership_policy.visible(user, "view_releases", Partnership.objects.order_by("short_name"))


def get_release_partnership(user: Any, pk: Any) -> Partnership:
    return get_visible_or_404(release_partnerships(user), pk, user=user)


def scope_for(partnership: Partnership) -> Scope:
    """The partnership's panels (with their risk scales) and authorities: two queries."""
    panels = list(Panel.objects.filter(partnership=partnership).values_list("pk", "risk_levels"))
    codes = tuple(partnership.authorities.order_by("gss_code").values_list("gss_code", flat=True))
    return Scope(
        partnership_id=partnership.pk,
        panel_ids=tuple(pk for pk, _ in panels),
        risk_levels={pk: list(levels or []) for pk, levels in panels},
        authority_codes=codes,
    )


def tables_for(partnership: Partnership, period: Period, keys: Iterable[str]) -> dict[str, Table]:
    return compute_tables(scope_for(partnership), period, keys)


# --- Drill-down --------------------------------------------------------------------------------


def may_drill(user: Any, partnership: Partnership) -> bool:
    """Whether the person may open records behind this partnership's figures (a panel role there)."""
    return partnership_policy.can(user, "drill", partnership)


def visible_records(user: Any, kind: str) -> QuerySet[Any]:
    """The records of this kind the person may open, from the owning app's own selector."""
    if kind == "subject":
        from macehub.subjects.selectors import subjects_visible_to

        return subjects_visible_to(user)
    if kind == "referral":
        from macehub.referrals.selectors import referrals_visible_to

        return referrals_visible_to(user)
    if kind == "action":
        from macehub.meetings.selectors.actions import actions_visible_to

        return actions_visible_to(user)
    from macehub.casework import selectors as casework

    return {
        "episode": casework.episodes_visible_to,
        "nrm": casework.nrm_visible_to,
        "disruption": casework.disruptions_visible_to,
    }[kind](user)


@dataclass
class DrillResult:
    total: int
    records: list[Any]
    hidden: int


def drill(user: Any, partnership: Partnership, period: Period, key: str, row: str, col: str) -> DrillResult | None:
    """The records behind one figure that this person may open (None when the figure has no records)."""
    spec = SPECS[key]
    if spec.drill is None or (spec.drill_rows and row not in spec.drill_rows):
        return None
    behind = spec.drill(scope_for(partnership), period, row, col)
    model: type[Model] = drill_model(spec.drill_kind)
    ids = behind.values("pk")
    total = model._default_manager.filter(pk__in=ids).count()
    visible = visible_records(user, spec.drill_kind).filter(pk__in=ids)
    records = list(visible.order_by("pk")[:500])
    return DrillResult(total=total, records=records, hidden=total - visible.count())


# --- Releases ----------------------------------------------------------------------------------


def releases_visible_to(user: Any) -> QuerySet[Release]:
    """A partnership's own releases (drafts too) for its analysts, leads and admins; for the
    London layer, signed-off releases only."""
    qs = Release.objects.select_related("partnership", "prepared_by", "signed_off_by")
    return releases.visible(user, "view", qs)


def get_release_for(user: Any, pk: Any) -> Release:
    return get_visible_or_404(releases_visible_to(user), pk, user=user)


def draft_for(partnership: Partnership, period: Period) -> Release | None:
    return Release.objects.filter(
        partnership=partnership, period_start=period.start, status=ReleaseStatus.DRAFT
    ).first()


def current_releases(period: Period, *, include_demo: bool = True) -> list[Release]:
    """Each partnership's current signed-off release for the quarter (the latest correction; none
    when the latest was withdrawn and not yet re-issued)."""
    qs = Release.objects.filter(
        status__in=[ReleaseStatus.SIGNED_OFF, ReleaseStatus.WITHDRAWN], period_start=quarter_of(period.start).start
    )
    if not include_demo:
        qs = qs.filter(is_demo=False)
    seen: set[int] = set()
    result = []
    for release in qs.select_related("partnership").order_by("partnership__short_name", "-number"):
        if release.partnership_id not in seen:
            seen.add(release.partnership_id)
            if release.status == ReleaseStatus.SIGNED_OFF:
                result.append(release)
    return result


def current_release(partnership: Partnership, period: Period) -> Release | None:
    """The partnership's current signed-off release of a quarter (its latest correction), if any."""
    return (
        Release.objects.filter(
            partnership=partnership, status=ReleaseStatus.SIGNED_OFF, period_start=quarter_of(period.start).start
        )
        .order_by("-number")
        .first()
    )


def released_quarters() -> list[Period]:
    starts = (
        Release.objects.filter(status=ReleaseStatus.SIGNED_OFF)
        .order_by("-period_start")
        .values_list("period_start", flat=True)
        .distinct()
    )
    return [quarter_of(day) for day in starts]


@dataclass
class Comparison:
    previous: str | None = None
    london_median: float | None = None


def london_medians(period: Period, keys: Iterable[str]) -> dict[tuple[str, str, str], float | None]:
    """The London median of each figure of the given tables, from the current signed-off releases
    of the same quarter (released, disclosure-controlled figures only; suppressed ones left out)."""
    if period.kind != "quarter":
        return {}
    releases = current_releases(period)
    result: dict[tuple[str, str, str], float | None] = {}
    for key in keys:
        tables = [r.tables[key] for r in releases if key in r.tables]
        if not tables:
            continue
        template = tables[0]
        for row in template["rows"]:
            for col in template["columns"]:
                values = [released_value(t, row[0], col[0]) for t in tables]
                result[(key, row[0], col[0])] = median_of(values)
    return result


# --- The London layer --------------------------------------------------------------------------


def london_assembly(period: Period, key: str) -> Any:
    releases = current_releases(period)
    return assemble(key, [(r.partnership.short_name, r.tables) for r in releases])


def london_trend(key: str, row: str, col: str, quarters: list[Period]) -> list[dict[str, Any]]:
    """For each quarter: the London total of one figure over the partnerships that released it
    (published figures only), and how many partnerships released and how many were hidden."""
    from macehub.core.disclosure import SUPPRESSED

    from .protection import as_number

    starts = [q.start for q in quarters]
    releases = (
        Release.objects.filter(status=ReleaseStatus.SIGNED_OFF, period_start__in=starts)
        .order_by("period_start", "partnership_id", "-number")
        .values_list("period_start", "partnership_id", "tables")
    )
    latest: dict[tuple[Any, int], dict[str, Any]] = {}
    for start, partnership_id, tables in releases:
        latest.setdefault((start, partnership_id), tables)
    result = []
    for quarter in quarters:
        values = [released_value(t[key], row, col) for (s, _), t in latest.items() if s == quarter.start and key in t]
        numbers = [as_number(v) for v in values]
        result.append(
            {
                "period": quarter,
                "released": len(values),
                "hidden": sum(1 for v in values if v == SUPPRESSED),
                "total": int(sum(n for n in numbers if n is not None)),
                "complete": bool(values) and all(n is not None for n in numbers),
            }
        )
    return result


def published_datasets() -> QuerySet[LondonDataset]:
    """Published London datasets that have not been withdrawn."""
    return LondonDataset.objects.filter(withdrawn_at__isnull=True).select_related("published_by")


def published_visible_to(user: Any) -> QuerySet[LondonDataset]:
    return london_datasets.visible(user, "view", published_datasets())


def get_published_for(user: Any, pk: Any) -> LondonDataset:
    return get_visible_or_404(published_visible_to(user), pk, user=user)


# --- Tokens --------------------------------------------------------------------------------------


def tokens_visible_to(user: Any) -> QuerySet[APIToken]:
    qs = APIToken.objects.select_related("partnership", "created_by", "revoked_by")
    return tokens.visible(user, "manage", qs)


def token_partnerships(user: Any) -> QuerySet[Partnership]:
    """Partnerships the person may issue API tokens for (as their borough admin)."""
    return partnership_policy.visible(user, "issue_token", Partnership.objects.order_by("short_name"))


def get_token_for(user: Any, pk: Any) -> APIToken:
    return get_visible_or_404(tokens_visible_to(user), pk, user=user)
