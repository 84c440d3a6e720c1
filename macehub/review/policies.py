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

from django.db.models import Exists, OuterRef, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from macehub.core.access import Role, access_for, remembered
from macehub.core.policies import EVERYTHING, NOTHING, Policy, RecordPolicy, predicate, someone_else
from macehub.organisations.models import Partnership

from .models import (
    Assessment,
    Cycle,
    Evidence,
    Finding,
    GovernanceGroup,
    GroupMeeting,
    GroupMembership,
    ImplementationAction,
    OwnerKind,
    PeerReview,
    Recommendation,
    ReviewerAssignment,
    ReviewRound,
)

#: Who may submit a partnership's return.
LEAD_ROLES = (Role.STRATEGIC_LEAD, Role.BOROUGH_ADMIN)
#: Who may work on a partnership's return (the lead and colleagues).
CONTRIBUTOR_ROLES = (*LEAD_ROLES, Role.PARTNERSHIP_ANALYST, Role.PANEL_CHAIR, Role.COORDINATOR)
LONDON_ADMIN_ROLES = (Role.LONDON_PROJECT_TEAM, Role.SYSTEM_ADMIN)
#: Models whose changes change what someone does in the review (see ``ReviewConfig.ready``).
REVIEW_ACCESS_MODELS = (
    "review.ReviewerAssignment",
    "review.PeerReview",
    "review.GroupMembership",
    "review.GovernanceGroup",
)


@dataclass(frozen=True)
class ReviewProfile:
    """What a person does in the review, beyond their roles: read once per request."""

    reviewer_partnership_ids: frozenset[int]
    reviewer_round_ids: frozenset[int]
    reviewer_review_ids: frozenset[int]
    group_roles: dict[int, str]
    #: Member (any role) of an active MACE Chairs Reference Group.
    in_chairs_reference_group: bool = False

    def chairs(self, group_id: int | None) -> bool:
        return group_id is not None and self.group_roles.get(group_id) == "chair"

    def group_ids(self, *roles: str) -> frozenset[int]:
        """Active groups the person belongs to (with one of ``roles``, if given)."""
        return frozenset(gid for gid, role in self.group_roles.items() if not roles or role in roles)


_EMPTY = ReviewProfile(frozenset(), frozenset(), frozenset(), {})


def review_profile(user: Any) -> ReviewProfile:
    """Peer reviews and group memberships, worked out once per request (``core.access``); any
    change to reviewer assignments, reviews' partnerships or group memberships forgets it."""
    if not access_for(user).is_member:
        return _EMPTY
    return remembered(("review_profile", user.pk), lambda: _load_review_profile(user))


def _load_review_profile(user: Any) -> ReviewProfile:
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
    groups: dict[int, str] = {}
    chairs_reference = False
    for group_id, role, kind in GroupMembership.objects.filter(user_id=user.pk, group__is_active=True).values_list(
        "group_id", "role", "group__kind"
    ):
        groups[group_id] = role
        chairs_reference = chairs_reference or kind == GovernanceGroup.Kind.CHAIRS_REFERENCE
    return ReviewProfile(frozenset(partnerships), frozenset(rounds), frozenset(reviews), groups, chairs_reference)


def london_admin(user: Any) -> bool:
    return access_for(user).has_role(*LONDON_ADMIN_ROLES)


def lead_partnership_ids(user: Any) -> frozenset[int]:
    return access_for(user).partnership_ids(*LEAD_ROLES)


def contributor_partnership_ids(user: Any) -> frozenset[int]:
    return access_for(user).partnership_ids(*CONTRIBUTOR_ROLES)


def agency_ids(user: Any) -> frozenset[int]:
    return frozenset(g.agency_id for g in access_for(user).grants if g.agency_id is not None)


# --- General rules (no object, or an object without its own record policy) -------------------


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


def closure_conflicted(action: Any) -> set[int]:
    """People who may not approve an action's closure: its lead and whoever asked for it (C32)."""
    return {pk for pk in (action.lead_id, action.closure_requested_by_id) if pk is not None}


def closure_approver_is_chair(recommendation: Any, *, excluding: set[int] | frozenset[int] = frozenset()) -> bool:
    """Whether a chair of the owning group (other than ``excluding``) decides the closure."""
    return (
        recommendation.owner_kind == "group"
        and GroupMembership.objects.filter(group_id=recommendation.owner_group_id, role="chair")
        .exclude(user_id__in=excluding)
        .exists()
    )


# --- Object rules: each declared once, as a filter -------------------------------------------
#
# ``EVERYTHING`` (an empty ``Q``) is only ever returned whole or combined with ``&``: Django
# drops an empty ``Q`` from an ``|``, which would turn "everything" into "the other side".


def _partnerships_seen(user: Any) -> frozenset[int]:
    return contributor_partnership_ids(user) | review_profile(user).reviewer_partnership_ids


partnerships = RecordPolicy(Partnership, name="review.partnership")
# Whose work a person reviews (findings are about them): every partnership for the London team,
# the partnerships of their own peer reviews for a reviewer.
partnerships.scope(
    "review",
    lambda user: EVERYTHING if london_admin(user) else Q(pk__in=review_profile(user).reviewer_partnership_ids),
)


def _editable() -> Q:
    return ~Q(status=Assessment.Status.SUBMITTED) & Q(cycle__status=Cycle.Status.OPEN)


assessments = RecordPolicy(Assessment, name="review.assessment")
# The London team reads every return; a partnership's people their own; a peer reviewer those
# of the partnerships they review.
assessments.scope(
    "view", lambda user: EVERYTHING if london_admin(user) else Q(partnership_id__in=_partnerships_seen(user))
)
# The partnership's lead and colleagues work on it (whether or not it is still open).
assessments.scope("contribute", lambda user: Q(partnership_id__in=contributor_partnership_ids(user)))
assessments.scope("edit", lambda user: Q(partnership_id__in=contributor_partnership_ids(user)) & _editable())
assessments.scope("submit", lambda user: Q(partnership_id__in=lead_partnership_ids(user)) & _editable())
# The London team reopens a submitted return while its cycle is open; nobody changes its answers.
assessments.scope(
    "reopen",
    lambda user: (
        Q(status=Assessment.Status.SUBMITTED, cycle__status=Cycle.Status.OPEN) if london_admin(user) else NOTHING
    ),
)

evidence = RecordPolicy(Evidence, name="review.evidence")
evidence.scope(
    "view",
    lambda user: (
        EVERYTHING if london_admin(user) else Q(answer__assessment__partnership_id__in=_partnerships_seen(user))
    ),
)

cycles = RecordPolicy(Cycle, name="review.cycle")
# The evidence heat map (every partnership's evidence against its self-ratings, named, with
# disclosure control on its counts): the London team and the MACE Chairs Reference Group, who
# take the review's findings to the chairs network.
cycles.scope(
    "see_evidence_map",
    lambda user: EVERYTHING if london_admin(user) or review_profile(user).in_chairs_reference_group else NOTHING,
)
# Other partnerships' results by name: the London team, or everyone taking part once published.
cycles.scope(
    "see_named_results",
    lambda user: (
        EVERYTHING if london_admin(user) else (Q(results_published=True) if takes_part_in_review(user) else NOTHING)
    ),
)


def _rounds_seen(user: Any) -> Q:
    if london_admin(user):
        return EVERYTHING
    if not access_for(user).is_member:
        return NOTHING
    return Q(pk__in=review_profile(user).reviewer_round_ids) | Q(status=ReviewRound.Status.PUBLISHED)


rounds = RecordPolicy(ReviewRound, name="review.round")
rounds.scope("view", _rounds_seen)
# Record meetings and findings: the London team and the round's reviewers, until publication.
rounds.scope(
    "work",
    lambda user: (
        ~Q(status=ReviewRound.Status.PUBLISHED)
        & (EVERYTHING if london_admin(user) else Q(pk__in=review_profile(user).reviewer_round_ids))
    ),
)
# The London team signs off a round's findings, but not one they reviewed in: publishing is the
# independent check on the reviewers' work (C32).
rounds.scope(
    "publish",
    lambda user: (
        ~Q(status=ReviewRound.Status.PUBLISHED) & ~Q(pk__in=review_profile(user).reviewer_round_ids)
        if london_admin(user)
        else NOTHING
    ),
)


def _reviews_seen(user: Any) -> Q:
    return EVERYTHING if london_admin(user) else Q(pk__in=review_profile(user).reviewer_review_ids)


peer_reviews = RecordPolicy(PeerReview, name="review.peer_review")
peer_reviews.scope("view", _reviews_seen)
peer_reviews.scope("record", lambda user: ~Q(round__status=ReviewRound.Status.PUBLISHED) & _reviews_seen(user))


def _findings_seen(user: Any) -> Q:
    """Published findings; before publication, a round's reviewers see its findings about the
    partnerships they review (and those about no partnership in particular)."""
    if london_admin(user):
        return EVERYTHING
    if not access_for(user).is_member:
        return NOTHING
    profile = review_profile(user)
    through = Finding.partnerships.through.objects
    about_mine = through.filter(partnership_id__in=profile.reviewer_partnership_ids).values("finding_id")
    about_any = through.values("finding_id")
    return Q(round__status=ReviewRound.Status.PUBLISHED) | (
        Q(round_id__in=profile.reviewer_round_ids) & (Q(pk__in=about_mine) | ~Q(pk__in=about_any))
    )


findings = RecordPolicy(Finding, name="review.finding")
findings.scope("view", _findings_seen)


def _owned_by(user: Any, prefix: str = "") -> Q:
    """The recommendation's owner acts for it: the group's members, the partnership's people,
    the agency's people (``prefix`` reaches the recommendation from a related model)."""

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    return (
        q(owner_kind=OwnerKind.GROUP, owner_group_id__in=review_profile(user).group_ids())
        | q(owner_kind=OwnerKind.PARTNERSHIP, owner_partnership_id__in=contributor_partnership_ids(user))
        | q(owner_kind=OwnerKind.AGENCY, owner_agency_id__in=agency_ids(user))
    )


def _recommendations_seen(user: Any, prefix: str = "") -> Q:
    """Published rounds' recommendations; before publication, the round's reviewers (for the
    partnerships they review), and whoever owns, concerns or leads an action of one."""
    if london_admin(user):
        return EVERYTHING
    if not access_for(user).is_member:
        return NOTHING
    profile = review_profile(user)
    contributor = contributor_partnership_ids(user)

    def q(**kwargs: Any) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in kwargs.items()})

    led = ImplementationAction.objects.filter(lead_id=user.pk).values("recommendation_id")
    return (
        q(round__status=ReviewRound.Status.PUBLISHED)
        | (
            q(round_id__in=profile.reviewer_round_ids)
            & (q(partnership__isnull=True) | q(partnership_id__in=profile.reviewer_partnership_ids))
        )
        | q(owner_group_id__in=profile.group_ids())
        | q(owner_partnership_id__in=contributor)
        | q(partnership_id__in=contributor)
        | q(owner_agency_id__in=agency_ids(user))
        | q(pk__in=led)
    )


recommendations = RecordPolicy(Recommendation, name="review.recommendation")
recommendations.scope("view", _recommendations_seen)
# Plan actions: the London team or the owner, while the recommendation has an owner and is live.
recommendations.scope(
    "plan_actions",
    lambda user: (
        ~Q(owner_kind=OwnerKind.UNASSIGNED)
        & ~Q(status__in=[Recommendation.Status.IMPLEMENTED, Recommendation.Status.NOT_TAKEN_FORWARD])
        & (EVERYTHING if london_admin(user) else _owned_by(user))
    ),
)


def _closure_decided_by_a_chair() -> QuerySet[Any, Any]:
    """Actions whose owning group has a chair who neither leads the action nor asked to close it."""
    other_chair = (
        GroupMembership.objects.filter(
            group_id=OuterRef("recommendation__owner_group_id"), role=GroupMembership.Role.CHAIR
        )
        # No user has id 0: an action without a lead (or a request) conflicts nobody.
        .exclude(user_id=Coalesce(OuterRef("lead_id"), Value(0)))
        .exclude(user_id=Coalesce(OuterRef("closure_requested_by_id"), Value(0)))
    )
    return ImplementationAction.objects.filter(Exists(other_chair), recommendation__owner_kind=OwnerKind.GROUP).values(
        "pk"
    )


def _may_approve_closure(user: Any) -> Q:
    """The owner group's chair approves; the London team where there is no group chair. Nobody
    approves the closure of an action they lead or asked to close: when the only chair did, the
    London team decides (C32)."""
    decider = Q(recommendation__owner_group_id__in=review_profile(user).group_ids(GroupMembership.Role.CHAIR))
    if london_admin(user):
        decider = decider | ~Q(pk__in=_closure_decided_by_a_chair())
    return (
        Q(status=ImplementationAction.Status.AWAITING_CLOSURE)
        & ~Q(lead_id=user.pk)
        & ~Q(closure_requested_by_id=user.pk)
        & decider
    )


actions = RecordPolicy(ImplementationAction, name="review.action")
actions.scope("view", lambda user: _recommendations_seen(user, prefix="recommendation__"))
# Updated by its owner or named lead (or the London team) while open and not awaiting closure.
actions.scope(
    "update",
    lambda user: (
        ~Q(status__in=[ImplementationAction.Status.CLOSED, ImplementationAction.Status.AWAITING_CLOSURE])
        & (EVERYTHING if london_admin(user) else Q(lead_id=user.pk) | _owned_by(user, prefix="recommendation__"))
    ),
)
actions.scope("approve_closure", _may_approve_closure)

groups = RecordPolicy(GovernanceGroup, name="review.group")
# Every approved member sees the groups; members (and the London team) their meetings; the
# chair and secretariat (and the London team) record them.
groups.scope("view", lambda user: EVERYTHING if access_for(user).is_member else NOTHING)
groups.scope(
    "view_meetings", lambda user: EVERYTHING if london_admin(user) else Q(pk__in=review_profile(user).group_ids())
)
groups.scope(
    "record_meeting",
    lambda user: (
        EVERYTHING
        if london_admin(user)
        else Q(pk__in=review_profile(user).group_ids(GroupMembership.Role.CHAIR, GroupMembership.Role.SECRETARIAT))
    ),
)

group_meetings = RecordPolicy(GroupMeeting, name="review.group_meeting")
group_meetings.scope(
    "view", lambda user: EVERYTHING if london_admin(user) else Q(group_id__in=review_profile(user).group_ids())
)
group_meetings.scope(
    "record",
    lambda user: (
        EVERYTHING
        if london_admin(user)
        else Q(
            group_id__in=review_profile(user).group_ids(GroupMembership.Role.CHAIR, GroupMembership.Role.SECRETARIAT)
        )
    ),
)


class ReviewPolicy(Policy):
    """General rules; the rules about one object are its record policy's (declared once, above)."""

    def __init__(self) -> None:
        super().__init__()
        self.rule("use_members_area", is_member)
        self.rule("view_review", takes_part_in_review)
        self.rule("manage_review", is_london_admin)
        # Self-assessment
        self.rule("view_assessment", assessments.rule_for("view"))
        self.rule("edit_assessment", assessments.rule_for("edit"))
        self.rule("submit_assessment", assessments.rule_for("submit"))
        self.rule("reopen_assessment", assessments.rule_for("reopen"))
        self.rule("see_named_results", cycles.rule_for("see_named_results"))
        self.rule("see_evidence_map", cycles.rule_for("see_evidence_map"))
        # Peer review
        self.rule("view_round", rounds.rule_for("view"))
        self.rule("work_on_round", rounds.rule_for("work"))
        self.rule("publish_round", rounds.rule_for("publish"))
        self.rule("view_peer_review", peer_reviews.rule_for("view"))
        self.rule("record_peer_review", peer_reviews.rule_for("record"))
        # Recommendations and implementation
        self.rule("plan_actions", recommendations.rule_for("plan_actions"))
        self.rule("update_action", actions.rule_for("update"))
        self.rule("approve_closure", actions.rule_for("approve_closure"))
        # Groups. A group's chair approves closures: nobody makes themselves a member (C32).
        self.rule("add_group_member", is_london_admin & someone_else("user"))
        self.rule("record_group_meeting", groups.rule_for("record_meeting"))
        self.rule("view_group_meeting", groups.rule_for("view_meetings"))


policy = ReviewPolicy()
