"""Pages that send people on after a POST never send them off the site."""

from __future__ import annotations

from typing import cast

import pytest
from django.test import RequestFactory

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.meetings.views.common import safe_next


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
        "https://testserver@evil.example/",
        "javascript:alert(1)",
    ],
)
def test_an_off_site_next_address_is_ignored(target: str) -> None:
    request = RequestFactory().post("/meetings/1/acknowledge/", {"next": target})
    assert safe_next(cast(AuthenticatedHttpRequest, request), "/meetings/1/pack/") == "/meetings/1/pack/"


def test_an_on_site_next_address_is_followed() -> None:
    request = RequestFactory().post("/meetings/1/acknowledge/", {"next": "/meetings/1/pack/#item-3"})
    assert safe_next(cast(AuthenticatedHttpRequest, request), "/") == "/meetings/1/pack/#item-3"
