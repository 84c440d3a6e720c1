"""Review records for tests, built on the personas' world (``tests.factories.personas``).

``review_world(world)`` adds, once per world:

* the default framework (published version 1) and a draft version 2;
* an open cycle with partnership A's return in progress (one answer with an evidence file)
  and partnership B's return submitted (every question rated);
* a peer review round with one meeting reviewing partnership A, reviewed by the
  ``peer_reviewer`` persona (police), with notes on protocol implementation;
* a finding about A linked to A's answer and the meeting note; recommendation R1 (London-wide)
  owned by a Task and Finish group chaired by ``peer_reviewer``; one action on track (with a
  milestone and a progress update carrying evidence) and one waiting for closure approval;
* a group meeting, a timeline milestone, a news item and a directory listing for ``chair_a``;
* a MACE Chairs Reference Group with ``chair_a`` as a member (the evidence heat map's readers).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from macehub.core import uploads
from macehub.review.framework_files import ensure_default_framework


@dataclass
class ReviewWorld:
    version: Any
    draft: Any
    draft_section: Any
    draft_question: Any
    cycle: Any
    return_a: Any
    return_b: Any
    section: Any
    answer_a: Any
    evidence_a: Any
    group: Any
    group_membership: Any
    group_meeting: Any
    review_round: Any
    peer_review: Any
    note: Any
    finding: Any
    recommendation: Any
    action: Any
    action_awaiting: Any
    action_milestone: Any
    update_with_evidence: Any
    milestone: Any
    news: Any


def evidence_file(name: str = "terms-of-reference.txt", content: bytes = b"MACE terms of reference, 2025.\n") -> Any:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def review_world(world: Any) -> ReviewWorld:
    cached = getattr(world, "_review", None)
    if cached is not None:
        return cached
    from macehub.review.models import (
        ActionMilestone,
        Answer,
        Assessment,
        DirectoryListing,
        Evidence,
        GovernanceGroup,
        GroupMeeting,
        GroupMembership,
        ImplementationAction,
        Milestone,
        NewsItem,
        ProgressUpdate,
        Question,
        Section,
    )
    from macehub.review.services import cycles, frameworks, implementation, peer

    london = world.user("london_team")
    reviewer = world.user("peer_reviewer")
    version = ensure_default_framework()
    today = timezone.localdate()

    draft = frameworks.version_new_draft(actor=london, framework=version.framework)
    draft_section = Section.objects.filter(framework_version=draft).order_by("order").first()
    draft_question = Question.objects.filter(section=draft_section).order_by("order").first()

    cycle = cycles.cycle_open(
        actor=london,
        name="Test self-assessment",
        framework_version=version,
        opens_on=today - timedelta(days=10),
        deadline=today + timedelta(days=20),
        partnerships=[world.partnership_a, world.partnership_b],
    )
    return_a = Assessment.objects.get(cycle=cycle, partnership=world.partnership_a)
    return_b = Assessment.objects.get(cycle=cycle, partnership=world.partnership_b)
    section = Section.objects.filter(framework_version=version).order_by("order").first()
    first_question = Question.objects.filter(section=section).order_by("order")[0]
    lead_a = world.user("lead_a")
    answer_a = Answer.objects.create(
        assessment=return_a,
        question=first_question,
        rating=2,
        comment="Adopted in 2022; refresh due.",
        created_by=lead_a,
    )
    stored = uploads.store(evidence_file(), actor=lead_a, partnership_id=world.partnership_a.pk)
    evidence_a = Evidence.objects.create(answer=answer_a, file=stored, description=stored.original_name)
    Assessment.objects.filter(pk=return_a.pk).update(status=Assessment.Status.IN_PROGRESS)
    Answer.objects.bulk_create(
        Answer(assessment=return_b, question=q, rating=3, comment="")
        for q in Question.objects.filter(section__framework_version=version)
    )
    Assessment.objects.filter(pk=return_b.pk).update(
        status=Assessment.Status.SUBMITTED, submitted_at=timezone.now(), submitted_by=world.user("borough_admin_b")
    )
    return_a.refresh_from_db()
    return_b.refresh_from_db()

    group = GovernanceGroup.objects.create(
        name="Data and oversight Task and Finish group",
        kind=GovernanceGroup.Kind.TASK_AND_FINISH,
        purpose="Agree a London exploitation dataset.",
        terms_of_reference="Meets monthly; reports to the Project Delivery Group.",
    )
    group_membership = GroupMembership.objects.create(group=group, user=reviewer, role=GroupMembership.Role.CHAIR)
    group_meeting = GroupMeeting.objects.create(
        group=group, meets_on=today + timedelta(days=7), title="Dataset workshop", decisions="Adopt the draft dataset"
    )
    # chair_a sits on the MACE Chairs Reference Group, which sees the London evidence heat map.
    chairs_group = GovernanceGroup.objects.create(
        name="MACE Chairs Reference Group",
        kind=GovernanceGroup.Kind.CHAIRS_REFERENCE,
        purpose="Brings MACE chairs together to test proposals and share practice.",
    )
    GroupMembership.objects.create(group=chairs_group, user=world.user("chair_a"), role=GroupMembership.Role.MEMBER)

    review_round = peer.round_save(actor=london, review_round=None, name="Test peer review", cycle=cycle)
    peer_review = peer.peer_review_plan(
        actor=london,
        review_round=review_round,
        review=None,
        partnerships=[world.partnership_a],
        reviewers=[(reviewer, "police")],
        title="Meeting 1: Alpha",
        meeting_date=today + timedelta(days=3),
        meeting_link="https://meet.example.org/alpha",
    )
    peer_review = peer.peer_review_record(
        actor=london,
        review=peer_review,
        expected_version=peer_review.version,
        notes={"protocol": "The protocol is adopted but not yet referenced in local procedures."},
        status="held",
        attendees="Alpha MACE chair; Alpha strategic lead",
        strengths="Strong police attendance.",
        areas_for_development="Data on outcomes.",
    )
    note = peer_review.notes.get(area="protocol")
    finding = peer.finding_save(
        actor=london,
        review_round=review_round,
        finding=None,
        partnerships=[world.partnership_a],
        evidence_answers=[answer_a],
        evidence_notes=[note],
        theme="protocol",
        title="Local procedures do not yet point to the 2021 protocol",
        summary="Practitioners find the older CSE protocol first.",
        source_review=peer_review,
    )
    recommendation = implementation.recommendation_save(
        actor=london,
        review_round=review_round,
        recommendation=None,
        findings=[finding],
        reference="R1",
        title="Every partnership links its procedures to the 2021 protocol",
        detail="",
        scope="london",
        partnership=None,
        owner_kind="group",
        owner_group=group,
        owner_partnership=None,
        owner_agency=None,
        status="proposed",
    )
    action = implementation.action_save(
        actor=london,
        recommendation=recommendation,
        action=None,
        title="Publish a model procedure paragraph",
        description="",
        lead=None,
        due_date=today + timedelta(days=60),
    )
    action_milestone = ActionMilestone.objects.create(action=action, title="Draft agreed", due_date=today)
    update = implementation.action_progress(
        actor=reviewer,
        action=action,
        expected_version=action.version,
        text="Draft paragraph shared with chairs.",
        status="on_track",
        evidence=evidence_file("draft-paragraph.txt", b"Draft paragraph.\n"),
    )
    action.refresh_from_db()
    action_awaiting = ImplementationAction.objects.create(
        recommendation=recommendation,
        title="Brief the MACE chairs",
        status=ImplementationAction.Status.AWAITING_CLOSURE,
        closure_requested_at=timezone.now(),
        closure_requested_by=reviewer,
    )
    ProgressUpdate.objects.create(
        action=action_awaiting,
        kind=ProgressUpdate.Kind.CLOSURE_REQUESTED,
        text="Briefing given at the chairs' network.",
        status_after=action_awaiting.status,
        created_by=reviewer,
    )
    milestone = Milestone.objects.create(title="Findings published", due_on=today, status="done", completed_on=today)
    news = NewsItem.objects.create(title="Chairs' network meets", body="All MACE chairs welcome.", published_on=today)
    DirectoryListing.objects.create(user=world.user("chair_a"), listed=True, note="Happy to share our ToR")
    recommendation.refresh_from_db()
    result = ReviewWorld(
        version=version,
        draft=draft,
        draft_section=draft_section,
        draft_question=draft_question,
        cycle=cycle,
        return_a=return_a,
        return_b=return_b,
        section=section,
        answer_a=answer_a,
        evidence_a=evidence_a,
        group=group,
        group_membership=group_membership,
        group_meeting=group_meeting,
        review_round=review_round,
        peer_review=peer_review,
        note=note,
        finding=finding,
        recommendation=recommendation,
        action=action,
        action_awaiting=action_awaiting,
        action_milestone=action_milestone,
        update_with_evidence=update,
        milestone=milestone,
        news=news,
    )
    world._review = result
    return result
