"""The duplicate warning when sharing, and duplicate pairs on the take-up page."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from macehub.audit.models import Action, AuditEvent
from macehub.library.duplicates import key_words, likely_duplicate_pairs, similar
from macehub.library.models import ItemVersion, LibraryItem, PendingUpload
from tests.factories.library import pdf, share_item, upload
from tests.factories.personas import World, sign_in


@pytest.fixture(autouse=True)
def _private_uploads(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("London MACE meeting agenda template v2", "Agenda", True),
        ("MACE terms of reference", "Terms of reference for the Ealing MACE panel", True),
        ("Exploitation screening tool", "Child exploitation screening tool", True),
        ("Exploitation screening tool", "Exploitaton screening tool", True),
        ("Multi-agency action log", "Action log (final)", True),
        ("Referral form", "Return home interview form", False),
        ("Strategic board agenda", "Agenda", False),
        ("Template", "Template", False),
    ],
)
def test_titles_that_say_the_same_thing_are_similar(a: str, b: str, expected: bool) -> None:
    assert similar(key_words(a, frozenset({"ealing"})), key_words(b, frozenset({"ealing"}))) is expected


def _form(world: World, **overrides: Any) -> dict[str, Any]:
    return {
        "owner": str(world.partnership_b.pk),
        "title": "Bravo panel agenda",
        "kind": "agenda",
        "summary": "Our agenda.",
        "licence": "london_mace",
        "no_identifiable_data": "on",
        "action": "share",
        **overrides,
    }


def _hidden_inputs(html: str) -> dict[str, list[str]]:
    """The values the warning page sends back when the person goes ahead."""
    form = html.split('<form method="post"', 2)[-1]
    values: dict[str, list[str]] = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form):
        values.setdefault(name, []).append(value.replace("&#x27;", "'").replace("&amp;", "&"))
    return values


def test_the_same_file_is_flagged_and_the_person_can_go_ahead_deliberately(world: World) -> None:
    existing = share_item(
        actor=world.user("chair_a"), owner=world.partnership_a, title="Alpha agenda", content=pdf("shared")
    )
    client = sign_in(Client(), world.user("borough_admin_b"))
    response = client.post(
        "/library/new/",
        {**_form(world, kind="practice_guide", title="Guide"), "file": upload("copy.pdf", pdf("shared"))},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "This may already be in the library" in html
    assert "Open Alpha agenda" in html and "exactly the same file as version 1" in html
    assert "Upload your file as a new version" not in html, "Bravo's admin does not look after Alpha's item"
    assert LibraryItem.objects.count() == 1 and PendingUpload.objects.count() == 1

    resubmit = _hidden_inputs(html)
    assert resubmit["acknowledged_duplicates"] == [str(existing.pk)]
    done = client.post("/library/new/", {**resubmit, "action": "share"})
    assert done.status_code == 302
    created = LibraryItem.objects.exclude(pk=existing.pk).get()
    assert created.title == "Guide" and created.owner == world.partnership_b
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="library.libraryitem", object_id=str(created.pk))
    assert event.detail["possible_duplicates_acknowledged"] == [existing.pk]


def test_a_similar_title_of_the_same_type_is_flagged_but_not_of_another_type(world: World) -> None:
    share_item(actor=world.user("london_team"), owner=None, title="London MACE meeting agenda template")
    client = sign_in(Client(), world.user("borough_admin_b"))
    html = client.post(
        "/library/new/", {**_form(world, title="Bravo MACE agenda"), "file": upload("b.pdf", pdf("b"))}
    ).content.decode()
    assert "This may already be in the library" in html and "a similar title" in html
    other_type = client.post(
        "/library/new/",
        {**_form(world, title="Bravo MACE agenda", kind="training"), "file": upload("c.pdf", pdf("c"))},
    )
    assert other_type.status_code == 302


def test_a_similar_file_name_is_flagged(world: World) -> None:
    share_item(
        actor=world.user("chair_a"),
        owner=world.partnership_a,
        title="Alpha screening questions",
        kind="screening_tool",
        filename="CE_screening_tool_v3.pdf",
    )
    html = (
        sign_in(Client(), world.user("borough_admin_b"))
        .post(
            "/library/new/",
            {
                **_form(world, title="Bravo indicators", kind="screening_tool"),
                "file": upload("ce-screening-tool.pdf", pdf("x")),
            },
        )
        .content.decode()
    )
    assert "a similar file name" in html


def test_changing_the_details_from_the_warning_keeps_everything(world: World) -> None:
    share_item(actor=world.user("london_team"), owner=None, title="MACE agenda")
    client = sign_in(Client(), world.user("borough_admin_b"))
    warning = client.post(
        "/library/new/", {**_form(world, title="Agenda", tags="VOLT"), "file": upload("b.pdf", pdf("b"))}
    ).content.decode()
    back = client.post("/library/new/", {**_hidden_inputs(warning), "action": "change"}).content.decode()
    assert "Share an item in the library" in back
    assert 'value="Agenda"' in back and 'value="VOLT"' in back and "It has been kept" in back
    assert "There is a problem" not in back


def test_the_file_can_become_a_new_version_of_the_existing_item_instead(world: World) -> None:
    existing = share_item(actor=world.user("chair_a"), owner=world.partnership_a, title="Alpha MACE agenda")
    client = sign_in(Client(), world.user("coordinator_a"))
    warning = client.post(
        "/library/new/",
        {
            **_form(world, owner=str(world.partnership_a.pk), title="Alpha agenda 2025"),
            "file": upload("n.pdf", pdf("n")),
        },
    ).content.decode()
    link = re.search(r'href="(/library/\d+/versions/new/\?upload=\d+)"', warning)
    assert link is not None
    page = client.get(link.group(1)).content.decode()
    assert "It has been kept" in page and "n.pdf" in page
    pending = PendingUpload.objects.get()
    response = client.post(
        f"/library/{existing.pk}/versions/new/",
        {
            "pending_upload": pending.pk,
            "change_note": "The 2025 agenda.",
            "no_identifiable_data": "on",
            "version": existing.version,
        },
    )
    assert response.status_code == 302
    assert LibraryItem.objects.count() == 1
    assert ItemVersion.objects.get(item=existing, number=2).file_id == pending.file_id


def test_a_new_version_that_is_another_items_file_is_flagged(world: World) -> None:
    share_item(
        actor=world.user("london_team"), owner=None, title="London guide", kind="practice_guide", content=pdf("g")
    )
    mine = share_item(actor=world.user("chair_a"), owner=world.partnership_a, title="Alpha agenda")
    client = sign_in(Client(), world.user("chair_a"))
    html = client.post(
        f"/library/{mine.pk}/versions/new/",
        {"file": upload("g.pdf", pdf("g")), "change_note": "x", "no_identifiable_data": "on", "version": mine.version},
    ).content.decode()
    assert "This may already be in the library" in html and "Open London guide" in html
    assert "Upload it as a new version anyway" in html
    done = client.post(f"/library/{mine.pk}/versions/new/", {**_hidden_inputs(html), "action": "share"})
    assert done.status_code == 302


def test_pairs_of_likely_duplicates_are_listed(world: World) -> None:
    a = share_item(
        actor=world.user("chair_a"),
        owner=world.partnership_a,
        title="Exploitation screening tool",
        kind="screening_tool",
    )
    b = share_item(
        actor=world.user("borough_admin_b"),
        owner=world.partnership_b,
        title="Child exploitation screening tool",
        kind="screening_tool",
    )
    c = share_item(
        actor=world.user("london_team"),
        owner=None,
        title="Terms of reference",
        kind="terms_of_reference",
        content=pdf("tor"),
    )
    d = share_item(
        actor=world.user("chair_a"),
        owner=world.partnership_a,
        title="Alpha panel ToR",
        kind="terms_of_reference",
        content=pdf("tor"),
    )
    share_item(actor=world.user("chair_a"), owner=world.partnership_a, title="Action log", kind="action_log")
    pairs = {(p.first.pk, p.second.pk): p.reason for p in likely_duplicate_pairs()}
    assert pairs == {(c.pk, d.pk): "The same file", (a.pk, b.pk): "Similar titles"}
    page = sign_in(Client(), world.user("member_b")).get("/library/take-up/").content.decode()
    assert "The same file" in page and "Similar titles" in page
