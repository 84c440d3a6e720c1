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

from typing import Any

from macehub.core.access import PARTNERSHIP_ROLES, Role, access_for
from macehub.core.policies import Policy, is_authenticated, predicate

#: Who sees a partnership's dashboards.
DASHBOARD_ROLES = (*PARTNERSHIP_ROLES, Role.PANEL_CHAIR, Role.COORDINATOR)
LONDON_VIEW_ROLES = (Role.LONDON_PROJECT_TEAM, Role.SYSTEM_ADMIN)


def dashboard_partnership_ids(user: Any) -> frozenset[int]:
    return access_for(user).partnership_ids(*DASHBOARD_ROLES)


def release_partnership_ids(user: Any) -> frozenset[int]:
    return access_for(user).partnership_ids(*PARTNERSHIP_ROLES)


def sees_london(user: Any) -> bool:
    return access_for(user).has_role(*LONDON_VIEW_ROLES)


def _partnership_id(obj: Any) -> int | None:
    if obj is None:
        return None
    return getattr(obj, "partnership_id", None) or getattr(obj, "pk", None)


@predicate
def has_dashboards(user: Any, obj: Any = None) -> bool:
    return bool(dashboard_partnership_ids(user))


@predicate
def sees_partnership_dashboard(user: Any, partnership: Any) -> bool:
    return _partnership_id(partnership) in dashboard_partnership_ids(user)


@predicate
def sees_releases(user: Any, obj: Any = None) -> bool:
    return bool(release_partnership_ids(user))


@predicate
def analyst_of(user: Any, obj: Any) -> bool:
    return _partnership_id(obj) in access_for(user).partnership_ids(Role.PARTNERSHIP_ANALYST)


@predicate
def strategic_lead_of(user: Any, obj: Any) -> bool:
    return _partnership_id(obj) in access_for(user).partnership_ids(Role.STRATEGIC_LEAD)


@predicate
def prepared_it(user: Any, obj: Any) -> bool:
    """The person who prepared a release (a release object; a partnership has no preparer)."""
    preparer = getattr(obj, "prepared_by_id", None)
    return preparer is not None and preparer == getattr(user, "pk", None)


@predicate
def london_layer(user: Any, obj: Any = None) -> bool:
    return sees_london(user)


@predicate
def london_team(user: Any, obj: Any = None) -> bool:
    return access_for(user).has_role(Role.LONDON_PROJECT_TEAM, Role.SYSTEM_ADMIN)


@predicate
def borough_admin(user: Any, obj: Any = None) -> bool:
    return access_for(user).has_role(Role.BOROUGH_ADMIN)


@predicate
def borough_admin_of(user: Any, obj: Any) -> bool:
    return _partnership_id(obj) in access_for(user).partnership_ids(Role.BOROUGH_ADMIN)


class OversightPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_oversight", has_dashboards | sees_releases | london_layer)
        self.rule("view_dashboards", has_dashboards)
        self.rule("view_dashboard", sees_partnership_dashboard)
        self.rule("view_releases", sees_releases | london_layer)
        self.rule("prepare_release", analyst_of)
        self.rule("sign_off_release", strategic_lead_of & ~prepared_it)
        self.rule("view_london", london_layer)
        self.rule("publish_london", london_team)
        self.rule("withdraw", london_team)
        self.rule("view_published_london", london_layer | sees_releases)
        self.rule("manage_tokens", borough_admin | london_team)
        # The API's documentation describes an interface, not data: anyone signed in may read it.
        self.rule("view_api_docs", is_authenticated)
        self.rule("issue_partnership_token", borough_admin_of)
        self.rule("issue_london_token", london_team)


policy = OversightPolicy()
