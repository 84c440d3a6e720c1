"""Template helpers for casework pages (``{% load casework %}``)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import template
from django.urls import reverse

from macehub.casework.times import to_london

register = template.Library()


@register.filter
def london(moment: datetime | None, style: str = "long") -> str:
    """A moment on a London clock, with the zone (BST or GMT), e.g. "25 Oct 2025, 18:00 BST"."""
    if moment is None:
        return ""
    local = to_london(moment)
    if style == "short":
        return f"{local:%-d %b %Y, %H:%M} {local.tzname()}"
    return f"{local:%A %-d %B %Y} at {local:%H:%M} {local.tzname()}"


@register.filter
def level_colour(level: str, levels: list[str]) -> str:
    """The top of the panel's scale is red, the next orange, lower levels yellow."""
    if level not in levels:
        return "grey"
    from_top = len(levels) - 1 - levels.index(level)
    return {0: "red", 1: "orange"}.get(from_top, "yellow")


@register.filter
def progress_colour(score: int | None) -> str:
    return {1: "red", 2: "orange", 3: "yellow", 4: "light-blue", 5: "green"}.get(score or 0, "grey")


@register.filter
def due_colour(day: date | None, today: date) -> str:
    if day is None:
        return "grey"
    if day < today:
        return "red"
    return "yellow" if (day - today).days <= 14 else "blue"


@register.filter
def casework_url(subject: Any) -> str:
    return reverse("casework:record", args=[subject.pk])


@register.inclusion_tag("casework/_panel_nav.html", takes_context=True)
def panel_nav(context: dict[str, Any], panel: Any, current: str) -> dict[str, Any]:
    items = [
        ("due", "Due and overdue", reverse("casework:due", args=[panel.pk])),
        ("plans", "Plans", reverse("casework:panel_plans", args=[panel.pk])),
        ("disruption", "Disruption", reverse("casework:panel_disruption", args=[panel.pk])),
        ("escalations", "Escalations", reverse("casework:panel_escalations", args=[panel.pk])),
    ]
    if context.get("can_settings"):
        items.append(("settings", "Settings", reverse("casework:settings", args=[panel.pk])))
    return {"items": [{"text": t, "href": h, "current": k == current} for k, t, h in items]}


@register.simple_tag
def rhi_status(episode: Any) -> dict[str, str]:
    from django.utils import timezone

    text, colour = episode.interview_status(timezone.now())
    return {"text": text, "colour": colour}


@register.filter
def get_label(labels: dict[str, str], key: str) -> str:
    return labels.get(key, key)


@register.filter
def has_time(value: Any) -> bool:
    return isinstance(value, datetime)


@register.filter
def when(value: Any) -> str:
    """A timeline moment: with the London time if it has one, else the date."""
    if isinstance(value, datetime):
        return london(value, "short")
    if isinstance(value, date):
        return f"{value:%-d %b %Y}"
    return ""


@register.filter
def month_of(value: Any) -> str:
    if isinstance(value, datetime):
        value = to_london(value)
    return f"{value:%B %Y}" if isinstance(value, date) else ""
