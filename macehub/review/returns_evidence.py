"""The evidence a return is answered and judged with: live figures while it is open, the frozen
figures once it is submitted (and which have moved since), suggested ratings, and the figures
as they may be shown outside the partnership (disclosure control).

The figures themselves come from :mod:`macehub.review.evidence` (one fixed set of queries per
partnership and period). This module only chooses which figures a page shows and how:

* **Open return**: the live figures for the return's period, and a suggested rating per
  question from them. The suggestion is advice: the person rates.
* **Submitted return**: the figures frozen in ``Assessment.evidence_snapshot`` at submission,
  so a later correction to a record never changes what was submitted. Each is compared with the
  live figure, and the page says "figure has changed since submission: was X, now Y".
* **Outside the partnership** (peer reviewers' pack and pages, the London heat map): counts
  pass through the releases' disclosure control (:mod:`macehub.core.disclosure`): small counts
  are shown as ``c``, the difference between a count and the count it is part of is protected
  too, and a share or time is shown only when every count it rests on is shown.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from macehub.core.disclosure import SUPPRESSED, Publication, is_small, suppress

from .evidence import compute
from .evidence.compute import Figure
from .evidence.ratings import Suggestion, suggest
from .models import Assessment, Question

#: The London median of a figure is shown only when this many submitted returns have a value
#: (as for the London median of scores, ``analysis.MIN_RETURNS_FOR_MEDIAN``).
MIN_RETURNS_FOR_MEDIAN = 5


# --- The period and the figures --------------------------------------------------------------


def evidence_period(assessment: Assessment) -> tuple[date, date]:
    """The 12 months before the cycle opened (``evidence.compute.evidence_period``)."""
    return compute.evidence_period(assessment.cycle)


def live_figures(assessment: Assessment) -> dict[str, Figure]:
    start, end = evidence_period(assessment)
    return compute.evidence_for(assessment.partnership, start, end)


def snapshot(assessment: Assessment) -> dict[str, Any]:
    """What is frozen with a return at submission (JSON): the period, when, every figure."""
    return compute.snapshot_for(assessment)


def frozen_figures(assessment: Assessment) -> dict[str, Figure] | None:
    data = assessment.evidence_snapshot
    if not data or not isinstance(data, dict):
        return None
    return compute.snapshot_figures(data)


def figures_for_question(question: Question, figures: dict[str, Figure]) -> list[Figure]:
    return [figures[key] for key in (question.measures or []) if key in figures]


def suggestion_for(question: Question, figures: dict[str, Figure], scale: list[dict[str, Any]]) -> Suggestion | None:
    """The suggested rating, or None when no figure bears on the question."""
    mine = figures_for_question(question, figures)
    if not mine:
        return None
    result = suggest(question, mine, scale)
    return result if result.rating is not None else None


# --- The return's pages ----------------------------------------------------------------------


@dataclass
class FigureRow:
    """One figure on the return page: the value shown, and (once submitted) the live one."""

    figure: Figure
    live: Figure | None = None

    @property
    def moved(self) -> bool:
        return self.live is not None and _fingerprint(self.live) != _fingerprint(self.figure)


@dataclass
class QuestionEvidence:
    rows: list[FigureRow] = field(default_factory=list)
    suggestion: Suggestion | None = None

    @property
    def moved(self) -> list[FigureRow]:
        return [r for r in self.rows if r.moved]


def _fingerprint(figure: Figure) -> tuple[Any, ...]:
    return (figure.value, figure.numerator, figure.denominator)


@dataclass
class ReturnEvidence:
    """Every question's evidence for one return, computed once per page."""

    frozen: bool
    period: tuple[date, date]
    by_question: dict[int, QuestionEvidence]
    taken_at: str | None = None
    #: Every figure shown (frozen once submitted), by measure key.
    figures: dict[str, Figure] = field(default_factory=dict)

    def get(self, question_pk: int) -> QuestionEvidence:
        return self.by_question.get(question_pk) or QuestionEvidence()

    @property
    def moved_count(self) -> int:
        return sum(len(e.moved) for e in self.by_question.values())


def return_evidence(assessment: Assessment, questions: list[Question]) -> ReturnEvidence:
    """Live figures for an open return; frozen ones (compared with live) for a submitted one.

    The figures are computed once for every question (a fixed number of queries)."""
    scale = assessment.cycle.framework_version.rating_scale
    frozen = frozen_figures(assessment) if assessment.is_submitted else None
    live = live_figures(assessment)
    shown = frozen if frozen is not None else live
    result: dict[int, QuestionEvidence] = {}
    for question in questions:
        rows = [
            FigureRow(figure, live.get(figure.key) if frozen is not None else None)
            for figure in figures_for_question(question, shown)
        ]
        result[question.pk] = QuestionEvidence(rows, suggestion_for(question, shown, scale))
    period = evidence_period(assessment)
    if frozen is not None:
        data = assessment.evidence_snapshot or {}
        if data.get("period_start") and data.get("period_end"):
            period = (date.fromisoformat(data["period_start"]), date.fromisoformat(data["period_end"]))
        return ReturnEvidence(True, period, result, data.get("computed_at"), shown)
    return ReturnEvidence(False, period, result, None, shown)


def moved_since_submission(assessment: Assessment) -> int:
    """How many of the figures the return was submitted with (those its questions show) have
    changed in the records since."""
    frozen = frozen_figures(assessment) or {}
    shown = {
        key
        for keys in Question.objects.filter(
            section__framework_version_id=assessment.cycle.framework_version_id
        ).values_list("measures", flat=True)
        for key in keys or []
    }
    live = live_figures(assessment)
    return sum(
        1 for key in shown if key in frozen and key in live and _fingerprint(frozen[key]) != _fingerprint(live[key])
    )


def suggestions(assessment: Assessment, questions: list[Question]) -> dict[int, Suggestion]:
    """Suggested ratings from the live figures, for the questions that have one."""
    scale = assessment.cycle.framework_version.rating_scale
    figures = live_figures(assessment)
    found = {}
    for question in questions:
        s = suggestion_for(question, figures, scale)
        if s is not None:
            found[question.pk] = s
    return found


# --- Outside the partnership: disclosure control ----------------------------------------------


@dataclass(frozen=True)
class Protected:
    """A figure as it may be shown outside its partnership: strings, never the hidden numbers."""

    key: str
    label: str
    unit: str
    definition: str
    value: str
    numerator: str | None
    denominator: str | None
    suppressed: bool
    rows: tuple[tuple[str, str], ...] = ()
    #: The true value, for comparing with the London median and colouring (never printed).
    raw: float | None = None


def _count(value: Any) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _format(value: Any, unit: str) -> str:
    if value is None:
        return "No data"
    if unit == "%":
        return f"{round(float(value))}%"
    if unit == "days":
        number = float(value)
        return f"{number:.0f} days" if number.is_integer() else f"{number:.1f} days"
    number = float(value)
    return f"{int(number)}" if number.is_integer() else f"{number:.1f}"


def _row_parts(row: dict[str, Any]) -> tuple[str, Any, Any, Any]:
    """A breakdown row (``Figure.rows``): label, value, numerator, denominator."""
    return str(row.get("label") or ""), row.get("value"), row.get("numerator"), row.get("denominator")


_CACHE: dict[tuple[Any, ...], dict[str, str]] = {}


def _shown_counts(
    counts: dict[str, int], nested: list[tuple[str, str]], sums: list[tuple[str, list[str]]]
) -> dict[str, str]:
    """Run the releases' suppression over one figure's counts; returns each count's string."""
    differences = {f"{d}-{n}": counts[d] - counts[n] for n, d in nested if counts[d] >= counts[n]}
    if not any(is_small(v) for v in counts.values()) and not any(is_small(v) for v in differences.values()):
        return {k: str(v) for k, v in counts.items()}
    signature = (tuple(sorted(counts.items())), tuple(nested), tuple((t, tuple(p)) for t, p in sums))
    cached = _CACHE.get(signature)
    if cached is not None:
        return cached
    pub = Publication()
    for key, value in counts.items():
        pub.figure(key, label=key, where="evidence", value=value)
    for n, d in nested:
        if counts[d] >= counts[n]:
            pub.add_nested([d], n, key=f"{d}-{n}", label=f"{d} not {n}", where="evidence", reason="part of")
    for total, parts in sums:
        pub.add_sum(total, parts, reason="adds up to")
    suppress(pub)
    shown = {k: pub.figures[k].shown or SUPPRESSED for k in counts}
    if len(_CACHE) > 5000:
        _CACHE.clear()
    _CACHE[signature] = shown
    return shown


def protect(figure: Figure) -> Protected:
    """The figure with its counts through disclosure control.

    A count (the value of a count figure, a numerator, a denominator, a breakdown row's count)
    from 1 to 4 is shown as ``c``; a numerator's complement within its denominator is protected
    too; a share or time is shown only when every count it rests on is shown."""
    unit = figure.unit
    counts: dict[str, int] = {}
    nested: list[tuple[str, str]] = []
    sums: list[tuple[str, list[str]]] = []
    n, d = _count(figure.numerator), _count(figure.denominator)
    if n is not None:
        counts["n"] = n
    if d is not None:
        counts["d"] = d
    if n is not None and d is not None:
        nested.append(("n", "d"))
    value_count = _count(figure.value) if unit == "count" else None
    if value_count is not None and not counts:
        counts["v"] = value_count
    rows = list(getattr(figure, "rows", None) or [])
    row_parts = [_row_parts(row) for row in rows]
    row_keys: list[tuple[str | None, str | None, str | None]] = []
    for i, (_, value, rn, rd) in enumerate(row_parts):
        keys: list[str | None] = [None, None, None]
        if _count(rn) is not None:
            counts[f"r{i}n"] = _count(rn) or 0
            keys[1] = f"r{i}n"
        if _count(rd) is not None:
            counts[f"r{i}d"] = _count(rd) or 0
            keys[2] = f"r{i}d"
        if keys[1] and keys[2]:
            nested.append((keys[1], keys[2]))
        if keys[1] is None and keys[2] is None and unit == "count" and _count(value) is not None:
            counts[f"r{i}v"] = _count(value) or 0
            keys[0] = f"r{i}v"
        row_keys.append((keys[0], keys[1], keys[2]))
    # Rows that add up to the figure's own counts give each other away: say so to the audit.
    for part, total in (("n", "n"), ("d", "d"), ("v", "v")):
        parts = [k for keys in row_keys for k in keys if k and k.endswith(part)]
        if total in counts and parts and sum(counts[k] for k in parts) == counts[total]:
            sums.append((total, parts))
    shown = _shown_counts(counts, nested, sums) if counts else {}

    def text(value: Any, keys: Sequence[str]) -> tuple[str, bool]:
        if any(shown.get(k) == SUPPRESSED for k in keys):
            return SUPPRESSED, True
        return _format(value, unit), False

    own_keys = [k for k in ("n", "d", "v") if k in counts]
    value_text, hidden = text(figure.value, own_keys)
    shown_rows = []
    for (label, value, _, _), row in zip(row_parts, row_keys, strict=True):
        row_text, _hidden = text(value, [k for k in row if k])
        shown_rows.append((label, row_text))
    raw = float(figure.value) if isinstance(figure.value, int | float) else None
    return Protected(
        key=figure.key,
        label=figure.label,
        unit=unit,
        definition=figure.definition,
        value=value_text,
        # "0 of 0" says nothing a "No data" does not: the counts go with a value only.
        numerator=shown.get("n") if n is not None and figure.value is not None else None,
        denominator=shown.get("d") if d is not None and figure.value is not None else None,
        suppressed=hidden,
        rows=tuple(shown_rows),
        raw=raw,
    )


# --- London: medians of the submitted returns ------------------------------------------------


def submitted_snapshots(assessments: list[Assessment]) -> dict[int, dict[str, Figure]]:
    """Each submitted return's frozen figures ({assessment pk: {key: Figure}})."""
    found = {}
    for assessment in assessments:
        if assessment.is_submitted:
            figures = frozen_figures(assessment)
            if figures is not None:
                found[assessment.pk] = figures
    return found


def london_medians(snapshots: dict[int, dict[str, Figure]]) -> dict[str, str]:
    """The median of each figure over the submitted returns, as it may be shown: only with at
    least :data:`MIN_RETURNS_FOR_MEDIAN` values, and a median count of 1–4 is ``c``."""
    values: dict[str, list[float]] = {}
    units: dict[str, str] = {}
    for figures in snapshots.values():
        for key, figure in figures.items():
            if isinstance(figure.value, int | float) and not isinstance(figure.value, bool):
                values.setdefault(key, []).append(float(figure.value))
                units[key] = figure.unit
    medians = {}
    for key, found in values.items():
        if len(found) < MIN_RETURNS_FOR_MEDIAN:
            continue
        median = statistics.median(found)
        if units[key] == "count" and 0 < median < 5:
            medians[key] = SUPPRESSED
        else:
            medians[key] = _format(median, units[key])
    return medians


# --- Outside the partnership: each return's evidence beside its answers and the London median --


@dataclass(frozen=True)
class OutsideRow:
    figure: Protected
    median: str | None


@dataclass
class OutsideQuestion:
    rows: list[OutsideRow]
    suggested: int | None


def outside_evidence(
    assessment: Assessment, questions: list[Question], medians: dict[str, str], figures: dict[str, Figure] | None = None
) -> dict[int, OutsideQuestion]:
    """Every question's figures for readers outside the partnership: frozen if submitted (live
    otherwise), through disclosure control, beside the London median. The suggested rating is
    given without its reasons (the reasons quote the unprotected counts)."""
    if figures is None:
        figures = (frozen_figures(assessment) if assessment.is_submitted else None) or live_figures(assessment)
    scale = assessment.cycle.framework_version.rating_scale
    protected = {key: protect(figure) for key, figure in figures.items()}
    found = {}
    for question in questions:
        rows = [OutsideRow(protected[f.key], medians.get(f.key)) for f in figures_for_question(question, figures)]
        suggestion = suggestion_for(question, figures, scale)
        found[question.pk] = OutsideQuestion(rows, suggestion.rating if suggestion is not None else None)
    return found


def cycle_medians(cycle: Any) -> dict[str, str]:
    """The London median of every figure over the cycle's submitted returns (one query)."""
    submitted = list(
        Assessment.objects.filter(cycle=cycle, status=Assessment.Status.SUBMITTED).only(
            "pk", "status", "evidence_snapshot", "cycle_id", "partnership_id"
        )
    )
    return london_medians(submitted_snapshots(submitted))
