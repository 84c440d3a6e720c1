"""Sections of a register record's page contributed by the apps above the registers.

The record page lives in the subjects app, which must not depend on the apps above it; an app
registers a section here in ``AppConfig.ready()`` (crossborder: where a child who moved is held
now). ``context(user, subject)`` returns the template context, or ``None`` when the section
does not apply; it asks that app's policies and must run a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class RecordSection:
    key: str
    template: str
    context: Callable[[Any, Any], dict[str, Any] | None]
    order: int = 50


_sections: list[RecordSection] = []


def register(section: RecordSection) -> None:
    if all(existing.key != section.key for existing in _sections):
        _sections.append(section)
        _sections.sort(key=lambda s: s.order)


def sections_for(user: Any, subject: Any) -> list[tuple[str, dict[str, Any]]]:
    rendered = []
    for section in _sections:
        context = section.context(user, subject)
        if context is not None:
            rendered.append((section.template, context))
    return rendered
