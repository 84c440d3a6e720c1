"""Take-up figures and their export, the demo library, and clearing abandoned uploads."""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from macehub.audit.models import Action, AuditEvent
from macehub.core.demo import DemoContext
from macehub.core.models import StoredFile
from macehub.library.models import Adoption, LibraryItem, PendingUpload
from tests.factories.library import add_version, pdf, share_item, upload
from tests.factories.personas import World, sign_in


@pytest.fixture(autouse=True)
def _private_uploads(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


def test_take_up_counts_partnerships_versions_and_gaps(world: World) -> None:
    agenda = share_item(actor=world.user("london_team"), owner=None, title="London agenda")
    guide = share_item(actor=world.user("london_team"), owner=None, title="Guide", kind="practice_guide")
    share_item(actor=world.user("chair_a"), owner=world.partnership_a, title="Alpha log", kind="action_log")
    chair = sign_in(Client(), world.user("chair_a"))
    admin_b = sign_in(Client(), world.user("borough_admin_b"))
    chair.post(f"/library/{agenda.pk}/adopt/", {"partnership": world.partnership_a.pk})
    add_version(actor=world.user("london_team"), item=agenda, content=pdf("v2"))
    admin_b.post(f"/library/{agenda.pk}/adopt/", {"partnership": world.partnership_b.pk})
    admin_b.post(f"/library/{guide.pk}/adopt/", {"partnership": world.partnership_b.pk})

    response = sign_in(Client(), world.user("peer_reviewer")).get("/library/take-up/")
    figures = response.context["figures"]
    assert [(i.title, i.used_by, i.on_latest) for i in figures.items] == [
        ("London agenda", 2, 1),
        ("Guide", 1, 1),
        ("Alpha log", 0, 0),
    ]
    assert [(b.label, b.count) for b in figures.bands] == [
        ("Not used by any partnership yet", 1),
        ("Used by 1 partnership", 1),
        ("Used by 2 to 4 partnerships", 1),
        ("Used by 5 or more partnerships", 0),
    ]
    assert [(a.partnership.short_name, a.item.title, a.version.number) for a in figures.outdated] == [
        ("Alpha", "London agenda", 1)
    ]
    assert (figures.partnerships_using, figures.active_partnerships, figures.current_adoptions) == (2, 2, 3)
    html = response.content.decode()
    assert "2 of 2" in html and "Partnerships on an older version" in html


def test_take_up_exports_to_a_spreadsheet_and_the_export_is_audited(world: World) -> None:
    item = share_item(actor=world.user("london_team"), owner=None, title='=HYPERLINK("http://x")')
    assert item.current_version is not None
    Adoption.objects.create(item=item, partnership=world.partnership_a, version=item.current_version)
    response = sign_in(Client(), world.user("member_a")).get("/library/take-up.xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="macehub-library-take-up-')
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Items", "Older versions", "Possible duplicates"]
    items = workbook["Items"]
    assert items["A2"].value == '\'=HYPERLINK("http://x")', "formulas are neutralised"
    assert items["E2"].value == 1
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail__export="library take-up").count() == 1


def test_the_demo_library_has_real_files_versions_adoptions_and_duplicates(db: Any, settings: Any) -> None:
    from macehub.accounts import demo as accounts_demo
    from macehub.library import demo as library_demo
    from macehub.organisations import demo as organisations_demo

    ctx = DemoContext()
    organisations_demo.seed(ctx)
    accounts_demo.seed(ctx)
    library_demo.seed(ctx)
    library_demo.seed(ctx)  # idempotent
    assert LibraryItem.objects.count() == 9

    agenda = LibraryItem.objects.get(title="London MACE meeting agenda template")
    assert agenda.owner is None and agenda.current_version is not None and agenda.current_version.number == 2
    text = "".join(
        page.extract_text() for page in PdfReader(settings.MEDIA_ROOT / agenda.current_version.file.storage_name).pages
    )
    assert "Victims" in text and "Locations" in text
    users = set(agenda.adoptions.filter(ended_at__isnull=True).values_list("partnership__short_name", flat=True))
    assert {"Lambeth", "City and Hackney"} <= users and "Kingston and Richmond" not in users
    assert agenda.adoptions.filter(version__number=1, ended_at__isnull=True).exists(), "someone is behind"

    log = LibraryItem.objects.get(title="Multi-agency action log")
    assert log.current_version is not None
    sheet = load_workbook(io.BytesIO((settings.MEDIA_ROOT / log.current_version.file.storage_name).read_bytes()))[
        "Action log"
    ]
    assert sheet["C1"].value == "Action"

    from macehub.library.duplicates import likely_duplicate_pairs

    reasons = {p.reason for p in likely_duplicate_pairs()}
    assert reasons == {"The same file", "Similar titles"}
    assert StoredFile.objects.count() == 11


def test_uploads_nobody_came_back_for_are_removed(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = sign_in(Client(), world.user("chair_a"))
    client.post("/library/new/", {"title": "", "file": upload("left.pdf", pdf("left")), "no_identifiable_data": "on"})
    pending = PendingUpload.objects.get()
    path = settings.MEDIA_ROOT / pending.file.storage_name
    assert path.exists()
    call_command("library_discard_pending", stdout=io.StringIO())
    assert PendingUpload.objects.exists(), "a fresh upload is kept"
    PendingUpload.objects.filter(pk=pending.pk).update(created_at=timezone.now() - timedelta(days=2))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("library_discard_pending", stdout=out)
    assert "Removed 1 unfinished library upload." in out.getvalue()
    assert not PendingUpload.objects.exists() and not StoredFile.objects.exists()
    assert not path.exists()
    assert AuditEvent.objects.filter(action=Action.DELETE, object_type="core.storedfile").exists()
