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
from rules.predicates import Predicate

from macehub.core.access import PANEL_ROLES, PARTNERSHIP_ROLES, Role, access_for, remembered
from macehub.core.policies import Policy, RecordPolicy, predicate
from macehub.organisations.models import Panel

from .models import ImportStatus, Kind, Link, RegisterImport, Status, Subject

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


def agencies_on_panel(user: Any, panel_id: int) -> list[int]:
    """The agencies the person represents on a panel (what they add is from one of them)."""
    return [g.agency_id for g in access_for(user).grants_for_panel(panel_id) if g.agency_id]


def agency_on_panel(user: Any, panel_id: int) -> int | None:
    """The agency the person represents on a panel (to suggest as the source of what they add)."""
    return next(iter(agencies_on_panel(user, panel_id)), None)


# --- A panel's registers: who may browse, decide, import, see the summary ----------------------
# Declared once as filters over panels; the rules below that take a record or an import ask
# about its panel.


def _coordinated(user: Any) -> frozenset[int]:
    return access_for(user).panel_ids(Role.COORDINATOR)


registers = RecordPolicy(Panel, name="subjects.register")
#: Browse the panel's registers (and add records to them): any panel role.
registers.scope("view", lambda user: Q(pk__in=register_panel_ids(user)))
#: See (and add) persons of concern: the roles and agencies the panel allows.
registers.scope("view_persons", lambda user: Q(pk__in=poc_panel_ids(user)))
#: Review shared-context alerts and export the register: coordinators and chairs.
registers.scope("decide", lambda user: Q(pk__in=deciding_panel_ids(user)))
#: Bring a spreadsheet register in: the panel's coordinators; persons of concern only where allowed.
registers.scope("import", lambda user: Q(pk__in=_coordinated(user)))
registers.scope("import_persons", lambda user: Q(pk__in=_coordinated(user)) & Q(pk__in=poc_panel_ids(user)))
#: The summary (counts only): panel roles, and the partnership's analysts, leads and admins.
registers.scope(
    "summary",
    lambda user: (
        Q(pk__in=register_panel_ids(user)) | Q(partnership_id__in=access_for(user).partnership_ids(*PARTNERSHIP_ROLES))
    ),
)


def _panel_of(obj: Any) -> Any:
    if isinstance(obj, Subject | RegisterImport):
        return obj.panel
    return obj


def on_register(action: str) -> Predicate:
    """The register rule ``action`` as a predicate about a panel (or a record's or import's panel)."""

    def allowed(user: Any, obj: Any = None) -> bool:
        panel = _panel_of(obj)
        return isinstance(panel, Panel) and registers.can(user, action, panel)

    allowed.__name__ = f"register_{action}"
    return predicate(allowed)


@predicate
def works_on_a_register(user: Any, obj: Any = None) -> bool:
    return bool(register_panel_ids(user))


@predicate
def may_see_record(user: Any, subject: Any) -> bool:
    return isinstance(subject, Subject) and records.can(user, "view", subject)


@predicate
def not_merged(user: Any, subject: Any) -> bool:
    return isinstance(subject, Subject) and subject.status != "merged"


# --- Register records and links: each rule declared once, as a filter -----------------------


def seen_records(user: Any, via: str = "") -> Q:
    """Records on the registers of the person's panels; persons of concern only where allowed.

    ``via`` is the path from another model to the record (``"child__"``), so that casework,
    referrals and meetings reach the record's rule instead of writing it again."""
    return Q(**{f"{via}panel_id__in": register_panel_ids(user)}) & (
        ~Q(**{f"{via}kind": Kind.PERSON}) | Q(**{f"{via}panel_id__in": poc_panel_ids(user)})
    )


def live_records(user: Any, via: str = "") -> Q:
    """Records the person may see that have not been merged into another (they may be changed)."""
    return seen_records(user, via) & ~Q(**{f"{via}status": Status.MERGED})


def deciding_records(user: Any, via: str = "") -> Q:
    """Live records on panels where the person decides (coordinators and chairs)."""
    return live_records(user, via) & Q(**{f"{via}panel_id__in": deciding_panel_ids(user)})


records = RecordPolicy(Subject, name="subjects.record")
records.scope("view", seen_records)
records.scope("edit", live_records)
records.scope("link", live_records)
records.scope("decide", deciding_records)
records.scope("merge", lambda user: live_records(user) & Q(panel_id__in=_coordinated(user)))
# Legal holds and subject access exports: the chair and coordinators, who answer for the record.
records.scope("manage_retention", deciding_records)


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


def seen_imports(user: Any) -> Q:
    """Imports into the person's panels' registers (of persons of concern only where allowed)."""
    return Q(panel_id__in=register_panel_ids(user)) & (~Q(kind=Kind.PERSON) | Q(panel_id__in=poc_panel_ids(user)))


def _imports_run(user: Any) -> Q:
    return seen_imports(user) & Q(panel_id__in=_coordinated(user))


imports = RecordPolicy(RegisterImport, name="subjects.import")
#: Seen (a 404 for anyone else): the panel's roles.
imports.scope("view", seen_imports)
#: Previewed, confirmed, undone: the panel's coordinators.
imports.scope("run", _imports_run)
#: The spreadsheet's own cells (names, dates of birth) are shown only to the person who uploaded
#: them until they are imported as records.
imports.scope(
    "see_cells", lambda user: _imports_run(user) & (~Q(status=ImportStatus.PREVIEW) | Q(created_by_id=user.pk))
)


class SubjectsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_registers", works_on_a_register)
        self.rule("view_register", on_register("view"))
        self.rule("view_persons", on_register("view_persons"))
        self.rule("add_record", on_register("view"))
        self.rule("add_person", on_register("view_persons"))
        # Object rules of one record: the record policy's (declared once, above).
        self.rule("view_record", records.rule_for("view"))
        self.rule("edit_record", records.rule_for("edit"))
        self.rule("link_record", records.rule_for("link"))
        self.rule("decide_record", records.rule_for("decide"))
        self.rule("merge_record", records.rule_for("merge"))
        self.rule("manage_retention", records.rule_for("manage_retention"))
        self.rule("review_alerts", on_register("decide"))
        self.rule("export_register", on_register("decide"))
        self.rule("view_summary", on_register("summary"))
        # Bringing a spreadsheet register in (and undoing it): the panel's coordinators; persons
        # of concern only by a coordinator the panel allows to see them.
        self.rule("import_register", on_register("import"))
        self.rule("import_persons", on_register("import_persons"))


policy = SubjectsPolicy()
