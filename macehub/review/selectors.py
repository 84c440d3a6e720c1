"""Reads for the review layer, always scoped to the asking user (see policies.py for the rules)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from macehub.core.selectors import get_visible_or_404
from macehub.organisations.models import Partnership

from .models import (
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
    ReviewRound,
    Section,
)
from .policies import (
    actions,
    agency_ids,
    assessments,
    evidence,
    findings,
    group_meetings,
    groups,
    lead_partnership_ids,
    peer_reviews,
    recommendations,
    review_profile,
    rounds,
)
from .policies import (
    partnerships as reviewed_partnerships,
)

# --- Frameworks (London team only; views check the policy) ---------------------------------


def framework_versions() -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.select_related("framework").annotate(
        section_count=Count("sections", distinct=True),
        question_count=Count("sections__questions", distinct=True),
        cycle_count=Count("cycles", distinct=True),
    )


def versions_with_questions() -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.select_related("framework").prefetch_related(
        Prefetch("sections", queryset=Section.objects.prefetch_related("questions"))
    )


def published_versions() -> QuerySet[FrameworkVersion]:
    return FrameworkVersion.objects.select_related("framework").filter(status=FrameworkVersion.Status.PUBLISHED)


# --- Cycles and returns ---------------------------------------------------------------------


def cycles_with_counts() -> QuerySet[Cycle]:
    return Cycle.objects.select_related("framework_version__framework").annotate(
        participating=Count("assessments", distinct=True),
        returned=Count("assessments", filter=Q(assessments__status=Assessment.Status.SUBMITTED), distinct=True),
    )


def assessments_visible_to(user: Any) -> QuerySet[Assessment]:
    """Returns a person may open: the London team all; a partnership's people their own; a
    peer reviewer those of the partnerships they review."""
    qs = Assessment.objects.select_related("cycle__framework_version__framework", "partnership", "submitted_by")
    return assessments.visible(user, "view", qs)


def get_assessment_for(user: Any, pk: Any) -> Assessment:
    return get_visible_or_404(assessments_visible_to(user), pk, user=user)


def own_open_assessments(user: Any) -> QuerySet[Assessment]:
    """Returns the person works on, in open cycles (home page and review overview)."""
    return (
        assessments.visible(user, "contribute")
        .filter(cycle__status=Cycle.Status.OPEN)
        .select_related("cycle", "partnership")
        .order_by("cycle__deadline", "partnership__short_name")
    )


def tracking_rows(cycle: Cycle) -> QuerySet[Assessment]:
    """Every return in a cycle with answered-question counts, for the London team's tracker."""
    return (
        cycle.assessments.select_related("partnership", "submitted_by")
        .annotate(
            answered=Count("answers", filter=Q(answers__rating__isnull=False), distinct=True),
            authority_count=Count("partnership__authorities", distinct=True),
        )
        .order_by("partnership__short_name")
    )


def question_count(version: FrameworkVersion) -> int:
    return Question.objects.filter(section__framework_version=version).count()


def section_progress(assessment: Assessment) -> list[dict[str, Any]]:
    """Per section: questions, answered, state (for the task list) — three queries whatever the size."""
    sections = list(
        Section.objects.filter(framework_version_id=assessment.cycle.framework_version_id)
        .annotate(total=Count("questions", distinct=True))
        .order_by("order", "code")
    )
    answered = dict(
        Answer.objects.filter(assessment=assessment, rating__isnull=False)
        .values_list("question__section_id")
        .annotate(n=Count("id"))
        .values_list("question__section_id", "n")
    )
    carried = dict(
        Answer.objects.filter(assessment=assessment, carried_forward=True)
        .values_list("question__section_id")
        .annotate(n=Count("id"))
        .values_list("question__section_id", "n")
    )
    states = {
        s.section_id: s for s in AssessmentSection.objects.filter(assessment=assessment).select_related("updated_by")
    }
    rows = []
    for section in sections:
        done = answered.get(section.pk, 0)
        if carried.get(section.pk, 0):
            status = "To check"
        elif done == 0:
            status = "Not started"
        elif done < section.total:
            status = "In progress"
        else:
            status = "Completed"
        rows.append(
            {
                "section": section,
                "total": section.total,
                "answered": done,
                "carried": carried.get(section.pk, 0),
                "status": status,
                "state": states.get(section.pk),
            }
        )
    return rows


def section_answers(assessment: Assessment, section: Section) -> tuple[list[Question], dict[int, Answer]]:
    questions = list(section.questions.all().order_by("order", "code"))
    answers = {
        a.question_id: a
        for a in Answer.objects.filter(assessment=assessment, question__section=section).prefetch_related(
            Prefetch("evidence", queryset=Evidence.objects.select_related("file"))
        )
    }
    return questions, answers


def all_answers(assessment: Assessment) -> list[Answer]:
    return list(
        Answer.objects.filter(assessment=assessment)
        .select_related("question__section")
        .prefetch_related(Prefetch("evidence", queryset=Evidence.objects.select_related("file")))
        .order_by("question__section__order", "question__order")
    )


def evidence_visible_to(user: Any) -> QuerySet[Evidence]:
    qs = Evidence.objects.select_related("file", "answer__assessment__cycle", "answer__question")
    return evidence.visible(user, "view", qs)


def get_evidence_for(user: Any, pk: Any) -> Evidence:
    return get_visible_or_404(evidence_visible_to(user), pk, user=user)


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The same partnership's return in the cycle this one follows."""
    if assessment.cycle.previous_id is None:
        return None
    return (
        Assessment.objects.filter(cycle_id=assessment.cycle.previous_id, partnership_id=assessment.partnership_id)
        .select_related("cycle")
        .first()
    )


def peer_reviews_of(assessment: Assessment) -> QuerySet[PeerReview]:
    """Peer-review meetings planned with this return's partnership (shown on the return)."""
    return PeerReview.objects.filter(
        partnerships=assessment.partnership_id, round__cycle_id=assessment.cycle_id
    ).exclude(status=PeerReview.Status.CANCELLED)


# --- Peer review ------------------------------------------------------------------------------


def rounds_visible_to(user: Any) -> QuerySet[ReviewRound]:
    qs = ReviewRound.objects.select_related("cycle").annotate(
        review_count=Count("reviews", distinct=True),
        finding_count=Count("findings", distinct=True),
        recommendation_count=Count("recommendations", distinct=True),
    )
    return rounds.visible(user, "view", qs)


def get_round_for(user: Any, pk: Any) -> ReviewRound:
    return get_visible_or_404(rounds_visible_to(user), pk, user=user)


def peer_reviews_visible_to(user: Any) -> QuerySet[PeerReview]:
    qs = PeerReview.objects.select_related("round", "round__cycle").prefetch_related(
        "partnerships", Prefetch("reviewer_assignments", queryset=ReviewerAssignment.objects.select_related("user"))
    )
    return peer_reviews.visible(user, "view", qs)


def partnerships_reviewed_by(user: Any) -> QuerySet[Partnership]:
    """Active partnerships whose peer review the person takes part in (all, for the London team)."""
    return reviewed_partnerships.visible(user, "review", Partnership.objects.filter(is_active=True)).order_by(
        "short_name"
    )


def get_peer_review_for(user: Any, pk: Any) -> PeerReview:
    return get_visible_or_404(peer_reviews_visible_to(user), pk, user=user)


def findings_visible_to(user: Any) -> QuerySet[Finding]:
    qs = Finding.objects.select_related("round", "source_review").prefetch_related("partnerships")
    return findings.visible(user, "view", qs)


def get_finding_for(user: Any, pk: Any) -> Finding:
    return get_visible_or_404(findings_visible_to(user), pk, user=user)


def finding_evidence(finding: Finding) -> tuple[list[Answer], list[Any]]:
    answers = list(
        finding.evidence_answers.select_related(
            "question__section__framework_version", "assessment__partnership", "assessment__cycle"
        ).order_by("assessment__partnership__short_name", "question__section__order", "question__order")
    )
    notes = list(finding.evidence_notes.select_related("review").order_by("review__meeting_date", "area"))
    return answers, notes


# --- Recommendations and actions --------------------------------------------------------------


def recommendations_visible_to(user: Any) -> QuerySet[Recommendation]:
    qs = Recommendation.objects.select_related(
        "round", "partnership", "owner_group", "owner_partnership", "owner_agency"
    ).annotate(
        action_count=Count("actions", distinct=True),
        closed_count=Count("actions", filter=Q(actions__status=ImplementationAction.Status.CLOSED), distinct=True),
    )
    return recommendations.visible(user, "view", qs)


def get_recommendation_for(user: Any, pk: Any) -> Recommendation:
    return get_visible_or_404(recommendations_visible_to(user), pk, user=user)


def actions_visible_to(user: Any) -> QuerySet[ImplementationAction]:
    qs = ImplementationAction.objects.select_related(
        "recommendation__round",
        "recommendation__owner_group",
        "recommendation__owner_partnership",
        "recommendation__owner_agency",
        "lead",
    )
    return actions.visible(user, "view", qs)


def get_action_for(user: Any, pk: Any) -> ImplementationAction:
    return get_visible_or_404(actions_visible_to(user), pk, user=user)


def action_history(action: ImplementationAction) -> QuerySet[ProgressUpdate]:
    return action.updates.select_related("created_by", "evidence")


def update_evidence_visible_to(user: Any) -> QuerySet[ProgressUpdate]:
    return ProgressUpdate.objects.select_related("evidence", "action").filter(
        evidence__isnull=False, action__in=actions_visible_to(user).values("pk")
    )


def get_update_for(user: Any, pk: Any) -> ProgressUpdate:
    return get_visible_or_404(update_evidence_visible_to(user), pk, user=user)


def my_open_actions(user: Any) -> QuerySet[ImplementationAction]:
    """Open actions the person leads or whose owner they act for (the members' home)."""
    mine = (
        Q(lead_id=user.pk)
        | Q(recommendation__owner_group_id__in=review_profile(user).group_ids())
        | Q(recommendation__owner_partnership_id__in=lead_partnership_ids(user))
    )
    return (
        ImplementationAction.objects.filter(mine)
        .exclude(status=ImplementationAction.Status.CLOSED)
        .select_related("recommendation", "recommendation__owner_group")
        .order_by("due_date", "pk")
    )


def my_recommendations(user: Any) -> QuerySet[Recommendation]:
    """Open recommendations owned by the person's groups, the partnerships they lead, or their agencies."""
    return (
        Recommendation.objects.filter(
            Q(owner_group_id__in=review_profile(user).group_ids())
            | Q(owner_partnership_id__in=lead_partnership_ids(user))
            | Q(owner_agency_id__in=agency_ids(user))
        )
        .exclude(status__in=[Recommendation.Status.IMPLEMENTED, Recommendation.Status.NOT_TAKEN_FORWARD])
        .select_related("round", "owner_group", "owner_partnership", "owner_agency")
        .annotate(action_count=Count("actions", distinct=True))
        .order_by("round__created_at", "reference")
    )


def closures_waiting_for(user: Any) -> QuerySet[ImplementationAction]:
    """Actions waiting for this person's closure decision: exactly those the policy lets them
    approve (never one they lead or asked to close)."""
    return actions.visible(user, "approve_closure").select_related("recommendation").order_by("closure_requested_at")


# --- Groups, timeline, members area ------------------------------------------------------------


def groups_visible_to(user: Any) -> QuerySet[GovernanceGroup]:
    qs: QuerySet[GovernanceGroup] = groups.visible(user, "view", GovernanceGroup.objects.all())
    return qs.annotate(
        member_count=Count("memberships", distinct=True),
        recommendation_count=Count("recommendations", distinct=True),
    ).prefetch_related(
        Prefetch(
            "memberships",
            queryset=GroupMembership.objects.filter(role=GroupMembership.Role.CHAIR).select_related("user"),
            to_attr="chairs",
        )
    )


def get_group_for(user: Any, pk: Any) -> GovernanceGroup:
    return get_visible_or_404(groups_visible_to(user), pk, user=user)


def group_meetings_visible_to(user: Any) -> QuerySet[GroupMeeting]:
    return group_meetings.visible(user, "view", GroupMeeting.objects.select_related("group"))


def get_group_meeting_for(user: Any, pk: Any) -> GroupMeeting:
    return get_visible_or_404(group_meetings_visible_to(user), pk, user=user)


def get_group_membership(group: GovernanceGroup, pk: Any, *, user: Any) -> GroupMembership:
    return get_visible_or_404(group.memberships.select_related("user"), pk, user=user)


def upcoming_meetings_for(user: Any, *, today: date | None = None) -> QuerySet[GroupMeeting]:
    today = today or timezone.localdate()
    return group_meetings_visible_to(user).filter(meets_on__gte=today).order_by("meets_on", "pk")


def milestones() -> QuerySet[Milestone]:
    return Milestone.objects.select_related("group")


def news() -> QuerySet[NewsItem]:
    return NewsItem.objects.select_related("created_by")


def directory_rows() -> list[dict[str, Any]]:
    """Opted-in MACE chairs, coordinators and leads with their roles and partnerships (two queries)."""
    from macehub.accounts.models import Membership

    listings = list(
        DirectoryListing.objects.filter(listed=True, user__is_active=True)
        .select_related("user")
        .order_by("user__full_name")
    )
    roles = ("panel_chair", "coordinator", "strategic_lead", "borough_admin", "london_project_team")
    memberships: dict[int, list[Any]] = {}
    for membership in (
        Membership.objects.filter(
            user_id__in=[listing.user_id for listing in listings], ended_at__isnull=True, role__in=roles
        )
        .select_related("partnership", "panel")
        .order_by("role")
    ):
        memberships.setdefault(membership.user_id, []).append(membership)
    return [
        {"listing": listing, "user": listing.user, "memberships": memberships.get(listing.user_id, [])}
        for listing in listings
        if listing.user_id in memberships
    ]


def listing_for(user: Any) -> DirectoryListing | None:
    return DirectoryListing.objects.filter(user_id=user.pk).first()
