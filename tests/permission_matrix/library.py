"""Who may open the library pages.

Any member may browse, search, download and see take-up; people without a role are
refused. Stewards of a partnership (its borough admin and strategic lead, and the chairs
and coordinators of its panels) adopt for it and look after its items; the London project
team looks after London-wide items. The fixture item belongs to partnership A and is used
by partnership A.
"""

from __future__ import annotations

import hashlib

from tests.factories.personas import World, minimal_pdf

from .outcomes import DENIED, NOT_ALLOWED, OK, Case, only, signed_in

#: Stewards of partnership A: they adopt for it and look after its items.
STEWARDS_A = ("coordinator_a", "chair_a", "lead_a", "borough_admin_a")
#: Everyone who may share a new item (for their own partnership, or London-wide).
SHARERS = (*STEWARDS_A, "borough_admin_b", "london_team")
MEMBERS = signed_in(OK, no_roles=DENIED, guest_a=DENIED)  # an invited professional is not a member

PDF = minimal_pdf()
_STORAGE_NAME = "permission-matrix-library-fixture"


def item_of_a(w: World) -> int:
    """An agenda owned by partnership A, with one version (a real file) that A uses."""
    from django.conf import settings

    from macehub.core.models import StoredFile
    from macehub.library.models import Adoption, ItemVersion, Kind, LibraryItem

    existing = LibraryItem.objects.filter(title="Alpha agenda", owner=w.partnership_a).first()
    if existing is not None:
        return existing.pk
    root = settings.MEDIA_ROOT
    root.mkdir(parents=True, exist_ok=True)
    (root / _STORAGE_NAME).write_bytes(PDF)
    stored = StoredFile.objects.create(
        storage_name=_STORAGE_NAME,
        original_name="Alpha agenda.pdf",
        content_type="application/pdf",
        size=len(PDF),
        sha256=hashlib.sha256(PDF).hexdigest(),
        partnership_id=w.partnership_a.pk,
    )
    item = LibraryItem.objects.create(
        title="Alpha agenda", summary="Our VOLT agenda.", kind=Kind.AGENDA, owner=w.partnership_a
    )
    version = ItemVersion.objects.create(item=item, number=1, file=stored, change_note="First version.")
    LibraryItem.objects.filter(pk=item.pk).update(current_version=version)
    Adoption.objects.create(item=item, partnership=w.partnership_a, version=version)
    return item.pk


def adoption_of_a(w: World) -> int:
    from macehub.library.models import Adoption

    return Adoption.objects.get(item_id=item_of_a(w), partnership=w.partnership_a).pk


CASES: dict[str, Case] = {
    "library:index": Case(lambda w: "/library/", MEMBERS),
    "library:take_up": Case(lambda w: "/library/take-up/", MEMBERS),
    "library:take_up_export": Case(lambda w: "/library/take-up.xlsx", MEMBERS),
    "library:item_create": Case(lambda w: "/library/new/", only(SHARERS), post=True),
    "library:item_detail": Case(lambda w: f"/library/{item_of_a(w)}/", MEMBERS),
    "library:item_edit": Case(lambda w: f"/library/{item_of_a(w)}/edit/", only(STEWARDS_A), post=True),
    "library:version_create": Case(
        lambda w: f"/library/{item_of_a(w)}/versions/new/",
        only(STEWARDS_A),
        post=True,
        notes="Partnership B's admin may share items, but not new versions of partnership A's.",
    ),
    "library:version_download": Case(lambda w: f"/library/{item_of_a(w)}/versions/1/download/", MEMBERS),
    "library:adopt": Case(
        lambda w: f"/library/{item_of_a(w)}/adopt/",
        signed_in(NOT_ALLOWED),
        post=True,
        # An empty POST from a steward shows the item again with "Choose the partnership".
        extra={"post_expect": only((*STEWARDS_A, "borough_admin_b"))},
        notes="A POST-only action; the buttons are on the item's page.",
    ),
    "library:end_adoption": Case(
        lambda w: f"/library/adoptions/{adoption_of_a(w)}/stop/",
        only(STEWARDS_A),
        post=True,
        notes="Only partnership A's stewards may say A has stopped using something.",
    ),
}
