"""Small template helpers for the review pages."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.filter
def get_answer(answers: dict[int, Any], question_id: int) -> Any:
    """``answers|get_answer:question.pk`` — the answer to a question, or None."""
    return answers.get(question_id)


@register.filter
def scale_label(version: Any, value: int | None) -> str:
    """``version|scale_label:3`` — the name of a level on the version's rating scale."""
    return str(version.scale_label(value))


@register.filter
def signed(value: float | None) -> str:
    """A change with its sign (+0.5, −0.3, 0.0) or an em dash when there is nothing to compare."""
    if value is None:
        return "—"
    if value > 0:
        return f"+{value:.1f}"
    if value < 0:
        return f"−{abs(value):.1f}"
    return "0.0"


@register.filter
def measure_labels(keys: Any) -> list[str]:
    """``question.measures|measure_labels`` — the names of the evidence figures a question shows."""
    from ..evidence.measures import MEASURE_BY_KEY, known_keys

    return [MEASURE_BY_KEY[k].label for k in known_keys(keys)]
