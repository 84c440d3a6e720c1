# ruff: noqa: S608 - the SQL is built from fixed text and integer panel ids; values are parameters
"""The same aggregates as the measured pages, written directly in SQL (the baseline).

Each function runs hand-written queries through Django's connection (no ORM, no Python per
record) and returns the raw counts keyed like the application's tables —
``{(table_key, row, col): count}`` — so ``run.py`` can both time them and check that the
application and the SQL agree figure for figure.

The SQL is portable between PostgreSQL and SQLite except for two small helpers (month and
London date of a timestamp). It is written the way someone would write it by hand for speed:
the set of children discussed is found once from the period's meetings, "first discussed"
is a ``GROUP BY`` rather than a query per child, first and latest risk assessments use
window functions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from macehub.oversight.measures import ETHNIC_CODES
from macehub.oversight.periods import Period

Figures = dict[tuple[str, str, str], int]

DECIDED = ("accepted", "signposted", "not_met")


def _years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


class Sql:
    """Query helpers for one connection and one set of panels."""

    def __init__(self, connection: Any, panel_ids: Iterable[int]) -> None:
        self.connection = connection
        self.pg = connection.vendor == "postgresql"
        ids = sorted(int(pk) for pk in panel_ids)
        self.panels = ", ".join(str(pk) for pk in ids) or "NULL"

    def month(self, expression: str, *, timestamp: bool = False) -> str:
        if self.pg:
            inner = f"({expression} AT TIME ZONE 'Europe/London')" if timestamp else expression
            return f"to_char({inner}, 'YYYY-MM')"
        # SQLite keeps UTC text; the generated times stay inside the London day.
        return f"strftime('%%Y-%%m', {expression})"

    def london_day(self, expression: str) -> str:
        if self.pg:
            return f"({expression} AT TIME ZONE 'Europe/London')::date"
        return f"date({expression})"

    def params(self, period: Period, **extra: Any) -> dict[str, Any]:
        ops = self.connection.ops
        values = {
            "start": ops.adapt_datefield_value(period.start),
            "end": ops.adapt_datefield_value(period.end),
            "start_at": ops.adapt_datetimefield_value(period.start_at),
            "end_before": ops.adapt_datetimefield_value(period.end_before),
        }
        for key, value in extra.items():
            values[key] = ops.adapt_datefield_value(value) if isinstance(value, date) else value
        return values

    def rows(self, sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params)
            return list(cursor.fetchall())

    # --- Building blocks

    def held_subjects(self) -> str:
        """Subject ids on the agenda of the panels' meetings held in the period."""
        return f"""
            SELECT ai.subject_id FROM meetings_agendaitem ai
            JOIN meetings_meeting m ON m.id = ai.meeting_id
            WHERE m.panel_id IN ({self.panels}) AND m.status = 'held'
              AND m.date >= %(start)s AND m.date <= %(end)s AND ai.subject_id IS NOT NULL"""

    def discussed_children(self) -> str:
        return f"""
            SELECT s.id FROM subjects_subject s
            WHERE s.panel_id IN ({self.panels}) AND s.kind = 'child' AND s.status <> 'merged'
              AND s.id IN ({self.held_subjects()})"""

    def first_discussed(self) -> str:
        return f"""
            SELECT ai.subject_id, MIN(m.date) AS first FROM meetings_agendaitem ai
            JOIN meetings_meeting m ON m.id = ai.meeting_id
            WHERE m.panel_id IN ({self.panels}) AND m.status = 'held' AND ai.subject_id IS NOT NULL
            GROUP BY ai.subject_id"""

    @staticmethod
    def open_at_end() -> str:
        return (
            "(s.created_at < %(end_before)s OR f.first <= %(end)s)"
            " AND (s.status = 'open' OR s.status_changed_at >= %(end_before)s)"
        )

    # --- Tables

    def children_summary(self, period: Period) -> Figures:
        sql = f"""
            SELECT COUNT(d.subject_id),
              COALESCE(SUM(CASE WHEN f.first >= %(start)s AND f.first <= %(end)s THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {self.open_at_end()} THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN s.status = 'stepped_down' AND s.status_changed_at >= %(start_at)s
                                 AND s.status_changed_at < %(end_before)s THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN s.status = 'closed' AND s.status_changed_at >= %(start_at)s
                                 AND s.status_changed_at < %(end_before)s THEN 1 ELSE 0 END), 0)
            FROM subjects_subject s
            LEFT JOIN ({self.first_discussed()}) f ON f.subject_id = s.id
            LEFT JOIN (SELECT DISTINCT h.subject_id FROM ({self.held_subjects()}) h) d ON d.subject_id = s.id
            WHERE s.panel_id IN ({self.panels}) AND s.kind = 'child' AND s.status <> 'merged'"""
        (row,) = self.rows(sql, self.params(period))
        keys = ("discussed", "new", "open_end", "stepped_down", "closed")
        return {("children_summary", k, "children"): int(v) for k, v in zip(keys, row, strict=True)}

    def children_trend(self, months: list[Period]) -> Figures:
        window = Period(months[0].start, months[-1].end, "custom")
        params = self.params(window)
        children = self.rows(
            f"""
            SELECT {self.month("m.date")} AS month, COUNT(DISTINCT ai.subject_id)
            FROM meetings_agendaitem ai
            JOIN meetings_meeting m ON m.id = ai.meeting_id
            JOIN subjects_subject s ON s.id = ai.subject_id
            WHERE m.panel_id IN ({self.panels}) AND m.status = 'held' AND m.date >= %(start)s AND m.date <= %(end)s
              AND s.kind = 'child' AND s.status <> 'merged'
            GROUP BY 1""",
            params,
        )
        referrals = self.rows(
            f"""
            SELECT {self.month("created_at", timestamp=True)} AS month, COUNT(*) FROM referrals_referral
            WHERE panel_id IN ({self.panels}) AND created_at >= %(start_at)s AND created_at < %(end_before)s
            GROUP BY 1""",
            params,
        )
        missing = self.rows(
            f"""
            SELECT {self.month("e.started_at", timestamp=True)} AS month, COUNT(*) FROM casework_missingepisode e
            JOIN subjects_subject s ON s.id = e.child_id
            WHERE s.panel_id IN ({self.panels}) AND e.started_at >= %(start_at)s AND e.started_at < %(end_before)s
            GROUP BY 1""",
            params,
        )
        result: Figures = {}
        for col, found in (("children", children), ("referrals", referrals), ("missing", missing)):
            for month, n in found:
                result[("children_trend", str(month), col)] = int(n)
        return result

    def dimensions(self, period: Period) -> Figures:
        end = period.end
        thresholds = {f"y{n}": _years_before(end, n) for n in (10, 14, 16, 18, 21, 25)}
        groups = [key for key in ETHNIC_CODES if key != "not_recorded"]
        codes: dict[str, Any] = {}
        ethnic_whens = []
        for group in groups:
            names = []
            for i, code in enumerate(ETHNIC_CODES[group]):
                codes[f"{group}_{i}"] = code
                names.append(f"%({group}_{i})s")
            ethnic_whens.append(f"WHEN s.ethnicity IN ({', '.join(names)}) THEN '{group}'")
        sql = f"""
            WITH d AS MATERIALIZED (
              SELECT
                CASE WHEN s.date_of_birth IS NULL AND s.age_band = '' THEN 'not_known'
                     WHEN s.date_of_birth IS NULL THEN s.age_band
                     WHEN s.date_of_birth > %(y10)s THEN 'under_10'
                     WHEN s.date_of_birth > %(y14)s THEN '10_13'
                     WHEN s.date_of_birth > %(y16)s THEN '14_15'
                     WHEN s.date_of_birth > %(y18)s THEN '16_17'
                     WHEN s.date_of_birth > %(y21)s THEN '18_20'
                     WHEN s.date_of_birth > %(y25)s THEN '21_24'
                     ELSE 'adult' END AS age,
                CASE WHEN s.sex = '' THEN 'not_known' ELSE s.sex END AS sex,
                CASE {" ".join(ethnic_whens)} ELSE 'not_recorded' END AS ethnicity,
                CASE WHEN s.send = '' THEN 'not_known' ELSE s.send END AS send,
                CASE WHEN s.looked_after = '' THEN 'not_known' ELSE s.looked_after END AS looked_after
              FROM subjects_subject s WHERE s.id IN ({self.discussed_children()})
            )
            SELECT 'children_age', age, COUNT(*) FROM d GROUP BY age
            UNION ALL SELECT 'children_sex', sex, COUNT(*) FROM d GROUP BY sex
            UNION ALL SELECT 'children_ethnicity', ethnicity, COUNT(*) FROM d GROUP BY ethnicity
            UNION ALL SELECT 'children_send', send, COUNT(*) FROM d GROUP BY send
            UNION ALL SELECT 'children_looked_after', looked_after, COUNT(*) FROM d GROUP BY looked_after"""
        rows = self.rows(sql, self.params(period, **thresholds, **codes))
        return {(key, str(row), "children"): int(n) for key, row, n in rows}

    def harm(self, period: Period) -> Figures:
        sql = f"""
            SELECT h.code, COUNT(DISTINCT sh.subject_id) FROM subjects_subject_harm_types sh
            JOIN subjects_harmtype h ON h.id = sh.harmtype_id
            WHERE sh.subject_id IN ({self.discussed_children()})
            GROUP BY h.code"""
        return {("children_harm", code, "children"): int(n) for code, n in self.rows(sql, self.params(period))}

    def risk_trajectory(self, period: Period, risk_levels: dict[int, list[str]]) -> Figures:
        values, scale = [], {}
        for panel_id, levels in risk_levels.items():
            for rank, level in enumerate(levels):
                scale[f"l{panel_id}_{rank}"] = level
                values.append(f"({int(panel_id)}, %(l{panel_id}_{rank})s, {rank})")
        if not values:
            return {}
        sql = f"""
            WITH scale(panel_id, level, rnk) AS (VALUES {", ".join(values)}),
            ra AS (
              SELECT r.child_id, r.level,
                ROW_NUMBER() OVER (PARTITION BY r.child_id ORDER BY r.assessed_on, r.id) AS first_n,
                ROW_NUMBER() OVER (PARTITION BY r.child_id ORDER BY r.assessed_on DESC, r.id DESC) AS last_n,
                COUNT(*) OVER (PARTITION BY r.child_id) AS n
              FROM casework_riskassessment r
              WHERE r.assessed_on <= %(end)s AND r.child_id IN ({self.discussed_children()})
            ),
            pairs AS (
              SELECT s.panel_id,
                MAX(CASE WHEN ra.first_n = 1 THEN ra.level END) AS first_level,
                MAX(CASE WHEN ra.last_n = 1 THEN ra.level END) AS latest_level
              FROM ra JOIN subjects_subject s ON s.id = ra.child_id
              WHERE ra.n >= 2
              GROUP BY ra.child_id, s.panel_id
            )
            SELECT CASE WHEN l.rnk < f.rnk THEN 'fell' WHEN l.rnk = f.rnk THEN 'held'
                        WHEN l.rnk > f.rnk THEN 'rose' ELSE 'unknown' END AS trajectory, COUNT(*)
            FROM pairs p
            LEFT JOIN scale f ON f.panel_id = p.panel_id AND f.level = p.first_level
            LEFT JOIN scale l ON l.panel_id = p.panel_id AND l.level = p.latest_level
            GROUP BY 1"""
        rows = self.rows(sql, self.params(period, **scale))
        return {("risk_trajectory", str(t), "children"): int(n) for t, n in rows if t != "unknown"}

    def contexts(self, period: Period) -> Figures:
        sql = f"""
            SELECT
              COALESCE(SUM(CASE WHEN s.kind = 'group' AND {self.open_at_end()} THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN s.kind = 'location' AND {self.open_at_end()} THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN s.kind = 'person' AND {self.open_at_end()} THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN s.case_opened_at < %(end_before)s AND {self.open_at_end()} THEN 1 ELSE 0 END), 0)
            FROM subjects_subject s
            LEFT JOIN ({self.first_discussed()}) f ON f.subject_id = s.id
            WHERE s.panel_id IN ({self.panels}) AND s.kind IN ('group', 'location', 'person') AND s.status <> 'merged'"""
        (row,) = self.rows(sql, self.params(period))
        keys = ("group", "location", "person", "cases")
        return {("contexts_open", k, "records"): int(v) for k, v in zip(keys, row, strict=True)}

    def referrals(self, period: Period) -> Figures:
        sql = f"""
            SELECT route,
              CASE WHEN status IN ('accepted', 'signposted', 'not_met') AND decided_at < %(end_before)s THEN status
                   WHEN status = 'withdrawn' THEN 'withdrawn' ELSE 'waiting' END AS decision,
              COUNT(*)
            FROM referrals_referral
            WHERE panel_id IN ({self.panels}) AND created_at >= %(start_at)s AND created_at < %(end_before)s
            GROUP BY 1, 2"""
        return {("referrals", route, decision): int(n) for route, decision, n in self.rows(sql, self.params(period))}

    def missing(self, period: Period) -> Figures:
        started = "e.started_at >= %(start_at)s AND e.started_at < %(end_before)s"
        returned = "e.returned_at >= %(start_at)s AND e.returned_at < %(end_before)s"
        sql = f"""
            SELECT
              COALESCE(SUM(CASE WHEN {started} THEN 1 ELSE 0 END), 0),
              COUNT(DISTINCT CASE WHEN {started} THEN e.child_id END),
              COALESCE(SUM(CASE WHEN {returned} THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {returned} AND i.offered THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {returned} AND i.outcome = 'completed' THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {returned} AND i.within_72_hours THEN 1 ELSE 0 END), 0)
            FROM casework_missingepisode e
            JOIN subjects_subject s ON s.id = e.child_id
            LEFT JOIN casework_returninterview i ON i.episode_id = e.id
            WHERE s.panel_id IN ({self.panels}) AND (({started}) OR ({returned}))"""
        (row,) = self.rows(sql, self.params(period))
        keys = ("episodes", "children", "returned", "offered", "completed", "within_72")
        return {("missing", k, "number"): int(v) for k, v in zip(keys, row, strict=True)}

    def nrm(self, period: Period) -> Figures:
        rg_made = "n.rg_decided_on >= %(start)s AND n.rg_decided_on <= %(end)s"
        cg_made = "n.cg_decided_on >= %(start)s AND n.cg_decided_on <= %(end)s"
        sql = f"""
            SELECT
              COALESCE(SUM(CASE WHEN n.referred_on >= %(start)s AND n.referred_on <= %(end)s THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {rg_made} THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {rg_made} AND n.rg_decided_on <= n.decision_due_on THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {rg_made} AND n.rg_decision = 'positive' THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN n.referred_on <= %(end)s AND n.decision_due_on < %(end)s
                                 AND (n.rg_decision = 'pending' OR n.rg_decided_on > %(end)s) THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {cg_made} THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {cg_made} AND n.cg_decision = 'positive' THEN 1 ELSE 0 END), 0)
            FROM casework_nrmreferral n JOIN subjects_subject s ON s.id = n.child_id
            WHERE s.panel_id IN ({self.panels})"""
        (row,) = self.rows(sql, self.params(period))
        keys = ("referred", "rg_made", "rg_on_time", "rg_positive", "rg_overdue_end", "cg_made", "cg_positive")
        return {("nrm", k, "number"): int(v) for k, v in zip(keys, row, strict=True)}

    def disruptions(self, period: Period) -> Figures:
        sql = f"""
            SELECT d.category, COUNT(*) FROM casework_disruption d JOIN subjects_subject s ON s.id = d.target_id
            WHERE s.panel_id IN ({self.panels}) AND d.done_on >= %(start)s AND d.done_on <= %(end)s
            GROUP BY d.category"""
        return {("disruptions", c, "activities"): int(n) for c, n in self.rows(sql, self.params(period))}

    def actions(self, period: Period) -> Figures:
        completed = "a.status = 'completed' AND a.completed_at >= %(start_at)s AND a.completed_at < %(end_before)s"
        sql = f"""
            SELECT
              COALESCE(SUM(CASE WHEN (m.date >= %(start)s AND m.date <= %(end)s)
                                  OR (a.meeting_id IS NULL AND a.created_at >= %(start_at)s
                                      AND a.created_at < %(end_before)s) THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {completed} THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN {completed} AND {self.london_day("a.completed_at")} <= a.due_date
                                THEN 1 ELSE 0 END), 0),
              COALESCE(SUM(CASE WHEN (m.date <= %(end)s OR (a.meeting_id IS NULL AND a.created_at < %(end_before)s))
                                 AND (a.status = 'open' OR a.completed_at >= %(end_before)s)
                                 AND a.due_date < %(end)s THEN 1 ELSE 0 END), 0)
            FROM meetings_action a LEFT JOIN meetings_meeting m ON m.id = a.meeting_id
            WHERE a.panel_id IN ({self.panels})"""
        (row,) = self.rows(sql, self.params(period))
        keys = ("agreed", "completed", "completed_on_time", "overdue_end")
        result = {("actions", k, "number"): int(v) for k, v in zip(keys, row, strict=True)}
        reasons = self.rows(
            f"""
            SELECT r.reason, COUNT(*) FROM meetings_actionreview r
            JOIN meetings_action a ON a.id = r.action_id
            JOIN meetings_meeting m ON m.id = r.meeting_id
            WHERE a.panel_id IN ({self.panels}) AND r.outcome = 'carried_forward'
              AND m.date >= %(start)s AND m.date <= %(end)s
            GROUP BY r.reason""",
            self.params(period),
        )
        result[("actions", "carried", "number")] = sum(int(n) for _, n in reasons)
        for reason, n in reasons:
            result[("carried_reasons", str(reason), "decisions")] = int(n)
        return result


def dashboard(connection: Any, panel_ids: Iterable[int], period: Period, months: list[Period]) -> Figures:
    """What the dashboard page shows: children on the register for the period and the one
    before it, and the month-by-month trend."""
    sql = Sql(connection, panel_ids)
    figures = sql.children_summary(period)
    figures |= {(f"previous:{k}", r, c): v for (k, r, c), v in sql.children_summary(period.previous()).items()}
    figures |= sql.children_trend(months)
    return figures


def extract(connection: Any, panel_ids: Iterable[int], risk_levels: dict[int, list[str]], period: Period) -> Figures:
    """The standard London extract's counts for one partnership (what a release is built from)."""
    sql = Sql(connection, panel_ids)
    figures = sql.children_summary(period)
    figures |= sql.harm(period)
    figures |= sql.dimensions(period)
    figures |= sql.risk_trajectory(period, risk_levels)
    figures |= sql.contexts(period)
    figures |= sql.referrals(period)
    figures |= sql.missing(period)
    figures |= sql.nrm(period)
    figures |= sql.disruptions(period)
    figures |= sql.actions(period)
    return figures
