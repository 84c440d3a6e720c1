"""Agency contributions before the meeting: sending (or "nothing held"), the coordinator's grid,
the one-click chase, and the pack that gathers them (R23 acknowledgement, audited)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from macehub.audit.models import AuditEvent
from macehub.meetings.models import NOT_ASKED, NOT_SENT, Acknowledgement, Chase, Contribution, ContributionStatus
from macehub.meetings.selectors.contributions import contributions_grid
from macehub.meetings.services import contributions as contribution_services
from tests.factories.meetings import meetings_for
from tests.factories.personas import World

from .subjects.factories import ensure_harm_types, register_for


@pytest.fixture
def m(world: World) -> dict[str, Any]:
    ensure_harm_types()
    return meetings_for(world, register_for(world))


def test_a_school_sends_what_it_knows_in_one_short_form(world: World, client_as: Any, m: dict[str, Any]) -> None:
    client = client_as("member_a_education")
    page = client.get(f"/meetings/{m['planned'].pk}/contribute/").content.decode()
    assert "Alpha Education is asked about 1 item" in page
    item = m["child_item"]
    # Bad input: "we hold information" with nothing written keeps the choice and explains.
    response = client.post(f"/meetings/items/{item.pk}/contribution/", {"status": "submitted", "text": "  "})
    assert response.status_code == 200  # errors shown on the page, like every other form
    assert "Enter what your agency knows, or choose ‘Nothing held’" in response.content.decode()
    response = client.post(
        f"/meetings/items/{item.pk}/contribution/",
        {"status": "submitted", "text": "Attendance 60%; seen with older boys at the gates."},
    )
    assert response.status_code == 302
    contribution = Contribution.objects.get(item=item)
    assert contribution.agency == world.agencies["education_a"]
    assert contribution.submitted_by == world.user("member_a_education")
    assert AuditEvent.objects.filter(action="submit", object_type="meetings.contribution").count() == 1
    # Changing it later needs the version seen, so a colleague's newer text is never overwritten.
    response = client.post(
        f"/meetings/items/{item.pk}/contribution/",
        {"status": "nothing_held", "text": "", "version": contribution.version},
    )
    assert response.status_code == 302
    contribution.refresh_from_db()
    assert contribution.status == ContributionStatus.NOTHING_HELD and contribution.text == ""


def test_nothing_held_with_text_typed_is_an_error_by_the_field_and_keeps_the_text(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    item = m["child_item"]
    client = client_as("member_a_education")
    response = client.post(
        f"/meetings/items/{item.pk}/contribution/",
        {"status": "nothing_held", "text": "Seen at the school gates with older boys."},
    )
    assert response.status_code == 200
    html = response.content.decode()
    message = "You chose ‘Nothing held’ but wrote what your agency knows. Clear the text, or choose that your agency"
    assert "govuk-error-summary" in html and html.count(message) == 2, "in the summary and by the field"
    assert 'id="text-error"' in html or "govuk-error-message" in html
    assert "Seen at the school gates with older boys." in html, "what was typed is kept"
    assert not Contribution.objects.filter(item=item).exists()
    # The service refuses it too, rather than quietly dropping the text.
    with pytest.raises(ValidationError) as caught:
        contribution_services.contribution_save(
            actor=world.user("member_a_education"),
            item=item,
            agency=world.agencies["education_a"],
            status="nothing_held",
            text="Something typed.",
        )
    assert "text" in caught.value.message_dict
    # Nothing held with the box empty (or only spaces) is fine.
    response = client.post(f"/meetings/items/{item.pk}/contribution/", {"status": "nothing_held", "text": "  "})
    assert response.status_code == 302
    assert Contribution.objects.get(item=item).status == ContributionStatus.NOTHING_HELD


def test_a_stale_contribution_edit_shows_both_versions(world: World, client_as: Any, m: dict[str, Any]) -> None:
    item = m["child_item"]
    contribution = contribution_services.contribution_save(
        actor=world.user("member_a"), item=item, agency=world.agencies["police_a"], status="submitted", text="First."
    )
    contribution_services.contribution_save(
        actor=world.user("member_a"),
        item=item,
        agency=world.agencies["police_a"],
        status="submitted",
        text="A colleague's newer text.",
        expected_version=contribution.version,
    )
    response = client_as("member_a").post(
        f"/meetings/items/{item.pk}/contribution/",
        {"status": "submitted", "text": "My text", "version": contribution.version},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "A colleague&#x27;s newer text." in html and "My text" in html


def test_only_agencies_asked_contribute_and_only_for_themselves(world: World, m: dict[str, Any]) -> None:
    item = m["location_item"]
    with pytest.raises(ValidationError):  # education is asked only about the child's item
        contribution_services.contribution_save(
            actor=world.user("coordinator_a"),
            item=item,
            agency=world.agencies["education_a"],
            status="nothing_held",
            text="",
        )
    with pytest.raises(PermissionDenied):  # the police member cannot answer for children's social care
        contribution_services.contribution_save(
            actor=world.user("member_a"), item=item, agency=world.agencies["csc_a"], status="nothing_held", text=""
        )
    # The coordinator records the police's answer after a phone call.
    contribution_services.contribution_save(
        actor=world.user("coordinator_a"), item=item, agency=world.agencies["police_a"], status="nothing_held", text=""
    )
    event = AuditEvent.objects.get(action="submit")
    assert event.detail["on_behalf"] is True


def test_the_grid_shows_item_by_agency_and_chasing_emails_the_missing(
    world: World, client_as: Any, m: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    police, csc, school = world.agencies["police_a"], world.agencies["csc_a"], world.agencies["education_a"]
    contribution_services.contribution_save(
        actor=world.user("member_a"), item=m["child_item"], agency=police, status="submitted", text="Two reports."
    )
    grid = contributions_grid(world.user("chair_a"), m["planned"])
    states = {(row.item.label, agency.name): state for row in grid.rows for agency, state, _ in row.cells}
    assert states[("C-0001", police.name)] == ContributionStatus.SUBMITTED
    assert states[("C-0001", school.name)] == NOT_SENT
    assert states[("L-0001 Northgate bus station", school.name)] == NOT_ASKED
    assert states[("P-0001", csc.name)] == NOT_SENT  # the chair sees persons of concern
    assert grid.totals[police.pk] == (2, 3)
    client = client_as("coordinator_a")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/meetings/{m['planned'].pk}/contributions/chase/", {"agency": school.pk}, follow=True)
    assert "Alpha Education chased: 1 person e-mailed about 1 missing contribution." in response.content.decode()
    assert [e.to for e in mail.outbox] == [["teacher.a@test.invalid"]]
    assert "Jayden" not in mail.outbox[0].body and "C-0001" not in mail.outbox[0].body
    assert AuditEvent.objects.filter(action="remind").count() == 1
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/meetings/{m['planned'].pk}/contributions/chase/")
    chased = set(Chase.objects.values_list("agency__name", flat=True))
    assert chased == {police.name, csc.name, school.name}
    page = client.get(f"/meetings/{m['planned'].pk}/contributions/").content.decode()
    assert "chased" in page


def test_the_pack_asks_for_the_confidentiality_acknowledgement_first_and_is_audited(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    client = client_as("member_a")
    planned = m["planned"]
    response = client.get(f"/meetings/{planned.pk}/pack/")
    assert response.status_code == 302 and "/acknowledge/" in response["Location"]
    response = client.post(f"/meetings/{planned.pk}/acknowledge/", {"next": f"/meetings/{planned.pk}/pack/"})
    assert "Confirm that you will keep the pack confidential" in response.content.decode()
    response = client.post(
        f"/meetings/{planned.pk}/acknowledge/", {"confirm": "on", "next": f"/meetings/{planned.pk}/pack/"}
    )
    assert response["Location"] == f"/meetings/{planned.pk}/pack/"
    assert Acknowledgement.objects.filter(meeting=planned, user=world.user("member_a")).exists()
    page = client.get(f"/meetings/{planned.pk}/pack/").content.decode()
    assert "C-0001" in page and "L-0001" in page
    assert "P-0001" in page  # police may see persons of concern
    assert "Jayden" not in page and "Ashcombe" not in page  # references, never names
    views = AuditEvent.objects.filter(action="view", object_type="meetings.meeting", actor_id=world.user("member_a").pk)
    assert views.filter(detail__page="meeting pack").count() == 1


def test_the_pack_pdf_is_marked_and_leaks_nothing(world: World, client_as: Any, m: dict[str, Any]) -> None:
    from io import BytesIO

    from pypdf import PdfReader

    planned = m["planned"]
    Acknowledgement.objects.create(meeting=planned, user=world.user("member_a_education"))
    response = client_as("member_a_education").get(f"/meetings/{planned.pk}/pack.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = "\n".join(page.extract_text() for page in PdfReader(BytesIO(response.content)).pages)
    assert "OFFICIAL-SENSITIVE" in text
    assert "C-0001" in text
    # Only the child's item: no person of concern (not even as a link), no other strand, no name.
    assert "P-0001" not in text and "Offenders" not in text and "Jayden" not in text
    assert "Locations" not in text
    assert AuditEvent.objects.filter(action="download", detail__page="meeting pack PDF").exists()


def test_context_conferences_refuse_childrens_names_in_contributions(world: World, m: dict[str, Any]) -> None:
    from macehub.meetings.models import Meeting, MeetingType

    Meeting.objects.filter(pk=m["planned"].pk).update(meeting_type=MeetingType.CONTEXT)
    item = type(m["location_item"]).objects.select_related("meeting", "meeting__panel").get(pk=m["location_item"].pk)
    with pytest.raises(ValidationError) as exc:
        contribution_services.contribution_save(
            actor=world.user("member_a"),
            item=item,
            agency=world.agencies["police_a"],
            status="submitted",
            text="Jayden Ashcombe was seen at the bus station on Friday.",
        )
    assert "does not name children" in str(exc.value) and "C-0001" in str(exc.value)
    assert timezone.now()


def test_the_home_page_says_what_is_missing_before_the_meeting(world: World, client_as: Any, m: dict[str, Any]) -> None:
    school = client_as("member_a_education").get("/").content.decode()
    assert "Your agency has 1 contribution to send" in school
    coordinator = client_as("coordinator_a").get("/").content.decode()
    # Police and children's social care on C-0001 and L-0001 (the person of concern is hidden from
    # the coordinator), and the school on C-0001: five asked, none sent.
    assert "5 of 5 contributions not sent" in coordinator


def test_the_pack_and_the_items_contribution_page_show_the_same_contributions(
    world: World, client_as: Any, m: dict[str, Any]
) -> None:
    """One rule (``meetings.contribution``) for both pages: a professional invited for one item
    reads every agency's contribution to that item on the pack and on the item's own page alike,
    and nothing sent about an item they are not invited for on either."""
    planned, child_item, location_item = m["planned"], m["child_item"], m["location_item"]
    coordinator = world.user("coordinator_a")
    for item, text in (
        (child_item, "Police saw him at the station twice."),
        (location_item, "Police patrol the park."),
    ):
        contribution_services.contribution_save(
            actor=coordinator, item=item, agency=world.agencies["police_a"], status="submitted", text=text
        )
    Acknowledgement.objects.create(meeting=planned, user=world.user("member_a_education"))
    client = client_as("member_a_education")  # invited for the child's item only
    pack = client.get(f"/meetings/{planned.pk}/pack/").content.decode()
    item_page = client.get(f"/meetings/items/{child_item.pk}/contribution/").content.decode()
    for page in (pack, item_page):
        assert "Police saw him at the station twice." in page
        assert "Police patrol the park." not in page
    # The item they are not invited for is not theirs to open either.
    assert client.get(f"/meetings/items/{location_item.pk}/contribution/").status_code == 404
    # Counted by hand: the two contributions, of which the education member may read one.
    from macehub.meetings.policies import contribution_records

    education = world.user("member_a_education")
    readable = [c for c in Contribution.objects.all() if contribution_records.can(education, "view", c)]
    assert [c.item_id for c in readable] == [child_item.pk]
