"""The library in a real browser: share a real PDF, adopt it, download it, and meet the
duplicate warning; axe-core on every library page type."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from tests.factories.personas import World

from .conftest import assert_accessible, sign_in_as


@pytest.fixture(autouse=True)
def _library_ready(settings: Any, tmp_path: Path, live_world: World) -> None:
    from macehub.library.models import ProtocolArea
    from macehub.library.reference import load_protocol_areas

    settings.MEDIA_ROOT = tmp_path / "uploads"
    load_protocol_areas(ProtocolArea)  # a browser test's flush empties reference tables


@pytest.fixture
def agenda_pdf(tmp_path: Path) -> Path:
    from macehub.core.pdf import render_pdf

    path = tmp_path / "Alpha MACE agenda.pdf"
    path.write_bytes(
        render_pdf(
            "library/demo/document.html",
            {
                "title": "Alpha MACE agenda",
                "owner": "Alpha",
                "version": 1,
                "date": "March 2025",
                "licence": "Free to use",
                "sections": [{"heading": "1. Victims", "paragraphs": ["New referrals first."]}],
            },
        )
    )
    return path


def _share(page: Any, *, title: str, file: Path) -> None:
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("Type", exact=True).select_option(label="Agenda template")
    page.get_by_label("Description").fill("Our VOLT agenda with time boxes.")
    page.get_by_label("Upload a file").set_input_files(str(file))
    page.get_by_label("Tags (optional)").fill("VOLT, agenda")
    page.get_by_label("Meeting organisation and agenda").check()
    page.get_by_label("I confirm this file contains no names").check()
    page.get_by_role("button", name="Share it").click()


def test_share_adopt_download_and_the_duplicate_warning(
    live_server: Any, live_world: World, new_page: Any, agenda_pdf: Path
) -> None:
    base = live_server.url

    # 1. A panel chair in partnership A shares their agenda.
    chair = new_page()
    sign_in_as(chair, base, "chair.a@test.invalid")
    chair.get_by_role("link", name="Library").first.click()
    expect(chair.get_by_role("heading", name="Tools and templates library")).to_be_visible()
    assert_accessible(chair, "library-index-empty")
    chair.get_by_role("link", name="Share an item").click()
    assert_accessible(chair, "library-share")
    chair.get_by_role("button", name="Share it").click()
    expect(chair.get_by_role("alert").get_by_text("There is a problem")).to_be_visible()
    expect(chair.get_by_role("link", name="Enter a title")).to_be_visible()
    assert_accessible(chair, "library-share-with-errors")
    _share(chair, title="Alpha MACE agenda", file=agenda_pdf)
    expect(chair.get_by_role("heading", name="Alpha MACE agenda")).to_be_visible()
    expect(chair.get_by_text("Alpha MACE agenda is now in the library.")).to_be_visible()
    assert_accessible(chair, "library-item")

    # 2. They adopt it for their partnership.
    chair.get_by_role("button", name="Adopt for Alpha").click()
    expect(chair.get_by_text("Alpha now uses version 1 of Alpha MACE agenda.")).to_be_visible()
    expect(chair.get_by_text("Used by 1 partnership; 1 on the latest version.")).to_be_visible()
    item_url = chair.url

    # 3. A panel member in partnership B finds it by searching and downloads it.
    reader = new_page()
    sign_in_as(reader, base, "member.b@test.invalid")
    reader.goto(f"{base}/library/")
    reader.get_by_label("Search the library").fill("volt agenda")
    reader.get_by_role("button", name="Search").click()
    expect(reader.get_by_role("heading", name="1 item found")).to_be_visible()
    assert_accessible(reader, "library-search-results")
    reader.get_by_role("link", name="Alpha MACE agenda").click()
    expect(reader.get_by_role("heading", name="Who uses it")).to_be_visible()
    expect(reader.get_by_role("button", name=re.compile("Adopt"))).to_have_count(0)
    with reader.expect_download() as info:
        reader.get_by_role("link", name="Download the latest version").click()
    download = info.value
    assert download.suggested_filename == "Alpha MACE agenda.pdf"
    assert Path(download.path()).read_bytes() == agenda_pdf.read_bytes()

    # 4. Partnership B's admin tries to share the same file under another name.
    admin_b = new_page()
    sign_in_as(admin_b, base, "admin.b@test.invalid")
    admin_b.goto(f"{base}/library/new/")
    _share(admin_b, title="Bravo meeting plan", file=agenda_pdf)
    expect(admin_b.get_by_role("heading", name="This may already be in the library")).to_be_visible()
    expect(admin_b.get_by_text("exactly the same file as version 1")).to_be_visible()
    expect(admin_b.get_by_role("link", name="Open Alpha MACE agenda")).to_be_visible()
    assert_accessible(admin_b, "library-duplicate-warning")
    # The warning links to the existing item; they decide to go ahead deliberately.
    link = admin_b.get_by_role("link", name="Open Alpha MACE agenda").get_attribute("href")
    assert item_url.endswith(str(link))
    admin_b.get_by_role("button", name="Share it as a new item anyway").click()
    expect(admin_b.get_by_text("Bravo meeting plan is now in the library.")).to_be_visible()

    # 5. The take-up page shows the pair.
    admin_b.goto(f"{base}/library/take-up/")
    expect(admin_b.get_by_role("cell", name="The same file")).to_be_visible()
    assert_accessible(admin_b, "library-take-up")

    from macehub.audit.models import Action, AuditEvent

    assert AuditEvent.objects.filter(action=Action.DOWNLOAD, object_type="library.itemversion").count() == 1
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="library.adoption").count() == 1
    assert AuditEvent.objects.filter(action=Action.CREATE, object_type="library.libraryitem").count() == 2


def test_looking_after_an_item_pages_are_accessible(
    live_server: Any, live_world: World, new_page: Any, agenda_pdf: Path
) -> None:
    from macehub.library.models import Adoption
    from tests.factories.library import share_item

    item = share_item(
        actor=live_world.user("chair_a"),
        owner=live_world.partnership_a,
        title="Alpha MACE agenda",
        content=agenda_pdf.read_bytes(),
    )
    assert item.current_version is not None
    adoption = Adoption.objects.create(item=item, partnership=live_world.partnership_a, version=item.current_version)
    base = live_server.url
    page = new_page()
    sign_in_as(page, base, "coordinator.a@test.invalid")
    page.goto(f"{base}/library/{item.pk}/")
    page.get_by_role("link", name="Upload a new version").click()
    assert_accessible(page, "library-new-version")
    page.get_by_role("button", name="Upload the new version").click()
    expect(page.get_by_role("link", name="Enter what has changed in this version")).to_be_visible()
    assert_accessible(page, "library-new-version-with-errors")
    page.goto(f"{base}/library/{item.pk}/edit/")
    assert_accessible(page, "library-edit")
    page.goto(f"{base}/library/adoptions/{adoption.pk}/stop/")
    assert_accessible(page, "library-stop-using")
    page.get_by_role("button", name="Stop using it").click()
    expect(page.get_by_text("Alpha no longer uses Alpha MACE agenda.")).to_be_visible()
    page.goto(f"{base}/")
    expect(page.get_by_role("heading", name="Tools and templates library")).to_be_visible()
    assert_accessible(page, "home-with-library")
