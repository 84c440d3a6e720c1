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


def _number(value: Any, unit: str) -> str:
    number = float(value)
    if unit == "%":
        return f"{round(number)}%"
    text = f"{int(number)}" if number.is_integer() else f"{number:.1f}"
    return f"{text} days" if unit == "days" else text


@register.filter
def figure_value(figure: Any) -> str:
    """``figure|figure_value`` — an evidence figure in words: "40% (4 of 10)", "12", "3.5 days",
    or "No data" when there is nothing to count (never a misleading 0%)."""
    if figure is None or figure.value is None:
        return "No data"
    text = _number(figure.value, figure.unit)
    if figure.numerator is not None and figure.denominator is not None and figure.unit != "count":
        text += f" ({_number(figure.numerator, 'count')} of {_number(figure.denominator, 'count')})"
    return text


@register.filter
def figure_rows(figure: Any) -> list[tuple[str, str]]:
    """A figure's breakdown (by agency, say) as (label, value) pairs."""
    rows = []
    for row in getattr(figure, "rows", None) or []:
        label = str(row.get("label") or "")
        value = row.get("value")
        n, d = row.get("numerator"), row.get("denominator")
        if value is None:
            rows.append((label, "No data"))
            continue
        text = _number(value, figure.unit)
        if n is not None and d is not None and figure.unit != "count":
            text += f" ({_number(n, 'count')} of {_number(d, 'count')})"
        rows.append((label, text))
    return rows


@register.filter
def question_evidence(evidence: Any, question_id: int) -> Any:
    """``evidence|question_evidence:question.pk`` — one question's figures and suggestion."""
    if evidence is None:
        return None
    return evidence.get(question_id)


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """``mapping|get_item:key`` — a dictionary's value, or None."""
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def measure_labels(keys: Any) -> list[str]:
    """``question.measures|measure_labels`` — the names of the evidence figures a question shows."""
    from ..evidence.measures import MEASURE_BY_KEY, known_keys

    return [MEASURE_BY_KEY[k].label for k in known_keys(keys)]
