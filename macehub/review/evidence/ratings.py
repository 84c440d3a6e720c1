"""A suggested rating for a question, from its evidence figures, with the reasons.

Simple and published thresholds (docs/review-evidence.md lists them): each figure the
question shows is *strong*, *partial* or *weak* evidence, by the two thresholds of its measure
(``THRESHOLDS``: ``(good, poor)``: at or better than ``good`` is strong, worse than ``poor`` is
weak). The suggestion is the scale's level at the average of the figures (strong 1, partial ½,
weak 0), never above the middle of the scale when any figure is weak. A figure with no value, or
a measure without thresholds (a count that is context, not a standard), is not scored.

It is a suggestion: the partnership confirms or changes it with its own comment; nothing here
saves or submits anything.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .compute import Figure
from .measures import MEASURE_BY_KEY

#: (good, poor) per measure. For a measure where lower is better the comparisons are reversed.
THRESHOLDS: dict[str, tuple[float, float]] = {
    # VOLT: some of the agenda for each strand, and registers kept under review.
    "agenda_victims_share": (40, 10),
    "agenda_offenders_share": (10, 2),
    "agenda_locations_share": (10, 2),
    "agenda_groups_share": (5, 1),
    "agenda_themes_share": (5, 1),
    "register_persons_discussed": (75, 40),
    "register_locations_discussed": (75, 40),
    "register_groups_discussed": (75, 40),
    "context_alerts_reviewed": (1, 1),
    "context_referrals_share": (10, 2),
    "contexts_with_disruption": (50, 20),
    "disruptions_recorded": (1, 1),
    # Meetings.
    "meetings_held_share": (90, 70),
    "meetings_quorate_share": (90, 60),
    "attendance_statutory_share": (90, 70),
    "attendance_statutory_deputy_share": (20, 50),
    "attendance_wider_share": (75, 50),
    "contributions_before_share": (80, 50),
    "agenda_sent_on_time_share": (90, 60),
    "items_with_decisions_share": (90, 60),
    "feedback_focused_share": (80, 50),
    "feedback_clear_actions_share": (80, 50),
    "feedback_chairing_share": (80, 50),
    "co_chaired_share": (75, 25),
    "minutes_approved_on_time_share": (90, 60),
    "minutes_distributed_on_time_share": (90, 60),
    # Actions.
    "actions_on_time_share": (80, 60),
    "actions_carried_did_not_act_share": (10, 30),
    "escalations_responded_share": (90, 60),
    # Casework.
    "return_interviews_72h_share": (80, 50),
    "nrm_decisions_on_time_share": (90, 60),
    "plans_reviewed_on_time_share": (90, 60),
    "referral_to_discussion_median_days": (14, 28),
    "referrals_discussed_28d_share": (90, 60),
    "risk_reduced_share": (40, 15),
    # Oversight.
    "releases_signed_off_on_time_share": (100, 50),
    "dashboard_exports": (1, 1),
    "recommendation_actions_on_time_share": (80, 50),
}

STRONG, PARTIAL, WEAK = "strong", "partial", "weak"
_SCORE = {STRONG: 1.0, PARTIAL: 0.5, WEAK: 0.0}


@dataclass(frozen=True)
class Suggestion:
    rating: int | None
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {"rating": self.rating, "reasons": list(self.reasons)}


def strength(figure: Figure) -> str | None:
    """How strongly one figure supports the practice it measures, or None when it is not scored."""
    limits = THRESHOLDS.get(figure.key)
    if limits is None or figure.value is None:
        return None
    good, poor = limits
    measure = MEASURE_BY_KEY.get(figure.key)
    value = float(figure.value)
    if measure is not None and not measure.higher_is_better:
        return STRONG if value <= good else WEAK if value > poor else PARTIAL
    return STRONG if value >= good else WEAK if value < poor else PARTIAL


def _fmt(value: float) -> str:
    return f"{value:g}"


def _reason(figure: Figure, level: str) -> str:
    good, poor = THRESHOLDS[figure.key]
    unit = "%" if figure.unit == "%" else (" days" if figure.unit == "days" else "")
    measure = MEASURE_BY_KEY.get(figure.key)
    lower = measure is not None and not measure.higher_is_better
    base = ""
    if figure.denominator:
        base = f" ({figure.numerator} of {figure.denominator})"
    shown = f"{figure.label}: {figure.display}{base}"
    if level == STRONG:
        return f"{shown}, {'at or below' if lower else 'at or above'} {_fmt(good)}{unit}: supports a high rating."
    if level == WEAK:
        return (
            f"{shown}, {'above' if lower else 'below'} {_fmt(poor)}{unit}: does not support a rating above the middle."
        )
    return f"{shown}, between {_fmt(poor)}{unit} and {_fmt(good)}{unit}: partly supports it."


def suggest(question: Any, figures: Iterable[Figure], rating_scale: Sequence[dict[str, Any]]) -> Suggestion:
    """The rating the figures suggest on ``rating_scale`` (levels numbered 1…n), with one reason per
    figure. ``question`` is the framework question (its ``measures`` choose the figures when
    ``figures`` holds more than it names)."""
    wanted = getattr(question, "measures", None)
    chosen = [f for f in figures if not wanted or f.key in wanted]
    levels = len(rating_scale)
    reasons: list[str] = []
    scores: list[float] = []
    any_weak = False
    for figure in chosen:
        level = strength(figure)
        if level is None:
            if figure.value is None and figure.note:
                reasons.append(f"{figure.label}: no figure. {figure.note}")
            continue
        scores.append(_SCORE[level])
        any_weak = any_weak or level == WEAK
        reasons.append(_reason(figure, level))
    if not scores or levels < 1:
        reasons.insert(0, "The records give no scored figure for this question: rate it from your own evidence.")
        return Suggestion(None, reasons)
    average = sum(scores) / len(scores)
    rating = 1 + math.floor(average * (levels - 1) + 0.5)
    if any_weak:
        rating = min(rating, max(1, math.ceil(levels / 2)))
    label = next((str(lv.get("label", "")) for lv in rating_scale if lv.get("value") == rating), "")
    reasons.insert(
        0,
        f"Suggested ‘{label}’ from {len(scores)} figure{'s' if len(scores) != 1 else ''} from the records"
        + (" (one or more figures are weak, so not above the middle of the scale)." if any_weak else "."),
    )
    return Suggestion(rating, reasons)
