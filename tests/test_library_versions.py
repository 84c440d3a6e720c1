"""New versions, changing details (optimistic locking), and downloads of every version."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from macehub.audit.models import Action, AuditEvent
from macehub.library.models import ItemVersion, LibraryItem, PendingUpload
from tests.factories.library import add_version, pdf, share_item, upload
from tests.factories.personas import World, sign_in


@pytest.fixture(autouse=True)
def _private_uploads(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def item(world: World) -> LibraryItem:
    return share_item(actor=world.user("chair_a"), owner=world.partnership_a, title="Alpha agenda", content=pdf("v1"))


def test_a_new_version_becomes_the_latest_and_the_old_one_stays_downloadable(world: World, item: LibraryItem) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    page = client.get(f"/library/{item.pk}/versions/new/").content.decode()
    assert "It will become version 2" in page
    response = client.post(
        f"/library/{item.pk}/versions/new/",
        {
            "file": upload("Alpha agenda v2.pdf", pdf("v2")),
            "change_note": "Added VOLT sections.",
            "no_identifiable_data": "on",
            "version": item.version,
        },
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.current_version is not None and item.current_version.number == 2
    assert item.version == 2
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="library.itemversion")
    assert event.detail["version"] == 2 and event.partnership_id == world.partnership_a.pk
    reader = sign_in(Client(), world.user("member_b"))
    for number, text in [(1, "v1"), (2, "v2")]:
        download = reader.get(f"/library/{item.pk}/versions/{number}/download/")
        assert b"".join(download.streaming_content) == pdf(text)
    detail = reader.get(f"/library/{item.pk}/").content.decode()
    assert "Added VOLT sections." in detail and "2 (latest)" in detail


def test_a_new_version_needs_a_file_a_note_and_the_confirmation(world: World, item: LibraryItem) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    html = client.post(f"/library/{item.pk}/versions/new/", {"version": item.version}).content.decode()
    for message in [
        "Choose a file to upload",
        "Enter what has changed in this version",
        "Confirm the file contains no details that could identify a child or family",
    ]:
        assert message in html
    assert ItemVersion.objects.count() == 1


def test_the_same_file_again_is_not_a_new_version(world: World, item: LibraryItem) -> None:
    client = sign_in(Client(), world.user("coordinator_a"))
    html = client.post(
        f"/library/{item.pk}/versions/new/",
        {
            "file": upload("again.pdf", pdf("v1")),
            "change_note": "Nothing really.",
            "no_identifiable_data": "on",
            "version": item.version,
        },
    ).content.decode()
    assert "This file is the same as version 1. Choose the changed file." in html
    assert ItemVersion.objects.count() == 1


def test_a_version_uploaded_from_a_stale_page_is_not_lost_and_not_saved(world: World, item: LibraryItem) -> None:
    opened_at = item.version
    add_version(actor=world.user("lead_a"), item=item, content=pdf("someone else's v2"), note="Lead's changes.")
    client = sign_in(Client(), world.user("coordinator_a"))
    stale = client.post(
        f"/library/{item.pk}/versions/new/",
        {
            "file": upload("mine.pdf", pdf("mine")),
            "change_note": "My changes.",
            "no_identifiable_data": "on",
            "version": opened_at,
        },
    )
    html = stale.content.decode()
    assert stale.status_code == 409
    assert "Someone else saved changes to this while you were editing it." in html
    assert "My changes." in html and "mine.pdf" in html, "the note and the file are kept"
    assert "The latest version is now version 2: Lead&#x27;s changes." in html
    assert ItemVersion.objects.count() == 2
    pending = PendingUpload.objects.get(created_by=world.user("coordinator_a"))
    again = client.post(
        f"/library/{item.pk}/versions/new/",
        {
            "pending_upload": pending.pk,
            "change_note": "My changes.",
            "no_identifiable_data": "on",
            "version": LibraryItem.objects.get(pk=item.pk).version,
        },
    )
    assert again.status_code == 302
    assert LibraryItem.objects.get(pk=item.pk).current_version.number == 3


def _details(**overrides: Any) -> dict[str, Any]:
    return {
        "title": "Alpha VOLT agenda",
        "kind": "agenda",
        "summary": "Now with time boxes.",
        "tags": "VOLT",
        "protocol_clauses": "",
        "licence": "cc_by_4",
        **overrides,
    }


def test_changing_details_is_audited(world: World, item: LibraryItem) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    assert 'value="Alpha agenda"' in client.get(f"/library/{item.pk}/edit/").content.decode()
    response = client.post(f"/library/{item.pk}/edit/", {**_details(), "version": item.version})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title, item.licence, item.version) == ("Alpha VOLT agenda", "cc_by_4", 2)
    assert [t.name for t in item.tags.all()] == ["VOLT"]
    event = AuditEvent.objects.get(action=Action.UPDATE, object_type="library.libraryitem")
    assert event.changes["title"] == ["Alpha agenda", "Alpha VOLT agenda"]
    assert event.changes["tags"] == [[], ["VOLT"]]


def test_a_stale_details_form_does_not_overwrite_someone_elses_change(world: World, item: LibraryItem) -> None:
    first = sign_in(Client(), world.user("borough_admin_a"))
    second = sign_in(Client(), world.user("chair_a"))
    opened_at = item.version
    assert first.post(f"/library/{item.pk}/edit/", {**_details(title="First"), "version": opened_at}).status_code == 302
    stale = second.post(f"/library/{item.pk}/edit/", {**_details(title="Second"), "version": opened_at})
    html = stale.content.decode()
    assert stale.status_code == 409
    assert 'value="Second"' in html and "First" in html
    assert LibraryItem.objects.get(pk=item.pk).title == "First"
    version = LibraryItem.objects.get(pk=item.pk).version
    assert second.post(f"/library/{item.pk}/edit/", {**_details(title="Second"), "version": version}).status_code == 302
    assert LibraryItem.objects.get(pk=item.pk).title == "Second"


def test_bad_details_are_explained_and_kept(world: World, item: LibraryItem) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    html = client.post(
        f"/library/{item.pk}/edit/", {**_details(title="", kind="nonsense"), "version": item.version}
    ).content.decode()
    assert "Enter a title" in html and "Select a valid choice" in html and "Now with time boxes." in html
    assert LibraryItem.objects.get(pk=item.pk).title == "Alpha agenda"


def test_the_owner_cannot_be_changed_through_the_details_form(world: World, item: LibraryItem) -> None:
    client = sign_in(Client(), world.user("borough_admin_a"))
    client.post(f"/library/{item.pk}/edit/", {**_details(), "version": item.version, "owner": world.partnership_b.pk})
    assert LibraryItem.objects.get(pk=item.pk).owner == world.partnership_a


def test_only_the_owners_stewards_look_after_an_item(world: World, item: LibraryItem) -> None:
    for persona in ["borough_admin_b", "london_team", "member_a", "analyst_a"]:
        client = sign_in(Client(), world.user(persona))
        assert client.get(f"/library/{item.pk}/edit/").status_code == 403
        assert client.get(f"/library/{item.pk}/").status_code == 200
        assert "Look after this item" not in client.get(f"/library/{item.pk}/").content.decode()
    london_item = share_item(actor=world.user("london_team"), owner=None, title="London guide", kind="practice_guide")
    assert sign_in(Client(), world.user("borough_admin_a")).get(f"/library/{london_item.pk}/edit/").status_code == 403
    assert sign_in(Client(), world.user("london_team")).get(f"/library/{london_item.pk}/edit/").status_code == 200


def test_downloads_are_attachments_permission_checked_and_audited(world: World, item: LibraryItem) -> None:
    client = sign_in(Client(), world.user("peer_reviewer"))
    response = client.get(f"/library/{item.pk}/versions/1/download/")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Alpha agenda.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(action=Action.DOWNLOAD)
    assert event.object_type == "library.itemversion" and event.partnership_id == world.partnership_a.pk
    assert event.actor_label == "reviewer@test.invalid"
    assert client.get(f"/library/{item.pk}/versions/2/download/").status_code == 404
    assert client.get(f"/library/{item.pk + 99}/versions/1/download/").status_code == 404
    assert sign_in(Client(), world.user("no_roles")).get(f"/library/{item.pk}/versions/1/download/").status_code == 403
    assert AuditEvent.objects.filter(action=Action.DOWNLOAD).count() == 1
