"""Links on a panel's page to what other apps offer for that panel.

The panel page lives in the organisations app, which must not depend on the apps above it;
each app registers its links here in ``AppConfig.ready()``. A link is shown only when its
``visible(user, panel)`` check (a policy question) allows it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse


@dataclass(frozen=True)
class PanelLink:
    label: str
    url_name: str
    visible: Callable[[Any, Any], bool]
    hint: str = ""
    order: int = 50


_links: list[PanelLink] = []


def register(link: PanelLink) -> None:
    if all(existing.url_name != link.url_name for existing in _links):
        _links.append(link)
        _links.sort(key=lambda link: link.order)


def links_for(user: Any, panel: Any) -> list[dict[str, str]]:
    return [
        {"label": link.label, "href": reverse(link.url_name, args=[panel.pk]), "hint": link.hint}
        for link in _links
        if link.visible(user, panel)
    ]
