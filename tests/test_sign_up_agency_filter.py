"""The sign-up form's agency list follows the partnership chosen: in the browser (script) and
on the server (an agency from another partnership is refused next to the field)."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from macehub.accounts.models import User
from tests.factories.personas import World

pytestmark = pytest.mark.django_db


def _form(world: World, **overrides: object) -> dict[str, object]:
    return {
        "email": "priya.new@school.test",
        "password1": "three random words here",
        "password2": "three random words here",
        "full_name": "Priya New",
        "job_title": "Designated safeguarding lead",
        "role": "panel_member",
        "partnership": world.partnership_a.pk,
        "panel": world.panel_a.pk,
        "agency": world.agencies["csc_a"].pk,
        "reason": "I am the DSL at Alpha Academy",
        **overrides,
    }


def _agency_options(page: str) -> list[str]:
    select = re.search(r'<select name="agency".*?</select>', page, re.S)
    assert select, "no agency list"
    return re.findall(r'<option value="(\d+)"', select.group(0))


def test_without_a_partnership_the_list_is_grouped_and_carries_the_filter(world: World) -> None:
    page = Client().get("/account/signup/").content.decode()
    assert '<optgroup label="Alpha">' in page and '<optgroup label="Bravo">' in page
    mapping = json.loads(re.search(r'data-agencies-by-partnership="([^"]+)"', page).group(1).replace("&quot;", '"'))
    assert sorted(mapping[str(world.partnership_a.pk)]) == sorted(
        a.pk for k, a in world.agencies.items() if k.endswith("_a")
    )
    assert "macehub/js/agency-filter.js" in page


def test_an_agency_from_another_partnership_gets_an_error_next_to_the_field(world: World) -> None:
    response = Client().post("/account/signup/", _form(world, agency=world.agencies["police_b"].pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert not User.objects.filter(email="priya.new@school.test").exists()
    error = re.search(r'<p id="id_agency-error" class="govuk-error-message">.*?</p>', page, re.S)
    assert error and "Choose an agency that works in the partnership you selected." in error.group(0)
    # What was typed stays, and the list now shows only the chosen partnership's agencies.
    assert 'value="Priya New"' in page
    assert sorted(_agency_options(page)) == sorted(str(a.pk) for k, a in world.agencies.items() if k.endswith("_a"))


def test_an_agency_in_the_partnership_is_accepted(world: World) -> None:
    response = Client().post("/account/signup/", _form(world))
    assert response.status_code == 302
    assert User.objects.get(email="priya.new@school.test").access_requests.get().agency == world.agencies["csc_a"]
