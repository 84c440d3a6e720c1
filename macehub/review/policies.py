"""Who may do what in the review and improvement layer (review app policy).

The rules, in the domain's words:

* The London project team (and system admins) run the review: frameworks, cycles, peer
  review rounds, recommendations, groups, the timeline and news. They read every return but
  never change a partnership's answers; they may reopen a submitted return.
* A partnership's **lead** — its strategic lead or borough admin — completes and submits its
  return. Colleagues in the partnership (its analyst, and the chairs and coordinators of its
  panels) may **contribute**: answer questions and attach evidence, but not submit.
* A **peer reviewer** sees only the partnerships they review (their returns, meetings and
  findings), until the round's findings are published. The London team publishes a round's
  findings, but nobody who reviewed in that round does (separation of duties).
* Any approved member (anyone holding a role) sees the members area, the governance groups,
  the timeline, and published findings and recommendations.
* An implementation action is updated by its owner — the owning group's members, the owning
  partnership's people, the owning agency's people — or its named lead; its closure is
  approved by the owning group's chair (by the London team when the owner is not a group, or
  the group has no chair).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q

from macehub.core.access import Role, access_for
from macehub.core.policies import Policy, predicate, someone_else

#: Who may submit a partnership's return.
LEAD_ROLES = (Role.STRATEGIC_LEAD, Role.BOROUGH_ADMIN)
#: Who may work on a partnership's return (the lead and colleagues).
CONTRIBUTOR_ROLES = (*LEAD_ROLES, Role.PARTNERSHIP_ANALYST, Role.PANEL_CHAIR, Role.COORDINATOR)
LONDON_ADMIN_ROLES = (Role.LONDON_PROJECT_TEAM, Role.SYSTEM_ADMIN)


@dataclass(frozen=True)
class ReviewProfile:
    """What a person does in the review, beyond their roles: read once per request."""

    reviewer_partnership_ids: frozenset[int]
    reviewer_round_ids: frozenset[int]
    reviewer_review_ids: frozenset[int]
    group_roles: dict[int, str]

    def chairs(self, group_id: int | None) -> bool:
        return group_id is not None and self.group_roles.get(group_id) == "chair"


_EMPTY = ReviewProfile(frozenset(), frozenset(), frozenset(), {})


def review_profile(user: Any) -> ReviewProfile:
    if not access_for(user).is_member:
        return _EMPTY
    cached = getattr(user, "_macehub_review", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    from .models import GroupMembership, ReviewerAssignment

    partnerships: set[int] = set()
    rounds: set[int] = set()
    reviews: set[int] = set()
    rows = ReviewerAssignment.objects.filter(user_id=user.pk).values_list(
        "review_id", "review__round_id", "review__partnerships"
    )
    for review_id, round_id, partnership_id in rows:
        reviews.add(review_id)
        rounds.add(round_id)
        if partnership_id is not None:
            partnerships.add(partnership_id)
    groups = dict(
        GroupMembership.objects.filter(user_id=user.pk, group__is_active=True).values_list("group_id", "role")
    )
    profile = ReviewProfile(frozenset(partnerships), frozenset(rounds), frozenset(reviews), groups)
    user._macehub_review = profile
    return profile


def forget_review_profile(user: Any) -> None:
    if hasattr(user, "_macehub_review"):
        del user._macehub_review


def london_admin(user: Any) -> bool:
    return access_for(user).has_role(*LONDON_ADMIN_ROLES)


def lead_partnership_ids(user: Any) -> frozenset[int]:
    return access_for(user).partnership_ids(*LEAD_ROLES)


def contributor_partnership_ids(user: Any) -> frozenset[int]:
    return access_for(user).partnership_ids(*CONTRIBUTOR_ROLES)


def agency_ids(user: Any) -> frozenset[int]:
    return frozenset(g.agency_id for g in access_for(user).grants if g.agency_id is not None)


# --- Predicates ---------------------------------------------------------------------------


@predicate
def is_london_admin(user: Any, obj: Any = None) -> bool:
    return london_admin(user)


@predicate
def is_member(user: Any, obj: Any = None) -> bool:
    """An approved member: anyone holding an active role (an invited professional is not one)."""
    return access_for(user).is_member


@predicate
def takes_part_in_review(user: Any, obj: Any = None) -> bool:
    profile = access_for(user)
    return (
        london_admin(user)
        or profile.has_role(Role.PEER_REVIEWER)
        or bool(contributor_partnership_ids(user))
        or bool(review_profile(user).reviewer_review_ids)
    )


@predicate
def can_view_assessment(user: Any, assessment: Any) -> bool:
    if assessment is None:
        return False
    return (
        london_admin(user)
        or assessment.partnership_id in contributor_partnership_ids(user)
        or assessment.partnership_id in review_profile(user).reviewer_partnership_ids
    )


@predicate
def can_edit_assessment(user: Any, assessment: Any) -> bool:
    return (
        assessment is not None
        and assessment.is_editable
        and assessment.partnership_id in contributor_partnership_ids(user)
    )


@predicate
def can_submit_assessment(user: Any, assessment: Any) -> bool:
    return assessment is not None and assessment.is_editable and assessment.partnership_id in lead_partnership_ids(user)


@predicate
def can_reopen_assessment(user: Any, assessment: Any) -> bool:
    return (
        assessment is not None and assessment.is_submitted and assessment.cycle.status == "open" and london_admin(user)
    )


@predicate
def can_see_named_results(user: Any, cycle: Any) -> bool:
    """Other partnerships' results by name: the London team, or everyone once published."""
    if cycle is None:
        return False
    return london_admin(user) or (cycle.results_published and takes_part_in_review(user))


@predicate
def reviews_in_round(user: Any, review_round: Any) -> bool:
    return review_round is not None and review_round.pk in review_profile(user).reviewer_round_ids


@predicate
def can_view_round(user: Any, review_round: Any) -> bool:
    if review_round is None:
        return False
    return (
        london_admin(user)
        or review_round.pk in review_profile(user).reviewer_round_ids
        or (review_round.is_published and is_member(user))
    )


@predicate
def can_work_on_round(user: Any, review_round: Any) -> bool:
    """Record meetings and findings: the London team and the round's reviewers, until publication."""
    if review_round is None or review_round.is_published:
        return False
    return london_admin(user) or review_round.pk in review_profile(user).reviewer_round_ids


@predicate
def can_publish_round(user: Any, review_round: Any) -> bool:
    """The London team signs off a round's findings, but not one they reviewed in: publishing
    is the independent check on the reviewers' work (C32)."""
    if review_round is None or review_round.is_published:
        return False
    return london_admin(user) and review_round.pk not in review_profile(user).reviewer_round_ids


@predicate
def can_view_peer_review(user: Any, review: Any) -> bool:
    return review is not None and (london_admin(user) or review.pk in review_profile(user).reviewer_review_ids)


@predicate
def can_record_peer_review(user: Any, review: Any) -> bool:
    return (
        review is not None
        and not review.round.is_published
        and (london_admin(user) or review.pk in review_profile(user).reviewer_review_ids)
    )


def acts_for_owner(user: Any, recommendation: Any) -> bool:
    """The recommendation's owner: the group's members, the partnership's people, the agency's people."""
    kind = recommendation.owner_kind
    if kind == "group":
        return recommendation.owner_group_id in review_profile(user).group_roles
    if kind == "partnership":
        return recommendation.owner_partnership_id in contributor_partnership_ids(user)
    if kind == "agency":
        return recommendation.owner_agency_id in agency_ids(user)
    return False


@predicate
def can_plan_actions(user: Any, recommendation: Any) -> bool:
    if recommendation is None or recommendation.owner_kind == "":
        return False
    if recommendation.status in ("implemented", "not_taken_forward"):
        return False
    return london_admin(user) or acts_for_owner(user, recommendation)


@predicate
def can_update_action(user: Any, action: Any) -> bool:
    if action is None or not action.is_open or action.status == "awaiting_closure":
        return False
    return london_admin(user) or action.lead_id == user.pk or acts_for_owner(user, action.recommendation)


def closure_conflicted(action: Any) -> set[int]:
    """People who may not approve an action's closure: its lead and whoever asked for it (C32)."""
    return {pk for pk in (action.lead_id, action.closure_requested_by_id) if pk is not None}


def closure_approver_is_chair(recommendation: Any, *, excluding: set[int] | frozenset[int] = frozenset()) -> bool:
    """Whether a chair of the owning group (other than ``excluding``) decides the closure."""
    from .models import GroupMembership

    return (
        recommendation.owner_kind == "group"
        and GroupMembership.objects.filter(group_id=recommendation.owner_group_id, role="chair")
        .exclude(user_id__in=excluding)
        .exists()
    )


@predicate
def can_approve_closure(user: Any, action: Any) -> bool:
    """The owner group's chair approves; the London team where there is no group chair. Nobody
    approves the closure of an action they lead or asked to close: when the only chair did,
    the London team decides (C32)."""
    if action is None or action.status != "awaiting_closure":
        return False
    conflicted = closure_conflicted(action)
    if user.pk in conflicted:
        return False
    recommendation = action.recommendation
    if closure_approver_is_chair(recommendation, excluding=conflicted):
        return review_profile(user).chairs(recommendation.owner_group_id)
    return london_admin(user)


@predicate
def can_record_group_meeting(user: Any, group: Any) -> bool:
    if group is None:
        return False
    role = review_profile(user).group_roles.get(group.pk)
    return london_admin(user) or role in ("chair", "secretariat")


@predicate
def is_group_member(user: Any, group: Any) -> bool:
    return group is not None and (london_admin(user) or group.pk in review_profile(user).group_roles)


class ReviewPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_members_area", is_member)
        self.rule("view_review", takes_part_in_review)
        self.rule("manage_review", is_london_admin)
        # Self-assessment
        self.rule("view_assessment", can_view_assessment)
        self.rule("edit_assessment", can_edit_assessment)
        self.rule("submit_assessment", can_submit_assessment)
        self.rule("reopen_assessment", can_reopen_assessment)
        self.rule("see_named_results", can_see_named_results)
        # Peer review
        self.rule("view_round", can_view_round)
        self.rule("work_on_round", can_work_on_round)
        self.rule("publish_round", can_publish_round)
        self.rule("view_peer_review", can_view_peer_review)
        self.rule("record_peer_review", can_record_peer_review)
        # Recommendations and implementation
        self.rule("plan_actions", can_plan_actions)
        self.rule("update_action", can_update_action)
        self.rule("approve_closure", can_approve_closure)
        # Groups. A group's chair approves closures: nobody makes themselves a member (C32).
        self.rule("add_group_member", is_london_admin & someone_else("user"))
        self.rule("record_group_meeting", can_record_group_meeting)
        self.rule("view_group_meeting", is_group_member)


policy = ReviewPolicy()


def recommendation_scope_q(user: Any, prefix: str = "") -> Q:
    """Which recommendations a person may see, as a filter (``prefix`` for related lookups)."""
    profile = review_profile(user)
    contributor = contributor_partnership_ids(user)

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    return (
        q(round__status="published")
        | (
            q(round_id__in=profile.reviewer_round_ids)
            & (q(partnership__isnull=True) | q(partnership_id__in=profile.reviewer_partnership_ids))
        )
        | q(owner_group_id__in=list(profile.group_roles))
        | q(owner_partnership_id__in=contributor)
        | q(partnership_id__in=contributor)
        | q(owner_agency_id__in=agency_ids(user))
        | q(actions__lead_id=user.pk)
    )
