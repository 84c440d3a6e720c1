"""The partnership's agreed dataset: every table, defined once.

Each :class:`TableSpec` has a plain-English definition (shown beside the figures, in exports
and in the API), a function that computes it for one partnership and one period with a fixed
number of aggregate queries (``COUNT … FILTER``/``GROUP BY`` in the database — never a query or a
Python loop per record), and where the figures are about records, a function that returns the
records behind one figure (for the drill-down, which is filtered again through the asking
person's own selectors).

A partnership's figures are the sum over all its panels. Records merged into another as
duplicates are never counted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Min,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import RowNumber, TruncDate, TruncMonth

from macehub.casework.models import (
    Decision,
    Disruption,
    DisruptionCategory,
    InterviewOutcome,
    MissingEpisode,
    NRMReferral,
    RiskAssessment,
    Tactic,
)
from macehub.crossborder import selectors as crossborder_selectors
from macehub.known_elsewhere import selectors as known_elsewhere_selectors
from macehub.meetings.models import (
    FEEDBACK_QUESTIONS,
    Action,
    ActionReview,
    ActionStatus,
    AgendaItem,
    Answer,
    Attendance,
    AttendanceStatus,
    CarryReason,
    Contribution,
    ContributionStatus,
    Feedback,
    Meeting,
    MeetingStatus,
    ReviewOutcome,
)
from macehub.organisations.models import Agency
from macehub.referrals.models import DECIDED, Referral, ReferralStatus, Route
from macehub.subjects.models import Kind, Status, Subject
from macehub.subjects.taxonomy import ETHNICITY_GROUPS, AgeBand, LookedAfter, Send, Sex

from .periods import MONTHS, Period, month_of

# --- Shapes ---------------------------------------------------------------------------------

COUNT = "count"
PERCENT = "percent"  # value = numerator, base = denominator
RATE = "rate"  # per 10,000: value = numerator, base = population
RATIO = "ratio"  # value = a ratio (float); base = the count it rests on
PLAIN = "plain"  # a number that needs no disclosure control (e.g. population)


@dataclass(frozen=True)
class Line:
    """A row or a column of a table."""

    key: str
    label: str
    kind: str = COUNT


@dataclass
class Cell:
    value: float | int | None
    kind: str = COUNT
    base: int | None = None

    @property
    def count(self) -> int:
        return int(self.value or 0)


@dataclass
class Table:
    spec: TableSpec
    period: Period
    rows: list[Line]
    columns: list[Line]
    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)

    def cell(self, row: str, col: str) -> Cell:
        return self.cells.get((row, col), Cell(0, self._kind(row, col)))

    def _kind(self, row: str, col: str) -> str:
        column = next((c for c in self.columns if c.key == col), None)
        line = next((r for r in self.rows if r.key == row), None)
        if column is not None and column.kind != COUNT:
            return column.kind
        return line.kind if line is not None else COUNT

    def set(self, row: str, col: str, value: float | int | None, base: int | None = None) -> None:
        self.cells[(row, col)] = Cell(value, self._kind(row, col), base)

    @property
    def first_column(self) -> Line:
        return self.columns[0]

    def column_values(self, col: str) -> list[Cell]:
        return [self.cell(r.key, col) for r in self.rows]

    def count_matrix(self) -> list[list[int]]:
        """The count columns as a matrix (for disclosure control of additive tables)."""
        return [[self.cell(r.key, c.key).count for c in self.count_columns] for r in self.rows]

    @property
    def count_columns(self) -> list[Line]:
        return [c for c in self.columns if c.kind == COUNT]


@dataclass(frozen=True)
class Scope:
    """One partnership: its panels and their risk scales."""

    partnership_id: int
    panel_ids: tuple[int, ...]
    risk_levels: dict[int, list[str]]
    authority_codes: tuple[str, ...] = ()


Compute = Callable[[Scope, Period], Table]
Drill = Callable[[Scope, Period, str, str], QuerySet[Any]]


@dataclass(frozen=True)
class TableSpec:
    key: str
    title: str
    section: str
    definition: str
    compute: Compute
    #: Rows add up to the table's total (and columns across): published with totals and
    #: cycle-based secondary suppression. Otherwise each figure is protected on its own.
    additive: bool = False
    #: About people (children, persons of concern): disclosure control applies. Tables about
    #: agencies and meetings are not about individuals and are published as they are.
    individuals: bool = True
    chart: str = "bar"  # "bar", "line" or ""
    drill: Drill | None = None
    #: What the drill-down lists: "subject", "referral", "episode", "nrm", "disruption", "action".
    drill_kind: str = ""
    #: Which rows a drill-down works for (all when empty).
    drill_rows: frozenset[str] = frozenset()
    notes: str = ""

    def run(self, scope: Scope, period: Period) -> Table:
        return self.compute(scope, period)


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    summary: str


SECTIONS = [
    Section("children", "Children", "Children discussed, who they are, and how their risk changed."),
    Section("equality", "Disproportionality", "Children discussed by ethnic group, against the child population."),
    Section("contexts", "Contexts and referrals", "Groups, locations and persons of concern; referrals."),
    Section("safety", "Missing, NRM and disruption", "Missing episodes, return interviews, NRM and disruption."),
    Section("partners", "Partners and meetings", "Actions, attendance, contributions and meeting quality."),
]
SECTION_BY_KEY = {s.key: s for s in SECTIONS}

# --- Building blocks ------------------------------------------------------------------------


def _subjects(scope: Scope) -> QuerySet[Subject]:
    return Subject.objects.filter(panel_id__in=scope.panel_ids).exclude(status=Status.MERGED).order_by()


def _held_items(scope: Scope, period: Period) -> QuerySet[AgendaItem]:
    return AgendaItem.objects.filter(
        meeting__panel_id__in=scope.panel_ids,
        meeting__status=MeetingStatus.HELD,
        meeting__date__gte=period.start,
        meeting__date__lte=period.end,
    )


def _first_discussed() -> Subquery:
    return Subquery(
        AgendaItem.objects.filter(subject=OuterRef("pk"), meeting__status=MeetingStatus.HELD)
        .order_by("meeting__date")
        .values("meeting__date")[:1],
        output_field=DateField(),
    )


def discussed_children(scope: Scope, period: Period) -> QuerySet[Subject]:
    """Children on the agenda of at least one meeting held in the period."""
    return _subjects(scope).filter(
        kind=Kind.CHILD, pk__in=_held_items(scope, period).filter(subject__isnull=False).values("subject_id")
    )


def _on_register_by_end(period: Period) -> Q:
    return Q(created_at__lt=period.end_before) | Q(first__lte=period.end)


def _open_at_end(period: Period) -> Q:
    """Open at the end of the period: on the register by then, and not stepped down or closed by then."""
    return _on_register_by_end(period) & (Q(status=Status.OPEN) | Q(status_changed_at__gte=period.end_before))


def _held_discussion(**dates: date) -> Q:
    """The record (``OuterRef("pk")``) was on the agenda of a held meeting on these dates."""
    return Q(Exists(AgendaItem.objects.filter(subject=OuterRef("pk"), meeting__status=MeetingStatus.HELD, **dates)))


def _open_at_end_for_counting(period: Period) -> Q:
    """:func:`_open_at_end` without the ``first`` annotation, for counting: a discussion by the
    end matters only for records created after it, so it is an anti-join from those few rows
    rather than the earliest date over every item of every record (a MIN grouped over the
    partnership's whole agenda history)."""
    by_end = Q(created_at__lt=period.end_before) | _held_discussion(meeting__date__lte=period.end)
    return by_end & (Q(status=Status.OPEN) | Q(status_changed_at__gte=period.end_before))


def _in_period(name: str, period: Period) -> Q:
    """A date-time field inside the period (London time)."""
    return Q(**{f"{name}__gte": period.start_at, f"{name}__lt": period.end_before})


def _on_days(name: str, period: Period) -> Q:
    """A date field inside the period."""
    return Q(**{f"{name}__gte": period.start, f"{name}__lte": period.end})


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def age_band_expression(on: date) -> Case:
    """The child's age band on a date: from the date of birth when known, else as recorded."""
    bands = [(10, AgeBand.UNDER_10), (14, AgeBand.AGE_10_13), (16, AgeBand.AGE_14_15), (18, AgeBand.AGE_16_17)]
    bands += [(21, AgeBand.AGE_18_20), (25, AgeBand.AGE_21_24)]
    whens = [When(date_of_birth__isnull=True, age_band="", then=Value(AgeBand.NOT_KNOWN.value))]
    whens.append(When(date_of_birth__isnull=True, then=F("age_band")))
    whens += [When(date_of_birth__gt=_years_before(on, years), then=Value(band.value)) for years, band in bands]
    return Case(*whens, default=Value(AgeBand.ADULT.value), output_field=CharField())


ETHNIC_GROUPS: list[tuple[str, str, list[str]]] = [
    ("asian", "Asian, Asian British or Asian Welsh", []),
    ("black", "Black, Black British, Black Welsh, Caribbean or African", []),
    ("mixed", "Mixed or multiple ethnic groups", []),
    ("white", "White", []),
    ("other", "Other ethnic group", []),
    ("not_recorded", "Not known or not recorded", []),
]
_GROUP_KEY = {
    "Asian, Asian British or Asian Welsh": "asian",
    "Black, Black British, Black Welsh, Caribbean or African": "black",
    "Mixed or multiple ethnic groups": "mixed",
    "White": "white",
    "Other ethnic group": "other",
    "Not recorded": "not_recorded",
}
ETHNIC_CODES: dict[str, list[str]] = {key: [] for key, _, _ in ETHNIC_GROUPS}
for _group_name, _group_choices in ETHNICITY_GROUPS:
    ETHNIC_CODES[_GROUP_KEY[_group_name]] += [code for code, _ in _group_choices]
ETHNIC_GROUP_LINES = [Line(key, label) for key, label, _ in ETHNIC_GROUPS]
RECORDED_GROUPS = [key for key, _, _ in ETHNIC_GROUPS if key != "not_recorded"]


def ethnic_group_expression() -> Case:
    whens = [When(ethnicity__in=codes, then=Value(key)) for key, codes in ETHNIC_CODES.items() if key != "not_recorded"]
    return Case(*whens, default=Value("not_recorded"), output_field=CharField())


def _blank_as(field_name: str, value: str) -> Case:
    return Case(When(**{field_name: ""}, then=Value(value)), default=F(field_name), output_field=CharField())


# --- Tables: children -----------------------------------------------------------------------

CHILDREN_ROWS = [
    Line("discussed", "Discussed at a meeting held in the period"),
    Line("new", "Discussed for the first time"),
    Line("open_end", "Open to the panel at the end of the period"),
    Line("stepped_down", "Stepped down in the period"),
    Line("closed", "Closed in the period"),
]
ONE_COLUMN = [Line("children", "Children")]


def _children_summary(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["children_summary"], period, CHILDREN_ROWS, ONE_COLUMN)
    discussed = Q(pk__in=_held_items(scope, period).filter(subject__isnull=False).values("subject_id"))
    # "First discussed in the period" is "discussed in it and never before": an anti-join from
    # the children discussed (see _open_at_end_for_counting for why not the earliest date).
    figures = (
        _subjects(scope)
        .filter(kind=Kind.CHILD)
        .aggregate(
            discussed=Count("pk", filter=discussed),
            new=Count("pk", filter=discussed & ~_held_discussion(meeting__date__lt=period.start)),
            open_end=Count("pk", filter=_open_at_end_for_counting(period)),
            stepped_down=Count("pk", filter=Q(status=Status.STEPPED_DOWN) & _in_period("status_changed_at", period)),
            closed=Count("pk", filter=Q(status=Status.CLOSED) & _in_period("status_changed_at", period)),
        )
    )
    for row in CHILDREN_ROWS:
        table.set(row.key, "children", figures[row.key])
    return table


def _children_summary_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    children = _subjects(scope).filter(kind=Kind.CHILD).annotate(first=_first_discussed())
    if row == "discussed":
        return discussed_children(scope, period)
    if row == "new":
        return children.filter(first__gte=period.start, first__lte=period.end)
    if row == "open_end":
        return children.filter(_open_at_end(period))
    status = Status.STEPPED_DOWN if row == "stepped_down" else Status.CLOSED
    return children.filter(Q(status=status) & _in_period("status_changed_at", period))


#: The one-column tables of children discussed split by one characteristic: key → (lines, expression).
DIMENSIONS: dict[str, tuple[list[Line], Callable[[Period], Any]]] = {}


def _dimension_tables(scope: Scope, period: Period, keys: list[str]) -> dict[str, Table]:
    """Several dimension tables from one query: the children discussed grouped by every
    characteristic at once, then added up per characteristic in Python (a few hundred rows).
    Five queries each finding the children discussed again cost ten times the same figures
    in plain SQL, which finds them once (docs/performance.md)."""
    names = {key: f"d{i}" for i, key in enumerate(keys)}
    annotations = {names[key]: DIMENSIONS[key][1](period) for key in keys}
    rows = (
        discussed_children(scope, period)
        .annotate(**annotations)
        .values(*annotations)
        .annotate(n=Count("pk"))
        .values_list(*annotations, "n")
    )
    found: dict[str, dict[str, int]] = {key: {} for key in keys}
    for row in rows:
        n = row[-1]
        for i, key in enumerate(keys):
            found[key][row[i]] = found[key].get(row[i], 0) + n
    tables = {}
    for key in keys:
        lines = DIMENSIONS[key][0]
        table = Table(SPECS[key], period, lines, [Line("children", "Children discussed")])
        for line in lines:
            table.set(line.key, "children", found[key].get(line.key, 0))
        tables[key] = table
    return tables


def _dimension(key: str, lines: list[Line], expression: Callable[[Period], Any]) -> tuple[Compute, Drill]:
    """A one-column table of children discussed, split by one characteristic."""
    DIMENSIONS[key] = (lines, expression)

    def compute(scope: Scope, period: Period) -> Table:
        table = Table(SPECS[key], period, lines, [Line("children", "Children discussed")])
        rows = (
            discussed_children(scope, period)
            .annotate(category=expression(period))
            .values("category")
            .annotate(n=Count("pk"))
            .values_list("category", "n")
        )
        found = dict(rows)
        for line in lines:
            table.set(line.key, "children", found.get(line.key, 0))
        return table

    def drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
        return discussed_children(scope, period).annotate(category=expression(period)).filter(category=row)

    return compute, drill


def _choices(choices: Iterable[tuple[str, Any]]) -> list[Line]:
    return [Line(str(value), str(label)) for value, label in choices]


AGE_LINES = [
    Line(band.value, str(band.label))
    for band in [
        AgeBand.UNDER_10,
        AgeBand.AGE_10_13,
        AgeBand.AGE_14_15,
        AgeBand.AGE_16_17,
        AgeBand.AGE_18_20,
        AgeBand.AGE_21_24,
        # Every child discussed is in one row, so the table adds up to the children discussed.
        AgeBand.ADULT,
        AgeBand.NOT_KNOWN,
    ]
]
SEX_LINES = _choices(Sex.choices)
SEND_LINES = _choices(Send.choices)
LOOKED_AFTER_LINES = _choices(LookedAfter.choices)

_age_compute, _age_drill = _dimension("children_age", AGE_LINES, lambda p: age_band_expression(p.end))
_sex_compute, _sex_drill = _dimension("children_sex", SEX_LINES, lambda p: _blank_as("sex", Sex.NOT_KNOWN))
_eth_compute, _eth_drill = _dimension("children_ethnicity", ETHNIC_GROUP_LINES, lambda p: ethnic_group_expression())
_send_compute, _send_drill = _dimension("children_send", SEND_LINES, lambda p: _blank_as("send", Send.NOT_KNOWN))
_lac_compute, _lac_drill = _dimension(
    "children_looked_after", LOOKED_AFTER_LINES, lambda p: _blank_as("looked_after", LookedAfter.NOT_KNOWN)
)


def _harm_lines() -> list[Line]:
    from macehub.subjects.taxonomy import HARM_TYPES

    return [Line(code, label) for code, label, _ in HARM_TYPES]


def _children_harm(scope: Scope, period: Period) -> Table:
    lines = _harm_lines()
    table = Table(SPECS["children_harm"], period, lines, [Line("children", "Children discussed")])
    # From the children discussed to their harm types, grouped: counting from the harm types
    # with the children as a FILTER read every child's harm types in London first.
    found = dict(
        discussed_children(scope, period)
        .filter(harm_types__isnull=False)
        .values("harm_types__code")
        .annotate(n=Count("pk", distinct=True))
        .values_list("harm_types__code", "n")
    )
    for line in lines:
        table.set(line.key, "children", found.get(line.key, 0))
    return table


def _children_harm_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    return discussed_children(scope, period).filter(harm_types__code=row)


TREND_COLUMNS = [
    Line("children", "Children discussed"),
    Line("referrals", "Referrals received"),
    Line("missing", "Missing episodes"),
]


def trend_months(period: Period, n: int = 12) -> list[Period]:
    months = [month_of(period.end)]
    while len(months) < n:
        months.append(months[-1].previous())
    return list(reversed(months))


def _children_trend(scope: Scope, period: Period) -> Table:
    months = trend_months(period)
    window = Period(months[0].start, months[-1].end, "custom")
    lines = [Line(m.key, f"{MONTHS[m.start.month - 1][:3]} {m.start.year}") for m in months]
    table = Table(SPECS["children_trend"], period, lines, TREND_COLUMNS)
    children = dict(
        _held_items(scope, window)
        .filter(subject__kind=Kind.CHILD)
        .exclude(subject__status=Status.MERGED)
        .annotate(month=TruncMonth("meeting__date"))
        .values("month")
        .annotate(n=Count("subject", distinct=True))
        .values_list("month", "n")
    )
    referrals = dict(
        Referral.objects.filter(Q(panel_id__in=scope.panel_ids) & _in_period("created_at", window))
        .order_by()
        .annotate(month=TruncMonth("created_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    missing = dict(
        MissingEpisode.objects.filter(Q(child__panel_id__in=scope.panel_ids) & _in_period("started_at", window))
        .order_by()
        .annotate(month=TruncMonth("started_at"))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )

    def by_month(found: dict[Any, int]) -> dict[str, int]:
        result: dict[str, int] = {}
        for when, n in found.items():
            day = when.date() if hasattr(when, "date") and callable(when.date) else when
            result[f"{day:%Y-%m}"] = result.get(f"{day:%Y-%m}", 0) + n
        return result

    for col, found in (("children", children), ("referrals", referrals), ("missing", missing)):
        counts = by_month(found)
        for line in lines:
            table.set(line.key, col, counts.get(line.key, 0))
    return table


RISK_LINES = [Line("fell", "Risk fell"), Line("held", "Risk held"), Line("rose", "Risk rose")]
RISK_COLUMNS = [Line("children", "Children"), Line("share", "Share of children", PERCENT)]


def _with_risk_trajectory(scope: Scope, period: Period) -> QuerySet[Any]:
    """Children discussed in the period with two or more risk assessments by its end,
    annotated with ``trajectory``: the latest assessment's level against the first's, on the
    panel's scale."""
    assessments = RiskAssessment.objects.filter(child=OuterRef("pk"), assessed_on__lte=period.end)
    first = Subquery(assessments.order_by("assessed_on", "pk").values("level")[:1], output_field=CharField())
    latest = Subquery(assessments.order_by("-assessed_on", "-pk").values("level")[:1], output_field=CharField())
    count = Subquery(
        RiskAssessment.objects.filter(child=OuterRef("pk"), assessed_on__lte=period.end)
        .order_by()
        .values("child")
        .annotate(n=Count("pk"))
        .values("n"),
        output_field=IntegerField(),
    )

    def rank(name: str) -> Case:
        whens = [
            When(panel_id=panel_id, **{name: level}, then=Value(i))
            for panel_id, levels in scope.risk_levels.items()
            for i, level in enumerate(levels)
        ]
        return Case(*whens, default=Value(None), output_field=IntegerField())

    return (
        discussed_children(scope, period)
        .annotate(first_level=first, latest_level=latest, assessments=count)
        .filter(assessments__gte=2)
        .annotate(first_rank=rank("first_level"), latest_rank=rank("latest_level"))
        .annotate(
            trajectory=Case(
                When(latest_rank__lt=F("first_rank"), then=Value("fell")),
                When(latest_rank=F("first_rank"), then=Value("held")),
                When(latest_rank__gt=F("first_rank"), then=Value("rose")),
                default=Value("unknown"),
                output_field=CharField(),
            )
        )
    )


def _risk_trajectories(scope: Scope, period: Period) -> dict[str, int]:
    """How many children discussed (with two or more assessments by the end) fell, held or
    rose: the same rule as :func:`_with_risk_trajectory`, with each child's assessments
    numbered once by window functions (first and latest), as the plain SQL does, instead of
    three correlated subqueries per child repeated inside the scale's ``CASE``."""
    rows = (
        RiskAssessment.objects.filter(
            child__in=discussed_children(scope, period).values("pk"), assessed_on__lte=period.end
        )
        .order_by()
        .annotate(
            first_n=Window(RowNumber(), partition_by=[F("child_id")], order_by=[F("assessed_on"), F("pk")]),
            last_n=Window(
                RowNumber(), partition_by=[F("child_id")], order_by=[F("assessed_on").desc(), F("pk").desc()]
            ),
            n=Window(Count("pk"), partition_by=[F("child_id")]),
        )
        .filter(Q(first_n=1) | Q(last_n=1), n__gte=2)
        .values_list("child_id", "child__panel_id", "level", "first_n", "last_n")
    )
    levels: dict[int, tuple[int, dict[str, str]]] = {}
    for child_id, panel_id, level, first_n, last_n in rows:
        found = levels.setdefault(child_id, (panel_id, {}))[1]
        if first_n == 1:
            found["first"] = level
        if last_n == 1:
            found["latest"] = level
    counts: dict[str, int] = {}
    for panel_id, pair in levels.values():
        scale = list(scope.risk_levels.get(panel_id, []))
        first = scale.index(pair["first"]) if pair.get("first") in scale else None
        latest = scale.index(pair["latest"]) if pair.get("latest") in scale else None
        if first is None or latest is None:
            trajectory = "unknown"
        else:
            trajectory = "fell" if latest < first else "held" if latest == first else "rose"
        counts[trajectory] = counts.get(trajectory, 0) + 1
    return counts


def _risk_trajectory(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["risk_trajectory"], period, RISK_LINES, RISK_COLUMNS)
    found = _risk_trajectories(scope, period)
    total = sum(found.get(line.key, 0) for line in RISK_LINES)
    for line in RISK_LINES:
        table.set(line.key, "children", found.get(line.key, 0))
        table.set(line.key, "share", found.get(line.key, 0), base=total)
    return table


def _risk_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    return _with_risk_trajectory(scope, period).filter(trajectory=row)


# --- Disproportionality ---------------------------------------------------------------------

DISPROPORTIONALITY_COLUMNS = [
    Line("children", "Children discussed"),
    Line("share", "Share of children discussed (%)", PERCENT),
    Line("population", "Children aged 10 to 17 living in the area", PLAIN),
    Line("population_share", "Share of the child population (%)", PLAIN),
    Line("rate", "Children discussed per 10,000 children", RATE),
    Line("ratio", "Rate compared with all children", RATIO),
]


def _disproportionality(scope: Scope, period: Period) -> Table:
    from .population import population_for

    table = Table(SPECS["disproportionality"], period, ETHNIC_GROUP_LINES, DISPROPORTIONALITY_COLUMNS)
    ethnicity = _eth_compute(scope, period)
    population = population_for(scope.authority_codes)
    recorded = sum(ethnicity.cell(key, "children").count for key in RECORDED_GROUPS)
    pop_total = sum(population.get(key, 0) for key in RECORDED_GROUPS)
    overall = recorded / pop_total if pop_total else None
    for line in ETHNIC_GROUP_LINES:
        n = ethnicity.cell(line.key, "children").count
        table.set(line.key, "children", n)
        if line.key == "not_recorded":
            for col in ("share", "population", "population_share", "rate", "ratio"):
                table.set(line.key, col, None)
            continue
        pop = population.get(line.key, 0)
        table.set(line.key, "share", n, base=recorded)
        table.set(line.key, "population", pop or None)
        table.set(line.key, "population_share", round(100 * pop / pop_total, 1) if pop_total else None)
        table.set(line.key, "rate", n, base=pop or None)
        ratio = (n / pop) / overall if pop and overall else None
        table.set(line.key, "ratio", round(ratio, 2) if ratio is not None else None, base=n)
    return table


# --- Contexts and referrals -----------------------------------------------------------------

CONTEXT_LINES = [
    Line(Kind.GROUP.value, "Groups open at the end of the period"),
    Line(Kind.LOCATION.value, "Locations open at the end of the period"),
    Line(Kind.PERSON.value, "Persons of concern open at the end of the period"),
    Line("cases", "Locations and groups open as cases of their own"),
]


def _contexts(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["contexts_open"], period, CONTEXT_LINES, [Line("records", "Records")])
    base = _subjects(scope).filter(kind__in=[Kind.GROUP, Kind.LOCATION, Kind.PERSON])
    open_end = _open_at_end_for_counting(period)
    figures = base.aggregate(
        group=Count("pk", filter=Q(kind=Kind.GROUP) & open_end),
        location=Count("pk", filter=Q(kind=Kind.LOCATION) & open_end),
        person=Count("pk", filter=Q(kind=Kind.PERSON) & open_end),
        cases=Count("pk", filter=Q(case_opened_at__lt=period.end_before) & open_end),
    )
    for line in CONTEXT_LINES:
        table.set(line.key, "records", figures[line.key])
    return table


def _contexts_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    base = _subjects(scope).annotate(first=_first_discussed()).filter(_open_at_end(period))
    if row == "cases":
        return base.filter(kind__in=[Kind.GROUP, Kind.LOCATION], case_opened_at__lt=period.end_before)
    return base.filter(kind=row)


ROUTE_LINES = [
    Line(Route.FRONT_DOOR.value, "Front door (MASH)"),
    Line(Route.STRATEGY.value, "Strategy discussion"),
    Line(Route.POLICE.value, "Police report"),
    Line(Route.PRE_MACE.value, "Pre-MACE triage"),
    Line(Route.OTHER.value, "Another route"),
]
DECISION_COLUMNS = [
    Line(ReferralStatus.ACCEPTED.value, "Accepted"),
    Line(ReferralStatus.SIGNPOSTED.value, "Signposted"),
    Line(ReferralStatus.NOT_MET.value, "Did not meet the criteria"),
    Line(ReferralStatus.WITHDRAWN.value, "Withdrawn"),
    Line("waiting", "Waiting at the end of the period"),
]


def _decision_expression(period: Period) -> Case:
    return Case(
        When(status__in=DECIDED, decided_at__lt=period.end_before, then=F("status")),
        When(status=ReferralStatus.WITHDRAWN, then=Value(ReferralStatus.WITHDRAWN.value)),
        default=Value("waiting"),
        output_field=CharField(),
    )


def _referrals_in(scope: Scope, period: Period) -> QuerySet[Referral]:
    return Referral.objects.filter(Q(panel_id__in=scope.panel_ids) & _in_period("created_at", period)).order_by()


def _referrals(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["referrals"], period, ROUTE_LINES, DECISION_COLUMNS)
    rows = (
        _referrals_in(scope, period)
        .annotate(decision=_decision_expression(period))
        .values("route", "decision")
        .annotate(n=Count("pk"))
        .values_list("route", "decision", "n")
    )
    for route, decision, n in rows:
        table.set(route, decision, n)
    return table


def _referrals_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    qs = _referrals_in(scope, period).annotate(decision=_decision_expression(period))
    if row:
        qs = qs.filter(route=row)
    if col:
        qs = qs.filter(decision=col)
    return qs


TIMELINESS_LINES = [
    Line("within_7", "Within 7 days"),
    Line("within_14", "8 to 14 days"),
    Line("within_28", "15 to 28 days"),
    Line("over_28", "More than 28 days"),
    Line("not_yet", "Not discussed by the end of the period"),
]


def _with_time_to_panel(scope: Scope, period: Period) -> QuerySet[Any]:
    first = Subquery(
        AgendaItem.objects.filter(
            Q(referral=OuterRef("pk")) | Q(subject__referrals=OuterRef("pk")),
            meeting__status=MeetingStatus.HELD,
            meeting__date__gte=OuterRef("received"),
            meeting__date__lte=period.end,
        )
        .order_by("meeting__date")
        .values("meeting__date")[:1],
        output_field=DateField(),
    )

    def after(days: int) -> ExpressionWrapper[Any]:
        return ExpressionWrapper(F("received") + timedelta(days=days), output_field=DateField())

    return (
        _referrals_in(scope, period)
        .filter(status=ReferralStatus.ACCEPTED)
        .annotate(received=TruncDate("created_at"))
        .annotate(first=first)
        .annotate(
            band=Case(
                When(first__isnull=True, then=Value("not_yet")),
                When(first__lte=after(7), then=Value("within_7")),
                When(first__lte=after(14), then=Value("within_14")),
                When(first__lte=after(28), then=Value("within_28")),
                default=Value("over_28"),
                output_field=CharField(),
            )
        )
    )


def _first_discussions(received: dict[int, date], end: date) -> dict[int, date]:
    """Each referral's first held discussion on or after the day it was received, up to
    ``end``: the earliest of an item for the referral itself and an item for a child or
    context it names. Two grouped queries over the referrals' own items (the same dates as
    ``_with_time_to_panel``'s subquery, which an ``OR`` across two joins makes a scan of the
    agenda per referral, computed again in each ``WHEN`` of the band)."""
    if not received:
        return {}
    held = Q(meeting__status=MeetingStatus.HELD, meeting__date__lte=end, meeting__date__gte=min(received.values()))
    direct = (
        AgendaItem.objects.filter(
            held, referral_id__in=list(received), meeting__date__gte=TruncDate("referral__created_at")
        )
        .values("referral_id")
        .annotate(first=Min("meeting__date"))
        .values_list("referral_id", "first")
        .order_by()
    )
    linked = (
        AgendaItem.objects.filter(
            held,
            subject__referrals__in=list(received),
            meeting__date__gte=TruncDate("subject__referrals__created_at"),
        )
        .values("subject__referrals")
        .annotate(first=Min("meeting__date"))
        .values_list("subject__referrals", "first")
        .order_by()
    )
    first: dict[int, date] = {}
    for referral, day in [*direct, *linked]:
        if referral not in first or day < first[referral]:
            first[referral] = day
    return first


def _time_to_panel(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["referral_to_panel"], period, TIMELINESS_LINES, [Line("referrals", "Accepted referrals")])
    received = dict(
        _referrals_in(scope, period)
        .filter(status=ReferralStatus.ACCEPTED)
        .annotate(received=TruncDate("created_at"))
        .values_list("pk", "received")
    )
    first = _first_discussions(received, period.end)
    found = dict.fromkeys((line.key for line in TIMELINESS_LINES), 0)
    for pk, day in received.items():
        if pk not in first:
            band = "not_yet"
        else:
            days = (first[pk] - day).days
            band = "within_7" if days <= 7 else "within_14" if days <= 14 else "within_28" if days <= 28 else "over_28"
        found[band] += 1
    for line in TIMELINESS_LINES:
        table.set(line.key, "referrals", found[line.key])
    return table


def _time_to_panel_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    return _with_time_to_panel(scope, period).filter(band=row)


# --- Missing, NRM, disruption ---------------------------------------------------------------

MISSING_LINES = [
    Line("episodes", "Missing episodes that started in the period"),
    Line("children", "Children with a missing episode that started in the period"),
    Line("returned", "Episodes that ended with the child's return in the period"),
    Line("offered", "Return home interviews offered after those returns"),
    Line("offered_pct", "Returns where an interview was offered (%)", PERCENT),
    Line("completed", "Return home interviews completed"),
    Line("within_72", "Interviews completed within 72 hours of the return"),
    Line("within_72_pct", "Returns with an interview completed within 72 hours (%)", PERCENT),
]


def _missing(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["missing"], period, MISSING_LINES, [Line("number", "Number")])
    returned = _in_period("returned_at", period)
    # Every figure needs the episode to start or end in the period: reading only those (not
    # every episode of five years) is what the plain SQL does.
    figures = (
        MissingEpisode.objects.filter(child__panel_id__in=scope.panel_ids)
        .filter(_in_period("started_at", period) | returned)
        .aggregate(
            episodes=Count("pk", filter=_in_period("started_at", period)),
            children=Count("child", filter=_in_period("started_at", period), distinct=True),
            returned=Count("pk", filter=returned),
            offered=Count("pk", filter=returned & Q(interview__offered=True)),
            completed=Count("pk", filter=returned & Q(interview__outcome=InterviewOutcome.COMPLETED)),
            within_72=Count("pk", filter=returned & Q(interview__within_72_hours=True)),
        )
    )
    for key in ("episodes", "children", "returned", "offered", "completed", "within_72"):
        table.set(key, "number", figures[key])
    table.set("offered_pct", "number", figures["offered"], base=figures["returned"])
    table.set("within_72_pct", "number", figures["within_72"], base=figures["returned"])
    return table


def _missing_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    qs = MissingEpisode.objects.filter(child__panel_id__in=scope.panel_ids)
    returned = _in_period("returned_at", period)
    filters = {
        "episodes": _in_period("started_at", period),
        "children": _in_period("started_at", period),
        "returned": returned,
        "offered": returned & Q(interview__offered=True),
        "completed": returned & Q(interview__outcome=InterviewOutcome.COMPLETED),
        "within_72": returned & Q(interview__within_72_hours=True),
    }
    return qs.filter(filters[row])


NRM_LINES = [
    Line("referred", "NRM referrals made in the period"),
    Line("rg_made", "Reasonable-grounds decisions made in the period"),
    Line("rg_on_time", "Of those, made by the date they were due"),
    Line("rg_on_time_pct", "Reasonable-grounds decisions made on time (%)", PERCENT),
    Line("rg_positive", "Positive reasonable-grounds decisions"),
    Line("rg_overdue_end", "Waiting for a reasonable-grounds decision past its due date at the end of the period"),
    Line("cg_made", "Conclusive-grounds decisions made in the period"),
    Line("cg_positive", "Positive conclusive-grounds decisions"),
]


NRM_COUNT_ROWS = [line.key for line in NRM_LINES if line.kind == COUNT]


def _nrm_filters(period: Period) -> dict[str, Q]:
    rg_made = Q(rg_decided_on__gte=period.start, rg_decided_on__lte=period.end)
    cg_made = Q(cg_decided_on__gte=period.start, cg_decided_on__lte=period.end)
    waiting_at_end = Q(rg_decision=Decision.PENDING) | Q(rg_decided_on__gt=period.end)
    return {
        "referred": _on_days("referred_on", period),
        "rg_made": rg_made,
        "rg_on_time": rg_made & Q(rg_decided_on__lte=F("decision_due_on")),
        "rg_positive": rg_made & Q(rg_decision=Decision.POSITIVE),
        "rg_overdue_end": Q(referred_on__lte=period.end, decision_due_on__lt=period.end) & waiting_at_end,
        "cg_made": cg_made,
        "cg_positive": cg_made & Q(cg_decision=Decision.POSITIVE),
    }


def _nrm(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["nrm"], period, NRM_LINES, [Line("number", "Number")])
    filters = _nrm_filters(period)
    figures = NRMReferral.objects.filter(child__panel_id__in=scope.panel_ids).aggregate(
        **{key: Count("pk", filter=q) for key, q in filters.items()}
    )
    for key in filters:
        table.set(key, "number", figures[key])
    table.set("rg_on_time_pct", "number", figures["rg_on_time"], base=figures["rg_made"])
    return table


CROSSBORDER_LINES = [
    Line("moved_out", "Children moved out of the partnership (handover sent in the period)"),
    Line("sent", "Handovers sent to other partnerships"),
    Line("acknowledged", "Of those, acknowledged by the receiving partnership"),
    Line("median_days", "Median days from sending to acknowledgement", RATIO),
    Line("received", "Handovers received from other partnerships"),
    Line("moved_in_accepted", "Children accepted onto a register from another partnership"),
    Line("found_elsewhere", "Missing episodes of the partnership's children that ended in another partnership's area"),
    Line("found_here", "Children from other partnerships found in this partnership's area"),
    Line("enquiries", "“Known elsewhere?” enquiries made"),
    Line("enquiries_matched", "Of those, enquiries that found a match in another partnership"),
    Line("details_shared", "Requests for details that the holding partnership agreed"),
]


def _crossborder(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["crossborder"], period, CROSSBORDER_LINES, [Line("number", "Number")])
    figures = crossborder_selectors.partnership_counts(scope.partnership_id, scope.panel_ids, period.start, period.end)
    figures |= known_elsewhere_selectors.partnership_enquiry_counts(scope.partnership_id, period.start, period.end)
    for line in CROSSBORDER_LINES:
        if line.key == "median_days":
            table.set("median_days", "number", figures["median_days"], base=figures["acknowledged"])
        else:
            table.set(line.key, "number", figures[line.key])
    return table


def _nrm_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    return NRMReferral.objects.filter(child__panel_id__in=scope.panel_ids).filter(_nrm_filters(period)[row])


CATEGORY_LINES = _choices(DisruptionCategory.choices)
TACTIC_LINES = _choices(Tactic.choices)


def _disruptions_in(scope: Scope, period: Period) -> QuerySet[Disruption]:
    return Disruption.objects.filter(Q(target__panel_id__in=scope.panel_ids) & _on_days("done_on", period)).order_by()


def _by_field(key: str, lines: list[Line], field_name: str, column: Line) -> tuple[Compute, Drill]:
    def compute(scope: Scope, period: Period) -> Table:
        table = Table(SPECS[key], period, lines, [column])
        found = dict(
            _disruptions_in(scope, period).values(field_name).annotate(n=Count("pk")).values_list(field_name, "n")
        )
        for line in lines:
            table.set(line.key, column.key, found.get(line.key, 0))
        return table

    def drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
        return _disruptions_in(scope, period).filter(**{field_name: row})

    return compute, drill


_disruption_compute, _disruption_drill = _by_field(
    "disruptions", CATEGORY_LINES, "category", Line("activities", "Disruption activities")
)
_tactic_compute, _tactic_drill = _by_field(
    "disruption_tactics", TACTIC_LINES, "tactic", Line("activities", "Disruption activities")
)

# --- Partners and meetings ------------------------------------------------------------------

ACTION_LINES = [
    Line("agreed", "Actions agreed in the period"),
    Line("completed", "Actions completed in the period"),
    Line("completed_on_time", "Of those, completed by their due date"),
    Line("completed_on_time_pct", "Actions completed on time (%)", PERCENT),
    Line("overdue_end", "Open and past their due date at the end of the period"),
    Line("carried", "Decisions to carry an action forward, at meetings in the period"),
]


def _action_filters(period: Period) -> dict[str, Q]:
    agreed_by_end = Q(meeting__date__lte=period.end) | Q(meeting__isnull=True, created_at__lt=period.end_before)
    open_at_end = Q(status=ActionStatus.OPEN) | Q(completed_at__gte=period.end_before)
    completed = Q(status=ActionStatus.COMPLETED) & _in_period("completed_at", period)
    return {
        "agreed": Q(meeting__date__gte=period.start, meeting__date__lte=period.end)
        | (Q(meeting__isnull=True) & _in_period("created_at", period)),
        "completed": completed,
        "completed_on_time": completed & Q(completed_on__lte=F("due_date")),
        "overdue_end": agreed_by_end & open_at_end & Q(due_date__lt=period.end),
    }


def _actions_base(scope: Scope) -> QuerySet[Action]:
    return (
        Action.objects.filter(panel_id__in=scope.panel_ids).order_by().annotate(completed_on=TruncDate("completed_at"))
    )


def _carried(scope: Scope, period: Period) -> QuerySet[ActionReview]:
    return ActionReview.objects.filter(
        action__panel_id__in=scope.panel_ids,
        outcome=ReviewOutcome.CARRIED_FORWARD,
        meeting__date__gte=period.start,
        meeting__date__lte=period.end,
    ).order_by()


def _actions(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["actions"], period, ACTION_LINES, [Line("number", "Number")])
    filters = _action_filters(period)
    figures = _actions_base(scope).aggregate(**{key: Count("pk", filter=q) for key, q in filters.items()})
    figures["carried"] = _carried(scope, period).count()
    for key, value in figures.items():
        table.set(key, "number", value)
    table.set("completed_on_time_pct", "number", figures["completed_on_time"], base=figures["completed"])
    return table


def _actions_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    if row == "carried":
        return _actions_base(scope).filter(pk__in=_carried(scope, period).values("action_id"))
    return _actions_base(scope).filter(_action_filters(period)[row])


CARRY_LINES = _choices(CarryReason.choices)


def _carried_reasons(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["carried_reasons"], period, CARRY_LINES, [Line("decisions", "Carried forward")])
    found = dict(_carried(scope, period).values("reason").annotate(n=Count("pk")).values_list("reason", "n"))
    for line in CARRY_LINES:
        table.set(line.key, "decisions", found.get(line.key, 0))
    return table


def _carried_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    return _actions_base(scope).filter(pk__in=_carried(scope, period).filter(reason=row).values("action_id"))


def _agency_lines(ids: Iterable[int]) -> list[Line]:
    names = Agency.objects.filter(pk__in=set(ids)).order_by("name").values_list("pk", "name")
    return [Line(str(pk), name) for pk, name in names]


AGENCY_ACTION_COLUMNS = [
    Line("agreed", "Agreed"),
    Line("completed", "Completed"),
    Line("overdue_end", "Overdue at the end"),
    Line("carried", "Carried forward"),
    Line("did_not_act", "Carried forward: agency did not act"),
]


def _actions_by_agency(scope: Scope, period: Period) -> Table:
    filters = _action_filters(period)
    counts = list(
        _actions_base(scope)
        .values("owner_agency_id")
        .annotate(
            agreed=Count("pk", filter=filters["agreed"]),
            completed=Count("pk", filter=filters["completed"]),
            overdue_end=Count("pk", filter=filters["overdue_end"]),
        )
        .values_list("owner_agency_id", "agreed", "completed", "overdue_end")
    )
    carried = list(
        _carried(scope, period)
        .values("action__owner_agency_id")
        .annotate(
            n=Count("pk"),
            did_not_act=Count("pk", filter=Q(reason=CarryReason.AGENCY_DID_NOT_ACT)),
        )
        .values_list("action__owner_agency_id", "n", "did_not_act")
    )
    lines = _agency_lines([a for a, *_ in counts if any(_)] + [a for a, *_ in carried])
    table = Table(SPECS["actions_by_agency"], period, lines, AGENCY_ACTION_COLUMNS)
    for agency_id, agreed, completed, overdue in counts:
        for col, value in (("agreed", agreed), ("completed", completed), ("overdue_end", overdue)):
            table.set(str(agency_id), col, value)
    for agency_id, n, did_not_act in carried:
        table.set(str(agency_id), "carried", n)
        table.set(str(agency_id), "did_not_act", did_not_act)
    return table


def _actions_by_agency_drill(scope: Scope, period: Period, row: str, col: str) -> QuerySet[Any]:
    base = _actions_base(scope).filter(owner_agency_id=int(row))
    if col in ("carried", "did_not_act"):
        carried = _carried(scope, period)
        if col == "did_not_act":
            carried = carried.filter(reason=CarryReason.AGENCY_DID_NOT_ACT)
        return base.filter(pk__in=carried.values("action_id"))
    return base.filter(_action_filters(period)[col])


ATTENDANCE_COLUMNS = [
    Line("expected", "Meetings where attendance was recorded"),
    Line(AttendanceStatus.ATTENDED.value, "Attended"),
    Line(AttendanceStatus.DEPUTY.value, "Sent a deputy"),
    Line(AttendanceStatus.APOLOGIES.value, "Apologies"),
    Line(AttendanceStatus.ABSENT.value, "Absent"),
    Line("present_pct", "Present (%)", PERCENT),
    Line("asked", "Contributions asked for"),
    Line("received", "Contributions received"),
    Line("received_pct", "Contributions received (%)", PERCENT),
]


def _attendance(scope: Scope, period: Period) -> Table:
    held = Q(
        meeting__panel_id__in=scope.panel_ids,
        meeting__status=MeetingStatus.HELD,
        meeting__date__gte=period.start,
        meeting__date__lte=period.end,
    )
    attendance = list(
        Attendance.objects.filter(held)
        .order_by()
        .values("agency_id")
        .annotate(
            expected=Count("pk"),
            attended=Count("pk", filter=Q(status=AttendanceStatus.ATTENDED)),
            deputy=Count("pk", filter=Q(status=AttendanceStatus.DEPUTY)),
            apologies=Count("pk", filter=Q(status=AttendanceStatus.APOLOGIES)),
            absent=Count("pk", filter=Q(status=AttendanceStatus.ABSENT)),
        )
        .values_list("agency_id", "expected", "attended", "deputy", "apologies", "absent")
    )
    # Asked: every item of a held meeting, for each agency invited to the whole meeting.
    asked = dict(
        _held_items(scope, period)
        .filter(meeting__agencies__isnull=False)
        .order_by()
        .values("meeting__agencies")
        .annotate(n=Count("pk"))
        .values_list("meeting__agencies", "n")
    )
    core = Meeting.agencies.through.objects.filter(
        meeting_id=OuterRef("item__meeting_id"), agency_id=OuterRef("agency_id")
    )
    received = dict(
        Contribution.objects.filter(
            item__meeting__panel_id__in=scope.panel_ids,
            item__meeting__status=MeetingStatus.HELD,
            item__meeting__date__gte=period.start,
            item__meeting__date__lte=period.end,
            status__in=ContributionStatus.values,
        )
        .filter(Exists(core))
        .order_by()
        .values("agency_id")
        .annotate(n=Count("pk"))
        .values_list("agency_id", "n")
    )
    lines = _agency_lines([a for a, *_ in attendance] + list(asked))
    table = Table(SPECS["attendance"], period, lines, ATTENDANCE_COLUMNS)
    for agency_id, expected, attended, deputy, apologies, absent in attendance:
        row = str(agency_id)
        table.set(row, "expected", expected)
        table.set(row, "attended", attended)
        table.set(row, "deputy", deputy)
        table.set(row, "apologies", apologies)
        table.set(row, "absent", absent)
        table.set(row, "present_pct", attended + deputy, base=expected)
    for agency_id, n in asked.items():
        row = str(agency_id)
        got = received.get(agency_id, 0)
        table.set(row, "asked", n)
        table.set(row, "received", got)
        table.set(row, "received_pct", got, base=n)
    return table


MEETING_LINES = [
    Line("held", "Meetings held"),
    Line("quorate", "Of those, quorate"),
    Line("quorate_pct", "Meetings that were quorate (%)", PERCENT),
    Line("cancelled", "Meetings cancelled"),
]
FEEDBACK_COLUMNS = [
    Line("responses", "Answers"),
    Line("yes", "Yes"),
    Line("partly", "Partly"),
    Line("no", "No"),
    Line("yes_pct", "Yes (%)", PERCENT),
]


def _meetings(scope: Scope, period: Period) -> Table:
    table = Table(SPECS["meetings"], period, MEETING_LINES, [Line("number", "Number")])
    figures = Meeting.objects.filter(
        panel_id__in=scope.panel_ids, date__gte=period.start, date__lte=period.end
    ).aggregate(
        held=Count("pk", filter=Q(status=MeetingStatus.HELD)),
        quorate=Count("pk", filter=Q(status=MeetingStatus.HELD, quorate=True)),
        cancelled=Count("pk", filter=Q(status=MeetingStatus.CANCELLED)),
    )
    for key, value in figures.items():
        table.set(key, "number", value)
    table.set("quorate_pct", "number", figures["quorate"], base=figures["held"])
    return table


def _feedback(scope: Scope, period: Period) -> Table:
    lines = [Line(name, text) for name, text in FEEDBACK_QUESTIONS]
    table = Table(SPECS["feedback"], period, lines, FEEDBACK_COLUMNS)
    aggregates: dict[str, Any] = {"responses": Count("pk")}
    for name, _ in FEEDBACK_QUESTIONS:
        aggregates[f"{name}_yes"] = Count("pk", filter=Q(**{name: Answer.YES}))
        aggregates[f"{name}_partly"] = Count("pk", filter=Q(**{name: Answer.PARTLY}))
        aggregates[f"{name}_no"] = Count("pk", filter=Q(**{name: Answer.NO}))
    figures = Feedback.objects.filter(
        meeting__panel_id__in=scope.panel_ids, meeting__date__gte=period.start, meeting__date__lte=period.end
    ).aggregate(**aggregates)
    for name, _ in FEEDBACK_QUESTIONS:
        table.set(name, "responses", figures["responses"])
        for answer in ("yes", "partly", "no"):
            table.set(name, answer, figures[f"{name}_{answer}"])
        table.set(name, "yes_pct", figures[f"{name}_yes"], base=figures["responses"])
    return table


# --- The registry ---------------------------------------------------------------------------

_SPECS: list[TableSpec] = [
    TableSpec(
        "children_summary",
        "Children on the register",
        "children",
        "Children (not other kinds of record) on the VOLT registers of the partnership's panels. "
        "‘Discussed’ means on the agenda of at least one meeting held in the period. ‘For the first time’ "
        "means their first discussion at any held meeting falls in the period. ‘Open at the end’ means added "
        "to the register (or discussed) by the last day of the period and not stepped down or closed by then. "
        "Stepped down and closed count the decisions dated in the period. Records merged as duplicates are "
        "never counted.",
        _children_summary,
        drill=_children_summary_drill,
        drill_kind="subject",
    ),
    TableSpec(
        "children_trend",
        "Month by month",
        "children",
        "For each of the 12 months up to the end of the period: children discussed at meetings held that "
        "month (each child once a month), referrals received, and missing episodes that started. A child "
        "discussed in two months counts in both, so months do not add up to the period's total.",
        _children_trend,
        chart="line",
    ),
    TableSpec(
        "children_harm",
        "Children discussed by harm type",
        "children",
        "Children discussed in the period, by the harm types recorded on their register record. A child "
        "can have more than one harm type, so the rows add up to more than the number of children.",
        _children_harm,
        drill=_children_harm_drill,
        drill_kind="subject",
    ),
    TableSpec(
        "children_age",
        "Children discussed by age",
        "children",
        "Children discussed in the period, by their age on the last day of the period (from the date of "
        "birth; where it is not recorded, the age band recorded on the register).",
        _age_compute,
        additive=True,
        drill=_age_drill,
        drill_kind="subject",
    ),
    TableSpec(
        "children_sex",
        "Children discussed by sex",
        "children",
        "Children discussed in the period, by sex as recorded on the register ("
        "‘not known’ includes records where it is blank).",
        _sex_compute,
        additive=True,
        drill=_sex_drill,
        drill_kind="subject",
    ),
    TableSpec(
        "children_ethnicity",
        "Children discussed by ethnic group",
        "children",
        "Children discussed in the period, by the Office for National Statistics' high-level ethnic groups "
        "(2021 Census), from the detailed ethnicity recorded on the register.",
        _eth_compute,
        additive=True,
        drill=_eth_drill,
        drill_kind="subject",
    ),
    TableSpec(
        "children_send",
        "Children discussed by special educational needs and disabilities",
        "children",
        "Children discussed in the period, by SEND status as recorded on the register.",
        _send_compute,
        additive=True,
        drill=_send_drill,
        drill_kind="subject",
    ),
    TableSpec(
        "children_looked_after",
        "Children discussed by looked-after status",
        "children",
        "Children discussed in the period, by looked-after status as recorded on the register.",
        _lac_compute,
        additive=True,
        drill=_lac_drill,
        drill_kind="subject",
    ),
    TableSpec(
        "risk_trajectory",
        "Risk trajectories",
        "children",
        "Children discussed in the period who had two or more structured risk assessments by its end: "
        "whether the latest assessment's level is lower than, the same as or higher than the first, on the "
        "panel's risk scale. The share is of those children.",
        _risk_trajectory,
        drill=_risk_drill,
        drill_kind="subject",
        drill_rows=frozenset({"fell", "held", "rose"}),
    ),
    TableSpec(
        "disproportionality",
        "Children discussed by ethnic group, against the child population",
        "equality",
        "Children discussed in the period by high-level ethnic group, beside the number of children aged 10 "
        "to 17 living in the partnership's area. The rate is children discussed per 10,000 children of that "
        "group; ‘compared with all children’ divides it by the rate for all children whose ethnicity is "
        "recorded (1.0 means in proportion; 2.0 means twice as likely to be discussed). Children whose "
        "ethnicity is not recorded are left out of shares and rates. The population figures are shipped "
        "with MACE Hub; see their source and year below the table.",
        _disproportionality,
        drill=_eth_drill,
        drill_kind="subject",
        drill_rows=frozenset(RECORDED_GROUPS),
    ),
    TableSpec(
        "contexts_open",
        "Groups, locations and persons of concern",
        "contexts",
        "Records of each kind open at the end of the period (on the register by then and not stepped down or "
        "closed by then), and locations and groups that had been opened as cases of their own.",
        _contexts,
        drill=_contexts_drill,
        drill_kind="subject",
    ),
    TableSpec(
        "referrals",
        "Referrals by route and decision",
        "contexts",
        "Referrals received in the period (about a child, a group, a location or a possible perpetrator), by "
        "the route into MACE and the screening decision as it stood at the end of the period.",
        _referrals,
        additive=True,
        drill=_referrals_drill,
        drill_kind="referral",
    ),
    TableSpec(
        "referral_to_panel",
        "Time from referral to panel",
        "contexts",
        "Referrals received and accepted in the period, by the time from the day the referral was received "
        "to the first meeting held on or after that day that discussed it (or the record it was accepted "
        "to), up to the end of the period.",
        _time_to_panel,
        additive=True,
        drill=_time_to_panel_drill,
        drill_kind="referral",
    ),
    TableSpec(
        "missing",
        "Missing episodes and return home interviews",
        "safety",
        "Missing episodes of the partnership's children. Interview figures are about episodes that ended in "
        "the period: an interview offered, completed, and completed within 72 hours of the return (elapsed "
        "time). Percentages are of those returns.",
        _missing,
        chart="",
        drill=_missing_drill,
        drill_kind="episode",
        drill_rows=frozenset({"episodes", "children", "returned", "offered", "completed", "within_72"}),
    ),
    TableSpec(
        "nrm",
        "National Referral Mechanism",
        "safety",
        "NRM referrals of the partnership's children and the decisions made in the period. ‘On time’ means "
        "the reasonable-grounds decision came on or before the date it was due (set from the panel's "
        "timeliness target when the referral was made).",
        _nrm,
        chart="",
        drill=_nrm_drill,
        drill_kind="nrm",
        drill_rows=frozenset(NRM_COUNT_ROWS),
    ),
    TableSpec(
        "crossborder",
        "Cross-border working",
        "safety",
        "Children who moved out of the partnership (a handover sent in the period) and how quickly the "
        "receiving partnerships acknowledged it (calendar days, median of those acknowledged); handovers "
        "received and children accepted onto a register here; missing episodes of the partnership's children "
        "that ended in another partnership's area, and children from elsewhere found here.",
        _crossborder,
        chart="",
    ),
    TableSpec(
        "disruptions",
        "Disruption activity by type",
        "safety",
        "Disruption activities carried out in the period against locations, groups and persons of concern, "
        "by category.",
        _disruption_compute,
        additive=True,
        drill=_disruption_drill,
        drill_kind="disruption",
    ),
    TableSpec(
        "disruption_tactics",
        "Disruption activity by tactic",
        "safety",
        "The same disruption activities, by the tactic used.",
        _tactic_compute,
        additive=True,
        drill=_tactic_drill,
        drill_kind="disruption",
    ),
    TableSpec(
        "actions",
        "Actions",
        "partners",
        "Actions agreed at the partnership's meetings. ‘Agreed’ counts actions from meetings held in the "
        "period; ‘completed’ those marked done in the period; ‘on time’ those done by their due date; "
        "‘overdue at the end’ those agreed by then, still open then and due before the last day. Actions are "
        "tasks owned by agencies, not people, and are published by agency too, so no disclosure control "
        "is applied.",
        _actions,
        individuals=False,
        chart="",
        drill=_actions_drill,
        drill_kind="action",
        drill_rows=frozenset({"agreed", "completed", "completed_on_time", "overdue_end", "carried"}),
    ),
    TableSpec(
        "carried_reasons",
        "Actions carried forward, by reason",
        "partners",
        "Decisions at meetings held in the period to carry an action forward, by the reason recorded: "
        "circumstances changed, started but needs more time, or the agency did not act. About agencies' "
        "actions, not people: no disclosure control is applied.",
        _carried_reasons,
        additive=True,
        individuals=False,
        drill=_carried_drill,
        drill_kind="action",
    ),
    TableSpec(
        "actions_by_agency",
        "Actions by agency",
        "partners",
        "The same action figures for each agency that owns actions. These figures are about agencies, not "
        "people, so no disclosure control is applied.",
        _actions_by_agency,
        individuals=False,
        drill=_actions_by_agency_drill,
        drill_kind="action",
    ),
    TableSpec(
        "attendance",
        "Attendance and contributions by agency",
        "partners",
        "For meetings held in the period: how often each agency was recorded as attending, sending a deputy, "
        "giving apologies or absent (present = attended or sent a deputy); and for each agenda item of "
        "those meetings, whether each agency invited to the whole meeting sent a contribution (or said it "
        "holds nothing).",
        _attendance,
        individuals=False,
    ),
    TableSpec(
        "meetings",
        "Meetings",
        "partners",
        "Meetings of the partnership's panels dated in the period: held, quorate (recorded when the meeting "
        "was closed, from the panel's quoracy rule) and cancelled.",
        _meetings,
        individuals=False,
        chart="",
    ),
    TableSpec(
        "feedback",
        "Meeting quality feedback",
        "partners",
        "Attendees' answers to the three feedback questions about meetings held in the period.",
        _feedback,
        individuals=False,
    ),
]
SPECS: dict[str, TableSpec] = {spec.key: spec for spec in _SPECS}

#: The standard London extract: the fixed set of tables every partnership releases each quarter.
LONDON_EXTRACT = [
    "children_summary",
    "children_harm",
    "children_age",
    "children_sex",
    "children_ethnicity",
    "children_send",
    "children_looked_after",
    "risk_trajectory",
    "contexts_open",
    "referrals",
    "missing",
    "nrm",
    "disruptions",
    "actions",
    "carried_reasons",
]


#: Every published table; those about people are protected together as one publication.
#: The month-by-month trend is for the partnership only: its months add up to other quarters'
#: figures, so it is never published (see docs/disclosure-control.md).
PUBLISHED_TABLES = [s.key for s in _SPECS if s.key != "children_trend"]
NEVER_PUBLISHED = frozenset({"children_trend"})


def specs_in(section: str) -> list[TableSpec]:
    return [s for s in _SPECS if s.section == section]


def compute_tables(scope: Scope, period: Period, keys: Iterable[str]) -> dict[str, Table]:
    keys = list(keys)
    dimensions = [key for key in keys if key in DIMENSIONS]
    shared = _dimension_tables(scope, period, dimensions) if len(dimensions) > 1 else {}
    return {key: shared[key] if key in shared else SPECS[key].run(scope, period) for key in keys}


def drill_model(kind: str) -> type[Model]:
    return {
        "subject": Subject,
        "referral": Referral,
        "episode": MissingEpisode,
        "nrm": NRMReferral,
        "disruption": Disruption,
        "action": Action,
    }[kind]
