"""Known elsewhere? (issue #14): keyed fingerprints, asking, sharing after agreement, links.

The oracles are independent of the code under test: identifiers typed by hand in the forms
the other side would use, the raw table contents read back and searched for the identifier
text, a third partnership trying, and query counts compared between a match and no match.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from macehub.audit.models import AuditEvent
from macehub.known_elsewhere import fingerprints as fp
from macehub.known_elsewhere.models import Enquiry, Fingerprint, Match, ShareRequest
from macehub.known_elsewhere.selectors import matches_found
from macehub.known_elsewhere.services import refingerprint_all
from macehub.operations.models import OutboxMessage
from macehub.subjects.services.records import subject_create, subject_update
from tests.factories.known_elsewhere import coordinator_b, held
from tests.factories.personas import World, sign_in

pytestmark = pytest.mark.django_db


# --- Normalising --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed", ["07700 900123", "+44 7700 900123", "0044 7700-900-123", "+44 (0)7700 900123", "(07700) 900 123"]
)
def test_uk_phone_numbers_typed_any_way_normalise_to_one_e164_number(typed: str) -> None:
    assert fp.normalise_phone(typed) == "+447700900123"


def test_vehicles_postcodes_names_and_groups_normalise() -> None:
    assert fp.normalise_vehicle("lb07 seo") == fp.normalise_vehicle("LB07SEO") == "LB07SEO"
    assert fp.normalise_address("12 Acre Lane, Brixton, sw25sg") == "SW2 5SG|12 acre lane"
    assert fp.normalise_address("12 ACRE LANE SW2 5SG") == "SW2 5SG|12 acre lane"
    assert fp.normalise_address("Acre Lane") == ""  # no postcode: nothing to match on
    assert fp.normalise_name("  Zoë ", "O'Brien") == "zoe o brien"
    assert fp.normalise_group("The  Northgate-Boys") == "the northgate boys"
    assert fp.normalise_phone("12345") == ""


def test_a_fingerprint_depends_on_the_london_key() -> None:
    one = fp.fingerprint("phone", "+447700900123")
    with override_settings(KNOWN_ELSEWHERE_KEY="another key"):
        other = fp.fingerprint("phone", "+447700900123")
    assert one != other and len(one) == 64


# --- Fingerprints are computed when records are saved; the London layer holds no identifier --


def _london_layer_text() -> str:
    """Every value of every row of the London-layer table, as text (the table scan)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Fingerprint._meta.db_table}")  # noqa: S608 - our table name
        return " ".join(str(value) for row in cursor.fetchall() for value in row).lower()


def test_saving_records_fingerprints_them_and_the_london_table_holds_no_identifier(world: World) -> None:
    chair_a = world.user("chair_a")
    person = subject_create(
        actor=chair_a,
        panel=world.panel_a,
        kind="person",
        values={
            "given_names": "Marcus",
            "family_name": "Tillbrook",
            "date_of_birth": date(1998, 3, 4),
            "person_age_group": "adult",
            "description": "Uses 07700 900456 and drives LB07 SEO.",
        },
    )
    subject_create(
        actor=chair_a,
        panel=world.panel_a,
        kind="location",
        values={"name": "12 Acre Lane, SW2 5SG", "location_type": "other"},
    )
    kinds = set(Fingerprint.objects.filter(partnership=world.partnership_a).values_list("kind", flat=True))
    assert kinds == {"person", "phone", "vehicle", "address"}
    text = _london_layer_text()
    columns = {f.column for f in Fingerprint._meta.concrete_fields}
    assert columns == {"id", "digest", "kind", "partnership_id", "contact_role"}
    for identifier in ("marcus", "tillbrook", "1998", "07700", "900456", "447700900456", "lb07", "acre", "sw2"):
        assert identifier not in text, identifier
    # Changing the name changes the fingerprint: the old one no longer says A holds it.
    old = set(Fingerprint.objects.filter(kind="person").values_list("digest", flat=True))
    subject_update(actor=chair_a, subject=person, expected_version=person.version, values={"family_name": "Tilbrook"})
    new = set(Fingerprint.objects.filter(kind="person").values_list("digest", flat=True))
    assert old and new and not old & new


def test_rotating_the_key_recomputes_every_fingerprint_and_matches_still_work(world: World) -> None:
    held(world.panel_b, "group", name="Northgate Boys")
    before = set(Fingerprint.objects.values_list("digest", flat=True))
    with override_settings(KNOWN_ELSEWHERE_KEY="the new london key"):
        assert refingerprint_all() == 1
        after = set(Fingerprint.objects.values_list("digest", flat=True))
        assert after and not before & after
        assert Fingerprint.objects.filter(digest=fp.typed_prints("group", "northgate  boys")[0].digest).exists()


# --- Asking --------------------------------------------------------------------------------------


def _ask(client: Any, world: World, kind: str, value: str, **extra: str) -> Any:
    data = {"panel": str(world.panel_a.pk), "kind": kind, "value": value, "reason": "Seen with a child", **extra}
    return client.post("/known-elsewhere/", data)


def test_a_match_names_the_holder_and_contact_only_and_both_coordinators_are_told(
    world: World, client_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    coord_b = coordinator_b(world)
    held(world.panel_b, "person", given_names="Dwayne", family_name="Okonjo", date_of_birth=date(1990, 6, 1))
    held(world.panel_a, "person", given_names="Dwayne", family_name="Okonjo", date_of_birth=date(1990, 6, 1))
    client = client_as("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):  # the e-mails go after the answer
        response = _ask(
            client,
            world,
            "person",
            "DWAYNE  okonjo",
            **{"date_of_birth_day": "1", "date_of_birth_month": "6", "date_of_birth_year": "1990"},
        )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "Bravo Safeguarding Children Partnership" in page and "MACE coordinator" in page
    assert "Alpha Safeguarding Children Partnership</strong> holds" not in page  # never its own
    assert "P-0001" not in page.split('data-testid="answer"')[1]  # no reference of theirs
    # Both coordinators are told, and the holder's audit trail has the match.
    mails = list(OutboxMessage.objects.values_list("to", "body"))
    assert any(coord_b.email in to for to, _ in mails)
    assert any(world.user("coordinator_a").email in to for to, _ in mails)
    assert all("Okonjo" not in body for _, body in mails)
    assert AuditEvent.objects.filter(
        object_type="known_elsewhere.match", partnership_id=world.partnership_b.pk
    ).exists()
    assert AuditEvent.objects.filter(
        object_type="known_elsewhere.enquiry", partnership_id=world.partnership_a.pk
    ).exists()


def test_the_answer_costs_the_same_queries_and_has_the_same_shape_with_or_without_a_match(
    world: World, client_as: Any
) -> None:
    held(world.panel_b, "group", name="Eastside Crew")
    client = client_as("coordinator_a")
    _ask(client, world, "group", "warm-up")  # first request of the session warms caches

    def asked(value: str) -> tuple[int, Any]:
        with CaptureQueriesContext(connection) as queries:
            response = _ask(client, world, "group", value)
        return len(queries), response

    hit_count, hit = asked("eastside crew")
    miss_count, miss = asked("westside crew")
    assert hit_count == miss_count
    assert hit.status_code == miss.status_code == 302
    hit_enquiry, miss_enquiry = (
        Enquiry.objects.get(pk=int(r["Location"].rstrip("/").split("/")[-1])) for r in (hit, miss)
    )
    assert Match.objects.filter(enquiry=hit_enquiry).count() == 1
    assert not Match.objects.filter(enquiry=miss_enquiry).exists()
    with CaptureQueriesContext(connection) as hit_page_queries:
        hit_page = client.get(hit["Location"])
    with CaptureQueriesContext(connection) as miss_page_queries:
        miss_page = client.get(miss["Location"])
    assert len(hit_page_queries) == len(miss_page_queries)
    assert hit_page.status_code == miss_page.status_code == 200


def test_an_unmatchable_identifier_is_refused_next_to_the_field_and_kept(world: World, client_as: Any) -> None:
    response = _ask(client_as("coordinator_a"), world, "phone", "not a number")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a UK phone number" in page and 'value="not a number"' in page
    assert not Enquiry.objects.exists()


# --- Sharing after agreement, and what a third partnership learns -------------------------------


def _flow(world: World, client_as: Any) -> tuple[Any, Any, Any, Any]:
    """A asks (typed), B holds Okonjo; A asks for details; returns (share, client A, client B, b record)."""
    coord_b = coordinator_b(world)
    b_record = held(
        world.panel_b,
        "person",
        given_names="Dwayne",
        family_name="Okonjo",
        date_of_birth=date(1990, 6, 1),
        aliases=["Dee"],
        description="Known to run a line from Southwark.",
    )
    a = client_as("coordinator_a")
    response = _ask(
        a,
        world,
        "person",
        "Dwayne Okonjo",
        **{"date_of_birth_day": "1", "date_of_birth_month": "6", "date_of_birth_year": "1990"},
    )
    match = Match.objects.get(enquiry_id=int(response["Location"].rstrip("/").split("/")[-1]))
    response = a.post(f"/known-elsewhere/matches/{match.pk}/request/", {"reason": "Planning a disruption"})
    assert response.status_code == 302
    b = sign_in(type(a)(), coord_b)
    return ShareRequest.objects.get(match=match), a, b, b_record


def test_details_pass_only_after_the_holder_agrees_and_exactly_the_fields_chosen(world: World, client_as: Any) -> None:
    share, a, b, b_record = _flow(world, client_as)
    waiting = a.get(f"/known-elsewhere/shares/{share.pk}/").content.decode()
    assert "Okonjo" not in waiting and "Dee" not in waiting and "shared-details" not in waiting
    assert a.get(f"/known-elsewhere/shares/{share.pk}/decide/").status_code == 403  # the asker cannot decide
    # The holder must give a lawful basis and purpose; what they typed is kept.
    refused = b.post(f"/known-elsewhere/shares/{share.pk}/decide/", {"decision": "agree", "details": ["full_name"]})
    assert refused.status_code == 400 and "Enter the lawful basis for sharing" in refused.content.decode()
    agreed = b.post(
        f"/known-elsewhere/shares/{share.pk}/decide/",
        {
            "decision": "agree",
            "holder_record": str(b_record.pk),
            "details": ["full_name", "aliases"],
            "lawful_basis": "Children Act 1989 s.47",
            "purpose": "Joint disruption planning",
        },
    )
    assert agreed.status_code == 302
    page = a.get(f"/known-elsewhere/shares/{share.pk}/").content.decode()
    shared = page.split('data-testid="shared-details"')[1].split("</dl>")[0]
    assert "Dwayne Okonjo" in shared and "Dee" in shared
    assert "1990" not in shared and "Southwark" not in page  # not chosen: not shown
    # Every step is in both partnerships' audit trails.
    for partnership in (world.partnership_a, world.partnership_b):
        steps = set(
            AuditEvent.objects.filter(
                object_type="known_elsewhere.sharerequest", partnership_id=partnership.pk
            ).values_list("action", flat=True)
        )
        assert {"create", "approved"} <= steps, (partnership, steps)
    # The measure counts what happened (for oversight, through disclosure control there).
    assert matches_found([world.partnership_a.pk]) == {"enquiries": 1, "matches_found": 1, "details_shared": 1}
    assert matches_found([world.partnership_b.pk]) == {"enquiries": 0, "matches_found": 0, "details_shared": 0}
    # A third partnership learns nothing: every page is a 404, like an id that does not exist.
    outsider = client_as("member_b")  # panel B's police member: B, but not a coordinator
    for path in (
        f"/known-elsewhere/shares/{share.pk}/",
        f"/known-elsewhere/matches/{share.match_id}/",
        f"/known-elsewhere/enquiries/{share.match.enquiry_id}/",
    ):
        assert outsider.get(path).status_code == 404
        assert outsider.get(path.replace(str(share.pk), "999999")).status_code == 404


def test_a_declined_request_shows_no_details_and_the_asker_sees_why(world: World, client_as: Any) -> None:
    share, a, b, _ = _flow(world, client_as)
    response = b.post(
        f"/known-elsewhere/shares/{share.pk}/decide/", {"decision": "decline", "decline_reason": "Live operation"}
    )
    assert response.status_code == 302
    page = a.get(f"/known-elsewhere/shares/{share.pk}/").content.decode()
    assert "Live operation" in page and "shared-details" not in page and "Okonjo" not in page
    # Deciding twice is refused, not applied twice.
    again = b.post(f"/known-elsewhere/shares/{share.pk}/decide/", {"decision": "decline", "decline_reason": "x"})
    assert again.status_code == 403


def test_an_agreed_group_can_be_linked_to_a_location_and_the_network_shows_it_held_elsewhere(
    world: World, client_as: Any
) -> None:
    coord_b = coordinator_b(world)
    group = held(world.panel_b, "group", name="Eastside Crew", group_type="street")
    location = held(world.panel_a, "location", name="Acre Lane garages, SW2 5SG", location_type="other")
    a = client_as("coordinator_a")
    response = _ask(a, world, "group", "eastside crew")
    match = Match.objects.get(enquiry_id=int(response["Location"].rstrip("/").split("/")[-1]))
    a.post(f"/known-elsewhere/matches/{match.pk}/request/", {"reason": "Seen at our garages"})
    share = ShareRequest.objects.get(match=match)
    b = sign_in(type(a)(), coord_b)
    b.post(
        f"/known-elsewhere/shares/{share.pk}/decide/",
        {
            "decision": "agree",
            "holder_record": str(group.pk),
            "details": ["name"],
            "lawful_basis": "s.115",
            "purpose": "Disruption",
        },
    )
    assert a.post(f"/known-elsewhere/shares/{share.pk}/link/", {"location": str(location.pk)}).status_code == 302
    before = a.get(f"/register/locations/{location.pk}/network/").content.decode()
    assert "held by Bravo" not in before  # proposed is not agreed
    link = share.cross_link
    assert b.post(f"/known-elsewhere/links/{link.pk}/decide/", {"decision": "agree"}).status_code == 302
    network = a.get(f"/register/locations/{location.pk}/network/").content.decode()
    assert "Group held by Bravo" in network
    theirs = b.get(f"/register/groups/{group.pk}/network/").content.decode()
    assert "Location held by Alpha" in theirs and "Acre Lane" not in theirs
