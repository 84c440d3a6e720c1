"""Who may open the oversight pages and the oversight API.

Partnership A's dashboards are for its analyst, strategic lead and borough admin and for panel
A's chair and coordinator (403 for everyone without any dashboard; 404 for partnership B's
admin, whose partnership is not A). Drill-down lists records only for panel roles (the chair
and coordinator); the analyst, lead and admin see numbers only (403). Releases: partnership
A's analyst, lead and admin see A's releases; the analyst prepares, the lead signs off; the
London team and system admin see signed-off releases only (a draft is 404 for them). The
London view is for the London team and system admin; published London datasets also for
every partnership's analysts, leads and admins. Tokens: borough admins, the London team and
system admins. The API answers 401 to a caller with neither a token nor a session; with a
session it follows the pages (token calls are tested in tests/oversight/test_api.py).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from macehub.oversight.models import APIToken, LondonDataset, Release, ReleaseStatus, TokenScope, hash_token
from macehub.oversight.periods import quarter_of
from tests.factories.personas import World

from .outcomes import DENIED, HIDDEN, MFA, NOT_ALLOWED, OK, REDIRECT, Case, everyone, signed_in

QUARTER = quarter_of(date(2025, 5, 1))
DASHBOARD_A = ("analyst_a", "lead_a", "borough_admin_a", "chair_a", "coordinator_a")
#: Everyone with a dashboard somewhere gets past the first check; B's admin is then refused A's (404).
DASHBOARD = signed_in(DENIED, **dict.fromkeys(DASHBOARD_A, OK), borough_admin_b=HIDDEN)
RELEASES_A = ("analyst_a", "lead_a", "borough_admin_a")
LONDON = ("london_team", "system_admin")
PUBLISHED = signed_in(DENIED, **dict.fromkeys((*RELEASES_A, "borough_admin_b", *LONDON), OK))


def _release(world: World, status: str) -> Release:
    key = f"_oversight_release_{status}"
    found = getattr(world, key, None)
    if found is None:
        found = Release.objects.create(
            partnership=world.partnership_a,
            period_start=QUARTER.start if status == ReleaseStatus.SIGNED_OFF else QUARTER.previous().start,
            period_end=QUARTER.end if status == ReleaseStatus.SIGNED_OFF else QUARTER.previous().end,
            tables={},
            method={"method": "test"},
            status=status,
            signed_off_at=None if status == ReleaseStatus.DRAFT else QUARTER.end_before,
        )
        setattr(world, key, found)
    return found


def _dataset(world: World) -> LondonDataset:
    found = getattr(world, "_oversight_dataset", None)
    if found is None:
        found = LondonDataset.objects.create(period_start=QUARTER.start, period_end=QUARTER.end, tables={})
        world._oversight_dataset = found  # type: ignore[attr-defined]
    return found


def _token(world: World) -> APIToken:
    found = getattr(world, "_oversight_token", None)
    if found is None:
        found = APIToken.objects.create(
            name="Test",
            scope=TokenScope.PARTNERSHIP,
            partnership=world.partnership_a,
            token_hash=hash_token("x"),
            hint="mh_x",
        )
        world._oversight_token = found  # type: ignore[attr-defined]
    return found


def _p(suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/oversight/partnerships/{w.partnership_a.pk}/{suffix}"


def _with(template: str, get: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: template.format(pk=get(w).pk, a=w.partnership_a.pk)


#: The API: 401 without a token or session; a session follows the pages.
API_ANON = {"anonymous": "401", "password_only": MFA}

CASES: dict[str, Case] = {
    "oversight:index": Case(
        lambda w: "/oversight/",
        signed_in(
            DENIED,
            **dict.fromkeys(DASHBOARD_A, REDIRECT),
            borough_admin_b=REDIRECT,
            london_team=OK,
            system_admin=OK,
        ),
        notes="Straight to the dashboard for someone with one partnership.",
    ),
    "oversight:measures": Case(lambda w: "/oversight/measures/", signed_in(OK), notes="Definitions only: no figures."),
    "oversight:dashboard": Case(_p(), DASHBOARD),
    "oversight:section": Case(_p("sections/children/"), DASHBOARD),
    "oversight:drill": Case(
        _p("tables/children_summary/records/?period=2025-q1&row=discussed&col=children"),
        signed_in(
            DENIED,
            **dict.fromkeys(("chair_a", "coordinator_a"), OK),
            borough_admin_b=HIDDEN,
        ),
        notes="Records behind a figure: only for people who may open those records (panel roles).",
    ),
    "oversight:table_export": Case(_p("tables/children_age/export.csv?period=2025-q1"), DASHBOARD),
    "oversight:report_pdf": Case(_p("report.pdf?period=2025-q1"), DASHBOARD),
    "oversight:releases": Case(
        _p("releases/"),
        signed_in(
            DENIED, **dict.fromkeys(RELEASES_A, OK), borough_admin_b=HIDDEN, london_team=HIDDEN, system_admin=HIDDEN
        ),
        notes="London sees releases through the London view, not a partnership's list.",
    ),
    "oversight:release_prepare": Case(
        _p("releases/prepare/"),
        signed_in(HIDDEN, analyst_a=OK, lead_a=DENIED, borough_admin_a=DENIED),
        post=True,
    ),
    "oversight:release_detail": Case(
        _with("/oversight/releases/{pk}/", lambda w: _release(w, ReleaseStatus.DRAFT)),
        signed_in(HIDDEN, **dict.fromkeys(RELEASES_A, OK)),
        notes="A draft: never seen by London.",
    ),
    "oversight:release_sign_off": Case(
        _with("/oversight/releases/{pk}/sign-off/", lambda w: _release(w, ReleaseStatus.DRAFT)),
        signed_in(HIDDEN, lead_a=OK, analyst_a=DENIED, borough_admin_a=DENIED),
        post=True,
    ),
    "oversight:release_export": Case(
        _with("/oversight/releases/{pk}/export.csv", lambda w: _release(w, ReleaseStatus.SIGNED_OFF)),
        signed_in(HIDDEN, **dict.fromkeys((*RELEASES_A, *LONDON), OK)),
        notes="A signed-off release: its partnership and the London layer.",
    ),
    "oversight:london": Case(lambda w: "/oversight/london/", signed_in(DENIED, **dict.fromkeys(LONDON, OK))),
    "oversight:london_publish": Case(
        lambda w: "/oversight/london/publish/",
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": signed_in(DENIED, **dict.fromkeys(LONDON, REDIRECT))},
        notes="POST only. With no release for the quarter nothing is published (back to the London view).",
    ),
    "oversight:london_published": Case(_with("/oversight/london/published/{pk}/", _dataset), PUBLISHED),
    "oversight:london_published_export": Case(
        _with("/oversight/london/published/{pk}/export.csv", _dataset), PUBLISHED
    ),
    "oversight:release_withdraw": Case(
        _with("/oversight/releases/{pk}/withdraw/", lambda w: _release(w, ReleaseStatus.SIGNED_OFF)),
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": signed_in(DENIED, **dict.fromkeys(LONDON, REDIRECT))},
        notes="POST only: the London team withdraws a release that gives figures away (with a reason).",
    ),
    "oversight:london_withdraw": Case(
        _with("/oversight/london/published/{pk}/withdraw/", _dataset),
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": signed_in(DENIED, **dict.fromkeys(LONDON, REDIRECT))},
        notes="POST only: the London team withdraws a published London dataset (with a reason).",
    ),
    "oversight:tokens": Case(
        lambda w: "/oversight/tokens/",
        signed_in(DENIED, **dict.fromkeys(("borough_admin_a", "borough_admin_b", *LONDON), OK)),
        post=True,
    ),
    # The API's documentation describes the interface, not data: anyone signed in.
    "oversight:api_docs": Case(lambda w: "/oversight/api/", signed_in(OK)),
    "oversight:token_revoke": Case(
        _with("/oversight/tokens/{pk}/revoke/", _token),
        signed_in(NOT_ALLOWED),
        post=True,
        extra={
            "post_expect": signed_in(
                DENIED,
                **dict.fromkeys(("borough_admin_a",), REDIRECT),
                borough_admin_b=HIDDEN,
                london_team=HIDDEN,
                system_admin=HIDDEN,
            )
        },
        notes="POST only: a borough admin revokes their partnership's tokens.",
    ),
    # --- The API (session callers; tokens in tests/oversight/test_api.py).
    "api:openapi-json": Case(
        lambda w: "/api/openapi.json", everyone(OK, password_only=MFA), notes="The schema: no data."
    ),
    "api:api-root": Case(lambda w: "/api/", everyone(HIDDEN, password_only=MFA)),
    "api:measures": Case(lambda w: "/api/measures", signed_in(OK, **API_ANON)),
    "api:releases": Case(
        lambda w: "/api/releases", signed_in(OK, **API_ANON), notes="Each caller's own list (may be empty)."
    ),
    "api:release": Case(
        _with("/api/releases/{pk}", lambda w: _release(w, ReleaseStatus.SIGNED_OFF)),
        signed_in(HIDDEN, **API_ANON, **dict.fromkeys((*RELEASES_A, *LONDON), OK)),
    ),
    "api:london_datasets": Case(
        lambda w: "/api/london",
        signed_in(DENIED, **API_ANON, **dict.fromkeys((*RELEASES_A, "borough_admin_b", *LONDON), OK)),
    ),
    "api:london_dataset": Case(
        _with("/api/london/{pk}", _dataset),
        signed_in(DENIED, **API_ANON, **dict.fromkeys((*RELEASES_A, "borough_admin_b", *LONDON), OK)),
    ),
    "api:partnership_measures": Case(
        lambda w: f"/api/partnerships/{w.partnership_a.pk}/measures?table=children_summary&period=2025-q1",
        signed_in(DENIED, **API_ANON, **dict.fromkeys(DASHBOARD_A, OK), borough_admin_b=HIDDEN),
    ),
}
