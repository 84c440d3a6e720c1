"""Builders for "known elsewhere?" tests: a coordinator for partnership B (not a persona: the
personas have no one who answers for B), records held on both sides with their fingerprints,
and enquiries, matches, share requests and links in each state (made directly, for the
permission matrix; the service tests go through the services)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from tests.factories.personas import World, grant, make_user


def coordinator_b(world: World) -> Any:
    """Partnership B's MACE coordinator, representing the police (so they see persons of concern)."""
    from macehub.core.access import Role

    user = world.users.get("coordinator_b")
    if user is None:
        user = grant(
            make_user("coordinator.b@test.invalid", "Cora Bravo"),
            Role.COORDINATOR,
            panel=world.panel_b,
            agency=world.agencies["police_b"],
        ).user
        world.users["coordinator_b"] = user
    return user


def held(panel: Any, kind: str, **values: Any) -> Any:
    """A record on ``panel``'s register with its fingerprints computed (as a save through the
    registers' services would)."""
    from macehub.known_elsewhere.services import refresh_record_prints
    from tests.subjects.factories import make_subject

    subject = make_subject(panel, kind, **values)
    refresh_record_prints([subject])
    return subject


def known_for(world: World) -> dict[str, Any]:
    """For the permission matrix, on top of ``register_for`` (panel A's register):

    * ``b_person``: Dwayne Okonjo held by B (the same name as A's ``p1``, no date of birth);
    * ``asked``: an enquiry by A's coordinator that matched B (``match_ab``, details not yet asked
      for) and ``asked_again`` with ``share_ab`` (A asked B for details; B agreed: person shared);
    * ``match_ba``: B asked about A's ``p1``; ``share_ba`` waits for A's decision;
    * ``link_ba``: B proposed linking its location to A's group ``g1`` (A decides).
    """
    cached = getattr(world, "_known", None)
    if cached is not None:
        return cached
    from macehub.known_elsewhere.fingerprints import IdentifierKind, person_prints
    from macehub.known_elsewhere.models import CrossLink, Enquiry, Match, ShareRequest, ShareStatus
    from macehub.known_elsewhere.services import refresh_record_prints
    from tests.subjects.factories import register_for

    r = register_for(world)
    refresh_record_prints([r["p1"], r["g1"], r["l1"]])
    coord_a, coord_b = world.user("coordinator_a"), coordinator_b(world)
    k: dict[str, Any] = {}
    k["b_person"] = held(world.panel_b, "person", given_names="Dwayne", family_name="Okonjo", person_age_group="adult")
    k["b_location"] = held(world.panel_b, "location", name="Bravo Lane garages, SE1 7AA", location_type="other")
    digests = [p.digest for p in person_prints("Dwayne", "Okonjo", None)]
    now = timezone.now()

    def enquiry(panel: Any, by: Any, subject: Any = None) -> Any:
        return Enquiry.objects.create(
            panel=panel,
            partnership=panel.partnership,
            subject=subject,
            kind=IdentifierKind.PERSON,
            digests=digests,
            reason="Seen with a child at risk",
            created_by=by,
            updated_by=by,
        )

    k["asked"] = enquiry(world.panel_a, coord_a)
    k["match_ab"] = Match.objects.create(enquiry=k["asked"], holder=world.partnership_b, found_at=now)
    k["asked_again"] = enquiry(world.panel_a, coord_a)
    k["match_ab2"] = Match.objects.create(enquiry=k["asked_again"], holder=world.partnership_b, found_at=now)
    k["share_ab"] = ShareRequest.objects.create(
        match=k["match_ab2"],
        reason="Planning disruption",
        status=ShareStatus.AGREED,
        holder_record=k["b_person"],
        lawful_basis="Children Act 1989 s.47",
        purpose="Safeguarding",
        shared_fields=["full_name"],
        snapshot={"Name": "Dwayne Okonjo"},
        decided_by=coord_b,
        decided_at=now,
        created_by=coord_a,
        updated_by=coord_a,
    )
    k["asked_by_b"] = enquiry(world.panel_b, coord_b, k["b_person"])
    k["match_ba"] = Match.objects.create(enquiry=k["asked_by_b"], holder=world.partnership_a, found_at=now)
    k["share_ba"] = ShareRequest.objects.create(
        match=k["match_ba"], reason="Seen in our area", created_by=coord_b, updated_by=coord_b
    )
    k["asked_by_b2"] = enquiry(world.panel_b, coord_b)
    k["match_ba2"] = Match.objects.create(enquiry=k["asked_by_b2"], holder=world.partnership_a, found_at=now)
    k["share_ba2"] = ShareRequest.objects.create(
        match=k["match_ba2"],
        reason="Group seen at our garages",
        status=ShareStatus.AGREED,
        holder_record=r["g1"],
        lawful_basis="Crime and Disorder Act 1998 s.115",
        purpose="Disruption",
        shared_fields=["name"],
        snapshot={"Name of the location or group": r["g1"].name},
        decided_by=coord_a,
        decided_at=now,
        created_by=coord_b,
        updated_by=coord_b,
    )
    k["link_ba"] = CrossLink.objects.create(
        share=k["share_ba2"], location=k["b_location"], created_by=coord_b, updated_by=coord_b
    )
    k["dob"] = date(1990, 1, 1)
    world._known = k  # type: ignore[attr-defined]
    return k
