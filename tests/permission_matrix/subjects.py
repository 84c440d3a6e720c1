"""Who may open the VOLT register pages.

Panel A's chair, coordinator and members browse its register. Persons of concern are for the
chair and police representatives only (panel A's defaults), so the school's panel member
(``member_a_education``) and the coordinator get 404 on them and 403 on their lists. Partnership
A's analyst, strategic lead and borough admin can see panel A but not its records (403 on
register pages, 404 on records); they see the aggregate summary. Everyone else gets 404.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.factories.personas import World

from ..subjects.factories import register_for
from .outcomes import BAD, DENIED, HIDDEN, NOT_ALLOWED, OK, REDIRECT, Case, signed_in

PANEL_A_ROLES = ("member_a", "member_a_education", "coordinator_a", "chair_a")
SEES_PANEL_A_ONLY = ("analyst_a", "lead_a", "borough_admin_a", "system_admin")
DECIDERS = ("coordinator_a", "chair_a")
POC_ALLOWED = ("member_a", "chair_a")

#: Register pages of panel A: its panel roles get in; those who can see the panel but not its records are refused.
REGISTER = signed_in(HIDDEN, **dict.fromkeys(PANEL_A_ROLES, OK), **dict.fromkeys(SEES_PANEL_A_ONLY, DENIED))
#: Register pages about persons of concern.
PERSONS = {**REGISTER, "member_a_education": DENIED, "coordinator_a": DENIED}
#: A record on panel A's register: 404 for everyone who is not on the panel.
RECORD = signed_in(HIDDEN, **dict.fromkeys(PANEL_A_ROLES, OK))
#: Decisions on a record: coordinators and chairs.
DECISION = signed_in(HIDDEN, **{**dict.fromkeys(PANEL_A_ROLES, DENIED), **dict.fromkeys(DECIDERS, OK)})
#: A person of concern: 404 unless the panel allows you to see them.
PERSON_RECORD = signed_in(HIDDEN, **dict.fromkeys(POC_ALLOWED, OK))


def _pk(key: str) -> Callable[[World], int]:
    return lambda w: register_for(w)[key].pk


def _panel(suffix: str) -> Callable[[World], str]:
    return lambda w: f"/register/{w.panel_a.pk}/{suffix}"


KIND_KEYS = {
    "child": ("children", "c1"),
    "person": ("persons-of-concern", "p1"),
    "location": ("locations", "l1"),
    "group": ("groups", "g1"),
    "theme": ("themes", "t1"),
}


def _record_cases() -> dict[str, Case]:
    cases: dict[str, Case] = {}
    for kind, (segment, key) in KIND_KEYS.items():
        record = PERSON_RECORD if kind == "person" else RECORD
        decision = {**DECISION, "member_a_education": HIDDEN, "coordinator_a": HIDDEN} if kind == "person" else DECISION

        def path(suffix: str, segment: str = segment, key: str = key) -> Callable[[World], str]:
            return lambda w: f"/register/{segment}/{register_for(w)[key].pk}/{suffix}"

        listing = PERSONS if kind == "person" else REGISTER
        cases[f"subjects:{kind}_list"] = Case(_panel(f"{segment}/"), listing)
        cases[f"subjects:{kind}_create"] = Case(_panel(f"{segment}/new/"), listing, post=True)
        cases[f"subjects:{kind}_detail"] = Case(path(""), record)
        cases[f"subjects:{kind}_edit"] = Case(path("edit/"), record, post=True)
        cases[f"subjects:{kind}_network"] = Case(path("network/"), record)
        cases[f"subjects:{kind}_link"] = Case(path("links/new/"), record, post=True)
        cases[f"subjects:{kind}_status"] = Case(path("status/"), decision, post=True)
        cases[f"subjects:{kind}_hold"] = Case(
            path("hold/"), decision, post=True, notes="Legal hold: chair, coordinator."
        )
        cases[f"subjects:{kind}_access_export"] = Case(
            path("access-export/"), decision, post=True, notes="Subject access export: chair, coordinator."
        )
        if kind in ("child", "person"):
            cases[f"subjects:{kind}_reveal"] = Case(
                path("reveal/"), record, post=True, notes="Showing a name and date of birth needs a recorded purpose."
            )
        if kind != "theme":
            merge: dict[str, str] = {**record, **{p: DENIED for p, o in record.items() if o == OK}}
            if kind != "person":
                merge["coordinator_a"] = OK
            cases[f"subjects:{kind}_merge"] = Case(
                path("merge/"), merge, post=True, notes="Coordinators merge duplicates."
            )
        if kind == "child":
            cases["subjects:child_risk"] = Case(path("risk/"), decision, post=True)
        if kind in ("location", "group"):
            cases[f"subjects:{kind}_case"] = Case(path("case/"), decision, post=True)
    return cases


def _import_pk(w: World) -> int:
    """A spreadsheet of one location waiting for panel A's coordinator to confirm it."""
    from macehub.subjects.models import RegisterImport

    cached = getattr(w, "_register_import", None)
    if cached is None:
        cached = RegisterImport.objects.create(
            panel=w.panel_a,
            kind="location",
            file_name="locations.csv",
            headers=["Name"],
            rows=[["Station car park"]],
            mapping={"0": "name"},
            row_count=1,
            created_by=w.user("coordinator_a"),
        )
        w._register_import = cached  # type: ignore[attr-defined]
    return int(cached.pk)


#: Importing a spreadsheet register: panel A's coordinator only.
IMPORT_PANEL = {**REGISTER, **dict.fromkeys(PANEL_A_ROLES, DENIED), "coordinator_a": OK}
#: One import: hidden from everyone off the panel, refused to its other roles.
IMPORT_RECORD = {**RECORD, **dict.fromkeys(PANEL_A_ROLES, DENIED), "coordinator_a": OK}

ALERT_REVIEW_POST: dict[str, Any] = {
    **REGISTER,
    "member_a": DENIED,
    "member_a_education": DENIED,
    "coordinator_a": BAD,
    "chair_a": BAD,
}

CASES: dict[str, Case] = {
    "subjects:register_home": Case(
        lambda w: "/register/",
        signed_in(DENIED, **dict.fromkeys((*PANEL_A_ROLES, "member_b"), REDIRECT)),
        notes="Straight to the person's only panel's register.",
    ),
    "subjects:register": Case(_panel(""), REGISTER),
    "subjects:search": Case(_panel("search/"), REGISTER),
    "subjects:alerts": Case(_panel("alerts/"), REGISTER),
    "subjects:alert_review": Case(
        _panel("alerts/review/"),
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": ALERT_REVIEW_POST},
        notes="POST only; coordinators and chairs record that an alert needs no link.",
    ),
    "subjects:case_list": Case(_panel("cases/"), REGISTER),
    "subjects:summary": Case(
        _panel("summary/"),
        signed_in(
            HIDDEN, **dict.fromkeys((*PANEL_A_ROLES, "analyst_a", "lead_a", "borough_admin_a"), OK), system_admin=DENIED
        ),
        notes="Counts only: partnership roles see aggregates, never records.",
    ),
    "subjects:export": Case(_panel("export/"), {**REGISTER, "member_a": DENIED, "member_a_education": DENIED}),
    "subjects:link_end": Case(lambda w: f"/register/links/{register_for(w)['link_c1_l1'].pk}/end/", RECORD, post=True),
    **_record_cases(),
    "subjects:import_start": Case(
        _panel("import/"), IMPORT_PANEL, post=True, notes="Coordinators bring a spreadsheet register in."
    ),
    "subjects:import_template": Case(_panel("import/location/template/"), IMPORT_PANEL),
    "subjects:import_preview": Case(lambda w: f"/register/imports/{_import_pk(w)}/", IMPORT_RECORD, post=True),
    "subjects:import_confirm": Case(
        lambda w: f"/register/imports/{_import_pk(w)}/confirm/",
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": {**IMPORT_RECORD, "coordinator_a": REDIRECT}},
        notes="POST only; writes the checked rows once.",
    ),
    "subjects:import_undo": Case(
        lambda w: f"/register/imports/{_import_pk(w)}/undo/",
        IMPORT_RECORD,
        post=True,
        notes="Undo of a whole import within 24 hours, by the panel's coordinators.",
    ),
}
