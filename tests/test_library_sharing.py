"""Sharing an item: the form, its checks, where the file goes, and the audit trail."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from macehub.audit.models import Action, AuditEvent
from macehub.core.models import StoredFile
from macehub.library.models import ItemVersion, LibraryItem, PendingUpload, ProtocolArea
from tests.factories.library import pdf, upload
from tests.factories.personas import World, sign_in


@pytest.fixture(autouse=True)
def _private_uploads(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def form(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "owner": str(world.partnership_a.pk),
        "title": "Alpha MACE agenda",
        "kind": "agenda",
        "summary": "Our VOLT agenda with time boxes.",
        "change_note": "",
        "tags": "VOLT, agenda, volt",
        "protocol_areas": [ProtocolArea.objects.get(code="agenda").pk, ProtocolArea.objects.get(code="volt").pk],
        "protocol_clauses": "Section 5",
        "licence": "ogl_3",
        "no_identifiable_data": "on",
        "action": "share",
        **overrides,
    }


def test_a_coordinator_shares_an_item_stored_privately_and_audited(world: World, settings: Any) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    content = pdf("alpha agenda")
    response = client.post("/library/new/", {**form(world), "file": upload("Alpha agenda.pdf", content)})
    item = LibraryItem.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/library/{item.pk}/"
    assert (item.owner, item.title, item.kind, item.licence) == (
        world.partnership_a,
        "Alpha MACE agenda",
        "agenda",
        "ogl_3",
    )
    assert sorted(t.name for t in item.tags.all()) == ["VOLT", "agenda"], "tags are de-duplicated whatever their case"
    assert sorted(a.code for a in item.protocol_areas.all()) == ["agenda", "volt"]
    version = item.current_version
    assert version is not None and version.number == 1 and version.change_note == "First version"
    stored = version.file
    assert stored.original_name == "Alpha agenda.pdf" and stored.content_type == "application/pdf"
    assert stored.storage_name != "Alpha agenda.pdf" and len(stored.storage_name) == 48
    assert (settings.MEDIA_ROOT / stored.storage_name).read_bytes() == content
    assert stored.partnership_id == world.partnership_a.pk
    assert not PendingUpload.objects.exists(), "the kept upload became the version"
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="library.libraryitem")
    assert event.partnership_id == world.partnership_a.pk
    assert event.detail["sha256"] == stored.sha256 and event.detail["file"] == "Alpha agenda.pdf"
    assert event.changes["owner"] == "Alpha"
    page = client.get(f"/library/{item.pk}/").content.decode()
    assert "Alpha MACE agenda" in page and "Download the latest version" in page


def test_an_empty_form_says_what_to_do_for_each_field(world: World) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    response = client.post("/library/new/", {"action": "share"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    for message in [
        "Choose who it belongs to",
        "Enter a title",
        "Choose the type of document",
        "Enter a description",
        "Choose a file to upload",
        "Confirm the file contains no details that could identify a child or family",
        "Choose how others may reuse it",
    ]:
        assert message in html, message
    assert not LibraryItem.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("agenda.pdf", b"<html><script>alert(1)</script></html>", "not really a PDF file"),
        ("agenda.php", b"<?php echo 1; ?>", "The selected file must be a"),
        ("agenda.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "must be a"),
        ("agenda.pdf", b"", "The selected file is empty"),
    ],
)
def test_files_of_the_wrong_type_are_refused_and_what_was_typed_is_kept(
    world: World, name: str, content: bytes, message: str
) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    response = client.post("/library/new/", {**form(world), "file": upload(name, content)})
    html = response.content.decode()
    assert message in html
    assert 'value="Alpha MACE agenda"' in html and "Our VOLT agenda with time boxes." in html
    assert not LibraryItem.objects.exists() and not StoredFile.objects.exists()


def test_a_file_that_is_too_big_is_refused(world: World, settings: Any) -> None:
    settings.MACEHUB_MAX_UPLOAD_BYTES = 1024
    client = sign_in(Client(), world.user("coordinator_a"))
    response = client.post("/library/new/", {**form(world), "file": upload("big.pdf", pdf("x" * 2048))})
    assert "The selected file must be smaller than 1 KB." in response.content.decode()
    assert not StoredFile.objects.exists()


def test_a_good_file_is_kept_while_the_rest_of_the_form_is_corrected(world: World) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    first = client.post("/library/new/", {**form(world, title=""), "file": upload("Agenda.pdf", pdf("kept"))})
    html = first.content.decode()
    assert "Enter a title" in html and "It has been kept" in html and "Agenda.pdf" in html
    pending = PendingUpload.objects.get()
    assert f'name="pending_upload" value="{pending.pk}"' in html
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="library.pendingupload").exists()
    # Someone else cannot use that file by guessing its number.
    other = sign_in(Client(), world.user("lead_a"))
    refused = other.post("/library/new/", form(world, pending_upload=str(pending.pk)))
    assert "Choose a file to upload" in refused.content.decode()
    # The person who chose it sends the form again without choosing the file again.
    done = client.post("/library/new/", form(world, pending_upload=str(pending.pk)))
    assert done.status_code == 302
    item = LibraryItem.objects.get()
    assert item.current_version is not None and item.current_version.file_id == pending.file_id
    # Sending the same form twice (a double click) does not create a second item.
    again = client.post(
        "/library/new/", form(world, pending_upload=str(pending.pk), acknowledged_duplicates=str(item.pk))
    )
    assert "Choose a file to upload" in again.content.decode()
    assert LibraryItem.objects.count() == 1


def test_people_share_only_as_partnerships_they_speak_for(world: World) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    response = client.post(
        "/library/new/", {**form(world, owner=str(world.partnership_b.pk)), "file": upload("a.pdf", pdf("b"))}
    )
    assert "Select a valid choice" in response.content.decode()
    response = client.post("/library/new/", {**form(world, owner="london"), "file": upload("a.pdf", pdf("c"))})
    assert "Select a valid choice" in response.content.decode()
    assert not LibraryItem.objects.exists()
    london = sign_in(Client(), world.user("london_team"))
    page = london.get("/library/new/").content.decode()
    assert "London-wide (the London project team)" in page and "Alpha" not in page.split("Who it belongs to")[1][:400]
    response = london.post("/library/new/", {**form(world, owner="london"), "file": upload("l.pdf", pdf("london"))})
    assert response.status_code == 302
    assert LibraryItem.objects.get().owner is None


def test_fields_that_are_not_on_the_form_cannot_be_set(world: World) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    client.post(
        "/library/new/",
        {**form(world), "file": upload("a.pdf", pdf("a")), "version": "99", "created_by": world.user("london_team").pk},
    )
    item = LibraryItem.objects.get()
    assert item.version == 1 and item.created_by == world.user("coordinator_a")
    assert ItemVersion.objects.get().created_by == world.user("coordinator_a")


@pytest.mark.parametrize("persona", ["member_a", "analyst_a", "peer_reviewer", "system_admin", "no_roles"])
def test_people_who_do_not_speak_for_a_partnership_cannot_share(world: World, persona: str) -> None:
    client = sign_in(Client(), world.user(persona))
    response = client.post("/library/new/", {**form(world), "file": upload("a.pdf", pdf("a"))})
    assert response.status_code == 403
    assert not StoredFile.objects.exists() and not LibraryItem.objects.exists()


def test_tags_are_limited_in_number_and_length(world: World) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    many = ", ".join(f"tag{i}" for i in range(11))
    html = client.post("/library/new/", form(world, tags=many)).content.decode()
    assert "Enter 10 tags or fewer" in html
    html = client.post("/library/new/", form(world, tags="x" * 41)).content.decode()
    assert "Each tag must be 40 characters or fewer" in html
