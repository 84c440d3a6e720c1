"""Evidence figures for the self-assessment (issue #15): each figure from constructed records
against a count written here in plain Python over the rows (tests/factories/evidence.py), the
figures with nothing to count, the query budget, freezing, and the suggested rating."""

from __future__ import annotations

import json
import statistics
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from macehub.casework.models import Disruption, Escalation, MissingEpisode, NRMReferral, Plan, PlanReview
from macehub.meetings.models import (
    Action,
    ActionReview,
    AgendaItem,
    Attendance,
    Contribution,
    Feedback,
    Meeting,
    Minutes,
)
from macehub.oversight.models import Release
from macehub.referrals.models import Referral
from macehub.review.evidence.compute import Figure, evidence_for, moved_since, snapshot_figures
from macehub.review.evidence.measures import MEASURE_BY_KEY, MEASURES
from macehub.review.evidence.ratings import THRESHOLDS, suggest
from macehub.review.models import ImplementationAction
from macehub.subjects.models import AlertReview, Subject
from tests.factories.evidence import PERIOD, evidence_records

START, END = PERIOD


def pct(numerator: int, denominator: int) -> float | None:
    return round(100 * numerator / denominator, 1) if denominator else None


def local_day(moment: Any) -> date:
    return timezone.localdate(moment)


def oracle(partnership: Any) -> dict[str, float | int | None]:
    """Every figure counted by hand: rows read plainly, filtered and counted in Python."""
    in_period = lambda d: START <= d <= END  # noqa: E731
    meetings = [m for m in Meeting.objects.all() if m.panel.partnership_id == partnership.pk]
    dated = [m for m in meetings if in_period(m.date)]
    held = [m for m in dated if m.status == "held"]
    held_ids = {m.pk for m in held}
    items = [i for i in AgendaItem.objects.all() if i.meeting_id in held_ids]
    f: dict[str, float | int | None] = {}
    for key, strand in (
        ("victims", "children"),
        ("offenders", "persons"),
        ("locations", "locations"),
        ("groups", "groups"),
        ("themes", "themes"),
    ):
        f[f"agenda_{key}_share"] = pct(sum(1 for i in items if i.strand == strand), len(items))
    f["items_with_decisions_share"] = pct(sum(1 for i in items if i.decisions), len(items))

    subjects = [s for s in Subject.objects.all() if s.panel.partnership_id == partnership.pk and s.status != "merged"]
    last_quarter = {
        i.subject_id
        for i in AgendaItem.objects.all()
        if i.meeting.status == "held" and END - timedelta(days=90) <= i.meeting.date <= END
    }
    open_contexts = []
    for kind, name in (("person", "persons"), ("location", "locations"), ("group", "groups")):
        open_ = [s for s in subjects if s.kind == kind and s.status == "open" and local_day(s.created_at) <= END]
        open_contexts += open_
        f[f"register_{name}_open"] = len(open_)
        f[f"register_{name}_discussed"] = pct(sum(1 for s in open_ if s.pk in last_quarter), len(open_))
    disrupted = {d.target_id for d in Disruption.objects.all() if in_period(d.done_on)}
    f["contexts_with_disruption"] = pct(sum(1 for s in open_contexts if s.pk in disrupted), len(open_contexts))
    f["disruptions_recorded"] = sum(
        1 for d in Disruption.objects.all() if d.target.panel.partnership_id == partnership.pk and in_period(d.done_on)
    )
    f["context_alerts_reviewed"] = sum(
        1
        for a in AlertReview.objects.all()
        if a.panel.partnership_id == partnership.pk and in_period(local_day(a.created_at))
    )

    f["meetings_held_share"] = pct(len(held), len(dated))
    f["meetings_quorate_share"] = pct(sum(1 for m in held if m.quorate), len(held))
    f["co_chaired_share"] = pct(sum(1 for m in held if m.chairing == "co_chaired"), len(held))
    f["agenda_sent_on_time_share"] = pct(
        sum(1 for m in held if m.invitations_sent_at and (m.date - local_day(m.invitations_sent_at)).days >= 5),
        len(held),
    )
    minutes = list(Minutes.objects.filter(meeting__in=held))
    f["minutes_approved_on_time_share"] = pct(
        len(
            {x.meeting_id for x in minutes if x.approved_at and (local_day(x.approved_at) - x.meeting.date).days <= 14}
        ),
        len(held),
    )
    f["minutes_distributed_on_time_share"] = pct(
        len(
            {
                x.meeting_id
                for x in minutes
                if x.distributed_at and (local_day(x.distributed_at) - x.meeting.date).days <= 14
            }
        ),
        len(held),
    )
    attendance = [a for a in Attendance.objects.all() if a.meeting_id in held_ids]
    statutory = [a for a in attendance if a.agency.agency_type in ("police", "childrens_social_care", "health")]
    wider = [a for a in attendance if a not in statutory]
    present = ("attended", "deputy")
    f["attendance_statutory_share"] = pct(sum(1 for a in statutory if a.status in present), len(statutory))
    f["attendance_wider_share"] = pct(sum(1 for a in wider if a.status in present), len(wider))
    f["attendance_statutory_deputy_share"] = pct(
        sum(1 for a in statutory if a.status == "deputy"), sum(1 for a in statutory if a.status in present)
    )
    asked = [(i, a) for i in items for a in i.meeting.agencies.all()]
    sent = {
        (c.item_id, c.agency_id) for c in Contribution.objects.all() if local_day(c.submitted_at) < c.item.meeting.date
    }
    f["contributions_before_share"] = pct(sum(1 for i, a in asked if (i.pk, a.pk) in sent), len(asked))
    feedback = [
        x
        for x in Feedback.objects.all()
        if x.meeting.panel.partnership_id == partnership.pk and in_period(x.meeting.date)
    ]
    f["feedback_focused_share"] = pct(sum(1 for x in feedback if x.focused == 3), len(feedback))
    f["feedback_clear_actions_share"] = pct(sum(1 for x in feedback if x.clear_actions == 3), len(feedback))
    f["feedback_chairing_share"] = pct(sum(1 for x in feedback if x.effective_chairing == 3), len(feedback))

    actions = [a for a in Action.objects.all() if a.panel.partnership_id == partnership.pk]
    completed = [a for a in actions if a.status == "completed" and in_period(local_day(a.completed_at))]
    f["actions_on_time_share"] = pct(
        sum(1 for a in completed if local_day(a.completed_at) <= a.due_date), len(completed)
    )
    f["actions_overdue_end"] = sum(
        1
        for a in actions
        if a.due_date < END and (a.status == "open" or (a.completed_at and local_day(a.completed_at) > END))
    )
    f["actions_escalated"] = sum(1 for a in actions if a.escalated_at and in_period(local_day(a.escalated_at)))
    carried = [
        r
        for r in ActionReview.objects.all()
        if r.action.panel.partnership_id == partnership.pk
        and r.outcome == "carried_forward"
        and in_period(r.meeting.date)
    ]
    f["actions_carried_forward"] = len(carried)
    f["actions_carried_did_not_act_share"] = pct(
        sum(1 for r in carried if r.reason == "agency_did_not_act"), len(carried)
    )
    escalations = [
        e
        for e in Escalation.objects.all()
        if e.subject.panel.partnership_id == partnership.pk and in_period(e.escalated_on)
    ]
    f["escalations_responded_share"] = pct(
        sum(1 for e in escalations if e.responded_on and e.responded_on <= END), len(escalations)
    )

    episodes = [e for e in MissingEpisode.objects.all() if e.child.panel.partnership_id == partnership.pk]
    returned = [e for e in episodes if e.returned_at and in_period(local_day(e.returned_at))]
    f["return_interviews_72h_share"] = pct(
        sum(1 for e in returned if hasattr(e, "interview") and e.interview.within_72_hours), len(returned)
    )
    f["missing_children"] = len({e.child_id for e in episodes if in_period(local_day(e.started_at))})
    nrm = [n for n in NRMReferral.objects.all() if n.child.panel.partnership_id == partnership.pk]
    f["nrm_referrals"] = sum(1 for n in nrm if in_period(n.referred_on))
    decided = [n for n in nrm if n.rg_decided_on and in_period(n.rg_decided_on)]
    f["nrm_decisions_on_time_share"] = pct(
        sum(1 for n in decided if n.rg_decided_on and n.rg_decided_on <= n.decision_due_on), len(decided)
    )
    due = met = 0
    for plan in Plan.objects.all():
        if plan.subject.panel.partnership_id != partnership.pk:
            continue
        reviews = list(PlanReview.objects.filter(plan=plan))
        due_dates = [r.next_review_on for r in reviews] + [plan.next_review_on]
        for day in {d for d in due_dates if d is not None}:
            if in_period(day):
                due += 1
                met += any(day - timedelta(days=28) <= r.reviewed_on <= day for r in reviews)
    f["plans_reviewed_on_time_share"] = pct(met, due)
    referrals = [
        r
        for r in Referral.objects.all()
        if r.panel.partnership_id == partnership.pk and in_period(local_day(r.created_at))
    ]
    f["context_referrals_share"] = pct(sum(1 for r in referrals if r.subject_type != "child"), len(referrals))
    accepted = [r for r in referrals if r.status == "accepted"]
    waits = []
    for r in accepted:
        discussed = [
            i.meeting.date
            for i in AgendaItem.objects.filter(referral=r)
            if i.meeting.status == "held" and local_day(r.created_at) <= i.meeting.date <= END
        ]
        if discussed:
            waits.append((min(discussed) - local_day(r.created_at)).days)
    f["referral_to_discussion_median_days"] = statistics.median(waits) if waits else None
    f["referrals_discussed_28d_share"] = pct(sum(1 for w in waits if w <= 28), len(accepted))
    children = {i.subject_id for i in items if i.subject_id and i.subject.kind == "child"}
    f["children_discussed"] = len(children)

    quarter_ends = [date(2025, 6, 30), date(2025, 9, 30), date(2025, 12, 31)]  # due by 31 March 2026
    on_time = {
        r.period_end
        for r in Release.objects.filter(partnership=partnership)
        if r.signed_off_at and (local_day(r.signed_off_at) - r.period_end).days <= 42
    }
    f["releases_signed_off_on_time_share"] = pct(len(on_time & set(quarter_ends)), len(quarter_ends))
    plan_actions = [a for a in ImplementationAction.objects.all() if a.recommendation.partnership_id == partnership.pk]
    closed = [a for a in plan_actions if a.closed_at and in_period(local_day(a.closed_at))]
    due_open = [
        a
        for a in plan_actions
        if a.due_date and in_period(a.due_date) and not (a.closed_at and local_day(a.closed_at) <= END)
    ]
    f["recommendation_actions_on_time_share"] = pct(
        sum(1 for a in closed if a.due_date and local_day(a.closed_at) <= a.due_date), len(closed) + len(due_open)
    )
    f["recommendation_actions_open"] = sum(
        1
        for a in plan_actions
        if local_day(a.created_at) <= END and not (a.closed_at and local_day(a.closed_at) <= END)
    )
    f["dashboard_exports"] = 0  # the audited exports were made today, after the period
    return f


@pytest.fixture
def records(world: Any) -> Any:
    evidence_records(world, copies=2)
    return world


def test_every_figure_matches_a_count_by_hand(records: Any) -> None:
    figures = evidence_for(records.partnership_a, START, END)
    expected = oracle(records.partnership_a)
    # risk_reduced_share needs risk levels at both ends of the period; none were recorded here.
    assert figures["risk_reduced_share"].value is None
    assert set(expected) | {"risk_reduced_share"} == set(MEASURE_BY_KEY), "the hand count covers every measure"
    wrong = {k: (figures[k].value, v) for k, v in expected.items() if figures[k].value != v}
    assert not wrong, wrong
    # The records were built so that most figures are neither empty nor trivial.
    assert figures["meetings_quorate_share"].value == 66.7  # of m1, m2 and the last-quarter meeting, m2 was not
    assert figures["actions_carried_forward"].value == 4
    assert [r["label"] for r in figures["attendance_statutory_share"].rows] == [
        "Alpha Children's social care",
        "Alpha Police",
    ]


def test_breakdowns_by_agency_add_up_to_the_figure(records: Any) -> None:
    figures = evidence_for(records.partnership_a, START, END)
    for key in (
        "attendance_statutory_share",
        "attendance_wider_share",
        "contributions_before_share",
        "actions_on_time_share",
    ):
        figure = figures[key]
        assert figure.rows, key
        assert sum(r["numerator"] for r in figure.rows) == figure.numerator, key
        assert sum(r["denominator"] for r in figure.rows) == figure.denominator, key
    reasons = {r["label"]: r["value"] for r in figures["actions_carried_forward"].rows}
    assert reasons["Agency did not act"] == 2 and reasons["Started, needs more time"] == 2


def test_another_partnership_sees_none_of_it_and_gets_no_figure_not_zero(records: Any) -> None:
    """Partnership B held one meeting (not quorate) and nothing else."""
    figures = evidence_for(records.partnership_b, START, END)
    assert figures["meetings_quorate_share"].value == 0.0
    assert figures["meetings_quorate_share"].denominator == 1
    for key in (
        "actions_on_time_share",
        "return_interviews_72h_share",
        "feedback_chairing_share",
        "agenda_victims_share",
    ):
        assert figures[key].value is None, key
        assert figures[key].note, key
    assert figures["register_persons_open"].value == 0
    empty = evidence_for(records.partnership_b, date(2020, 1, 1), date(2020, 12, 31))
    assert empty["meetings_quorate_share"].value is None
    assert empty["meetings_quorate_share"].note == "No meetings were held in the period."
    assert empty["meetings_quorate_share"].display == "No figure"


def test_dashboard_uses_come_from_the_audit_trail(records: Any) -> None:
    today = timezone.localdate()
    figures = evidence_for(records.partnership_a, today - timedelta(days=7), today)
    assert figures["dashboard_exports"].value == 2  # a table and the quarterly report; a London dataset is not


def test_the_same_number_of_queries_whatever_the_amount_of_data(world: Any) -> None:
    evidence_records(world, copies=1)
    with CaptureQueriesContext(connection) as one:
        evidence_for(world.partnership_a, START, END)
    evidence_records(world, copies=4)
    with CaptureQueriesContext(connection) as five:
        figures = evidence_for(world.partnership_a, START, END)
    assert figures["actions_carried_forward"].value == 10
    assert len(five.captured_queries) == len(one.captured_queries)
    assert len(one.captured_queries) <= 30


def test_figures_survive_json_and_come_back_equal_and_say_when_they_moved(records: Any) -> None:
    figures = evidence_for(records.partnership_a, START, END)
    frozen = json.loads(json.dumps({"figures": {k: f.as_dict() for k, f in figures.items()}}))
    assert snapshot_figures(frozen) == figures
    assert Figure.from_dict(figures["actions_on_time_share"].as_dict()) == figures["actions_on_time_share"]
    # A record corrected afterwards: the frozen figures keep the old value, and say it moved.
    Meeting.objects.filter(panel=records.panel_a, quorate=False).update(quorate=True)
    now = evidence_for(records.partnership_a, START, END)
    assert snapshot_figures(frozen)["meetings_quorate_share"].value == 66.7
    assert now["meetings_quorate_share"].value == 100.0
    assert moved_since(snapshot_figures(frozen), now) == ["meetings_quorate_share"]


SCALE = [
    {"value": 1, "label": "Not yet in place", "descriptor": "."},
    {"value": 2, "label": "Developing", "descriptor": "."},
    {"value": 3, "label": "Established", "descriptor": "."},
    {"value": 4, "label": "Embedded and improving", "descriptor": "."},
]


def figure(key: str, value: float | None, numerator: int = 0, denominator: int = 0) -> Figure:
    m = MEASURE_BY_KEY[key]
    return Figure(
        key,
        m.label,
        value,
        numerator,
        denominator,
        m.unit,
        m.definition,
        "/",
        "" if value is not None else "None held.",
    )


class Q:
    measures = ["meetings_quorate_share", "attendance_statutory_share"]


def test_suggested_rating_follows_the_published_thresholds() -> None:
    strong = suggest(
        Q(), [figure("meetings_quorate_share", 95, 19, 20), figure("attendance_statutory_share", 92, 46, 50)], SCALE
    )
    assert strong.rating == 4
    assert "95% (19 of 20), at or above 90%" in strong.reasons[1]
    weak = suggest(
        Q(), [figure("meetings_quorate_share", 40, 4, 10), figure("attendance_statutory_share", 95, 19, 20)], SCALE
    )
    assert weak.rating == 2  # "fully in place" is not supported with 40% quorate meetings
    assert any("below 60%" in r for r in weak.reasons)
    nothing = suggest(Q(), [figure("meetings_quorate_share", None)], SCALE)
    assert nothing.rating is None and "own evidence" in nothing.reasons[0]
    lower = suggest(
        type("Q2", (), {"measures": ["referral_to_discussion_median_days"]})(),
        [figure("referral_to_discussion_median_days", 35, 3, 4)],
        SCALE,
    )
    assert lower.rating == 1


def test_every_threshold_names_a_measure_and_every_measure_has_a_definition_and_source() -> None:
    assert set(THRESHOLDS) <= set(MEASURE_BY_KEY)
    for m in MEASURES:
        assert m.definition.endswith("."), m.key
        assert m.unit in ("%", "count", "days"), m.key
        assert m.source_url(1, START, END).startswith("/"), m.key


def test_every_measure_and_threshold_is_documented() -> None:
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "docs" / "review-evidence.md").read_text(encoding="utf-8")
    for m in MEASURES:
        assert f"| `{m.key}` | {m.label} | {m.unit} | {m.definition} |" in text, m.key
    for key, (good, _poor) in THRESHOLDS.items():
        row = next(line for line in text.splitlines() if line.startswith(f"| `{key}` |"))
        assert f"{good:g}" in row.rsplit("|", 2)[1], key


def test_the_default_framework_shows_figures_for_every_question(world: Any) -> None:
    from macehub.review.framework_files import ensure_default_framework, evidence_mapping
    from macehub.review.models import Question

    version = ensure_default_framework()
    questions = list(Question.objects.filter(section__framework_version=version))
    assert len(questions) == 37
    mapping = evidence_mapping()
    for q in questions:
        assert q.measures, q.code
        assert q.measures == mapping[q.key]
        assert set(q.measures) <= set(MEASURE_BY_KEY), q.code
    every_section = {q.section.code for q in questions if q.measures}
    assert every_section == {"A", "B", "C", "D", "E", "F"}


def test_a_draft_copies_the_figures_and_the_london_team_changes_them(rw: Any, client_as: Any) -> None:
    from macehub.review.models import Question

    question = rw.draft_question
    original = Question.objects.get(section__framework_version=rw.version, key=question.key)
    assert question.measures == original.measures and question.measures  # copied into the new draft
    client = client_as("london_team")
    url = f"/review/frameworks/questions/{question.pk}/"
    data = {
        "code": question.code,
        "text": question.text,
        "protocol_reference": question.protocol_reference,
        "evidence_prompt": question.evidence_prompt,
        "allows_comment": "on",
        "version": question.version,
        "measures": ["meetings_quorate_share", "not_a_measure"],
    }
    refused = client.post(url, data)
    assert refused.status_code == 200 and "There is a problem" in refused.content.decode()
    assert (
        client.post(url, {**data, "measures": ["meetings_quorate_share", "actions_on_time_share"]}).status_code == 302
    )
    question.refresh_from_db()
    assert question.measures == ["meetings_quorate_share", "actions_on_time_share"]
    page = client.get(f"/review/frameworks/versions/{rw.draft.pk}/").content.decode()
    assert "Figures from the records: Quorate meetings; Actions completed on time" in page
    original.refresh_from_db()
    assert original.measures != question.measures  # the published version is untouched


def test_by_question_gives_each_question_its_figures_in_order(rw: Any) -> None:
    from macehub.review.evidence.compute import by_question, evidence_period
    from macehub.review.models import Question

    start, end = evidence_period(rw.cycle)
    assert (end - start).days in (364, 365) and end < rw.cycle.opens_on
    figures = by_question(rw.return_a)
    questions = Question.objects.filter(section__framework_version=rw.cycle.framework_version)
    assert set(figures) == {q.pk for q in questions}
    for q in questions:
        assert [f.key for f in figures[q.pk]] == q.measures


def test_the_demo_return_shows_figures_from_the_demo_records_for_every_section(demo_db: Any) -> None:
    """The current cycle's return of the demo's busiest partnership: every section has figures
    with a value, computed from the demo's meetings, registers and casework."""
    from macehub.review.evidence.compute import by_question
    from macehub.review.models import Assessment, Question

    assessment = (
        Assessment.objects.filter(cycle__status="open")
        .select_related("cycle", "partnership")
        .order_by("partnership__short_name")
        .filter(partnership__short_name="Lambeth")
        .first()
    )
    assert assessment is not None
    figures = by_question(assessment)
    sections: dict[str, int] = {}
    for question in Question.objects.filter(section__framework_version=assessment.cycle.framework_version):
        with_value = [f for f in figures[question.pk] if f.value is not None]
        sections[question.section.code] = sections.get(question.section.code, 0) + len(with_value)
    assert set(sections) == {"A", "B", "C", "D", "E", "F"}
    assert all(n > 0 for n in sections.values()), sections
