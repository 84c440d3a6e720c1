"""Template helpers for the VOLT register pages (``{% load subjects %}``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from macehub.subjects.common import KIND_PATHS, subject_url
from macehub.subjects.models import PLURAL, Kind, Status, Subject
from macehub.subjects.policies import policy, registers

register = template.Library()

STATUS_COLOURS = {Status.OPEN: "blue", Status.STEPPED_DOWN: "yellow", Status.CLOSED: "grey", Status.MERGED: "grey"}


@register.filter
def record_url(subject: Subject, page: str = "detail") -> str:
    return subject_url(subject, page)


@register.filter
def status_colour(subject: Subject) -> str:
    return STATUS_COLOURS.get(Status(subject.status), "grey")


@register.filter
def risk_colour(subject: Subject) -> str:
    """The top of the panel's scale is red, the next orange, lower levels yellow."""
    levels = subject.panel.risk_levels
    if subject.risk_level not in levels:
        return "grey"
    from_top = len(levels) - 1 - levels.index(subject.risk_level)
    return {0: "red", 1: "orange"}.get(from_top, "yellow")


@register.inclusion_tag("subjects/_register_nav.html", takes_context=True)
def register_nav(context: dict[str, Any], panel: Any) -> dict[str, Any]:
    request = context["request"]
    user = request.user
    items = [("Overview", reverse("subjects:register", args=[panel.pk]))]
    for kind in Kind:
        if kind == Kind.PERSON and not registers.can(user, "view_persons", panel):
            continue
        items.append((PLURAL[kind], reverse(f"subjects:{kind}_list", args=[panel.pk])))
    items += [
        ("Shared-context alerts", reverse("subjects:alerts", args=[panel.pk])),
        ("Context cases", reverse("subjects:case_list", args=[panel.pk])),
        ("Summary", reverse("subjects:summary", args=[panel.pk])),
    ]
    if policy.can(user, "import_register", panel):
        items.append(("Import", reverse("subjects:import_start", args=[panel.pk])))
    path = request.path
    current = max((href for _, href in items if path.startswith(href)), key=len, default="")
    return {
        "items": [{"text": text, "href": href, "current": href == current} for text, href in items],
        "panel": panel,
        "can_export": policy.can(user, "export_register", panel),
    }


@register.simple_tag
def kind_path(kind: str) -> str:
    return KIND_PATHS[Kind(kind)]


@register.filter
def list_url(subject: Subject) -> str:
    """The register list a record belongs to (for back links)."""
    return reverse(f"subjects:{subject.kind}_list", args=[subject.panel_id])


@register.filter
def ethnicity(subject: Subject) -> str:
    """The ONS group and category, for example "Asian, Asian British or Asian Welsh: Pakistani"."""
    from macehub.subjects.taxonomy import ETHNICITY_GROUP_OF, ETHNICITY_LABELS

    if not subject.ethnicity:
        return "Not recorded"
    group = ETHNICITY_GROUP_OF.get(subject.ethnicity, "")
    label = ETHNICITY_LABELS.get(subject.ethnicity, subject.ethnicity)
    return label if group == "Not recorded" else f"{group}: {label}"


@register.simple_tag
def import_value(row: Any, column: Any) -> str:
    """A value from an import preview row, as it will be stored, in words."""
    value = row.values.get(column.name)
    if value in (None, "", []):
        return ""
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    if hasattr(value, "strftime"):
        return str(value.strftime("%d/%m/%Y"))
    labels = dict(column.choices)
    return str(labels.get(value, value))
