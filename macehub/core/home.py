"""Sections of the signed-in home page, contributed by each app.

An app registers a section in ``AppConfig.ready``; its ``context`` function returns the
template context, or ``None`` when the section does not apply to this person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class HomeSection:
    key: str
    template: str
    context: Callable[[HttpRequest], dict[str, Any] | None]
    order: int = 50


_sections: list[HomeSection] = []


def register(section: HomeSection) -> None:
    if all(existing.key != section.key for existing in _sections):
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def sections_for(request: HttpRequest) -> list[tuple[str, dict[str, Any]]]:
    rendered = []
    for section in _sections:
        context = section.context(request)
        if context is not None:
            rendered.append((section.template, context))
    return rendered
