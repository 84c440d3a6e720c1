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
from django.db.models import Q

from macehub.core.access import PANEL_ROLES, PARTNERSHIP_ROLES, Role, access_for, remembered
from macehub.core.policies import Policy, RecordPolicy, predicate

from .models import Kind, Link, RegisterImport, Status, Subject

DECIDING_ROLES = (Role.COORDINATOR, Role.PANEL_CHAIR)


def register_panel_ids(user: Any) -> frozenset[int]:
    """Panels whose registers the person may browse: those where they hold a panel role."""
    return access_for(user).panel_ids(*PANEL_ROLES)


def poc_panel_ids(user: Any) -> frozenset[int]:
    """Panels whose persons of concern the person may see (one query, kept for the request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    return remembered(("poc_panels", user.pk), lambda: _poc_panel_ids(user))


def _poc_panel_ids(user: Any) -> frozenset[int]:
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
    return frozenset(allowed)


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
    return isinstance(subject, Subject) and records.can(user, "view", subject)


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


# --- Register records and links: each rule declared once, as a filter -----------------------


def seen_records(user: Any) -> Q:
    """Records on the registers of the person's panels; persons of concern only where allowed."""
    return Q(panel_id__in=register_panel_ids(user)) & (~Q(kind=Kind.PERSON) | Q(panel_id__in=poc_panel_ids(user)))


def _live(user: Any) -> Q:
    return seen_records(user) & ~Q(status=Status.MERGED)


records = RecordPolicy(Subject, name="subjects.record")
records.scope("view", seen_records)
records.scope("edit", _live)
records.scope("link", _live)
records.scope("decide", lambda user: _live(user) & Q(panel_id__in=deciding_panel_ids(user)))
records.scope("merge", lambda user: _live(user) & Q(panel_id__in=access_for(user).panel_ids(Role.COORDINATOR)))
# Legal holds and subject access exports: the chair and coordinators, who answer for the record.
records.scope("manage_retention", lambda user: _live(user) & Q(panel_id__in=deciding_panel_ids(user)))


def seen_links(user: Any) -> Q:
    """Links both of whose ends the person may see."""
    poc = poc_panel_ids(user)
    return (
        Q(panel_id__in=register_panel_ids(user))
        & (~Q(source__kind=Kind.PERSON) | Q(panel_id__in=poc))
        & (~Q(target__kind=Kind.PERSON) | Q(panel_id__in=poc))
    )


links = RecordPolicy(Link, name="subjects.link")
links.scope("view", seen_links)


class SubjectsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_registers", works_on_a_register)
        self.rule("view_register", on_the_panel)
        self.rule("view_persons", on_the_panel & may_see_persons)
        self.rule("add_record", on_the_panel)
        self.rule("add_person", on_the_panel & may_see_persons)
        # Object rules of one record: the record policy's (declared once, above).
        self.rule("view_record", records.rule_for("view"))
        self.rule("edit_record", records.rule_for("edit"))
        self.rule("link_record", records.rule_for("link"))
        self.rule("decide_record", records.rule_for("decide"))
        self.rule("merge_record", records.rule_for("merge"))
        self.rule("manage_retention", records.rule_for("manage_retention"))
        self.rule("review_alerts", on_the_panel & decides_for_panel)
        self.rule("export_register", on_the_panel & decides_for_panel)
        self.rule("view_summary", sees_panel_aggregates)
        # Bringing a spreadsheet register in (and undoing it): the panel's coordinators; persons
        # of concern only by a coordinator the panel allows to see them.
        self.rule("import_register", on_the_panel & coordinates_panel)
        self.rule("import_persons", on_the_panel & coordinates_panel & may_see_persons)


policy = SubjectsPolicy()
