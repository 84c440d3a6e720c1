"""Generate a London-scale synthetic dataset for the oversight benchmarks.

    .venv/bin/python benchmarks/generate.py --scale 1.0 --database-url postgres://postgres@127.0.0.1:5432/macehub_bench --reset

At ``--scale 1.0``: every London authority (31 partnerships, two of them joint, as in the
demo; the four largest run two panels), five years of weekly sittings (a busy panel holds
several meetings of about 25 items in a week), about 100,000 children,
1.5 million agenda items, 3 million contributions, 1 million actions and 300,000 missing
episodes, with the referrals, links, risk assessments and changes, attendance, feedback,
return interviews, NRM referrals and disruption the measures count. ``--scale 0.01`` makes
a small version in seconds.

Rows are written straight into the tables (COPY on PostgreSQL, ``executemany`` in one
transaction on SQLite): no services, no ``full_clean``, no audit events. Ids are generated
here so foreign keys line up; the models' CHECK and unique constraints are respected (the
database enforces them during the load). Everything comes from one seeded generator, so the
same seed, scale, years and end date give the same data.

Shapes: partnership sizes follow the child population (with a random lift, so some are much
busier than their size); children come onto the register with a summer peak and slow growth
year on year; most are discussed a few times, some for years; missing episodes peak in the
summer; each partnership has an agency that attends, contributes and acts less than the
others; small partnerships produce the small counts that disclosure control hides.
"""

from __future__ import annotations

import argparse
import bisect
import csv
import json
import math
import random
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DEFAULT_SQLITE, bootstrap, sqlite_path

# --- Shapes -----------------------------------------------------------------------------------

CHILDREN_AT_SCALE_1 = 100_000
#: Mean discussions of a child while on the register (before the data's end cuts some short).
MEAN_DISCUSSIONS = 21.0
#: Share of children with missing episodes, and the mean number of episodes for those who have any.
MISSING_SHARE = 0.35
MEAN_EPISODES = 9.2
#: Agencies that contribute to each item, by type (probability of a contribution).
CONTRIBUTES = {
    "police": 0.5,
    "childrens_social_care": 0.6,
    "health": 0.22,
    "education": 0.32,
    "youth_justice": 0.25,
    "community_safety": 0.1,
    "probation": 0.05,
    "voluntary_community": 0.1,
}
#: (attended, deputy, apologies); the rest absent.
ATTENDS = {
    "police": (0.88, 0.1, 0.02),
    "childrens_social_care": (0.9, 0.08, 0.02),
    "health": (0.62, 0.28, 0.07),
    "education": (0.72, 0.16, 0.08),
    "youth_justice": (0.75, 0.1, 0.1),
    "community_safety": (0.55, 0.1, 0.2),
    "probation": (0.3, 0.05, 0.3),
    "voluntary_community": (0.6, 0.05, 0.2),
}
CORE_TYPES = list(CONTRIBUTES)
UNDER_ATTENDING = ["health", "education", "community_safety", "probation", "youth_justice"]
#: Month of the year → how many children come onto the register (summer peak, winter dip).
SEASON = {1: 0.9, 2: 0.9, 3: 1.0, 4: 1.0, 5: 1.1, 6: 1.2, 7: 1.3, 8: 1.25, 9: 1.1, 10: 1.0, 11: 0.95, 12: 0.8}
MISSING_SEASON = {1: 0.8, 2: 0.8, 3: 0.9, 4: 1.0, 5: 1.1, 6: 1.3, 7: 1.4, 8: 1.35, 9: 1.0, 10: 0.95, 11: 0.85, 12: 0.8}
GROWTH_PER_YEAR = 0.08
ETHNIC_LIFT = {"asian": 0.6, "black": 1.8, "mixed": 1.4, "white": 0.8, "other": 1.0}
HARM_WEIGHTS = {
    "cce": 0.35,
    "cse": 0.25,
    "county_lines": 0.15,
    "serious_violence": 0.25,
    "online": 0.2,
    "child_on_child": 0.1,
    "financial": 0.05,
    "trafficking": 0.04,
    "radicalisation": 0.01,
    "other": 0.03,
}
RISK_PRESETS = [
    ["Low", "Medium", "High"],
    ["Emerging", "Significant", "Experiencing exploitation"],
    ["Low", "Medium", "High", "Very high"],
]
JOINT = {
    "City and Hackney": ["City of London", "Hackney"],
    "Kingston and Richmond": ["Kingston upon Thames", "Richmond upon Thames"],
}
GIVEN = "Aaliyah Adam Ahmed Alfie Amara Amir Ava Ayo Bella Ben Chloe Daniel Deji Eden Elijah Ella Emre Ezra Faith Grace Harvey Ibrahim Isla Jayden Jordan Kai Kayla Leah Liam Maya Mohammed Nia Noah Olivia Omar Reece Ruby Sami Tyler Zara".split()  # noqa: SIM905
FAMILY = "Adams Ali Bailey Begum Brown Campbell Clarke Davies Evans Francis Green Hall Hassan Hughes Iqbal James Johnson Jones Khan King Lewis Mensah Miah Morris Nowak Okafor Patel Phillips Price Reid Roberts Rossi Shah Silva Smith Taylor Thomas Walker White Williams Wilson Wright Yilmaz".split()  # noqa: SIM905
DISCUSSION = "Benchmark record: discussed at panel; agencies shared updates; plan reviewed."
DECISIONS = "Continue on the register; review at a later meeting."
#: Items a meeting is planned for: a busy panel sits several times a week rather than overfilling one.
ITEMS_PER_MEETING = 25
CONTRIBUTION = "Benchmark contribution: what this agency knows since the last meeting."


# --- Writing rows -----------------------------------------------------------------------------


class Spec:
    """One table: the columns the generator fills (in order) and constant values for the rest."""

    def __init__(self, model: Any, columns: Sequence[str], now: datetime) -> None:
        from django.db.models import JSONField

        opts = model._meta
        self.model = model
        self.table = opts.db_table
        by_attname = {f.attname: f for f in opts.concrete_fields}
        unknown = [c for c in columns if c not in by_attname]
        if unknown:
            raise ValueError(f"{self.table}: no such columns {unknown}")
        names = [by_attname[c].column for c in columns]
        tail: list[Any] = []
        for f in opts.concrete_fields:
            if f.attname in columns or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                value: Any = now
            else:
                value = f.get_default()
                if isinstance(f, JSONField) and value is not None:
                    value = json.dumps(value)
            if value is None and not f.null:
                raise ValueError(f"{self.table}.{f.column} needs a value")
            names.append(f.column)
            tail.append(value)
        self.columns = names
        self.tail = tuple(tail)
        self.width = len(columns)
        self.rows: list[tuple[Any, ...]] = []
        self.written = 0


class Sink:
    """Buffers rows per table and writes them in chunks (COPY or executemany)."""

    def __init__(self, connection: Any, chunk: int = 50_000) -> None:
        self.connection = connection
        self.vendor = connection.vendor
        self.cursor = connection.cursor()
        self.chunk = chunk
        self.specs: list[Spec] = []

    def register(self, spec: Spec) -> Spec:
        self.specs.append(spec)
        return spec

    def add(self, spec: Spec, row: tuple[Any, ...]) -> None:
        spec.rows.append(row + spec.tail)
        if len(spec.rows) >= self.chunk:
            self.flush(spec)

    def flush(self, spec: Spec) -> None:
        if not spec.rows:
            return
        quote = self.connection.ops.quote_name
        columns = ", ".join(quote(c) for c in spec.columns)
        if self.vendor == "postgresql":
            with self.cursor.copy(f"COPY {quote(spec.table)} ({columns}) FROM STDIN") as copy:
                for row in spec.rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * len(spec.columns))
            sql = f"INSERT INTO {quote(spec.table)} ({columns}) VALUES ({marks})"  # noqa: S608 - our own table names
            self.cursor.executemany(sql, spec.rows)
        spec.written += len(spec.rows)
        spec.rows = []

    def flush_all(self) -> None:
        for spec in self.specs:
            self.flush(spec)


class Ids:
    """Primary keys, continuing after whatever the table already holds."""

    def __init__(self, connection: Any) -> None:
        self.connection = connection
        self.next: dict[str, int] = {}

    def start(self, model: Any) -> None:
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {self.connection.ops.quote_name(table)}")  # noqa: S608
            self.next[table] = int(cursor.fetchone()[0]) + 1

    def take(self, model: Any) -> int:
        table = model._meta.db_table
        value = self.next[table]
        self.next[table] = value + 1
        return value


# --- The plan of one panel --------------------------------------------------------------------


@dataclass
class PanelPlan:
    id: int
    partnership_id: int
    short_name: str
    risk_levels: list[str]
    upper_age: int
    share: float  # of the partnership's children
    authority_ids: list[int]
    ethnic_weights: dict[str, float]
    core: list[tuple[int, str]] = field(default_factory=list)  # (agency id, agency type)
    under: int = 0  # the agency that attends, contributes and acts less
    housing: int = 0
    coordinator: int = 0
    chair: int = 0
    reps: dict[int, int] = field(default_factory=dict)  # agency id → representative user id
    held: list[int] = field(default_factory=list)  # every held meeting's id
    #: The held sittings in date order: each the (meeting id, date) of its meetings.
    weeks: list[list[tuple[int, date]]] = field(default_factory=list)
    week_dates: list[date] = field(default_factory=list)
    planned: list[list[tuple[int, date]]] = field(default_factory=list)
    numbers: dict[str, int] = field(default_factory=dict)
    action_number: int = 0
    referral_number: int = 0

    def number(self, kind: str) -> int:
        self.numbers[kind] = self.numbers.get(kind, 0) + 1
        return self.numbers[kind]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    """A naive UTC date-time (Django stores UTC; generated times stay inside the London day)."""
    return datetime(day.year, day.month, day.day, hour, minute)  # noqa: DTZ001 - naive UTC on purpose


@dataclass
class Stats:
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


class Generator:
    def __init__(self, *, scale: float, years: int, seed: int, today: date, connection: Any, log: Any) -> None:
        self.scale = scale
        self.years = years
        self.rng = random.Random(seed)
        self.today = today
        self.start = today - timedelta(days=round(365.25 * years))
        self.connection = connection
        self.log = log
        self.now = at(today, 0)
        self.sink = Sink(connection)
        self.ids = Ids(connection)
        #: Meetings every week at scale 0.2 and above; fortnightly or monthly for small runs.
        self.interval = 7 if scale >= 0.2 else 14 if scale >= 0.02 else 28
        self.harm_ids: dict[str, int] = {}
        self.london_user = 0
        self._specs()

    # --- Tables

    def _specs(self) -> None:
        from macehub.accounts.models import Membership, User
        from macehub.casework.models import (
            Disruption,
            MissingEpisode,
            NRMReferral,
            ReturnInterview,
            RiskAssessment,
        )
        from macehub.meetings.models import (
            Action,
            ActionReview,
            AgendaItem,
            Attendance,
            Contribution,
            Feedback,
            Meeting,
        )
        from macehub.organisations.models import Agency, Panel, Partnership
        from macehub.referrals.models import Referral
        from macehub.subjects.models import Link, RiskChange, Subject

        self.models = [
            User,
            Membership,
            Partnership,
            Agency,
            Panel,
            Subject,
            Link,
            RiskChange,
            Referral,
            Meeting,
            AgendaItem,
            Contribution,
            Attendance,
            Feedback,
            Action,
            ActionReview,
            RiskAssessment,
            MissingEpisode,
            ReturnInterview,
            NRMReferral,
            Disruption,
        ]
        for model in self.models:
            self.ids.start(model)
        now, reg = self.now, self.sink.register
        tracked = ["id", "created_at", "updated_at"]
        self.t_user = reg(
            Spec(User, ["id", "password", "email", "full_name", "job_title", "is_active", "date_joined"], now)
        )
        self.t_membership = reg(
            Spec(Membership, [*tracked, "user_id", "role", "partnership_id", "panel_id", "agency_id"], now)
        )
        self.t_partnership = reg(Spec(Partnership, [*tracked, "name", "short_name", "is_active"], now))
        self.t_partnership_authorities = reg(
            Spec(Partnership.authorities.through, ["partnership_id", "localauthority_id"], now)
        )
        self.t_agency = reg(Spec(Agency, [*tracked, "name", "agency_type", "is_active"], now))
        self.t_agency_partnerships = reg(Spec(Agency.partnerships.through, ["agency_id", "partnership_id"], now))
        self.t_panel = reg(
            Spec(
                Panel,
                [
                    *tracked,
                    "partnership_id",
                    "name",
                    "full_title",
                    "upper_age",
                    "cadence",
                    "risk_levels",
                    "front_door_screening_required",
                    "is_active",
                ],
                now,
            )
        )
        self.t_subject = reg(
            Spec(
                Subject,
                [
                    *tracked,
                    "panel_id",
                    "kind",
                    "number",
                    "given_names",
                    "family_name",
                    "date_of_birth",
                    "search_key",
                    "age_band",
                    "sex",
                    "ethnicity",
                    "send",
                    "looked_after",
                    "placing_authority",
                    "education_status",
                    "risk_level",
                    "person_age_group",
                    "name",
                    "location_type",
                    "authority_id",
                    "group_type",
                    "period_start",
                    "description",
                    "status",
                    "status_reason",
                    "status_changed_at",
                    "merged_into_id",
                    "case_opened_at",
                    "case_reason",
                ],
                now,
            )
        )
        self.t_subject_harm = reg(Spec(Subject.harm_types.through, ["subject_id", "harmtype_id"], now))
        self.t_link = reg(
            Spec(
                Link,
                [
                    *tracked,
                    "panel_id",
                    "source_id",
                    "target_id",
                    "link_type",
                    "known_from",
                    "ended_on",
                    "end_reason",
                    "source_agency_id",
                    "confidence",
                ],
                now,
            )
        )
        self.t_risk_change = reg(
            Spec(RiskChange, [*tracked, "subject_id", "level", "previous_level", "decided_on", "reason"], now)
        )
        self.t_referral = reg(
            Spec(
                Referral,
                [
                    *tracked,
                    "panel_id",
                    "number",
                    "subject_type",
                    "referrer_id",
                    "referrer_agency_id",
                    "route",
                    "front_door_screened",
                    "given_names",
                    "family_name",
                    "name",
                    "concerns",
                    "status",
                    "decision_reason",
                    "signposted_to",
                    "decided_by_id",
                    "decided_at",
                ],
                now,
            )
        )
        self.t_referral_subjects = reg(Spec(Referral.subjects.through, ["referral_id", "subject_id"], now))
        self.t_referral_harm = reg(Spec(Referral.harm_types.through, ["referral_id", "harmtype_id"], now))
        self.t_meeting = reg(
            Spec(
                Meeting,
                [
                    *tracked,
                    "panel_id",
                    "meeting_type",
                    "date",
                    "start_time",
                    "end_time",
                    "venue",
                    "chairing",
                    "chair_id",
                    "contributions_due",
                    "status",
                    "cancel_reason",
                    "invitations_sent_at",
                    "closed_at",
                    "closed_by_id",
                    "quorate",
                ],
                now,
            )
        )
        self.t_meeting_agencies = reg(Spec(Meeting.agencies.through, ["meeting_id", "agency_id"], now))
        self.t_item = reg(
            Spec(
                AgendaItem,
                [
                    *tracked,
                    "meeting_id",
                    "strand",
                    "subject_id",
                    "referral_id",
                    "position",
                    "source",
                    "discussion",
                    "decisions",
                ],
                now,
            )
        )
        self.t_contribution = reg(
            Spec(
                Contribution,
                [*tracked, "item_id", "agency_id", "status", "text", "submitted_by_id", "submitted_at"],
                now,
            )
        )
        self.t_attendance = reg(
            Spec(Attendance, [*tracked, "meeting_id", "agency_id", "status", "representative"], now)
        )
        self.t_feedback = reg(
            Spec(
                Feedback,
                [*tracked, "meeting_id", "user_id", "focused", "clear_actions", "effective_chairing"],
                now,
            )
        )
        self.t_action = reg(
            Spec(
                Action,
                [
                    *tracked,
                    "panel_id",
                    "number",
                    "meeting_id",
                    "item_id",
                    "subject_id",
                    "description",
                    "owner_agency_id",
                    "owner_id",
                    "due_date",
                    "status",
                    "completed_at",
                    "completion_note",
                    "times_carried_forward",
                ],
                now,
            )
        )
        self.t_review = reg(
            Spec(
                ActionReview,
                [
                    *tracked,
                    "action_id",
                    "meeting_id",
                    "outcome",
                    "reason",
                    "previous_due_date",
                    "new_due_date",
                ],
                now,
            )
        )
        self.t_assessment = reg(
            Spec(
                RiskAssessment,
                [
                    *tracked,
                    "child_id",
                    "tool",
                    "assessor_name",
                    "assessor_agency_id",
                    "assessed_on",
                    "level",
                    "factors",
                    "next_review_on",
                    "set_current_level",
                ],
                now,
            )
        )
        self.t_episode = reg(
            Spec(
                MissingEpisode,
                [
                    *tracked,
                    "child_id",
                    "started_at",
                    "returned_at",
                    "reported_to_police",
                    "classification",
                    "risk_grade",
                    "placement",
                    "philomena",
                ],
                now,
            )
        )
        self.t_interview = reg(
            Spec(
                ReturnInterview,
                [
                    *tracked,
                    "episode_id",
                    "offered",
                    "offered_on",
                    "outcome",
                    "completed_at",
                    "interviewer_name",
                    "reason_not_completed",
                    "within_72_hours",
                ],
                now,
            )
        )
        self.t_nrm = reg(
            Spec(
                NRMReferral,
                [
                    *tracked,
                    "child_id",
                    "referred_on",
                    "first_responder_agency_id",
                    "exploitation_types",
                    "decision_maker",
                    "decision_due_on",
                    "rg_decision",
                    "rg_decided_on",
                    "cg_decision",
                    "cg_decided_on",
                ],
                now,
            )
        )
        self.t_disruption = reg(
            Spec(
                Disruption,
                [*tracked, "target_id", "category", "tactic", "other_tactic", "agency_id", "done_on", "description"],
                now,
            )
        )
        self.m = {model.__name__: model for model in self.models}

    def take(self, name: str) -> int:
        return self.ids.take(self.m[name])

    # --- Organisations, people

    def organisations(self) -> list[PanelPlan]:
        from macehub.oversight.population import GROUPS, POPULATION_CSV
        from macehub.subjects.models import HarmType

        self.harm_ids = dict(HarmType.objects.values_list("code", "id"))
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT id, name, gss_code FROM organisations_localauthority ORDER BY name")
            authorities = {name: (pk, code) for pk, name, code in cursor.fetchall()}
        if len(authorities) != 33:
            raise SystemExit(f"Expected the 33 London authorities (found {len(authorities)}): run migrate first.")
        with POPULATION_CSV.open(newline="", encoding="utf-8") as handle:
            population = {row["gss_code"]: row for row in csv.DictReader(handle)}
        joined = {name for names in JOINT.values() for name in names}
        members = dict(JOINT)
        for name in authorities:
            if name not in joined:
                members[name] = [name]
        rng, now, add = self.rng, self.now, self.sink.add

        shared: dict[str, int] = {}
        for name, kind in [
            ("Probation Service London (benchmark)", "probation"),
            ("Safer Futures Youth Project (benchmark)", "voluntary_community"),
            ("Oakfield Children's Homes (benchmark)", "placement_provider"),
        ]:
            shared[kind] = self.take("Agency")
            add(self.t_agency, (shared[kind], now, now, name, kind, True))
        bcus: dict[str, int] = {}
        icbs: dict[str, int] = {}

        plans: list[PanelPlan] = []
        weights: dict[int, float] = {}
        boroughs = 0
        for preset, short_name in enumerate(sorted(members)):
            pid = self.take("Partnership")
            add(
                self.t_partnership,
                (pid, now, now, f"{short_name} Safeguarding Children Partnership (benchmark)", short_name, True),
            )
            codes = []
            for member in members[short_name]:
                aid, code = authorities[member]
                codes.append(code)
                add(self.t_partnership_authorities, (pid, aid))
            agencies: dict[str, int] = {}
            for template, kind in [
                ("{} Children's Social Care", "childrens_social_care"),
                ("{} Education and Schools", "education"),
                ("{} Youth Justice Service", "youth_justice"),
                ("{} Community Safety", "community_safety"),
                ("{} Housing", "housing"),
            ]:
                agencies[kind] = self.take("Agency")
                add(self.t_agency, (agencies[kind], now, now, template.format(short_name), kind, True))
                add(self.t_agency_partnerships, (agencies[kind], pid))
            for member in members[short_name]:
                boroughs += 1
                bcu = f"Metropolitan Police BCU {boroughs // 3 + 1} (benchmark)"  # about three boroughs each
                if member == "City of London":
                    bcu = "City of London Police (benchmark)"
                if bcu not in bcus:
                    bcus[bcu] = self.take("Agency")
                    add(self.t_agency, (bcus[bcu], now, now, bcu, "police", True))
                if "police" not in agencies:
                    agencies["police"] = bcus[bcu]
                    add(self.t_agency_partnerships, (bcus[bcu], pid))
                icb = f"NHS London ICB {boroughs // 7 + 1} (benchmark)"
                if icb not in icbs:
                    icbs[icb] = self.take("Agency")
                    add(self.t_agency, (icbs[icb], now, now, icb, "health", True))
                if "health" not in agencies:
                    agencies["health"] = icbs[icb]
                    add(self.t_agency_partnerships, (icbs[icb], pid))
            for kind, agency in shared.items():
                agencies[kind] = agency
                add(self.t_agency_partnerships, (agency, pid))
            pops = [population[c] for c in codes]
            total = sum(int(p["total"]) for p in pops)
            ethnic = {g: sum(int(p[g]) for p in pops) * ETHNIC_LIFT[g] for g in GROUPS}
            lift = math.exp(rng.gauss(0, 0.35))
            weights[pid] = total * lift
            plans.append(
                PanelPlan(
                    id=0,
                    partnership_id=pid,
                    short_name=short_name,
                    risk_levels=RISK_PRESETS[preset % len(RISK_PRESETS)],
                    upper_age=25 if preset % 5 == 0 else 18,
                    share=1.0,
                    authority_ids=[authorities[m][0] for m in members[short_name]],
                    ethnic_weights=ethnic,
                    core=[(agencies[k], k) for k in CORE_TYPES],
                    under=agencies[rng.choice(UNDER_ATTENDING)],
                    housing=agencies["housing"],
                )
            )
        # The four busiest partnerships run two panels.
        total_weight = sum(weights.values())
        busiest = sorted(weights, key=weights.__getitem__, reverse=True)[:4]
        panels: list[PanelPlan] = []
        for plan in plans:
            plan.share = weights[plan.partnership_id] / total_weight
            if plan.partnership_id in busiest:
                second = replace(
                    plan, core=list(plan.core), reps={}, numbers={}, held=[], weeks=[], week_dates=[], planned=[]
                )
                plan.share *= 0.62
                second.share *= 0.38
                second.risk_levels = RISK_PRESETS[(RISK_PRESETS.index(plan.risk_levels) + 1) % len(RISK_PRESETS)]
                panels += [plan, second]
            else:
                panels.append(plan)
        names: dict[int, int] = {}
        for plan in panels:
            plan.id = self.take("Panel")
            names[plan.partnership_id] = names.get(plan.partnership_id, 0) + 1
            suffix = "" if names[plan.partnership_id] == 1 else " (north)"
            add(
                self.t_panel,
                (
                    plan.id,
                    now,
                    now,
                    plan.partnership_id,
                    f"{plan.short_name} MACE{suffix}",
                    "Multi-Agency Child Exploitation panel",
                    plan.upper_age,
                    "weekly",
                    json.dumps(plan.risk_levels),
                    False,
                    True,
                ),
            )
        self.people(panels)
        return panels

    def people(self, panels: list[PanelPlan]) -> None:
        add, now = self.sink.add, self.now

        def user(email: str, name: str, title: str) -> int:
            uid = self.take("User")
            add(self.t_user, (uid, "!benchmark", email, name, title, True, now))
            return uid

        def member(uid: int, role: str, partnership: int | None, panel: int | None, agency: int | None) -> None:
            add(self.t_membership, (self.take("Membership"), now, now, uid, role, partnership, panel, agency))

        self.london_user = user("london@bench.invalid", "London Team (benchmark)", "London project team")
        member(self.london_user, "london_project_team", None, None, None)
        done: set[int] = set()
        for plan in panels:
            slug = f"{plan.short_name.lower().replace(' ', '-')}-{plan.id}"
            if plan.partnership_id not in done:
                done.add(plan.partnership_id)
                pslug = plan.short_name.lower().replace(" ", "-")
                analyst = user(f"analyst.{pslug}@bench.invalid", f"Analyst {plan.short_name}", "Partnership analyst")
                member(analyst, "partnership_analyst", plan.partnership_id, None, None)
                lead = user(f"lead.{pslug}@bench.invalid", f"Lead {plan.short_name}", "Strategic lead")
                member(lead, "strategic_lead", plan.partnership_id, None, None)
            agencies = {kind: agency for agency, kind in plan.core}
            plan.coordinator = user(f"coordinator.{slug}@bench.invalid", f"Coordinator {slug}", "MACE coordinator")
            member(plan.coordinator, "coordinator", plan.partnership_id, plan.id, agencies["childrens_social_care"])
            plan.chair = user(f"chair.{slug}@bench.invalid", f"Chair {slug}", "Panel chair")
            member(plan.chair, "panel_chair", plan.partnership_id, plan.id, agencies["police"])
            for agency, kind in plan.core:
                rep = user(f"{kind}.{slug}@bench.invalid", f"Rep {kind} {slug}", "Agency representative")
                member(rep, "panel_member", plan.partnership_id, plan.id, agency)
                plan.reps[agency] = rep

    # --- Meetings

    def meetings(self, plan: PanelPlan, n_children: int, sampler: tuple[list[date], list[float]]) -> None:
        """The panel's meetings: one sitting a week (or fortnight, or month for small runs), with
        as many meetings in it as the register needs for about ``ITEMS_PER_MEETING`` items each.

        A busy panel sits several times in the week (one meeting per sitting, on different days),
        as real panels with a long register do, rather than holding one meeting of hundreds of
        items. How many meetings a week needs comes from a quick simulation of the register's
        load with the same shapes as ``registers`` (a separate random stream, so it does not
        disturb the data's own)."""
        rng = self.rng
        day = self.start + timedelta(days=rng.randrange(7))
        end = self.today + timedelta(days=35)
        weeks: list[tuple[date, str]] = []
        while day <= end:
            past = day < self.today
            cancelled = past and ((day.month == 12 and day.day >= 23) or rng.random() < 0.025)
            weeks.append((day, "planned" if not past else "cancelled" if cancelled else "held"))
            day += timedelta(days=self.interval)
        held_dates = [d for d, status in weeks if status == "held"]
        load = self.expected_load(held_dates, n_children, sampler, seed=plan.id)
        k_held = iter(max(1, round(n / ITEMS_PER_MEETING)) for n in load)
        k = 1
        for day, status in weeks:
            if status == "cancelled":
                self.meeting(plan, self.take("Meeting"), day, "cancelled", "10:00:00")
                continue
            if status == "held":
                k = next(k_held)
            sitting = []
            for s in range(k):
                mid = self.take("Meeting")
                when = day + timedelta(days=s % 5)
                if status == "held" and when >= self.today:
                    when = day
                self.meeting(plan, mid, when, status, ("10:00:00", "14:00:00")[(s // 5) % 2])
                sitting.append((mid, when))
            if status == "held":
                plan.weeks.append(sitting)
                plan.week_dates.append(day)
                plan.held += [mid for mid, _ in sitting]
            else:
                plan.planned.append(sitting)

    def expected_load(
        self, held_dates: list[date], n_children: int, sampler: tuple[list[date], list[float]], seed: int
    ) -> list[float]:
        """Items expected at each held sitting (smoothed over five sittings), simulated."""
        rng = random.Random(seed * 7919 + n_children)
        days, cum = sampler
        counts = [0.0] * len(held_dates)
        gap_steps = [max(1, round(g * 7 / self.interval)) for g in (1, 2, 3, 4, 6)]

        def walk(start: date, n: int, steps: list[int]) -> None:
            j = bisect.bisect_left(held_dates, start)
            for _ in range(n):
                if j >= len(held_dates):
                    return
                counts[j] += 1
                j += rng.choice(steps)

        for start in rng.choices(days, cum_weights=cum, k=round(n_children * 0.3)):
            walk(start, 1 + int(rng.expovariate(1 / 3.0)), [2 * g for g in gap_steps])
        for start in rng.choices(days, cum_weights=cum, k=n_children):
            walk(start, min(120, 1 + int(rng.expovariate(1 / (MEAN_DISCUSSIONS - 1)))), gap_steps)
        smoothed = []
        for j in range(len(counts)):
            window = counts[max(0, j - 2) : j + 3]
            smoothed.append(sum(window) / len(window))
        return smoothed

    def meeting(self, plan: PanelPlan, mid: int, day: date, status: str, start_time: str) -> None:
        rng, add = self.rng, self.sink.add
        created = at(day - timedelta(days=28), 9)
        end_time = "12:30:00" if start_time == "10:00:00" else "16:30:00"
        common = ("operational", day, start_time, end_time, "Civic Centre", "single", plan.chair)
        if status == "planned":
            add(
                self.t_meeting,
                (mid, created, created, plan.id, *common, day - timedelta(days=3), "planned", "", *[None] * 4),
            )
        elif status == "cancelled":
            reason = "Not enough business"
            add(
                self.t_meeting,
                (mid, created, created, plan.id, *common, day - timedelta(days=3), "cancelled", reason, *[None] * 4),
            )
        else:
            present: set[str] = set()
            closed = at(day, 13)
            for agency, kind in plan.core:
                attend, deputy, apologies = ATTENDS[kind]
                if agency == plan.under:
                    attend, deputy, apologies = attend * 0.55, deputy, apologies + attend * 0.25
                r = rng.random()
                status_a = (
                    "attended"
                    if r < attend
                    else "deputy"
                    if r < attend + deputy
                    else "apologies"
                    if r < attend + deputy + apologies
                    else "absent"
                )
                if status_a in ("attended", "deputy"):
                    present.add(kind)
                add(self.t_attendance, (self.take("Attendance"), closed, closed, mid, agency, status_a, ""))
            quorate = {"police", "childrens_social_care", "health"} <= present
            add(
                self.t_meeting,
                (
                    mid,
                    created,
                    closed,
                    plan.id,
                    *common,
                    day - timedelta(days=3),
                    "held",
                    "",
                    at(day - timedelta(days=14), 9),
                    closed,
                    plan.coordinator,
                    quorate,
                ),
            )
            reps = list(plan.reps.values())
            for uid in rng.sample(reps, rng.choice((0, 1, 2, 2, 3, 4))):
                answers = tuple(rng.choices((3, 2, 1), (0.6, 0.3, 0.1))[0] for _ in range(3))
                add(self.t_feedback, (self.take("Feedback"), closed, closed, mid, uid, *answers))
        for agency, _kind in plan.core:
            add(self.t_meeting_agencies, (mid, agency))

    # --- Registers and everything about them

    def day_weights(self, season: dict[int, float]) -> tuple[list[date], list[float]]:
        days, cum, total = [], [], 0.0
        span = (self.today - self.start).days
        for i in range(span):
            d = self.start + timedelta(days=i)
            total += season[d.month] * (1 + GROWTH_PER_YEAR * i / 365.25)
            days.append(d)
            cum.append(total)
        return days, cum

    def registers(self, plan: PanelPlan, n_children: int, sampler: tuple[list[date], list[float]]) -> None:
        rng, add, _now, today = self.rng, self.sink.add, self.now, self.today
        days, cum = sampler
        held, held_dates = plan.weeks, plan.week_dates
        positions: dict[int, int] = {}
        meeting_times: dict[int, tuple[datetime, datetime, datetime]] = {}

        def times(mid: int, day: date) -> tuple[datetime, datetime, datetime]:
            t = meeting_times.get(mid)
            if t is None:
                t = (at(day - timedelta(days=7), 9), at(day - timedelta(days=2), 11), at(day, 13))
                meeting_times[mid] = t
            return t

        levels = plan.risk_levels
        agencies = {kind: agency for agency, kind in plan.core}
        core = plan.core
        contribute = [
            (agency, CONTRIBUTES[kind] * (0.4 if agency == plan.under else 1.0), plan.reps[agency])
            for agency, kind in core
        ]
        owners = [agency for agency, _ in core]
        owner_weights = [
            {"police": 3, "childrens_social_care": 4, "education": 2, "youth_justice": 2, "health": 1.5}.get(k, 0.7)
            for _, k in core
        ]
        groups = list(plan.ethnic_weights)
        group_weights = [plan.ethnic_weights[g] for g in groups]
        from macehub.oversight.measures import ETHNIC_CODES

        harm_codes = list(HARM_WEIGHTS)
        harm_weights = list(HARM_WEIGHTS.values())
        referrer_agencies = [agencies[k] for k in ("childrens_social_care", "police", "education", "health")]
        gap_steps = [max(1, round(g * 7 / self.interval)) for g in (1, 2, 3, 4, 6)]

        def held_index(day: date) -> int:
            return bisect.bisect_left(held_dates, day)

        def item(mid: int, day: date, strand: str, subject: int, referral: int | None) -> int:
            iid = self.take("AgendaItem")
            created, _submitted, _closed = times(mid, day)
            position = positions.get(mid, 0) + 1
            positions[mid] = position
            source = "referral" if referral else "review"
            add(
                self.t_item,
                (iid, created, created, mid, strand, subject, referral, position, source, DISCUSSION, DECISIONS),
            )
            return iid

        def discussed_item(
            mid: int, day: date, strand: str, subject: int, referral: int | None, actions: float
        ) -> None:
            iid = item(mid, day, strand, subject, referral)
            _, submitted, closed = times(mid, day)
            for agency, p, rep in contribute:
                if rng.random() < p:
                    status = "submitted" if rng.random() < 0.82 else "nothing_held"
                    add(
                        self.t_contribution,
                        (
                            self.take("Contribution"),
                            submitted,
                            submitted,
                            iid,
                            agency,
                            status,
                            CONTRIBUTION if status == "submitted" else "",
                            rep,
                            submitted,
                        ),
                    )
            if rng.random() < 0.01:  # a guest agency invited to this item only
                add(
                    self.t_contribution,
                    (
                        self.take("Contribution"),
                        submitted,
                        submitted,
                        iid,
                        plan.housing,
                        "submitted",
                        CONTRIBUTION,
                        plan.coordinator,
                        submitted,
                    ),
                )
            r = rng.random() * actions
            k = 0 if r < 0.5 else 1 if r < 0.85 else 2 if r < 0.97 else 3
            for _ in range(k):
                self.action(plan, mid, day, iid, subject, closed, owners, owner_weights)

        def subject_row(sid: int, kind: str, created: datetime, **v: Any) -> None:
            add(
                self.t_subject,
                (
                    sid,
                    created,
                    v.get("updated", created),
                    plan.id,
                    kind,
                    plan.number(kind),
                    v.get("given", ""),
                    v.get("family", ""),
                    v.get("dob"),
                    v.get("search", ""),
                    v.get("age_band", ""),
                    v.get("sex", ""),
                    v.get("ethnicity", ""),
                    v.get("send", ""),
                    v.get("looked_after", ""),
                    v.get("placing", ""),
                    v.get("education", ""),
                    v.get("risk", ""),
                    v.get("person_age", ""),
                    v.get("name", ""),
                    v.get("location_type", ""),
                    v.get("authority"),
                    v.get("group_type", ""),
                    v.get("period_start"),
                    "Benchmark record.",
                    v.get("status", "open"),
                    v.get("reason", ""),
                    v.get("changed"),
                    v.get("merged_into"),
                    v.get("case_opened"),
                    "Opened as a case (benchmark)." if v.get("case_opened") else "",
                ),
            )

        def referral(kind: str, created: datetime, decided: datetime | None, status: str, **v: Any) -> int:
            rid = self.take("Referral")
            plan.referral_number += 1
            agency = rng.choice(referrer_agencies)
            route = rng.choices(
                ("front_door", "strategy", "police", "pre_mace", "other"), (0.45, 0.15, 0.2, 0.15, 0.05)
            )[0]
            reason = "" if status in ("submitted", "withdrawn") else "Benchmark screening decision."
            add(
                self.t_referral,
                (
                    rid,
                    created,
                    decided or created,
                    plan.id,
                    plan.referral_number,
                    kind,
                    plan.reps[agency],
                    agency,
                    route,
                    route == "front_door",
                    v.get("given", ""),
                    v.get("family", ""),
                    v.get("name", ""),
                    "Benchmark referral: concerns described here.",
                    status,
                    reason,
                    "Early help team" if status == "signposted" else "",
                    plan.coordinator if decided else None,
                    decided,
                ),
            )
            return rid

        def lifecycle(first: int, n: int, steps: list[int]) -> list[int]:
            """Meeting indices for a subject discussed ``n`` times from ``first``."""
            result, j = [], first
            for _ in range(n):
                if j >= len(held):
                    break
                result.append(j)
                j += rng.choice(steps)
            return result

        def status_after(last_day: date | None, complete: bool) -> tuple[str, str, datetime | None]:
            if last_day is None or not complete:
                return "open", "", None
            closing = last_day + timedelta(days=rng.randrange(5, 19))  # after the sitting's last meeting
            if closing >= today or rng.random() < 0.03:
                return "open", "", None
            if rng.random() < 0.55:
                return "stepped_down", "Risk reduced; stepped down to a plan (benchmark).", at(closing, 15)
            return "closed", "Closed: no longer at risk of exploitation (benchmark).", at(closing, 15)

        # Contexts first, so children can be linked to them.
        contexts: list[tuple[int, str]] = []
        n_contexts = {
            "person": max(1, round(n_children * 0.15)),
            "location": max(1, round(n_children * 0.1)),
            "group": max(1, round(n_children * 0.05)),
        }
        strand = {"person": "persons", "location": "locations", "group": "groups", "child": "children"}
        for kind, count in n_contexts.items():
            starts = rng.choices(days, cum_weights=cum, k=count)
            for start in starts:
                sid = self.take("Subject")
                first = held_index(start)
                indices = lifecycle(first, 1 + int(rng.expovariate(1 / 3.0)), [2 * g for g in gap_steps])
                complete = bool(indices) and (indices[-1] + 4 < len(held))
                created_day = held_dates[indices[0]] - timedelta(days=rng.randrange(2, 15)) if indices else start
                created = at(max(created_day, self.start), 10)
                last_day = held_dates[indices[-1]] if indices else None
                status, reason, changed = status_after(last_day, complete)
                values: dict[str, Any] = {"status": status, "reason": reason, "changed": changed}
                if kind == "person":
                    given, family = rng.choice(GIVEN), rng.choice(FAMILY)
                    values |= {"given": given, "family": family, "search": f"{given} {family}".lower()}
                    values["person_age"] = "adult" if rng.random() < 0.85 else "child"
                elif kind == "location":
                    values |= {"name": f"Location {plan.numbers.get(kind, 0) + 1} (benchmark)"}
                    values["location_type"] = rng.choice(("park", "shop", "food", "transport", "estate", "address"))
                    values["authority"] = rng.choice(plan.authority_ids)
                else:
                    values |= {"name": f"Group {plan.numbers.get(kind, 0) + 1} (benchmark)"}
                    values["group_type"] = rng.choice(("peer", "network", "online", "other"))
                if kind != "person" and rng.random() < 0.2:
                    values["case_opened"] = at(created.date() + timedelta(days=rng.randrange(0, 30)), 11)
                    if values["case_opened"] > self.now:
                        values["case_opened"] = None
                subject_row(sid, kind, created, **values)
                contexts.append((sid, kind))
                ref = None
                if rng.random() < 0.3:
                    ref = referral(
                        kind, created - timedelta(days=rng.randrange(2, 10)), created, "accepted", name="Benchmark"
                    )
                    add(self.t_referral_subjects, (ref, sid))
                for k, j in enumerate(indices):
                    mid, day = rng.choice(held[j])
                    discussed_item(mid, day, strand[kind], sid, ref if k == 0 else None, 0.75)
                # Disruption against this context.
                for _ in range(int(rng.expovariate(1 / 2.4))):
                    self.disruption(plan, sid, kind, created.date(), last_day, agencies)
        themes = max(1, round(4 * min(1.0, self.scale * 20)))
        for t in range(themes):
            sid = self.take("Subject")
            start = self.start + timedelta(days=rng.randrange((today - self.start).days))
            subject_row(sid, "theme", at(start, 10), name=f"Theme {t + 1} (benchmark)", period_start=start)

        # Children.
        starts = rng.choices(days, cum_weights=cum, k=n_children)
        previous_child = 0
        by_kind: dict[str, list[int]] = {"person": [], "location": [], "group": []}
        for sid, kind in contexts:
            by_kind[kind].append(sid)
        for start in starts:
            sid = self.take("Subject")
            first = held_index(start)
            n = 1 + int(rng.expovariate(1 / (MEAN_DISCUSSIONS - 1)))
            indices = lifecycle(first, min(n, 120), gap_steps)
            if rng.random() < 0.02:
                indices = []  # on the register, not discussed yet
            complete = len(indices) == min(n, 120) and bool(indices)
            created_day = held_dates[indices[0]] - timedelta(days=rng.randrange(2, 21)) if indices else start
            created_day = max(created_day, self.start)
            created = at(created_day, 10, rng.randrange(60))
            last_day = held_dates[indices[-1]] if indices else None
            status, reason, changed = status_after(last_day, complete)
            merged_into = None
            if previous_child and rng.random() < 0.004:
                status, reason, changed, merged_into = "merged", "Duplicate record (benchmark).", None, previous_child
            age = rng.choices(
                (9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 22),
                (1, 2, 3, 5, 9, 15, 20, 22, 17, 3, 2, 1, 1)
                if plan.upper_age == 25
                else (1, 2, 3, 5, 9, 15, 20, 22, 17, 0, 0, 0, 0),
            )[0]
            dob = None
            band = ""
            if rng.random() < 0.85:
                dob = created_day - timedelta(days=int(365.25 * age) + rng.randrange(365))
            elif rng.random() < 0.7:
                band = "10_13" if age < 14 else "14_15" if age < 16 else "16_17" if age < 18 else "18_20"
            r = rng.random()
            ethnicity = ""
            if r < 0.93:
                group = rng.choices(groups, group_weights)[0]
                ethnicity = rng.choice(ETHNIC_CODES[group])
            elif r < 0.98:
                ethnicity = "not_known"
            elif r < 0.99:
                ethnicity = "refused"
            sex = rng.choices(("male", "female", "not_known", ""), (0.62, 0.36, 0.015, 0.005))[0]
            send = rng.choices(("none", "sen_support", "ehc_plan", "not_known", ""), (0.5, 0.22, 0.13, 0.08, 0.07))[0]
            looked_after = rng.choices(("no", "yes", "care_leaver", "not_known", ""), (0.68, 0.2, 0.03, 0.05, 0.04))[0]
            # Risk assessments: a walk on the panel's scale, more often down than up.
            n_assess = rng.choices((0, 1, 2, 3, 4, 5), (0.25, 0.2, 0.25, 0.15, 0.1, 0.05))[0] if indices else 0
            level_index = rng.choice(range(len(levels) // 2, len(levels)))
            assessment_levels = []
            for _ in range(n_assess):
                assessment_levels.append(levels[level_index])
                step = rng.choices((-1, 0, 1), (0.45, 0.35, 0.2))[0]
                level_index = min(len(levels) - 1, max(0, level_index + step))
            risk = assessment_levels[-1] if assessment_levels else rng.choice(levels)
            given, family = rng.choice(GIVEN), rng.choice(FAMILY)
            subject_row(
                sid,
                "child",
                created,
                updated=changed or created,
                given=given,
                family=family,
                search=f"{given} {family}".lower(),
                dob=dob,
                age_band=band,
                sex=sex,
                ethnicity=ethnicity,
                send=send,
                looked_after=looked_after,
                placing="Another London borough" if looked_after == "yes" else "",
                education=rng.choice(("mainstream", "alternative", "college", "missing", "neet")),
                risk=risk,
                status=status,
                reason=reason,
                changed=changed,
                merged_into=merged_into,
            )
            previous_child = sid
            harms = set(rng.choices(harm_codes, harm_weights, k=rng.choice((1, 1, 2, 2, 3))))
            for code in harms:
                add(self.t_subject_harm, (sid, self.harm_ids[code]))
            # The referral that brought them, and some that did not lead anywhere.
            ref = None
            if rng.random() < 0.9:
                received = created - timedelta(days=rng.randrange(1, 12), hours=rng.randrange(0, 4))
                ref = referral("child", received, created, "accepted", given=given, family=family)
                add(self.t_referral_subjects, (ref, sid))
                for code in harms:
                    add(self.t_referral_harm, (ref, self.harm_ids[code]))
            if rng.random() < 0.35:
                received = at(start, 9, rng.randrange(60))
                status_r = rng.choices(("signposted", "not_met", "withdrawn", "submitted"), (0.45, 0.4, 0.1, 0.05))[0]
                decided = (
                    received + timedelta(days=rng.randrange(1, 10)) if status_r in ("signposted", "not_met") else None
                )
                if status_r == "submitted" or (decided is not None and decided >= self.now):
                    status_r, decided = ("submitted", None) if received < self.now else (status_r, decided)
                if received < self.now and (decided is None or decided < self.now):
                    referral("child", received, decided, status_r, given=rng.choice(GIVEN), family=rng.choice(FAMILY))
            # Agenda items, contributions, actions.
            for k, j in enumerate(indices):
                mid, day = rng.choice(held[j])
                discussed_item(mid, day, "children", sid, ref if k == 0 else None, 1.0)
            if indices and not complete and status == "open":
                # On the agenda of the sitting where the next discussion falls, if already planned.
                ahead = indices[-1] + rng.choice(gap_steps) - len(held)
                if 0 <= ahead < len(plan.planned):
                    mid, day = rng.choice(plan.planned[ahead])
                    item(mid, day, "children", sid, None)
            # Risk assessments and changes between first and last discussion.
            if n_assess:
                span_start = created_day
                span_end = max(last_day or created_day, created_day + timedelta(days=n_assess * 30))
                span_end = min(span_end, today - timedelta(days=1))
                span = max(1, (span_end - span_start).days)
                assessed = sorted(span_start + timedelta(days=rng.randrange(span)) for _ in range(n_assess))
                previous_level = ""
                for day, level in zip(assessed, assessment_levels, strict=True):
                    stamp = at(day, 14)
                    add(
                        self.t_assessment,
                        (
                            self.take("RiskAssessment"),
                            stamp,
                            stamp,
                            sid,
                            "Child exploitation screening tool",
                            "Benchmark assessor",
                            agencies["childrens_social_care"],
                            day,
                            level,
                            "Benchmark risk factors.",
                            day + timedelta(days=84),
                            level != previous_level,
                        ),
                    )
                    if level != previous_level:
                        add(
                            self.t_risk_change,
                            (self.take("RiskChange"), stamp, stamp, sid, level, previous_level, day, "Assessment."),
                        )
                    previous_level = level
            # Links to contexts and other children.
            for _ in range(rng.choices((0, 1, 2, 3), (0.25, 0.4, 0.25, 0.1))[0]):
                kind = rng.choices(("location", "group", "person"), (0.45, 0.3, 0.25))[0]
                if not by_kind[kind]:
                    continue
                target = rng.choice(by_kind[kind])
                link_type = {"location": rng.choice(("lives_at", "seen_at")), "group": "member_of"}.get(
                    kind, "exploited_by"
                )
                self.link(plan, sid, target, link_type, created_day, agencies)
            # Missing episodes.
            if indices and rng.random() < MISSING_SHARE:
                window_start = max(self.start, created_day - timedelta(days=90))
                window_end = min(today - timedelta(days=1), (last_day or today) + timedelta(days=60))
                self.missing(sid, window_start, window_end, looked_after)
            # NRM.
            if indices and rng.random() < (0.25 if harms & {"trafficking", "county_lines"} else 0.05):
                self.nrm(sid, created_day, agencies)

    def action(
        self,
        plan: PanelPlan,
        mid: int,
        day: date,
        iid: int,
        subject: int,
        closed: datetime,
        owners: list[int],
        owner_weights: list[float],
    ) -> None:
        rng, add, today = self.rng, self.sink.add, self.today
        aid = self.take("Action")
        plan.action_number += 1
        owner = rng.choices(owners, owner_weights)[0]
        due = day + timedelta(days=rng.choice((14, 21, 28, 42)))
        slow = owner == plan.under
        r = rng.random()
        status, completed_at, note = "open", None, ""
        if r < (0.55 if slow else 0.78):
            done = due + timedelta(days=rng.randrange(-12, 30 if slow else 12))
            done = max(done, day + timedelta(days=1))
            if done < today:
                status, completed_at, note = "completed", at(done, 12), "Done (benchmark)."
        elif r < (0.6 if slow else 0.83):
            done = day + timedelta(days=rng.randrange(7, 60))
            if done < today:
                status, completed_at, note = "no_longer_needed", at(done, 12), "No longer needed (benchmark)."
        if status == "open" and (today - due).days > 90 and rng.random() < 0.93:
            # Old actions are eventually done (late) or dropped; a few stay open and overdue.
            done = due + timedelta(days=rng.randrange(20, 90))
            if done < today:
                status = "completed" if rng.random() < 0.75 else "no_longer_needed"
                completed_at, note = at(done, 12), "Done late (benchmark)."
        # Carried forward at the meetings after it fell due, until it was done.
        until = completed_at.date() if completed_at else today
        reviews = 0
        j = bisect.bisect_right(plan.week_dates, due)
        previous_due = due
        while j < len(plan.weeks) and plan.week_dates[j] < until and reviews < 3:
            if rng.random() < 0.6:
                review_meeting, when = rng.choice(plan.weeks[j])
                reason = rng.choices(
                    ("circumstances_changed", "in_progress", "agency_did_not_act"),
                    (0.25, 0.45, 0.3) if not slow else (0.15, 0.3, 0.55),
                )[0]
                new_due = when + timedelta(days=rng.choice((14, 28)))
                stamp = at(when, 13)
                add(
                    self.t_review,
                    (
                        self.take("ActionReview"),
                        stamp,
                        stamp,
                        aid,
                        review_meeting,
                        "carried_forward",
                        reason,
                        previous_due,
                        new_due,
                    ),
                )
                previous_due = new_due
                reviews += 1
            j += 1 + rng.randrange(2)
        add(
            self.t_action,
            (
                aid,
                closed,
                completed_at or closed,
                plan.id,
                plan.action_number,
                mid,
                iid,
                subject,
                "Benchmark action: what, who, by when.",
                owner,
                plan.reps[owner],
                previous_due,
                status,
                completed_at,
                note,
                reviews,
            ),
        )

    def missing(self, child: int, first: date, last: date, looked_after: str) -> None:
        rng, add = self.rng, self.sink.add
        span = (last - first).days
        if span <= 0:
            return
        n = 1 + int(rng.expovariate(1 / (MEAN_EPISODES - 1)))
        placement = rng.choice(("residential", "foster", "supported")) if looked_after == "yes" else "home"
        for _ in range(min(n, 60)):
            day = first + timedelta(days=rng.randrange(span))
            while rng.random() * 1.4 > MISSING_SEASON[day.month]:
                day = first + timedelta(days=rng.randrange(span))
            started = at(day, rng.randrange(6, 22), rng.randrange(60))
            hours = min(240.0, rng.lognormvariate(2.9, 0.9))
            returned: datetime | None = started + timedelta(hours=hours)
            if returned is not None and returned >= self.now:
                returned = None
            reported = rng.random() < 0.85
            eid = self.take("MissingEpisode")
            philomena = (
                ("yes" if rng.random() < 0.7 else "no")
                if placement in ("residential", "supported")
                else "not_applicable"
            )
            add(
                self.t_episode,
                (
                    eid,
                    started,
                    returned or started,
                    child,
                    started,
                    returned,
                    reported,
                    "missing" if reported and rng.random() < 0.8 else "absent" if reported else "",
                    rng.choice(("high", "medium", "medium", "low", "low", "no_apparent")),
                    placement,
                    philomena,
                ),
            )
            if returned is None or rng.random() > 0.9:
                continue
            offered = rng.random() < 0.92
            outcome, completed, within, reason = "not_completed", None, None, "Could not reach the child."
            if offered:
                outcome = rng.choices(("completed", "declined", "not_completed", "not_yet"), (0.7, 0.15, 0.1, 0.05))[0]
                if outcome == "completed":
                    done = returned + timedelta(hours=rng.choice((20, 30, 44, 52, 66, 70, 80, 100, 150)))
                    if done >= self.now:
                        outcome = "not_yet"
                    else:
                        completed, within, reason = done, done - returned <= timedelta(hours=72), ""
            stamp = completed or returned
            add(
                self.t_interview,
                (
                    self.take("ReturnInterview"),
                    stamp,
                    stamp,
                    eid,
                    offered,
                    returned.date() + timedelta(days=1) if offered else None,
                    outcome,
                    completed,
                    "Benchmark interviewer" if completed else "",
                    reason,
                    within,
                ),
            )

    def nrm(self, child: int, first: date, agencies: dict[str, int]) -> None:
        rng, today = self.rng, self.today
        span = max(1, (today - first).days - 1)
        referred = first + timedelta(days=min(span - 1, rng.randrange(0, 120)) if span > 1 else 0)
        due = referred + timedelta(days=45)
        rg, rg_on, cg, cg_on = "pending", None, "pending", None
        decided = referred + timedelta(days=int(rng.lognormvariate(3.6, 0.6)))
        if decided < today and rng.random() < 0.95:
            rg, rg_on = ("positive" if rng.random() < 0.85 else "negative"), decided
            if rg == "positive":
                conclusive = decided + timedelta(days=rng.randrange(90, 500))
                if conclusive < today and rng.random() < 0.8:
                    cg, cg_on = ("positive" if rng.random() < 0.8 else "negative"), conclusive
        stamp = at(referred, 12)
        types = json.dumps(rng.sample(["criminal", "sexual", "labour", "domestic_servitude"], rng.choice((1, 1, 2))))
        self.sink.add(
            self.t_nrm,
            (
                self.take("NRMReferral"),
                stamp,
                stamp,
                child,
                referred,
                agencies[rng.choice(("childrens_social_care", "police"))],
                types,
                rng.choice(("home_office", "devolved")),
                due,
                rg,
                rg_on,
                cg,
                cg_on,
            ),
        )

    def disruption(
        self, plan: PanelPlan, target: int, kind: str, first: date, last: date | None, agencies: dict[str, int]
    ) -> None:
        rng = self.rng
        end = min(self.today - timedelta(days=1), (last or self.today) + timedelta(days=30))
        span = (end - first).days
        if span <= 0:
            return
        category = {
            "location": rng.choice(("location", "location", "community")),
            "group": rng.choice(("peer_group", "peer_group", "online")),
        }.get(kind, "perpetrator")
        tactic = {
            "location": ("closure", "cpn", "dispersal", "patrols", "guardians", "licensing"),
            "community": ("guardians", "patrols"),
            "peer_group": ("patrols", "dispersal", "injunction", "other"),
            "online": ("online_report", "other"),
            "perpetrator": ("cawn", "sro", "warrant", "stro", "injunction", "shpo"),
        }[category]
        chosen = rng.choice(tactic)
        done = first + timedelta(days=rng.randrange(span))
        stamp = at(done, 16)
        agency = agencies[rng.choice(("police", "community_safety"))]
        self.sink.add(
            self.t_disruption,
            (
                self.take("Disruption"),
                stamp,
                stamp,
                target,
                category,
                chosen,
                "Youth outreach session" if chosen == "other" else "",
                agency,
                done,
                "Benchmark disruption.",
            ),
        )

    def link(
        self, plan: PanelPlan, source: int, target: int, link_type: str, known: date, agencies: dict[str, int]
    ) -> None:
        rng = self.rng
        ended = None
        if rng.random() < 0.2:
            ended = known + timedelta(days=rng.randrange(30, 400))
            if ended >= self.today:
                ended = None
        stamp = at(known, 15)
        self.sink.add(
            self.t_link,
            (
                self.take("Link"),
                stamp,
                stamp,
                plan.id,
                source,
                target,
                link_type,
                known,
                ended,
                "No longer in contact (benchmark)." if ended else "",
                agencies["police"],
                rng.choice(("confirmed", "likely", "possible")),
            ),
        )

    # --- The whole run

    def run(self) -> Stats:
        started = time.perf_counter()
        panels = self.organisations()
        self.sink.flush_all()
        children = max(len(panels), round(CHILDREN_AT_SCALE_1 * self.scale))
        sampler = self.day_weights(SEASON)
        for i, plan in enumerate(panels, start=1):
            n = max(3, round(children * plan.share))
            self.meetings(plan, n, sampler)
            self.registers(plan, n, sampler)
            self.log(f"  panel {i}/{len(panels)} {plan.short_name}: {n} children, {len(plan.held)} meetings held")
        self.sink.flush_all()
        stats = Stats(seconds=time.perf_counter() - started)
        for spec in self.sink.specs:
            stats.rows[spec.table] = spec.written
        return stats


# --- Entry points -----------------------------------------------------------------------------


def generate(
    *,
    scale: float = 0.01,
    years: int = 5,
    seed: int = 20251126,
    today: date | None = None,
    log: Any = print,
    connection: Any = None,
) -> Stats:
    """Write the dataset through ``connection`` (Django's default) inside one transaction.

    Works on an already migrated database (the benchmark's own, or the test database): ids
    continue after what is there. Partnerships must not exist yet (names are unique)."""
    from django.db import connection as default_connection
    from django.db import transaction
    from django.utils import timezone

    connection = connection or default_connection
    today = today or timezone.localdate()
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Skip the foreign-key triggers during the load (ids are generated to line up);
                # needs a superuser, so carry on with them if the server says no.
                cursor.execute("SAVEPOINT bench_role")
                try:
                    cursor.execute("SET LOCAL session_replication_role = replica")
                except Exception:
                    cursor.execute("ROLLBACK TO SAVEPOINT bench_role")
                cursor.execute("RELEASE SAVEPOINT bench_role")
        generator = Generator(scale=scale, years=years, seed=seed, today=today, connection=connection, log=log)
        stats = generator.run()
        reset_sequences(connection, generator.models)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL session_replication_role = origin")
    return stats


def reset_sequences(connection: Any, models: Iterable[Any]) -> None:
    from django.core.management.color import no_style

    statements = connection.ops.sequence_reset_sql(no_style(), list(models))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def prepare_database(database_url: str, *, reset: bool) -> None:
    """Before Django connects: remove the SQLite file on ``--reset``; create a missing
    PostgreSQL database (through the server's ``postgres`` database)."""
    path = sqlite_path(database_url)
    if path is None:
        create_postgres_database(database_url)
    elif reset:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def create_postgres_database(database_url: str) -> None:
    from urllib.parse import urlsplit, urlunsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    server = urlunsplit(parts._replace(scheme="postgresql", path="/postgres"))
    with psycopg.connect(server, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"Created the database {name}")


def reset_postgres(database_url: str) -> None:
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if "bench" not in name:
        raise SystemExit(f"--reset empties the database; its name must contain 'bench' (got {name!r}).")
    with connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA public CASCADE")
        cursor.execute("CREATE SCHEMA public")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_SQLITE, help=f"default {DEFAULT_SQLITE}")
    parser.add_argument("--scale", type=float, default=0.01, help="1.0 is London scale (about 100,000 children)")
    parser.add_argument("--years", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20251126)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="the data's last day (default today)")
    parser.add_argument("--reset", action="store_true", help="start from an empty database (name must contain 'bench')")
    args = parser.parse_args(argv)

    prepare_database(args.database_url, reset=args.reset)
    bootstrap(args.database_url)
    from django.core.management import call_command
    from django.db import connection

    from macehub.organisations.models import Partnership

    if args.reset and connection.vendor == "postgresql":
        reset_postgres(args.database_url)
    began = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("createcachetable", verbosity=0)
    print(f"Migrated in {time.perf_counter() - began:.1f} s")
    if Partnership.objects.exists():
        raise SystemExit("The database already holds partnerships: use --reset (or a fresh database).")
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for pragma in (
                "PRAGMA foreign_keys = OFF",
                "PRAGMA journal_mode = OFF",
                "PRAGMA synchronous = OFF",
                "PRAGMA cache_size = -1000000",
                "PRAGMA temp_store = MEMORY",
            ):
                cursor.execute(pragma)
    print(f"Generating at scale {args.scale} over {args.years} years (seed {args.seed}) into {connection.vendor}")
    stats = generate(scale=args.scale, years=args.years, seed=args.seed, today=args.today)
    print(f"Generated in {stats.seconds:.1f} s")
    began = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
            cursor.execute("ANALYZE")
        else:
            cursor.execute("VACUUM ANALYZE")
    print(f"Analysed in {time.perf_counter() - began:.1f} s")
    width = max(len(t) for t in stats.rows)
    for table, n in sorted(stats.rows.items(), key=lambda kv: -kv[1]):
        print(f"  {table:<{width}}  {n:>10,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
