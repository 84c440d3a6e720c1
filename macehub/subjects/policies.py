"""Who may see and change the VOLT registers (subjects app policy).

* A panel's registers are identifiable data for that panel only: its chairs, coordinators and
  panel members see them. Nobody else does — not partnership analysts or strategic leads
  (aggregates only: the register summary), not borough admins (they administer the panel but
  browse records only if they also hold a panel role), and never a London-wide role.
* Persons of concern are seen only by people the panel allows: a role on that panel listed in
  ``Panel.poc_visible_roles``, or representing an agency type in ``Panel.poc_visible_agency_types``
  (by default the chair and police). Everyone else never sees them, their links, the alerts
  they would raise or referrals about them.
* Any panel role may add records and links and edit details; decisions — status, risk level,
  opening a context as a case — are for coordinators and chairs; merging duplicates is for
  coordinators. Legal holds and subject access exports are for coordinators and chairs.
* Importing a spreadsheet register (and undoing an import) is for the panel's coordinators.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps

from macehub.core.access import PANEL_ROLES, PARTNERSHIP_ROLES, Role, access_for
from macehub.core.policies import Policy, predicate

from .models import Kind, RegisterImport, Subject

DECIDING_ROLES = (Role.COORDINATOR, Role.PANEL_CHAIR)


def register_panel_ids(user: Any) -> frozenset[int]:
    """Panels whose registers the person may browse: those where they hold a panel role."""
    return access_for(user).panel_ids(*PANEL_ROLES)


def poc_panel_ids(user: Any) -> frozenset[int]:
    """Panels whose persons of concern the person may see (one query, kept for the request)."""
    cached = getattr(user, "_macehub_poc_panels", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    profile = access_for(user)
    panel_ids = register_panel_ids(user)
    allowed: set[int] = set()
    if panel_ids:
        panel_model = apps.get_model("organisations", "Panel")
        rows = panel_model.objects.filter(pk__in=panel_ids).values_list(
            "pk", "poc_visible_roles", "poc_visible_agency_types"
        )
        for pk, roles, agency_types in rows:
            for grant in profile.grants_for_panel(pk):
                if grant.role in PANEL_ROLES and (grant.role in roles or grant.agency_type in agency_types):
                    allowed.add(pk)
    result = frozenset(allowed)
    if getattr(user, "is_authenticated", False):
        user._macehub_poc_panels = result
    return result


def forget_poc_access(user: Any) -> None:
    if hasattr(user, "_macehub_poc_panels"):
        del user._macehub_poc_panels


def deciding_panel_ids(user: Any) -> frozenset[int]:
    return access_for(user).panel_ids(*DECIDING_ROLES)


def _panel_id(obj: Any) -> int | None:
    if obj is None:
        return None
    if isinstance(obj, Subject | RegisterImport):
        return obj.panel_id
    return getattr(obj, "pk", None)


@predicate
def works_on_a_register(user: Any, obj: Any = None) -> bool:
    return bool(register_panel_ids(user))


@predicate
def on_the_panel(user: Any, obj: Any) -> bool:
    """The person holds a panel role on this panel (or the record's panel)."""
    return _panel_id(obj) in register_panel_ids(user)


@predicate
def may_see_persons(user: Any, obj: Any) -> bool:
    return _panel_id(obj) in poc_panel_ids(user)


@predicate
def may_see_record(user: Any, subject: Any) -> bool:
    if not isinstance(subject, Subject) or subject.panel_id not in register_panel_ids(user):
        return False
    return subject.kind != Kind.PERSON or subject.panel_id in poc_panel_ids(user)


@predicate
def decides_for_panel(user: Any, obj: Any) -> bool:
    return _panel_id(obj) in deciding_panel_ids(user)


@predicate
def coordinates_panel(user: Any, obj: Any) -> bool:
    return _panel_id(obj) in access_for(user).panel_ids(Role.COORDINATOR)


@predicate
def sees_panel_aggregates(user: Any, panel: Any) -> bool:
    """Panel roles, and the partnership's analysts, strategic leads and borough admins."""
    if panel is None:
        return False
    profile = access_for(user)
    return panel.pk in register_panel_ids(user) or panel.partnership_id in profile.partnership_ids(*PARTNERSHIP_ROLES)


@predicate
def not_merged(user: Any, subject: Any) -> bool:
    return isinstance(subject, Subject) and subject.status != "merged"


class SubjectsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_registers", works_on_a_register)
        self.rule("view_register", on_the_panel)
        self.rule("view_persons", on_the_panel & may_see_persons)
        self.rule("add_record", on_the_panel)
        self.rule("add_person", on_the_panel & may_see_persons)
        self.rule("view_record", may_see_record)
        self.rule("edit_record", may_see_record & not_merged)
        self.rule("link_record", may_see_record & not_merged)
        self.rule("decide_record", may_see_record & not_merged & decides_for_panel)
        self.rule("merge_record", may_see_record & not_merged & coordinates_panel)
        # Legal holds and subject access exports: the chair and coordinators, who answer for the record.
        self.rule("manage_retention", may_see_record & not_merged & decides_for_panel)
        self.rule("review_alerts", on_the_panel & decides_for_panel)
        self.rule("export_register", on_the_panel & decides_for_panel)
        self.rule("view_summary", sees_panel_aggregates)
        # Bringing a spreadsheet register in (and undoing it): the panel's coordinators; persons
        # of concern only by a coordinator the panel allows to see them.
        self.rule("import_register", on_the_panel & coordinates_panel)
        self.rule("import_persons", on_the_panel & coordinates_panel & may_see_persons)


policy = SubjectsPolicy()
