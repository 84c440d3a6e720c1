"""Demo data for the review: the 2022 self-assessment and peer review, and what followed.

Modelled on the 2022 London MACE peer review: a self-assessment returned by 24 of the
participating partnerships (every demo partnership took part: 31 partnerships covering the
33 London authorities, so the page reads "24 of 31 returned", covering 26 authorities);
six online peer-review meetings with 10 partnerships; findings published in January 2023;
recommendations taken forward by a Project Delivery Group, Task and Finish groups and the
MACE Chairs Reference Group, at several stages. A current cycle is open, with Lambeth not
yet started (so its leads can carry last cycle's answers forward). No child data.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from macehub.core import uploads
from macehub.core.access import Role
from macehub.core.demo import DEMO_EMAIL_DOMAIN, DemoContext

from .framework_files import ensure_default_framework
from .models import (
    ActionMilestone,
    Answer,
    Assessment,
    AssessmentSection,
    Cycle,
    DirectoryListing,
    Evidence,
    Finding,
    FrameworkVersion,
    GovernanceGroup,
    GroupMeeting,
    GroupMembership,
    ImplementationAction,
    Milestone,
    NewsItem,
    PeerReview,
    ProgressUpdate,
    Question,
    Recommendation,
    ReviewerAssignment,
    ReviewNote,
    ReviewRound,
    Section,
)

CYCLE_2022 = "2022 MACE self-assessment"
NOT_RETURNED_2022 = {
    "Barnet": "in_progress",
    "Bexley": "not_started",
    "Croydon": "in_progress",
    "Hillingdon": "not_started",
    "Newham": "in_progress",
    "Sutton": "not_started",
    "Waltham Forest": "not_started",
}
SUBMITTED_NOW = ["Camden", "City and Hackney", "Ealing", "Enfield", "Islington", "Merton", "Westminster"]
IN_PROGRESS_NOW = ["Kingston and Richmond", "Southwark", "Brent", "Haringey"]
#: Partnerships whose panels hold demo records: their returns are answered from the evidence.
#: City and Hackney's submitted return rates itself at the top of the scale on a few questions
#: its figures do not support, so the London evidence heat map has something to flag.
OVERRATED_NOW = {"City and Hackney": 3}

# Sections where London was stronger or weaker in the demo story (added to each partnership's level).
SECTION_TILT = {
    "protocol-implementation": 0.0,
    "volt": 0.3,
    "meeting-organisation": 0.2,
    "attendance-contribution": -0.1,
    "oversight-data": -0.7,
    "strategy-impact": -0.5,
}
COMMENTS = {
    1: "Not in place yet. It has been discussed at the partnership but there is no agreed approach.",
    2: "Started this year. Not every partner is involved yet and practice differs between teams.",
    3: "Agreed and written into our MACE terms of reference; partners follow it most of the time.",
    4: "Routine, and audited each quarter; the last audit led to changes we can point to.",
}

MEETINGS_2022 = [
    ("Meeting 1: Lambeth and Southwark", ["Lambeth", "Southwark"], date(2022, 11, 8)),
    ("Meeting 2: City and Hackney", ["City and Hackney"], date(2022, 11, 15)),
    ("Meeting 3: Kingston and Richmond, and Wandsworth", ["Kingston and Richmond", "Wandsworth"], date(2022, 11, 22)),
    ("Meeting 4: Barking and Dagenham, and Havering", ["Barking and Dagenham", "Havering"], date(2022, 11, 29)),
    ("Meeting 5: Brent and Harrow", ["Brent", "Harrow"], date(2022, 12, 6)),
    ("Meeting 6: Lewisham", ["Lewisham"], date(2022, 12, 13)),
]
NOTES = {
    "protocol": "The 2021 protocol is known to the chairs; local procedures are being updated and some still refer to the 2017 CSE protocol.",
    "volt": "Children are discussed well. Locations and themes get less time; persons of concern are mainly raised by the police.",
    "meetings": "The agenda is long and items are not time-limited. Attendance by police and children's social care is strong; health attends most meetings; schools rarely.",
    "oversight": "Activity is reported to the partnership, but there is no agreed dataset and outcomes for children are not measured.",
}

FINDINGS = [
    (
        "protocol",
        "Local procedures still point to the 2017 CSE protocol in several areas",
        ["Brent", "Harrow"],
        ["protocol-adopted", "child-first-language"],
    ),
    (
        "volt",
        "VOLT is well understood for victims, much less for locations and themes",
        [],
        ["locations-focus", "themes-focus"],
    ),
    (
        "meetings",
        "Agendas are long and items are not time-limited",
        ["Lambeth", "Southwark"],
        ["agenda-criteria", "time-and-decisions"],
    ),
    (
        "contribution",
        "Health and education contributions are inconsistent across London",
        [],
        ["statutory-attendance", "wider-partners", "prepared-contributions"],
    ),
    (
        "data",
        "Few partnerships have an agreed exploitation dataset or measure outcomes",
        [],
        ["agreed-dataset", "outcomes-measured"],
    ),
    (
        "cross_border",
        "Information about children who move between boroughs is shared late",
        [],
        ["moving-placement", "cross-border-sharing"],
    ),
    (
        "tools",
        "Each borough writes its own templates for the same things",
        [],
        ["terms-of-reference", "agenda-criteria"],
    ),
]


def _user(ctx: DemoContext, key: str, name: str = "", title: str = "") -> Any:
    """A demo user from the accounts demo, or (for the extra reviewers) one who cannot sign in."""
    if f"user:{key}" in ctx.objects:
        return ctx.get(f"user:{key}")
    from macehub.accounts.models import Membership, User

    user = User.objects.filter(email=f"{key}@{DEMO_EMAIL_DOMAIN}").first()
    if user is None:
        user = User(email=f"{key}@{DEMO_EMAIL_DOMAIN}", full_name=name, job_title=title)
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, role=Role.PEER_REVIEWER, ended_at__isnull=True)
    return ctx.put(f"user:{key}", user)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=timezone.get_current_timezone())


def _file(name: str, text: str, actor: Any, partnership_id: int | None = None) -> Any:
    upload = SimpleUploadedFile(name, text.encode(), content_type="text/plain")
    return uploads.store(upload, actor=actor, partnership_id=partnership_id)


def _rating(ctx: DemoContext, level: float, tilt: float) -> int:
    return max(1, min(4, round(level + tilt + ctx.rng.uniform(-0.9, 0.9))))


def _fill(
    ctx: DemoContext, assessment: Assessment, questions: list[Question], level: float, share: float = 1.0
) -> None:
    """Answer the return (all questions, or the first ``share`` of them for one in progress)."""
    count = round(len(questions) * share)
    Answer.objects.bulk_create(
        Answer(
            assessment=assessment,
            question=q,
            rating=(rating := _rating(ctx, level, SECTION_TILT.get(q.section.key, 0.0))),
            comment=COMMENTS[rating] if ctx.rng.random() < 0.6 else "",
            created_by=assessment.created_by,
            updated_by=assessment.created_by,
        )
        for q in questions[:count]
    )


def _open_cycle(
    name: str, version: FrameworkVersion, opens: date, deadline: date, partnerships: list[Any], actor: Any, **extra: Any
) -> Cycle:
    cycle = Cycle.objects.create(
        name=name,
        framework_version=version,
        opens_on=opens,
        deadline=deadline,
        created_by=actor,
        updated_by=actor,
        **extra,
    )
    sections = list(Section.objects.filter(framework_version=version))
    for partnership in partnerships:
        assessment = Assessment.objects.create(cycle=cycle, partnership=partnership, created_by=actor, updated_by=actor)
        AssessmentSection.objects.bulk_create(AssessmentSection(assessment=assessment, section=s) for s in sections)
    return cycle


def _submit(assessment: Assessment, when: datetime, by: Any) -> None:
    values: dict[str, Any] = {"status": "submitted", "submitted_at": when, "submitted_by": by}
    if assessment.cycle.status == Cycle.Status.OPEN:
        # This year's returns were submitted with their evidence, as the service does.
        from . import returns_evidence

        values["evidence_snapshot"] = returns_evidence.snapshot(assessment)
    Assessment.objects.filter(pk=assessment.pk).update(**values)


def _answer_from_evidence(assessment: Assessment, questions: list[Question], *, overrated: int = 0) -> None:
    """Keep each answer's suggested rating and reasons, as saving a section does. Where the
    partnership's records support a suggestion, its answer follows it (a borough that used the
    evidence) — except ``overrated`` answers, rated at the top of the scale above what the
    evidence suggests, and one rated differently with the partnership's reason."""
    from . import returns_evidence

    suggested = returns_evidence.suggestions(assessment, questions)
    top = assessment.cycle.framework_version.top_rating
    answers = list(Answer.objects.filter(assessment=assessment, question_id__in=suggested))
    differed = False
    for answer in sorted(answers, key=lambda a: a.question_id):
        suggestion = suggested[answer.question_id]
        answer.suggested_rating, answer.suggestion_reasons = suggestion.rating, list(suggestion.reasons)
        if overrated and suggestion.rating is not None and suggestion.rating < top:
            answer.rating, overrated = top, overrated - 1
            answer.comment = "We are confident this is routine across the partnership."
        elif not differed and suggestion.rating is not None and suggestion.rating > 1:
            answer.rating, differed = suggestion.rating - 1, True
            answer.comment = "The figures look better than practice: the last audit found gaps we are still closing."
        else:
            answer.rating = suggestion.rating
    Answer.objects.bulk_update(answers, ["rating", "comment", "suggested_rating", "suggestion_reasons"])


def seed(ctx: DemoContext) -> None:
    from macehub.organisations.models import Partnership

    version = ensure_default_framework()
    ctx.put("review:framework", version)
    if Cycle.objects.filter(name=CYCLE_2022).exists():
        ctx.log.append("Review: demo data already present.")
        return
    partnerships = {p.short_name: p for p in Partnership.objects.filter(is_active=True)}
    ordered = [partnerships[k] for k in sorted(partnerships)]
    lena, marcus = ctx.get("user:lena"), ctx.get("user:marcus")
    priti = _user(ctx, "priti", "Dr Priti Rao", "Designated nurse for safeguarding children (peer reviewer)")
    karen = _user(ctx, "karen", "DI Karen Doyle", "Detective Inspector, Central Specialist Crime (peer reviewer)")
    questions = list(Question.objects.filter(section__framework_version=version).select_related("section"))
    questions.sort(key=lambda q: (q.section.order, q.order))
    levels = {p.short_name: ctx.rng.uniform(1.9, 3.1) for p in ordered}

    # --- 2022 cycle: closed, 24 of 31 returned -----------------------------------------------
    cycle_2022 = _open_cycle(CYCLE_2022, version, date(2022, 9, 5), date(2022, 10, 28), ordered, lena, status="closed")
    returns_2022 = {a.partnership.short_name: a for a in cycle_2022.assessments.select_related("partnership")}
    for short_name, assessment in returns_2022.items():
        state = NOT_RETURNED_2022.get(short_name)
        if state == "not_started":
            continue
        _fill(ctx, assessment, questions, levels[short_name], share=0.4 if state else 1.0)
        if state is None:
            _submit(assessment, _at(date(2022, 10, 3) + timedelta(days=ctx.rng.randint(0, 30))), lena)
        else:
            Assessment.objects.filter(pk=assessment.pk).update(status="in_progress")
    lambeth_2022 = returns_2022["Lambeth"]
    helen = ctx.get("user:helen")
    Assessment.objects.filter(pk=lambeth_2022.pk).update(submitted_by=helen)
    for code, name, text in [
        ("C1", "Lambeth MAVE terms of reference 2022.txt", "Lambeth MAVE terms of reference (demo document).\n"),
        ("D1", "MAVE attendance by agency, July to September 2022.txt", "Attendance by agency (demo figures).\n"),
    ]:
        answer = Answer.objects.get(assessment=lambeth_2022, question__code=code)
        stored = _file(name, text, helen, lambeth_2022.partnership_id)
        Evidence.objects.create(answer=answer, file=stored, description=name, created_by=helen, updated_by=helen)

    # --- Current cycle: open, a few returned, Lambeth not started ------------------------------
    today = timezone.localdate()
    current = _open_cycle(
        f"{today.year} MACE self-assessment",
        version,
        today - timedelta(days=30),
        today + timedelta(days=21),
        ordered,
        lena,
        previous=cycle_2022,
    )
    for assessment in current.assessments.select_related("partnership"):
        name = assessment.partnership.short_name
        if name in SUBMITTED_NOW:
            _fill(ctx, assessment, questions, levels[name] + 0.4)
            _answer_from_evidence(assessment, questions, overrated=OVERRATED_NOW.get(name, 0))
            _submit(assessment, _at(today - timedelta(days=ctx.rng.randint(1, 10))), lena)
        elif name in IN_PROGRESS_NOW:
            _fill(ctx, assessment, questions, levels[name] + 0.3, share=0.5)
            _answer_from_evidence(assessment, questions)
            Assessment.objects.filter(pk=assessment.pk).update(status="in_progress")
    ctx.put("review:cycle", current)

    groups = _groups(ctx, today, priti, karen)
    _peer_review_2022(ctx, cycle_2022, partnerships, groups, marcus, priti, karen)
    _next_round(ctx, current, partnerships, marcus, priti, today)
    _timeline_news_directory(ctx, groups, today, current)
    ctx.log.append(
        f"Review: {CYCLE_2022} (24 of {len(ordered)} returned), {current.name} open, "
        f"{Recommendation.objects.count()} recommendations, {GovernanceGroup.objects.count()} groups"
    )


def _groups(ctx: DemoContext, today: date, priti: Any, karen: Any) -> dict[str, GovernanceGroup]:
    u = ctx.get
    specs = [
        (
            "pdg",
            "MACE Project Delivery Group",
            GovernanceGroup.Kind.PROJECT_DELIVERY,
            "",
            "Oversees the implementation of the peer review's recommendations and reports to the London Adolescent Safeguarding Oversight Board.",
            [
                (u("user:lena"), "chair", "London project lead"),
                (u("user:marcus"), "member", "Task and Finish chairs"),
                (u("user:helen"), "member", "Local authorities"),
            ],
        ),
        (
            "data",
            "Data and oversight Task and Finish group",
            GovernanceGroup.Kind.TASK_AND_FINISH,
            "Using data to understand practice and improve outcomes",
            "Agrees a pan-London exploitation dataset and how partnerships report it.",
            [
                (u("user:marcus"), "chair", "Local authorities"),
                (u("user:kwame"), "member", "Partnership analysts"),
                (u("user:nia"), "member", "Partnership business managers"),
            ],
        ),
        (
            "cross",
            "Cross-border working Task and Finish group",
            GovernanceGroup.Kind.TASK_AND_FINISH,
            "Safeguarding exploited young people who move across local authority boundaries",
            "Sets a London standard for sharing information when children move or are placed across borough boundaries.",
            [(priti, "chair", "Health"), (u("user:sam"), "member", "Borough admins")],
        ),
        (
            "protocol",
            "Protocol implementation Task and Finish group",
            GovernanceGroup.Kind.TASK_AND_FINISH,
            "Protocol implementation and compliance",
            "Supports partnerships to put the 2021 protocol into practice and prepares the revised protocol.",
            [(karen, "chair", "Police"), (u("user:rob"), "member", "Police")],
        ),
        (
            "tools",
            "Tools and templates Task and Finish group",
            GovernanceGroup.Kind.TASK_AND_FINISH,
            "Tools and templates for effective practice",
            "Collects and improves shared templates so boroughs stop writing their own.",
            [
                (u("user:nia"), "chair", "Partnership business managers"),
                (u("user:amara"), "member", "MACE coordinators"),
            ],
        ),
        (
            "chairs",
            "MACE Chairs Reference Group",
            GovernanceGroup.Kind.CHAIRS_REFERENCE,
            "London MACE Chairs Network",
            "Brings MACE chairs together to test proposals and share practice.",
            [
                (u("user:grace"), "chair", "Local authority chairs"),
                (u("user:joy"), "member", "Local authority chairs"),
                (u("user:rob"), "member", "Police chairs"),
            ],
        ),
    ]
    groups: dict[str, GovernanceGroup] = {}
    for key, name, kind, workstream, purpose, members in specs:
        group = GovernanceGroup.objects.create(
            name=name,
            kind=kind,
            workstream=workstream,
            purpose=purpose,
            terms_of_reference=f"Purpose: {purpose}\nMeets every six weeks, online. Quorate with the chair and two members.\nReports to the MACE Project Delivery Group.",
        )
        for user, role, represents in members:
            GroupMembership.objects.create(group=group, user=user, role=role, represents=represents)
        GroupMeeting.objects.create(
            group=group,
            meets_on=today - timedelta(days=35),
            title=f"{name}: progress meeting",
            location="Online",
            notes="Reviewed progress on the group's actions and agreed next steps.",
            decisions="Actions on track are confirmed\nThe chair will report to the Project Delivery Group",
        )
        GroupMeeting.objects.create(
            group=group,
            meets_on=today + timedelta(days=14 + len(groups) * 3),
            title=f"{name}: next meeting",
            location="Online",
        )
        groups[key] = group
        ctx.put(f"review:group:{key}", group)
    return groups


def _peer_review_2022(
    ctx: DemoContext,
    cycle: Cycle,
    partnerships: dict[str, Any],
    groups: dict[str, GovernanceGroup],
    marcus: Any,
    priti: Any,
    karen: Any,
) -> None:
    lena = ctx.get("user:lena")
    review_round = ReviewRound.objects.create(
        name="2022 London MACE peer review",
        cycle=cycle,
        status="published",
        published_at=_at(date(2023, 1, 20)),
        introduction=(
            "In 2022 a project team of safeguarding experts from health, police and London local authorities reviewed "
            "London's multi-agency child exploitation arrangements: a self-assessment, then six online peer-review "
            "meetings with local MACE representatives. This report sets out what was found and what is being done."
        ),
        created_by=lena,
    )
    ctx.put("review:round", review_round)
    notes_by_area: dict[str, list[ReviewNote]] = {}
    for title, names, held_on in MEETINGS_2022:
        review = PeerReview.objects.create(
            round=review_round,
            title=title,
            meeting_date=held_on,
            meeting_link="https://meet.example.org/mace-peer-review",
            status="held",
            attendees="\n".join(f"{n} MACE chair; {n} strategic lead; police BCU lead" for n in names),
            strengths="Committed chairs; strong police and children's social care attendance; good discussion of individual children.",
            areas_for_development="Time-limited agendas; more focus on locations and themes; an agreed dataset and outcome measures.",
            created_by=lena,
        )
        review.partnerships.set([partnerships[n] for n in names])
        for user, sector in [(marcus, "local_authority"), (priti, "health"), (karen, "police")]:
            ReviewerAssignment.objects.create(review=review, user=user, sector=sector)
        for area, text in NOTES.items():
            notes_by_area.setdefault(area, []).append(ReviewNote.objects.create(review=review, area=area, notes=text))
    theme_area = {
        "protocol": "protocol",
        "volt": "volt",
        "meetings": "meetings",
        "contribution": "meetings",
        "data": "oversight",
        "cross_border": "oversight",
        "tools": "meetings",
    }
    findings = []
    for theme, title, names, keys in FINDINGS:
        finding = Finding.objects.create(
            round=review_round,
            theme=theme,
            title=title,
            summary=f"{title}. The self-assessment ratings and the peer-review meetings both showed this.",
            created_by=lena,
        )
        concerned = [partnerships[n] for n in names]
        finding.partnerships.set(concerned)
        answers = Answer.objects.filter(assessment__cycle=cycle, assessment__status="submitted", question__key__in=keys)
        if concerned:
            answers = answers.filter(assessment__partnership__in=concerned)
        finding.evidence_answers.set(answers)
        finding.evidence_notes.set(notes_by_area[theme_area[theme]][:3])
        findings.append(finding)
    _recommendations(ctx, review_round, findings, groups, partnerships)


def _recommendations(
    ctx: DemoContext,
    review_round: ReviewRound,
    findings: list[Finding],
    groups: dict[str, GovernanceGroup],
    partnerships: dict[str, Any],
) -> None:
    lena = ctx.get("user:lena")
    today = timezone.localdate()
    specs: list[tuple[str, str, list[int], str, Any, str, Any]] = [
        (
            "R1",
            "Every partnership's procedures point to the 2021 protocol",
            [0],
            "group",
            groups["protocol"],
            "in_progress",
            None,
        ),
        (
            "R2",
            "VOLT guidance and induction for panel members, covering locations and themes",
            [1],
            "group",
            groups["chairs"],
            "in_progress",
            None,
        ),
        (
            "R3",
            "Lambeth adopts a time-allocated agenda",
            [2],
            "partnership",
            partnerships["Lambeth"],
            "accepted",
            partnerships["Lambeth"],
        ),
        (
            "R4",
            "Agreed expectations for health and education contributions to MACE",
            [3],
            "group",
            groups["pdg"],
            "accepted",
            None,
        ),
        ("R5", "A pan-London exploitation dataset", [4], "group", groups["data"], "in_progress", None),
        (
            "R6",
            "A London standard for sharing information when children move",
            [5],
            "group",
            groups["cross"],
            "implemented",
            None,
        ),
        ("R7", "A shared library of MACE tools and templates", [6], "group", groups["tools"], "in_progress", None),
        ("R8", "A revised London protocol reflecting Working Together 2023", [0, 1], "", None, "proposed", None),
    ]
    recs = {}
    for ref, title, finding_ix, kind, owner, status, for_partnership in specs:
        rec = Recommendation.objects.create(
            round=review_round,
            reference=ref,
            title=title,
            scope="partnership" if for_partnership else "london",
            partnership=for_partnership,
            owner_kind=kind,
            owner_group=owner if kind == "group" else None,
            owner_partnership=owner if kind == "partnership" else None,
            status=status,
            created_by=lena,
        )
        rec.findings.set([findings[i] for i in finding_ix])
        recs[ref] = rec
    u = ctx.get
    karen, priti = u("user:karen"), u("user:priti")

    def action(
        ref: str,
        title: str,
        status: str,
        lead: Any,
        due: date,
        updates: list[tuple[Any, str, str]],
        closed_by: Any = None,
    ) -> ImplementationAction:
        item = ImplementationAction.objects.create(
            recommendation=recs[ref],
            title=title,
            lead=lead,
            due_date=due,
            status=status,
            closure_requested_at=_at(today - timedelta(days=3)) if status in ("awaiting_closure", "closed") else None,
            closure_requested_by=lead if status in ("awaiting_closure", "closed") else None,
            closed_at=_at(today - timedelta(days=1)) if status == "closed" else None,
            closed_by=closed_by if status == "closed" else None,
            created_by=lena,
        )
        for i, (author, kind, text) in enumerate(updates):
            evidence = None
            if "evidence" in text:
                evidence = _file(
                    f"{ref} {kind.replace('_', ' ')} evidence.txt", f"Evidence for: {title} (demo document).\n", author
                )
            ProgressUpdate.objects.create(
                action=item,
                kind=kind,
                text=text,
                status_after=status if i == len(updates) - 1 else "on_track",
                evidence=evidence,
                created_by=author,
            )
        return item

    done = today - timedelta(days=200)
    action(
        "R1",
        "Publish a model paragraph for local procedures",
        "closed",
        karen,
        done,
        [
            (karen, "progress", "Draft paragraph agreed with the chairs' network."),
            (karen, "closure_requested", "Paragraph published on the London procedures site; evidence attached."),
            (karen, "closure_approved", "Closure approved."),
        ],
        closed_by=karen,
    )
    a = action(
        "R1",
        "Check every partnership's procedures refer to the 2021 protocol",
        "on_track",
        u("user:rob"),
        today + timedelta(days=60),
        [
            (u("user:rob"), "progress", "19 of 31 partnerships checked; 5 need changes."),
        ],
    )
    ActionMilestone.objects.create(
        action=a,
        title="Half of partnerships checked",
        due_date=today - timedelta(days=20),
        completed_on=today - timedelta(days=25),
    )
    ActionMilestone.objects.create(action=a, title="All partnerships checked", due_date=today + timedelta(days=45))
    action(
        "R2",
        "Write a VOLT induction pack for new panel members",
        "awaiting_closure",
        u("user:joy"),
        today - timedelta(days=5),
        [
            (u("user:joy"), "progress", "First draft tested with three chairs."),
            (
                u("user:joy"),
                "closure_requested",
                "Induction pack finished and shared with all chairs; evidence attached.",
            ),
        ],
    )
    d = action(
        "R5",
        "Agree the dataset's definitions with partnership analysts",
        "on_track",
        u("user:kwame"),
        today + timedelta(days=30),
        [
            (u("user:kwame"), "progress", "Definitions for 14 of 18 measures agreed; evidence attached."),
        ],
    )
    ActionMilestone.objects.create(
        action=d,
        title="Draft definitions circulated",
        due_date=today - timedelta(days=40),
        completed_on=today - timedelta(days=38),
    )
    ActionMilestone.objects.create(
        action=d, title="Definitions signed off by the Project Delivery Group", due_date=today + timedelta(days=30)
    )
    action(
        "R5",
        "Pilot quarterly dataset returns with four partnerships",
        "at_risk",
        u("user:marcus"),
        today + timedelta(days=90),
        [
            (
                u("user:marcus"),
                "progress",
                "Two pilot partnerships cannot yet extract health data; escalated to the Project Delivery Group.",
            ),
        ],
    )
    action(
        "R6",
        "Agree the cross-border notification standard",
        "closed",
        priti,
        today - timedelta(days=120),
        [
            (priti, "closure_requested", "Standard agreed by all partnerships; evidence attached."),
            (priti, "closure_approved", "Closure approved."),
        ],
        closed_by=priti,
    )
    action(
        "R7",
        "Collect the terms of reference and agenda templates in use",
        "on_track",
        u("user:nia"),
        today + timedelta(days=40),
        [
            (u("user:nia"), "progress", "Templates received from 22 partnerships."),
        ],
    )


def _next_round(
    ctx: DemoContext, cycle: Cycle, partnerships: dict[str, Any], marcus: Any, priti: Any, today: date
) -> None:
    lena = ctx.get("user:lena")
    review_round = ReviewRound.objects.create(
        name=f"{today.year} MACE peer review",
        cycle=cycle,
        created_by=lena,
        introduction="The second peer review builds on this year's self-assessment.",
    )
    review = PeerReview.objects.create(
        round=review_round,
        title="Meeting 1: Lambeth, and City and Hackney",
        meeting_date=today + timedelta(days=35),
        meeting_link="https://meet.example.org/mace-lambeth",
        created_by=lena,
    )
    review.partnerships.set([partnerships["Lambeth"], partnerships["City and Hackney"]])
    ReviewerAssignment.objects.create(review=review, user=marcus, sector="local_authority")
    ReviewerAssignment.objects.create(review=review, user=priti, sector="health")


def _timeline_news_directory(ctx: DemoContext, groups: dict[str, GovernanceGroup], today: date, current: Cycle) -> None:
    lena = ctx.get("user:lena")
    for title, starts, due, status, done, group in [
        (
            "MACE peer review: self-assessment and meetings",
            date(2022, 9, 1),
            date(2022, 12, 16),
            "done",
            date(2022, 12, 16),
            None,
        ),
        ("Peer review findings published", None, date(2023, 1, 31), "done", date(2023, 1, 20), None),
        (
            "Project Delivery Group and Task and Finish groups set up",
            None,
            date(2023, 5, 19),
            "done",
            date(2023, 5, 19),
            groups["pdg"],
        ),
        (
            "London MACE Chairs Network established",
            None,
            date(2023, 9, 20),
            "done",
            date(2023, 9, 20),
            groups["chairs"],
        ),
        (
            "Revised London child exploitation protocol agreed",
            date(2023, 9, 1),
            date(2024, 3, 31),
            "delayed",
            None,
            groups["protocol"],
        ),
        (
            "Pan-London exploitation dataset piloted",
            today - timedelta(days=120),
            today + timedelta(days=90),
            "in_progress",
            None,
            groups["data"],
        ),
        (current.name, current.opens_on, current.deadline, "in_progress", None, None),
        ("Second peer review round", today + timedelta(days=30), today + timedelta(days=150), "planned", None, None),
    ]:
        Milestone.objects.create(
            title=title, starts_on=starts, due_on=due, status=status, completed_on=done, group=group, created_by=lena
        )
    for days_ago, title, body in [
        (
            3,
            f"{current.name} is open",
            f"Please complete your partnership's self-assessment by {current.deadline:%d %B %Y}. You can start from your 2022 answers.",
        ),
        (
            40,
            "Chairs' network: VOLT induction pack",
            "The MACE Chairs Reference Group has finished the VOLT induction pack for new panel members.",
        ),
        (
            90,
            "Cross-border notification standard agreed",
            "All partnerships have agreed the London standard for sharing information when children move.",
        ),
    ]:
        NewsItem.objects.create(title=title, body=body, published_on=today - timedelta(days=days_ago), created_by=lena)
    for key, note in [
        ("grace", "Happy to share our MACE terms of reference"),
        ("joy", "Ask me about our context conferences"),
        ("rob", ""),
        ("helen", ""),
        ("sam", ""),
        ("nia", "I chair the tools and templates group"),
        ("amara", "Coordinator — happy to share our agenda template"),
    ]:
        user = ctx.get(f"user:{key}")
        DirectoryListing.objects.get_or_create(user=user, defaults={"listed": True, "note": note, "created_by": user})
