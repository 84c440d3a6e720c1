"""The read-only oversight API (django-ninja; OpenAPI at /api/openapi.json).

Callers authenticate with a bearer token (``Authorization: Bearer mh_…``) scoped to one
partnership or to the London layer, or with their signed-in session (with two-factor
authentication done, as for every page). The same policies as the pages apply:

* a **London** token (or a London-team session) reads signed-off releases and published London
  datasets — never a partnership's measures, a draft or a record;
* a **partnership** token reads that partnership's signed-off releases, the published London
  datasets and the partnership's own measures (worked out from its records: counts only);
* a session reads whatever its person may read on the pages.

Every response carrying figures is recorded in the audit trail (an export).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.errors import HttpError
from ninja.security import HttpBearer, django_auth
from ninja.throttling import SimpleRateThrottle

from macehub.core.context import client_ip

from . import selectors, services
from .measures import LONDON_EXTRACT, SECTIONS, SPECS, compute_tables
from .models import APIToken, LondonDataset, Release, ReleaseStatus, TokenScope, hash_token
from .periods import last_complete_quarter, parse_period
from .policies import policy
from .protection import show_cell


@dataclass(frozen=True)
class Caller:
    """Who is asking: a token or a signed-in person."""

    user: Any = None
    token: APIToken | None = None

    @property
    def label(self) -> str:
        if self.token is not None:
            return self.token.audit_label
        return ""

    @property
    def actor(self) -> Any:
        return self.user if self.token is None else None

    def measure_partnership_ids(self) -> frozenset[int]:
        if self.token is not None:
            if self.token.scope == TokenScope.PARTNERSHIP and self.token.partnership_id is not None:
                return frozenset({self.token.partnership_id})
            return frozenset()
        return frozenset(selectors.dashboard_partnerships(self.user).values_list("pk", flat=True))

    def releases(self) -> Any:
        """Signed-off releases only: the API never serves a draft."""
        signed = Release.objects.filter(status=ReleaseStatus.SIGNED_OFF).select_related("partnership")
        if self.token is not None:
            if self.token.scope == TokenScope.LONDON:
                return signed
            return signed.filter(partnership_id=self.token.partnership_id or 0)
        return selectors.releases_visible_to(self.user).filter(status=ReleaseStatus.SIGNED_OFF)

    def reads_london(self) -> bool:
        if self.token is not None:
            return True
        return policy.can(self.user, "view_published_london")


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        found = APIToken.objects.filter(token_hash=hash_token(token)).select_related("partnership").first()
        if found is None or not found.is_usable():
            return None
        services.token_used(found)
        return Caller(token=found)


class SessionAuth:
    """The signed-in session (two-factor authentication already required by the middleware)."""

    def __call__(self, request: HttpRequest) -> Caller | None:
        if django_auth(request):
            return Caller(user=request.user)
        return None


class _SettingsRate(SimpleRateThrottle):
    """The rate read from settings on every call (so an operator's change, or a test's, applies)."""

    setting = ""
    default = ""

    def get_rate(self) -> str | None:
        return str(getattr(settings, self.setting, self.default))

    def allow_request(self, request: HttpRequest) -> bool:
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return bool(super().allow_request(request))


class CallerThrottle(_SettingsRate):
    """At most ``MACEHUB_API_RATE_PER_CALLER`` calls per token (or signed-in person)."""

    scope = "api_caller"
    setting, default = "MACEHUB_API_RATE_PER_CALLER", "100/m"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        caller = getattr(request, "auth", None)
        if not isinstance(caller, Caller):
            return None
        ident = f"token:{caller.token.pk}" if caller.token is not None else f"user:{getattr(caller.user, 'pk', '')}"
        return self.cache_format % {"scope": self.scope, "ident": ident}


class AddressThrottle(_SettingsRate):
    """At most ``MACEHUB_API_RATE_PER_ADDRESS`` calls from one client address, whatever the
    token (the address as our own proxies report it: core.context.client_ip)."""

    scope = "api_address"
    setting, default = "MACEHUB_API_RATE_PER_ADDRESS", "300/m"

    def get_cache_key(self, request: HttpRequest) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request) or "unknown"}


RATE_LIMITS = (
    "**Rate limits.** Each token (or signed-in person) may make 100 calls a minute, and each client "
    "address 300 calls a minute, counted across every server. A call over the limit gets "
    "`429 Too Many Requests` with a `Retry-After` header: the number of seconds to wait before calling again."
)


# What each status means, in the schema and on the documentation page (/oversight/api/).
STATUS_MEANINGS = {
    200: "OK: the figures or definitions asked for.",
    400: "Bad request: a period or quarter was not understood. The detail says the form it must take.",
    401: "Unauthorised: no token, or one that is unknown, revoked or expired (or no signed-in session).",
    403: "Forbidden: this caller may not read this kind of data (for example a partnership token asking for London datasets).",
    404: "Not found: there is no such record, or this caller may not see it. The two look the same on purpose.",
    405: "Method not allowed: the API only answers GET.",
    413: "Content too large: the request body is larger than the service accepts.",
    422: "Unprocessable: a parameter has the wrong type (for example published=maybe). The detail lists each problem.",
    429: "Too many requests: over the rate limit. Wait the number of seconds in the Retry-After header.",
}


class ErrorOut(Schema):
    detail: str


class ValidationErrorOut(Schema):
    detail: list[dict[str, Any]]


# Every endpoint can answer these, whatever it does: the caller, the method, the size, the rate.
ALWAYS = (401, 405, 413, 429)


def _responses(ok: Any, *codes: int) -> dict[int, Any]:
    """The response models of an endpoint: its 200, the errors every endpoint can give, and its own."""
    result: dict[int, Any] = {200: ok}
    for code in sorted({*ALWAYS, *codes}):
        result[code] = ValidationErrorOut if code == 422 else ErrorOut
    return result


class DocumentedAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """Each status is described in plain words (django-ninja only gives its HTTP name)."""
        schema = super().get_openapi_schema(**kwargs)
        for operations in schema["paths"].values():
            for operation in operations.values():
                for code, response in operation.get("responses", {}).items():
                    response["description"] = STATUS_MEANINGS.get(int(code), response.get("description", ""))
        return schema


api = DocumentedAPI(
    title="MACE Hub oversight API",
    version="1",
    description=(
        "Read-only access to released, disclosure-controlled aggregates and to a partnership's own measures. "
        "Send a token as `Authorization: Bearer <token>`; tokens are issued by borough admins (for their "
        "partnership) and the London team (for London) on the API tokens page. No endpoint returns a record "
        "about a child or any other person.\n\n" + RATE_LIMITS
    ),
    urls_namespace="api",
    docs_url=None,
    auth=[TokenAuth(), SessionAuth()],
    # The cache is shared between servers (Redis in production), so the limits hold across them.
    throttle=[CallerThrottle(), AddressThrottle()],
)


def _caller(request: HttpRequest) -> Caller:
    caller = request.auth  # type: ignore[attr-defined]
    assert isinstance(caller, Caller)  # noqa: S101 - set by the auth classes above
    return caller


def _export(caller: Caller, what: str, *, partnership_id: int | None = None, obj: Any = None, **detail: Any) -> None:
    services.record_export(
        actor=caller.actor,
        actor_label=caller.label,
        what=what,
        partnership_id=partnership_id,
        obj=obj,
        detail={"via": "api", **detail},
    )


# --- Schemas -------------------------------------------------------------------------------------


class MeasureOut(Schema):
    key: str
    title: str
    section: str
    definition: str
    disclosure_controlled: bool
    in_london_extract: bool


class ReleaseSummary(Schema):
    id: int
    partnership: str
    partnership_id: int
    quarter: str
    period_start: date
    period_end: date
    number: int
    signed_off_at: datetime | None
    demo: bool


class ReleaseOut(ReleaseSummary):
    method: dict[str, Any]
    tables: dict[str, Any]


class LondonSummary(Schema):
    id: int
    quarter: str
    period_start: date
    period_end: date
    number: int
    published_at: datetime
    releases: int


class LondonOut(LondonSummary):
    method: dict[str, Any]
    sources: list[dict[str, Any]]
    tables: dict[str, Any]


class MeasuresOut(Schema):
    partnership: str
    partnership_id: int
    period: str
    period_start: date
    period_end: date
    disclosure_controlled: bool
    tables: dict[str, Any]


def _release_summary(r: Release) -> dict[str, Any]:
    return {
        "id": r.pk,
        "partnership": r.partnership.short_name,
        "partnership_id": r.partnership_id,
        "quarter": r.label,
        "period_start": r.period_start,
        "period_end": r.period_end,
        "number": r.number,
        "signed_off_at": r.signed_off_at,
        "demo": r.is_demo,
    }


def _london_summary(d: LondonDataset) -> dict[str, Any]:
    return {
        "id": d.pk,
        "quarter": d.label,
        "period_start": d.period_start,
        "period_end": d.period_end,
        "number": d.number,
        "published_at": d.published_at,
        "releases": len(d.sources),
    }


# --- Endpoints -----------------------------------------------------------------------------------


@api.get("/measures", response=_responses(list[MeasureOut]), url_name="measures", tags=["Definitions"])
def measure_definitions(request: HttpRequest) -> list[dict[str, Any]]:
    """Every table of the agreed dataset and what it counts."""
    order = {s.key: i for i, s in enumerate(SECTIONS)}
    return [
        {
            "key": s.key,
            "title": s.title,
            "section": s.section,
            "definition": s.definition,
            "disclosure_controlled": s.individuals,
            "in_london_extract": s.key in LONDON_EXTRACT,
        }
        for s in sorted(SPECS.values(), key=lambda s: order[s.section])
    ]


@api.get("/releases", response=_responses(list[ReleaseSummary], 400), url_name="releases", tags=["Releases"])
def release_list(request: HttpRequest, quarter: str | None = None) -> list[dict[str, Any]]:
    """Signed-off releases this caller may read, newest first (``quarter`` like ``2025-q1``)."""
    releases = _caller(request).releases().order_by("-period_start", "partnership__short_name", "-number")
    if quarter:
        period = parse_period(quarter)
        if period is None or period.kind != "quarter":
            raise HttpError(400, "quarter must look like 2025-q1 (financial year and quarter)")
        releases = releases.filter(period_start=period.start)
    return [_release_summary(r) for r in releases[:1000]]


@api.get("/releases/{release_id}", response=_responses(ReleaseOut, 404, 422), url_name="release", tags=["Releases"])
def release_detail(request: HttpRequest, release_id: int) -> dict[str, Any]:
    """One signed-off release: its disclosure-controlled tables and the method applied."""
    caller = _caller(request)
    release = caller.releases().filter(pk=release_id).first()
    if release is None:
        raise Http404
    _export(caller, "release", obj=release)
    return {**_release_summary(release), "method": release.method, "tables": release.tables}


@api.get("/london", response=_responses(list[LondonSummary], 403), url_name="london_datasets", tags=["London"])
def london_list(request: HttpRequest) -> list[dict[str, Any]]:
    """Published pan-London datasets, newest first."""
    if not _caller(request).reads_london():
        raise HttpError(403, "This caller may not read the London datasets.")
    return [_london_summary(d) for d in selectors.published_datasets()[:200]]


@api.get(
    "/london/{dataset_id}", response=_responses(LondonOut, 403, 404, 422), url_name="london_dataset", tags=["London"]
)
def london_detail(request: HttpRequest, dataset_id: int) -> dict[str, Any]:
    """One published pan-London dataset: partnerships' released figures, London totals, suppression applied."""
    caller = _caller(request)
    if not caller.reads_london():
        raise HttpError(403, "This caller may not read the London datasets.")
    dataset = selectors.published_datasets().filter(pk=dataset_id).first()
    if dataset is None:
        raise Http404
    _export(caller, "London dataset", obj=dataset)
    return {**_london_summary(dataset), "method": dataset.method, "sources": dataset.sources, "tables": dataset.tables}


@api.get(
    "/partnerships/{partnership_id}/measures",
    response=_responses(MeasuresOut, 400, 403, 404, 422),
    url_name="partnership_measures",
    tags=["Measures"],
)
def partnership_measures(
    request: HttpRequest,
    partnership_id: int,
    period: str | None = None,
    table: str | None = None,
    published: bool = False,
) -> dict[str, Any]:
    """A partnership's own measures for a period (``2025-q1``, ``2025-06`` or ``20250401-20250630``;
    the last complete quarter by default), worked out from its records: counts only. With
    ``published=true`` disclosure control is applied as it would be for publication."""
    caller = _caller(request)
    allowed = caller.measure_partnership_ids()
    if not allowed:
        raise HttpError(403, "This caller may not read any partnership's measures.")
    if partnership_id not in allowed:
        raise Http404
    chosen = parse_period(period) if period else last_complete_quarter()
    if chosen is None:
        raise HttpError(400, "period must look like 2025-q1, 2025-06 or 20250401-20250630")
    keys = list(SPECS)
    if table:
        if table not in SPECS:
            raise Http404
        keys = [table]
    return _measures(caller, partnership_id, chosen, keys, published)


def _never_published(t: Any) -> dict[str, Any]:
    """A table that is never published (the month-by-month trend): its shape, no figures."""
    return {
        "title": t.spec.title,
        "definition": t.spec.definition,
        "rows": [[r.key, r.label, r.kind] for r in t.rows],
        "columns": [[c.key, c.label, c.kind] for c in t.columns],
        "cells": [[":" for _ in t.columns] for _ in t.rows],
    }


def _measures(caller: Caller, partnership_id: int, chosen: Any, keys: list[str], published: bool) -> dict[str, Any]:
    from macehub.organisations.models import Partnership

    partnership = Partnership.objects.get(pk=partnership_id)
    tables = compute_tables(selectors.scope_for(partnership), chosen, keys)
    # Published: the same strings as the release and the dashboard's "as published" view.
    as_published = services.published_tables(partnership, chosen, keys) if published else {}
    result: dict[str, Any] = {}
    for key, t in tables.items():
        if published:
            result[key] = as_published.get(key) or _never_published(t)
        else:
            result[key] = {
                "title": t.spec.title,
                "definition": t.spec.definition,
                "rows": [[r.key, r.label, r.kind] for r in t.rows],
                "columns": [[c.key, c.label, c.kind] for c in t.columns],
                "cells": [[show_cell(t.cell(r.key, c.key)) for c in t.columns] for r in t.rows],
            }
    _export(caller, "measures", partnership_id=partnership.pk, period=chosen.label, tables=keys, published=published)
    return {
        "partnership": partnership.short_name,
        "partnership_id": partnership.pk,
        "period": chosen.label,
        "period_start": chosen.start,
        "period_end": chosen.end,
        "disclosure_controlled": published,
        "tables": result,
        "generated_at": timezone.now(),
    }
