"""A data-protection officer finds audit events by the reference people see ("C-0037"),
not only by the internal id."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from macehub.audit.models import Action, AuditEvent
from macehub.subjects.models import Kind, Subject
from tests.factories.personas import World, sign_in
from tests.subjects.factories import ensure_harm_types

pytestmark = pytest.mark.django_db


def _child(panel: Any, number: int) -> Subject:
    return Subject.objects.create(
        panel=panel, kind=Kind.CHILD, number=number, given_names="Jay", family_name=f"Test{number}", age_band="14_15"
    )


def _rows(page: str) -> list[str]:
    body = re.search(r'<tbody class="govuk-table__body">(.*?)</tbody>', page, re.S)
    assert body
    return re.findall(r'<tr class="govuk-table__row">(.*?)</tr>', body.group(1), re.S)


def test_the_dpo_finds_a_reveal_by_the_childs_reference(world: World) -> None:
    ensure_harm_types()
    wanted = _child(world.panel_a, 37)
    longer = _child(world.panel_a, 371)  # C-0371 must not match C-0037
    elsewhere = _child(world.panel_b, 37)  # the same reference in another partnership's panel
    for persona, child in (("member_a", wanted), ("member_a", longer), ("member_b", elsewhere)):
        member = sign_in(Client(), world.user(persona))
        assert member.post(f"/register/children/{child.pk}/reveal/", {"purpose": "meeting"}).status_code == 302

    dpo = sign_in(Client(), world.user("borough_admin_a"))
    for typed in ("C-0037", "c-0037", " C-37 ", "C0037"):
        page = dpo.get("/audit/", {"reference": typed}).content.decode()
        rows = _rows(page)
        assert rows, f"nothing found for {typed!r}"
        assert all("C-0037" in row for row in rows), typed
        assert not any("C-0371" in row for row in rows)
        assert any("Identity revealed" in row for row in rows), typed
    ids = {
        e.object_id
        for e in AuditEvent.objects.filter(action=Action.REVEAL)
        if e.partnership_id == world.partnership_a.pk and e.object_label == "Child C-0037"
    }
    assert ids == {str(wanted.pk)}
    # Partnership B's C-0037 is not shown to partnership A's DPO.
    page = dpo.get("/audit/", {"reference": "C-0037", "action": "reveal"}).content.decode()
    assert len(_rows(page)) == 1


def test_a_reference_that_is_not_one_gets_an_error_next_to_the_field(world: World) -> None:
    dpo = sign_in(Client(), world.user("borough_admin_a"))
    page = dpo.get("/audit/", {"reference": "Jayden"}).content.decode()
    error = re.search(r'<p id="id_reference-error" class="govuk-error-message">.*?</p>', page, re.S)
    assert error and "Enter a reference like C-0037" in error.group(0)
    assert 'value="Jayden"' in page


class _Labelled:
    """Stands in for a record of another kind: the audit trail keeps only its type, id and label."""

    from macehub.subjects.models import Subject as _Model

    _meta = _Model._meta

    def __init__(self, pk: int, label: str) -> None:
        self.pk = pk
        self.audit_label = label


def test_referrals_actions_and_meetings_are_found_by_what_people_see(world: World) -> None:
    from macehub.audit.services import record

    labels = {
        "Referral R-0012": ["R-0012", "r-12"],
        "Action A-0003": ["A-0003", "a-3"],
        "Review of action A-0003": ["A-0003"],
        "Agenda item P-0007": ["P-0007"],
        "Meeting 2026-03-12 (Panel meeting)": ["2026-03-12"],
        "Minutes v2 of meeting 2026-03-12": ["2026-03-12"],
        "Referral R-00120": [],  # never found by R-0012
    }
    for pk, label in enumerate(labels, start=1):
        record(action=Action.VIEW, obj=_Labelled(pk, label), partnership_id=world.partnership_a.pk)  # type: ignore[arg-type]
    dpo = sign_in(Client(), world.user("borough_admin_a"))
    for label, searches in labels.items():
        for typed in searches:
            rows = _rows(dpo.get("/audit/", {"reference": typed}).content.decode())
            assert any(label in row for row in rows), (typed, label)
    found = _rows(dpo.get("/audit/", {"reference": "R-0012"}).content.decode())
    assert not any("R-00120" in row for row in found)
