"""The service navigation: each app registers its own entries in ``AppConfig.ready``.

An entry is shown when its ``visible`` check (usually a policy question) says so, so the
navigation never offers a page that would refuse the person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    visible: Callable[[Any], bool]
    order: int = 50
    #: URL prefixes that mark this entry as the current section.
    section: str = ""


_items: list[NavItem] = []


def register(item: NavItem) -> None:
    if all(existing.url_name != item.url_name for existing in _items):
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def items_for(request: Any) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return []
    path = request.path
    result = []
    for item in _items:
        if not item.visible(user):
            continue
        href = reverse(item.url_name)
        section = item.section or href
        current = path == href or (section != "/" and path.startswith(section))
        result.append({"text": item.label, "href": href, "current": current})
    return result
