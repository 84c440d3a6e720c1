"""Who may see and change partnerships, agencies and panels (organisations app policy)."""

from __future__ import annotations

from typing import Any

from macehub.core.access import PANEL_ROLES, PARTNERSHIP_ROLES, Role, access_for
from macehub.core.policies import Policy, predicate

from .models import Agency, Panel, Partnership


@predicate
def is_system_admin(user: Any, obj: Any = None) -> bool:
    return access_for(user).is_system_admin


@predicate
def is_borough_admin(user: Any, obj: Any = None) -> bool:
    return bool(access_for(user).partnership_ids(Role.BOROUGH_ADMIN))


@predicate
def can_see_panel(user: Any, panel: Panel | None) -> bool:
    if panel is None:
        return False
    profile = access_for(user)
    return (
        profile.is_system_admin
        or panel.pk in profile.panel_ids(*PANEL_ROLES)
        or panel.partnership_id in profile.partnership_ids(*PARTNERSHIP_ROLES)
    )


@predicate
def administers_panel(user: Any, panel: Panel | None) -> bool:
    """Only the partnership's borough admins (and system admins) change a panel's settings."""
    if panel is None:
        return False
    profile = access_for(user)
    return profile.is_system_admin or panel.partnership_id in profile.partnership_ids(Role.BOROUGH_ADMIN)


@predicate
def administers_partnership(user: Any, partnership: Partnership | None) -> bool:
    if partnership is None:
        return False
    profile = access_for(user)
    return profile.is_system_admin or partnership.pk in profile.partnership_ids(Role.BOROUGH_ADMIN)


@predicate
def administers_agency(user: Any, agency: Agency | None) -> bool:
    """An agency serving several partnerships may be edited by a borough admin of any of them."""
    if agency is None:
        return False
    profile = access_for(user)
    if profile.is_system_admin:
        return True
    mine = profile.partnership_ids(Role.BOROUGH_ADMIN)
    return any(p.pk in mine for p in agency.partnerships.all())


@predicate
def has_any_role(user: Any, obj: Any = None) -> bool:
    return access_for(user).has_any_access


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
        self.rule("view_panel", can_see_panel)
        self.rule("edit_panel_settings", administers_panel)
        self.rule("create_panel", is_system_admin | is_borough_admin)
        self.rule("create_panel_in", administers_partnership)
        self.rule("view_partnerships", is_system_admin | is_borough_admin)
        self.rule("view_partnership", administers_partnership)
        self.rule("manage_partnerships", is_system_admin)
        self.rule("manage_agencies", is_system_admin | is_borough_admin)
        self.rule("edit_agency", administers_agency)
        self.rule("view_authorities", has_any_role)


policy = OrganisationsPolicy()
