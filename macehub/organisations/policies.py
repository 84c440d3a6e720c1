"""Who may see and change partnerships, agencies and panels (organisations app policy).

* Panels (``organisations.panel``): their own panels for panel roles, every panel of the
  partnership for partnership roles, all for system admins; London roles see none. Only the
  partnership's borough admins (and system admins) change a panel's settings.
* Partnerships (``organisations.partnership``): seen by those with a partnership role in them;
  administered (new panels, the admin pages) by their borough admins; system admins: all.
* Agencies (``organisations.agency``): an agency serving several partnerships may be edited by a
  borough admin of any of them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from macehub.core.access import LONDON_ROLES, PANEL_ROLES, PARTNERSHIP_ROLES, Role, access_for
from macehub.core.policies import EVERYTHING, Policy, RecordPolicy, predicate

from .models import Agency, Panel, Partnership


@predicate
def is_system_admin(user: Any, obj: Any = None) -> bool:
    return access_for(user).is_system_admin


@predicate
def is_borough_admin(user: Any, obj: Any = None) -> bool:
    return bool(access_for(user).partnership_ids(Role.BOROUGH_ADMIN))


def _administered(user: Any) -> frozenset[int]:
    """The partnerships this person is a borough admin of."""
    return access_for(user).partnership_ids(Role.BOROUGH_ADMIN)


def _panels_worked_on(user: Any) -> Q:
    """Their own panels (panel roles) and their partnerships' panels (partnership roles)."""
    profile = access_for(user)
    return Q(pk__in=profile.panel_ids(*PANEL_ROLES)) | Q(partnership_id__in=profile.partnership_ids(*PARTNERSHIP_ROLES))


def _panels_seen(user: Any) -> Q:
    if access_for(user).is_system_admin:
        return EVERYTHING
    return _panels_worked_on(user)


def _panels_administered(user: Any) -> Q:
    if access_for(user).is_system_admin:
        return EVERYTHING
    return Q(partnership_id__in=_administered(user))


def _partnerships_seen(user: Any) -> Q:
    profile = access_for(user)
    if profile.is_system_admin:
        return EVERYTHING
    return Q(pk__in=profile.partnership_ids(*PARTNERSHIP_ROLES))


def _partnerships_administered(user: Any) -> Q:
    if access_for(user).is_system_admin:
        return EVERYTHING
    return Q(pk__in=_administered(user))


def _agencies_administered(user: Any) -> Q:
    if access_for(user).is_system_admin:
        return EVERYTHING
    serving = Agency.partnerships.through.objects.filter(partnership_id__in=_administered(user))
    return Q(pk__in=serving.values("agency_id"))


panels = RecordPolicy(Panel, name="organisations.panel")
panels.scope("view", _panels_seen)
panels.scope("work_on", _panels_worked_on)
panels.scope("edit_settings", _panels_administered)

partnerships = RecordPolicy(Partnership, name="organisations.partnership")
partnerships.scope("view", _partnerships_seen)
partnerships.scope("administer", _partnerships_administered)

agencies = RecordPolicy(Agency, name="organisations.agency")
agencies.scope("edit", _agencies_administered)


@predicate
def has_any_role(user: Any, obj: Any = None) -> bool:
    return access_for(user).has_any_access


@predicate
def has_panel_work(user: Any, obj: Any = None) -> bool:
    """A panel or partnership role (system admins without one have no panels of their own)."""
    profile = access_for(user)
    return bool(profile.panel_ids(*PANEL_ROLES)) or bool(profile.partnership_ids(*PARTNERSHIP_ROLES))


@predicate
def has_london_role(user: Any, obj: Any = None) -> bool:
    return access_for(user).has_role(*LONDON_ROLES)


@predicate
def works_with_panels(user: Any, obj: Any = None) -> bool:
    """Panel and partnership roles (and system admins) work with panels; London roles do not."""
    profile = access_for(user)
    return (
        profile.is_system_admin
        or bool(profile.panel_ids(*PANEL_ROLES))
        or bool(profile.partnership_ids(*PARTNERSHIP_ROLES))
    )


class OrganisationsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("view_panels", works_with_panels)
        self.rule("view_panel", panels.rule_for("view"))
        self.rule("edit_panel_settings", panels.rule_for("edit_settings"))
        self.rule("create_panel", is_system_admin | is_borough_admin)
        self.rule("create_panel_in", partnerships.rule_for("administer"))
        self.rule("view_partnerships", is_system_admin | is_borough_admin)
        self.rule("view_partnership", partnerships.rule_for("administer"))
        self.rule("manage_partnerships", is_system_admin)
        self.rule("manage_agencies", is_system_admin | is_borough_admin)
        self.rule("edit_agency", agencies.rule_for("edit"))
        self.rule("view_authorities", has_any_role)
        # Home page sections: "Your panels", and London's arrangements at a glance.
        self.rule("view_own_panels", has_panel_work)
        self.rule("view_london_overview", has_london_role)


policy = OrganisationsPolicy()
