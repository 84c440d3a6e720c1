"""Demo casework, built on the demo VOLT registers (``macehub.subjects.demo``): children whose
risk goes up and down, plans with intended outcomes and scored reviews (one ended), missing
episodes with return home interviews inside and outside 72 hours (one across the October clock
change, one still missing, one due now), NRM referrals at every stage (one late, one of a young
person about to turn 18), disruption against places, groups and persons of concern, and
escalations. Every record is fictional.

Idempotent: a panel whose children already have casework is left alone.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Q
from django.utils import timezone

from macehub.core.demo import DemoContext
from macehub.subjects.models import Kind, Link, LinkType, RiskChange, Status, Subject

from .models import (
    CaseworkSettings,
    Disruption,
    Escalation,
    MissingEpisode,
    NRMReferral,
    OutcomeScore,
    Plan,
    PlanChild,
    PlanOutcome,
    PlanReview,
    ReturnInterview,
    RiskAssessment,
    within_72_hours,
)
from .selectors import eighteenth_birthday
from .times import london_datetime

PANELS = ["lambeth", "city-hackney", "kingston-richmond"]
COORDINATORS = {"lambeth": "user:amara", "city-hackney": "user:ben", "kingston-richmond": "user:joy"}
TOOLS = [
    "Child exploitation screening tool",
    "Risk outside the home assessment",
    "AssetPlus (youth justice)",
    "Missing-person risk assessment",
]
ASSESSORS = [
    ("Sam Green, social worker", "childrens_social_care"),
    ("Ayo Bello, YJS case manager", "youth_justice"),
    ("DC Priya Nair, exploitation team", "police"),
    ("Kim Lowe, designated nurse", "health"),
]
FACTORS = [
    "Going missing overnight; unexplained cash and a second phone; older associates. Protective: close to "
    "grandmother, engaging with youth worker. Fictional demo record.",
    "Seen at a suspected cuckooed address; school attendance falling. Protective: wants to go to college. "
    "Fictional demo record.",
    "Disclosed being asked to carry a knife; frightened travelling between estates. Protective: stable foster "
    "placement. Fictional demo record.",
    "Contact with adults met online; gifts and lifts. Protective: trusted teacher, attends every day. "
    "Fictional demo record.",
]
OUTCOMES = [
    "Attends school or college at least four days a week",
    "No missing episodes for eight weeks",
    "Has a trusted adult they can call when asked to go somewhere",
    "No contact with the adults named at panel",
    "Understands how the group chat is used to recruit, and has left it",
]
CONTEXT_OUTCOMES = [
    "No children seen at the address after 9pm",
    "Residents and the housing officer report concerns within a day",
    "Shop and transport staff know who to call",
]


def _london(day: date, hour: int, minute: int = 0) -> datetime:
    return london_datetime(day, time(hour, minute))


def _last_sunday_of_october(year: int) -> date:
    day = date(year, 10, 31)
    return day - timedelta(days=(day.weekday() + 1) % 7)


class _Seeder:
    def __init__(self, ctx: DemoContext, key: str, panel: Any) -> None:
        self.ctx = ctx
        self.key = key
        self.panel = panel
        self.actor = ctx.objects.get(COORDINATORS[key])
        self.rng = random.Random(f"casework-{key}")
        self.today = timezone.localdate()
        self.now = timezone.now()
        self.levels = list(panel.risk_levels)
        kinds = ("police", "childrens_social_care", "education", "youth_justice", "health")
        self.agencies = {k: a for k in kinds if (a := ctx.objects.get(f"agency:{key}:{k}")) is not None}
        base = Subject.objects.filter(panel=panel).exclude(status=Status.MERGED).order_by("number")
        self.children = list(base.filter(kind=Kind.CHILD, status=Status.OPEN))
        self.locations = list(base.filter(kind=Kind.LOCATION))
        self.groups = list(base.filter(kind=Kind.GROUP))
        self.persons = list(base.filter(kind=Kind.PERSON))

    def agency(self, kind: str) -> Any:
        return self.agencies.get(kind) or next(iter(self.agencies.values()))

    def days(self, n: int) -> date:
        return self.today - timedelta(days=n)

    def tracked(self) -> dict[str, Any]:
        return {"created_by": self.actor, "updated_by": self.actor}

    # --- Risk -----------------------------------------------------------------------------

    def assess(self, child: Subject, level: str, days_ago: int, i: int, *, set_level: bool = False) -> None:
        name, agency = ASSESSORS[i % len(ASSESSORS)]
        assessed = self.days(days_ago)
        RiskAssessment.objects.create(
            child=child,
            tool=TOOLS[i % len(TOOLS)],
            assessor_name=name,
            assessor_agency=self.agency(agency),
            assessed_on=assessed,
            level=level,
            factors=FACTORS[i % len(FACTORS)],
            next_review_on=assessed + timedelta(weeks=12),
            set_current_level=set_level,
            **self.tracked(),
        )

    def change_level(self, child: Subject, level: str, days_ago: int, reason: str) -> None:
        RiskChange.objects.create(
            subject=child,
            level=level,
            previous_level=child.risk_level,
            decided_on=self.days(days_ago),
            reason=reason,
            **self.tracked(),
        )
        child.risk_level = level
        child.save(update_fields=["risk_level"])

    def risk(self) -> None:
        """Every open child had an assessment about three months ago (so some reviews are now
        overdue); many were reassessed; some went up, some came down."""
        for i, child in enumerate(self.children):
            if child.risk_level not in self.levels:
                continue
            index = self.levels.index(child.risk_level)
            first = self.levels[max(0, index - 1)]
            self.assess(child, first, 95, i)
            if i % 3 != 1:
                self.assess(child, child.risk_level, 22, i + 1, set_level=True)
            if i % 5 == 2 and index > 0:
                lower = self.levels[index - 1]
                self.assess(child, lower, 6, i + 2, set_level=True)
                self.change_level(
                    child,
                    lower,
                    5,
                    "Risk assessment on review: no missing episodes since the plan began; back at college.",
                )
            elif i % 7 == 3 and index < len(self.levels) - 1:
                higher = self.levels[index + 1]
                self.assess(child, higher, 8, i + 3, set_level=True)
                self.change_level(
                    child, higher, 7, "New intelligence: seen at the suspected cuckooed flat twice this week."
                )

    # --- Plans ----------------------------------------------------------------------------

    def plan(
        self,
        subject: Subject,
        plan_type: str,
        started_days_ago: int,
        outcomes: list[str],
        *,
        lead: str,
        reviews: list[tuple[int, list[int], str]],
        other_type: str = "",
        title: str = "",
        end: bool = False,
        children: list[Subject] | None = None,
    ) -> Plan:
        started = self.days(started_days_ago)
        plan = Plan.objects.create(
            subject=subject,
            plan_type=plan_type,
            other_type=other_type,
            title=title,
            lead_agency=self.agency(lead),
            lead_professional={"childrens_social_care": "Sam Green, social worker", "police": "PC Dan Lane, "
                               "neighbourhood team", "youth_justice": "Ayo Bello, YJS case manager"}.get(lead, "Lead"),
            started_on=started,
            next_review_on=started + timedelta(weeks=12),
            **self.tracked(),
        )  # fmt: skip
        items = [PlanOutcome.objects.create(plan=plan, order=n, text=t) for n, t in enumerate(outcomes, start=1)]
        for child in children if children is not None else [subject]:
            PlanChild.objects.create(plan=plan, child=child, added_on=started)
        for r, (days_ago, scores, summary) in enumerate(reviews):
            last = r == len(reviews) - 1
            ending = end and last
            reviewed = self.days(days_ago)
            next_review = None if ending else reviewed + timedelta(weeks=12 if not last else 8)
            review = PlanReview.objects.create(
                plan=plan,
                reviewed_on=reviewed,
                summary=summary,
                decision="end" if ending else ("change" if r == 0 else "continue"),
                next_review_on=next_review,
                **self.tracked(),
            )
            OutcomeScore.objects.bulk_create(
                OutcomeScore(review=review, outcome=o, score=scores[n % len(scores)], comment="")
                for n, o in enumerate(items)
            )
            if ending:
                plan.status, plan.ended_on, plan.end_reason, plan.next_review_on = "ended", reviewed, summary, None
            else:
                plan.next_review_on = next_review
        plan.save()
        return plan

    def plans(self) -> None:
        c = self.children
        if len(c) < 10:
            return
        self.plan(
            c[0], "roth", 150, OUTCOMES[:3], lead="childrens_social_care",
            reviews=[(66, [2, 1, 3], "Some progress: attending three days; one missing episode since."),
                     (10, [4, 3, 4], "Good progress: attends four days, no missing episodes for six weeks.")],
        )  # fmt: skip
        self.plan(
            c[1], "child_protection", 120, OUTCOMES[1:4], lead="childrens_social_care",
            reviews=[(30, [2, 2, 1], "Little progress: still in contact with the adults named at panel.")],
        )  # fmt: skip
        self.plan(c[2], "child_in_need", 80, [OUTCOMES[0], OUTCOMES[4]], lead="childrens_social_care", reviews=[])
        self.plan(
            c[3], "other", 200, [OUTCOMES[0], OUTCOMES[3]], lead="youth_justice", other_type="Youth justice intervention plan",
            reviews=[(110, [3, 3], "Some progress."), (25, [5, 5], "Outcomes achieved: plan ends, early help continues.")],
            end=True,
        )  # fmt: skip
        self.plan(
            c[5], "roth", 95, OUTCOMES[:2], lead="childrens_social_care",
            reviews=[(12, [3, 4], "Some progress; review again in eight weeks.")],
        )  # fmt: skip
        self.plan(c[7], "disruption", 40, [OUTCOMES[3]], lead="police", reviews=[])
        if len(self.locations) > 4:
            flat = self.locations[4]
            linked = Link.objects.filter(target=flat, source__kind=Kind.CHILD, ended_on__isnull=True).exclude(
                source__status=Status.MERGED
            )
            children = [link.source for link in linked.select_related("source")]
            self.plan(
                flat, "context", 70, CONTEXT_OUTCOMES[:2], lead="police", title="Safety plan for the flat",
                reviews=[(14, [3, 4], "Closure order applied for; fewer children seen at the address.")],
                children=children,
            )  # fmt: skip
        if len(self.groups) > 2:
            line = self.groups[2]
            linked = Link.objects.filter(target=line, source__kind=Kind.CHILD, ended_on__isnull=True)
            self.plan(
                line, "disruption", 50, [CONTEXT_OUTCOMES[2], "The line stops recruiting from the two estates"],
                lead="police", reviews=[], children=[link.source for link in linked.select_related("source")],
            )  # fmt: skip

    # --- Missing episodes -----------------------------------------------------------------

    def episode(
        self,
        child: Subject,
        start: datetime,
        hours: float | None,
        *,
        interview_after: float | None = None,
        outcome: str = "completed",
        placement: str = "home",
        summary: str = "",
        i: int = 0,
    ) -> MissingEpisode:
        returned = None if hours is None else start + timedelta(hours=hours)
        philomena = "not_applicable"
        if placement in ("residential", "supported"):
            philomena = "yes" if i % 3 else "no"
        reported = i % 4 != 3
        episode = MissingEpisode.objects.create(
            child=child,
            started_at=start,
            returned_at=returned,
            reported_to_police=reported,
            police_reference=f"CAD {4000 + i * 37}/{start:%d%b}" if reported else "",
            classification=("missing" if i % 3 else "absent") if reported else "",
            risk_grade=["medium", "high", "low", "medium"][i % 4],
            placement=placement,
            philomena=philomena,
            where_found=["A friend's address", "Stopped by BTP at a railway station in Kent", "Returned home by themselves", ""][i % 4]
            + (" (fictional)" if i % 4 != 3 else ""),
            **self.tracked(),
        )  # fmt: skip
        if returned is None or outcome == "none":
            return episode
        completed = returned + timedelta(hours=interview_after) if interview_after is not None else None
        if completed is not None and completed > self.now:
            completed = None
            outcome = "not_yet"
        ReturnInterview.objects.create(
            episode=episode,
            offered=True,
            offered_on=timezone.localtime(returned).date(),
            outcome=outcome,
            completed_at=completed if outcome == "completed" else None,
            interviewer_name="Safer Futures return interview worker" if i % 2 else "Tom Walsh, youth justice worker",
            interviewer_agency=self.agency("youth_justice"),
            summary=summary or "Said they stayed with older friends; would not say where. Fictional demo record.",
            reason_not_completed="Did not want to talk; offered again through their youth worker." if outcome == "declined" else "",
            within_72_hours=within_72_hours(returned, completed) if outcome == "completed" and completed else None,
            **self.tracked(),
        )  # fmt: skip
        return episode

    def missing(self) -> None:
        c = self.children
        if len(c) < 12:
            return
        at = _london
        # Inside and outside 72 hours, declined, and not done at all.
        self.episode(c[0], at(self.days(120), 22), 30, interview_after=40, i=0)
        self.episode(c[0], at(self.days(75), 19), 52, interview_after=80, i=1)
        self.episode(c[1], at(self.days(60), 23), 14, interview_after=26, i=2, placement="residential")
        self.episode(c[1], at(self.days(33), 21, 30), 40, outcome="declined", i=3, placement="residential")
        self.episode(c[4], at(self.days(45), 17), 20, interview_after=70, i=4)
        self.episode(c[6], at(self.days(18), 20), 12, outcome="none", i=5, placement="supported")
        self.episode(c[8], at(self.days(9), 16), 28, interview_after=100, i=6)
        self.episode(c[9], at(self.days(150), 23), 60, interview_after=50, i=7, placement="foster")
        self.episode(c[10], at(self.days(100), 18), 6, interview_after=20, i=8)
        # Returned yesterday evening: the interview is due now.
        self.episode(c[11], at(self.days(2), 15), 28, outcome="none", i=9)
        # Still missing.
        self.episode(c[2], self.now - timedelta(hours=9), None, i=10)
        # Returned on the Saturday before the clocks went back: 72 hours later is 17:00 GMT on the
        # Tuesday, not 18:00 — an interview at 17:30 on the Tuesday is not within 72 hours.
        sunday = _last_sunday_of_october(self.today.year)
        if sunday > self.today - timedelta(days=4):
            sunday = _last_sunday_of_october(self.today.year - 1)
        saturday = sunday - timedelta(days=1)
        returned = at(saturday, 18)
        self.episode(
            c[5], returned - timedelta(hours=26), 26, interview_after=72.5, i=11,
            summary="Mentioned a new older friend and 'the flat on Tanner Road'. Interview on the Tuesday at 17:30 "
            "GMT: 72 and a half hours after the return, because the clocks went back. Fictional demo record.",
        )  # fmt: skip
        # Tom's interview: what the child said became register links in one step.
        if len(self.locations) > 4:
            child, flat = c[12 % len(c)], self.locations[4]
            episode = self.episode(
                child, at(self.days(12), 21), 20, interview_after=30, i=12,
                summary="Talked about a new associate and a flat at Tanner House where 'older boys' stay. "
                "Fictional demo record.",
            )  # fmt: skip
            interview = ReturnInterview.objects.get(episode=episode)
            exists = Link.objects.filter(
                Q(source=child, target=flat) | Q(source=flat, target=child), ended_on__isnull=True
            ).exists()
            if not exists and interview.completed_at is not None:
                link = Link.objects.create(
                    panel=self.panel,
                    source=child,
                    target=flat,
                    link_type=LinkType.SEEN_AT,
                    known_from=timezone.localtime(interview.completed_at).date(),
                    confidence="likely",
                    source_agency=self.agency("youth_justice"),
                    notes="Mentioned in the return home interview.",
                    **self.tracked(),
                )
                interview.links_made = [link.pk]
                interview.save(update_fields=["links_made"])

    # --- NRM ------------------------------------------------------------------------------

    def nrm(self, child: Subject, referred_days_ago: int, *, maker: str = "devolved", rg: tuple[str, int] | None = None,
            cg: tuple[str, int] | None = None, types: list[str] | None = None) -> NRMReferral:  # fmt: skip
        referred = self.days(referred_days_ago)
        return NRMReferral.objects.create(
            child=child,
            referred_on=referred,
            first_responder_agency=self.agency("childrens_social_care"),
            first_responder_name="Sam Green, social worker",
            exploitation_types=types or ["criminal"],
            decision_maker=maker,
            decision_due_on=referred + timedelta(days=45),
            rg_decision=rg[0] if rg else "pending",
            rg_decided_on=referred + timedelta(days=rg[1]) if rg else None,
            cg_decision=cg[0] if cg else "pending",
            cg_decided_on=referred + timedelta(days=cg[1]) if cg else None,
            **self.tracked(),
        )

    def nrms(self) -> None:
        c = self.children
        if len(c) < 10:
            return
        self.nrm(c[0], 20)  # waiting, in time
        self.nrm(c[1], 60, maker="home_office", types=["sexual"])  # waiting, late
        self.nrm(c[4], 100, rg=("positive", 30))  # waiting for conclusive grounds
        self.nrm(c[3], 240, rg=("positive", 28), cg=("positive", 28))  # concluded at the same meeting
        self.nrm(c[8], 150, maker="home_office", rg=("negative", 52))  # decided late
        # A young person close to 18 who is still in the NRM: the consent prompt.
        near = [
            ch
            for ch in c
            if (birthday := eighteenth_birthday(ch)) is not None and self.today <= birthday <= self.days(-90)
        ]
        if not near:  # make one 17-year-old's 18th birthday fall in two months
            seventeen = [ch for ch in c if ch.date_of_birth and ch.age(self.today) == 17 and ch not in c[:10]]
            if seventeen:
                child = seventeen[0]
                birthday = self.days(-60)
                try:
                    child.date_of_birth = birthday.replace(year=birthday.year - 18)
                except ValueError:  # 29 February
                    child.date_of_birth = birthday.replace(year=birthday.year - 18, day=28)
                child.save(update_fields=["date_of_birth"])
                near = [child]
        if near:
            self.nrm(near[0], 70, rg=("positive", 35), types=["criminal", "labour"])

    # --- Disruption and escalations -------------------------------------------------------

    def disrupt(
        self, target: Subject, category: str, tactic: str, agency: str, days_ago: int, outcome: str, other: str = ""
    ) -> None:
        disruption = Disruption.objects.create(
            target=target,
            category=category,
            tactic=tactic,
            other_tactic=other,
            agency=self.agency(agency),
            done_on=self.days(days_ago),
            description="Agreed at panel. Fictional demo record.",
            outcome=outcome,
            **self.tracked(),
        )
        linked = Link.objects.filter(
            Q(target=target, source__kind=Kind.CHILD) | Q(source=target, target__kind=Kind.CHILD),
            ended_on__isnull=True,
        )
        children = {link.source_id if link.target_id == target.pk else link.target_id for link in linked}
        disruption.children.set(list(children))

    def disruption(self) -> None:
        loc, grp, per = self.locations, self.groups, self.persons
        if len(loc) < 8 or len(grp) < 3 or len(per) < 2:
            return
        self.disrupt(
            per[0],
            "perpetrator",
            "cawn",
            "police",
            40,
            "Notice served; no contact with the named children reported since.",
        )
        self.disrupt(per[1], "perpetrator", "sro", "police", 20, "Application made; interim order granted.")
        self.disrupt(loc[4], "location", "closure", "police", 15, "Closure order granted for three months.")
        self.disrupt(loc[1], "location", "patrols", "police", 60, "Fewer groups seen in the evenings.")
        self.disrupt(loc[7], "online", "online_report", "police", 25, "")
        self.disrupt(loc[2], "community", "guardians", "police", 35, "Staff now call the police non-emergency line.")
        self.disrupt(
            grp[1],
            "peer_group",
            "other",
            "education",
            30,
            "Group work with Year 10 started.",
            "Peer-group work in school",
        )

    def escalations(self) -> None:
        c = self.children
        if len(c) < 4 or len(self.groups) < 3 or len(self.locations) < 5:
            return
        Escalation.objects.create(
            subject=c[1], route="tactical", escalated_on=self.days(28), escalated_to="Exploitation sub-group (tactical)",
            reason="No education placement for six weeks; the child is out of school and at risk every day.",
            status="responded", response="Alternative provision place agreed from next week.", responded_on=self.days(21),
            outcome="Started at alternative provision.", **self.tracked(),
        )  # fmt: skip
        Escalation.objects.create(
            subject=self.groups[2], route="specialist_crime", escalated_on=self.days(16),
            escalated_to="Specialist Crime (county lines)",
            reason="The line is recruiting from two estates and crosses into two other BCUs.", **self.tracked(),
        )  # fmt: skip
        Escalation.objects.create(
            subject=self.locations[4], route="strategic", escalated_on=self.days(9),
            escalated_to="Safeguarding partnership executive (strategic)",
            reason="Housing has not moved the vulnerable tenant despite two requests; the flat is still used.",
            **self.tracked(),
        )  # fmt: skip

    def seed(self) -> None:
        CaseworkSettings.objects.get_or_create(panel=self.panel, defaults=self.tracked())
        self.risk()
        self.plans()
        self.missing()
        self.nrms()
        self.disruption()
        self.escalations()
        counts = (
            RiskAssessment.objects.filter(child__panel=self.panel).count(),
            Plan.objects.filter(subject__panel=self.panel).count(),
            MissingEpisode.objects.filter(child__panel=self.panel).count(),
            NRMReferral.objects.filter(child__panel=self.panel).count(),
        )
        self.ctx.log.append(
            f"{self.panel.name} casework: {counts[0]} risk assessments, {counts[1]} plans, "
            f"{counts[2]} missing episodes, {counts[3]} NRM referrals"
        )


def seed(ctx: DemoContext) -> None:
    for key in PANELS:
        panel = ctx.objects.get(f"panel:{key}")
        if panel is None or ctx.objects.get(COORDINATORS[key]) is None:
            continue
        if RiskAssessment.objects.filter(child__panel=panel).exists():
            continue
        _Seeder(ctx, key, panel).seed()
