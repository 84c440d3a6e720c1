"""Register records for tests, made directly (no audit events, no policy checks).

``register_for(world)`` gives panel A a small register with a shared-context case:

    C1 (child) ── seen at ──▶ L1 (location) ◀── seen at ── C2 (child)     C1 and C2 are not linked
    C1 ── thought to be exploited by ──▶ P1 (person of concern)
    C1 ── part of ──▶ G1 (group) ── seen at ──▶ L1
    C1 ── part of the theme ──▶ T1
and panel B one child, CB.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from macehub.subjects.models import HarmType, Kind, Link, Subject
from macehub.subjects.services.links import placed
from macehub.subjects.taxonomy import HARM_TYPES
from tests.factories.personas import World


def ensure_harm_types() -> None:
    """Browser tests flush the database, migration data included: load the taxonomy again."""
    if not HarmType.objects.exists():
        for order, (code, label, description) in enumerate(HARM_TYPES):
            HarmType.objects.create(code=code, label=label, description=description, order=order)


def make_subject(panel: Any, kind: str, **values: Any) -> Subject:
    number = (
        Subject.objects.filter(panel=panel, kind=kind).order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    if kind in (Kind.CHILD, Kind.PERSON):
        values.setdefault("given_names", "Test")
        values.setdefault("family_name", f"Person{number}")
    else:
        values.setdefault("name", f"Test {kind} {number}")
    if kind == Kind.CHILD:
        values.setdefault("age_band", "14_15")
    return Subject.objects.create(panel=panel, kind=kind, number=number, **values)


def make_link(one: Subject, other: Subject, link_type: str, **values: Any) -> Link:
    source, target = placed(one, other, link_type)
    values.setdefault("known_from", date(2025, 9, 1))
    values.setdefault("confidence", "likely")
    return Link.objects.create(panel_id=one.panel_id, source=source, target=target, link_type=link_type, **values)


def register_for(world: World) -> dict[str, Any]:
    cached = getattr(world, "_register", None)
    if cached is not None:
        return cached
    ensure_harm_types()
    a = world.panel_a
    r: dict[str, Any] = {}
    r["c1"] = make_subject(a, Kind.CHILD, given_names="Jayden", family_name="Ashcombe", date_of_birth=date(2010, 5, 14))
    r["c2"] = make_subject(a, Kind.CHILD, given_names="Kofi", family_name="Brightwell", date_of_birth=date(2011, 2, 2))
    r["p1"] = make_subject(a, Kind.PERSON, given_names="Dwayne", family_name="Okonjo", person_age_group="adult")
    r["l1"] = make_subject(a, Kind.LOCATION, name="Northgate bus station", location_type="transport")
    r["g1"] = make_subject(a, Kind.GROUP, name="Northgate estate older boys", group_type="peer")
    r["t1"] = make_subject(a, Kind.THEME, name="Recruitment through gaming chats", description="Seen since the summer.")
    r["link_c1_l1"] = make_link(r["c1"], r["l1"], "seen_at")
    r["link_c2_l1"] = make_link(r["c2"], r["l1"], "seen_at")
    r["link_c1_p1"] = make_link(r["c1"], r["p1"], "exploited_by")
    r["link_c1_g1"] = make_link(r["c1"], r["g1"], "member_of")
    r["link_g1_l1"] = make_link(r["g1"], r["l1"], "seen_at")
    r["link_c1_t1"] = make_link(r["c1"], r["t1"], "theme")
    r["cb"] = make_subject(world.panel_b, Kind.CHILD, given_names="Bravo", family_name="Child")
    world._register = r  # type: ignore[attr-defined]
    return r


def referral_for(world: World) -> Any:
    """A waiting referral about a child, made by the school's panel member on panel A, with a
    PDF attached."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from macehub.core import uploads
    from macehub.referrals.models import Referral, ReferralAttachment
    from tests.factories.personas import minimal_pdf

    cached = getattr(world, "_referral", None)
    if cached is not None:
        return cached
    ensure_harm_types()
    referral = Referral.objects.create(
        panel=world.panel_a,
        number=1,
        subject_type="child",
        referrer=world.user("member_a_education"),
        referrer_agency=world.agencies["education_a"],
        route="front_door",
        front_door_screened=True,
        given_names="Maya",
        family_name="Quillfield",
        age_band="14_15",
        concerns="Seen with older males near the station",
    )
    referral.harm_types.set(HarmType.objects.filter(code="cse"))
    upload = SimpleUploadedFile("referral.pdf", minimal_pdf(), content_type="application/pdf")
    stored = uploads.store(upload, actor=None, partnership_id=world.partnership_a.pk)
    referral.attachment = ReferralAttachment.objects.create(referral=referral, file=stored)  # type: ignore[attr-defined]
    world._referral = referral  # type: ignore[attr-defined]
    return referral
