"""Browsing and searching the library, and fixed query budgets for its pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from macehub.library.models import Adoption, LibraryItem, ProtocolArea
from tests.factories.library import add_version, pdf, share_item
from tests.factories.personas import World, sign_in


@pytest.fixture(autouse=True)
def _private_uploads(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "uploads"


@pytest.fixture
def library(world: World) -> dict[str, LibraryItem]:
    areas = {a.code: a for a in ProtocolArea.objects.all()}
    return {
        "agenda": share_item(
            actor=world.user("london_team"),
            owner=None,
            title="London MACE meeting agenda",
            summary="A VOLT agenda with time boxes.",
            tags=["VOLT", "chairing"],
            areas=[areas["agenda"], areas["volt"]],
        ),
        "referral": share_item(
            actor=world.user("chair_a"),
            owner=world.partnership_a,
            title="Alpha referral form",
            kind="referral_form",
            summary="How professionals refer a child at risk of exploitation.",
            tags=["referral"],
            areas=[areas["referral"]],
        ),
        "guide": share_item(
            actor=world.user("borough_admin_b"),
            owner=world.partnership_b,
            title="Child-first language",
            kind="practice_guide",
            summary="Children are victims, never complicit.",
            tags=["language"],
            areas=[areas["practice"]],
        ),
    }


def _titles(client: Client, query: str = "") -> list[str]:
    response = client.get(f"/library/{query}")
    assert response.status_code == 200
    return [item.title for item in response.context["page"]]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["Alpha referral form", "Child-first language", "London MACE meeting agenda"]),
        ("?q=agenda", ["London MACE meeting agenda"]),
        ("?q=time+boxes", ["London MACE meeting agenda"]),
        ("?q=volt", ["London MACE meeting agenda"]),
        ("?q=practice+guide", ["Child-first language"]),
        ("?q=child", ["Alpha referral form", "Child-first language"]),
        ("?q=child+victims", ["Child-first language"]),
        ("?q=nothing+matches+this", []),
        ("?kind=referral_form", ["Alpha referral form"]),
        ("?tag=chairing", ["London MACE meeting agenda"]),
        ("?area=practice", ["Child-first language"]),
        ("?owner=london", ["London MACE meeting agenda"]),
        ("?q=%25", []),
    ],
)
def test_search_finds_items_by_title_description_tag_and_type(
    world: World, library: dict[str, LibraryItem], query: str, expected: list[str]
) -> None:
    client = sign_in(Client(), world.user("member_a"))
    assert sorted(_titles(client, query)) == expected


def test_owner_filter_and_order_by_use(world: World, library: dict[str, LibraryItem]) -> None:
    client = sign_in(Client(), world.user("member_a"))
    assert _titles(client, f"?owner={world.partnership_a.pk}") == ["Alpha referral form"]
    guide = library["guide"].current_version
    assert guide is not None
    Adoption.objects.create(item=library["guide"], partnership=world.partnership_a, version=guide)
    assert _titles(client, "?sort=used")[0] == "Child-first language"
    assert _titles(client, "?sort=title") == sorted(_titles(client, "?sort=title"))
    page = client.get("/library/?q=child").content.decode()
    assert "2 items found" in page and "Clear the search" in page


def test_unknown_filters_are_explained_not_crashed(world: World, library: dict[str, LibraryItem]) -> None:
    client = sign_in(Client(), world.user("member_a"))
    response = client.get("/library/?kind=nonsense&q=agenda")
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert [item.title for item in response.context["page"]] == ["London MACE meeting agenda"], "the words still count"


def test_search_text_is_escaped(world: World) -> None:
    client = sign_in(Client(), world.user("member_a"))
    html = client.get("/library/?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E").content.decode()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html


def _add_many(world: World, count: int) -> None:
    areas = list(ProtocolArea.objects.all()[:3])
    for i in range(count):
        item = share_item(
            actor=world.user("london_team"),
            owner=None,
            title=f"Bulk tool {i}",
            kind="other",
            tags=[f"bulk{i}", "shared"],
            areas=areas,
        )
        add_version(actor=world.user("london_team"), item=item, content=pdf(f"bulk {i} v2"))
        Adoption.objects.create(item=item, partnership=world.partnership_a, version=item.versions.get(number=1))
        Adoption.objects.create(item=item, partnership=world.partnership_b, version=item.versions.get(number=2))


@pytest.mark.parametrize(
    "path",
    ["/library/", "/library/?q=tool&kind=other", "/library/?tag=shared&sort=updated", "/library/take-up/", "/"],
)
def test_list_pages_use_a_fixed_number_of_queries(world: World, library: dict[str, LibraryItem], path: str) -> None:
    client = sign_in(Client(), world.user("chair_a"))
    _add_many(world, 2)
    client.get(path)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    _add_many(world, 25)
    many = queries()
    assert many == few, f"{path}: {few} queries with a few items, {many} with many"
    # The home page gathers every app's section, so it has its own, larger budget.
    assert many <= (50 if path == "/" else 30)


def test_an_item_page_uses_a_fixed_number_of_queries(world: World, library: dict[str, LibraryItem]) -> None:
    client = sign_in(Client(), world.user("chair_a"))
    item = library["agenda"]
    path = f"/library/{item.pk}/"
    client.get(path)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(path).status_code == 200
        return len(ctx.captured_queries)

    few = queries()
    for i in range(10):
        add_version(actor=world.user("london_team"), item=item, content=pdf(f"agenda {i}"))
    from macehub.organisations.models import Partnership

    for i in range(10):
        partnership = Partnership.objects.create(name=f"Extra partnership {i}", short_name=f"Extra {i}")
        Adoption.objects.create(item=item, partnership=partnership, version=item.versions.get(number=1 + i))
    many = queries()
    assert many == few, f"{few} queries with few versions and adoptions, {many} with many"
