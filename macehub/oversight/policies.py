"""Who may see and do what with oversight data (oversight app policy).

* A partnership's **dashboards** (its agreed dataset, computed from the records) are for its
  partnership analysts, strategic leads and borough admins, and for the chairs and MACE
  coordinators of its panels. They show numbers only. A number links to the records behind
  it only for someone who may see those records anyway (a panel role, through the registers'
  and casework's own selectors); everyone else sees numbers, never records.
* **Releases**: the partnership analyst prepares the quarterly release of the standard London
  extract; the strategic lead signs it off — never someone who prepared it (separation of
  duties, C32: a person who is both analyst and lead needs a second person to sign off). The partnership's analysts, strategic leads and
  borough admins see its releases, drafts included.
* The **London layer** (the London project team and system admins) sees only signed-off,
  disclosure-controlled releases and the London datasets assembled from them — never a
  record, a draft or a dashboard. The London team publishes the pan-London dataset; a
  published dataset may also be read by every partnership's analysts, leads and admins. The
  London team withdraws a release or a dataset that the intruder audit finds gives figures away.
* **API tokens**: a borough admin issues and revokes tokens for their partnership; the London
  team and system admins for the London layer.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q

from macehub.core.access import PARTNERSHIP_ROLES, Role, access_for
from macehub.core.policies import NOTHING, Policy, RecordPolicy, is_authenticated, predicate
from macehub.organisations.models import Panel, Partnership

from .models import APIToken, LondonDataset, Release, ReleaseStatus, TokenScope

#: Who sees a partnership's dashboards.
DASHBOARD_ROLES = (*PARTNERSHIP_ROLES, Role.PANEL_CHAIR, Role.COORDINATOR)
LONDON_VIEW_ROLES = (Role.LONDON_PROJECT_TEAM, Role.SYSTEM_ADMIN)


def dashboard_partnership_ids(user: Any) -> frozenset[int]:
    return access_for(user).partnership_ids(*DASHBOARD_ROLES)


def release_partnership_ids(user: Any) -> frozenset[int]:
    return access_for(user).partnership_ids(*PARTNERSHIP_ROLES)


def sees_london(user: Any) -> bool:
    return access_for(user).has_role(*LONDON_VIEW_ROLES)


@predicate
def has_dashboards(user: Any, obj: Any = None) -> bool:
    return bool(dashboard_partnership_ids(user))


@predicate
def sees_releases(user: Any, obj: Any = None) -> bool:
    return bool(release_partnership_ids(user))


@predicate
def london_layer(user: Any, obj: Any = None) -> bool:
    return sees_london(user)


def _london_team(user: Any) -> bool:
    return access_for(user).has_role(Role.LONDON_PROJECT_TEAM, Role.SYSTEM_ADMIN)


@predicate
def london_team(user: Any, obj: Any = None) -> bool:
    return _london_team(user)


@predicate
def borough_admin(user: Any, obj: Any = None) -> bool:
    return access_for(user).has_role(Role.BOROUGH_ADMIN)


# --- Object rules: each declared once, as a filter -------------------------------------------


def _partnerships_where(*roles: str) -> Callable[[Any], Q]:
    return lambda user: Q(pk__in=access_for(user).partnership_ids(*roles))


def _drill_partnerships(user: Any) -> Q:
    """Partnerships with a panel where the person holds a panel role: they may open the records
    behind a figure, through the registers' and casework's own selectors."""
    from macehub.subjects.policies import register_panel_ids

    return Q(pk__in=Panel.objects.filter(pk__in=register_panel_ids(user)).values("partnership_id"))


partnerships = RecordPolicy(Partnership, name="oversight.partnership")
partnerships.scope("view_dashboard", _partnerships_where(*DASHBOARD_ROLES))
partnerships.scope("drill", _drill_partnerships)
partnerships.scope("view_releases", _partnerships_where(*PARTNERSHIP_ROLES))
partnerships.scope("prepare_release", _partnerships_where(Role.PARTNERSHIP_ANALYST))
partnerships.scope("sign_off_releases", _partnerships_where(Role.STRATEGIC_LEAD))
partnerships.scope("issue_token", _partnerships_where(Role.BOROUGH_ADMIN))

#: What the London layer may see of a partnership's releases: signed off (and withdrawn since).
RELEASED = (ReleaseStatus.SIGNED_OFF, ReleaseStatus.WITHDRAWN)


def _releases_seen(user: Any) -> Q:
    """A partnership's own releases (drafts too) for its analysts, leads and admins; for the
    London layer, signed-off releases only — never a draft."""
    seen = Q(partnership_id__in=release_partnership_ids(user))
    if sees_london(user):
        seen = seen | Q(status__in=RELEASED)
    return seen


releases = RecordPolicy(Release, name="oversight.release")
releases.scope("view", _releases_seen)
# The strategic lead signs off — never the person who prepared it (C32). Whether it is still a
# draft is the release's state, checked by the service, not who may.
releases.scope(
    "sign_off",
    lambda user: (
        Q(partnership_id__in=access_for(user).partnership_ids(Role.STRATEGIC_LEAD)) & ~Q(prepared_by_id=user.pk)
    ),
)
releases.scope("withdraw", lambda user: Q(status=ReleaseStatus.SIGNED_OFF) if _london_team(user) else NOTHING)

london_datasets = RecordPolicy(LondonDataset, name="oversight.london_dataset")
# A published (not withdrawn) London dataset: the London layer, and every partnership's analysts,
# leads and admins.
london_datasets.scope(
    "view",
    lambda user: Q(withdrawn_at__isnull=True) if sees_london(user) or release_partnership_ids(user) else NOTHING,
)
london_datasets.scope("withdraw", lambda user: Q(withdrawn_at__isnull=True) if _london_team(user) else NOTHING)


def _tokens_managed(user: Any) -> Q:
    """A borough admin's partnership's tokens; the London layer's for the London team."""
    managed = Q(scope=TokenScope.PARTNERSHIP, partnership_id__in=access_for(user).partnership_ids(Role.BOROUGH_ADMIN))
    if _london_team(user):
        managed = managed | Q(scope=TokenScope.LONDON)
    return managed


tokens = RecordPolicy(APIToken, name="oversight.token")
tokens.scope("manage", _tokens_managed)


class OversightPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_oversight", has_dashboards | sees_releases | london_layer)
        self.rule("view_dashboards", has_dashboards)
        self.rule("view_dashboard", partnerships.rule_for("view_dashboard"))
        self.rule("view_releases", sees_releases | london_layer)
        self.rule("prepare_release", partnerships.rule_for("prepare_release"))
        self.rule("sign_off_release", releases.rule_for("sign_off"))
        self.rule("view_london", london_layer)
        self.rule("publish_london", london_team)
        self.rule("withdraw", london_team)
        self.rule("view_published_london", london_layer | sees_releases)
        self.rule("manage_tokens", borough_admin | london_team)
        # The API's documentation describes an interface, not data: anyone signed in may read it.
        self.rule("view_api_docs", is_authenticated)
        self.rule("issue_partnership_token", partnerships.rule_for("issue_token"))
        self.rule("issue_london_token", london_team)


policy = OversightPolicy()
