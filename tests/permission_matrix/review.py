"""Who may open the review pages (macehub/review/policies.py states the rules).

The records come from ``tests.factories.review.review_world``: partnership A's return in
progress, B's submitted, a peer review of A by ``peer_reviewer`` (who also chairs the Task and
Finish group owning recommendation R1), and an unpublished round and cycle.
"""

from __future__ import annotations

from typing import Any

from tests.factories.review import review_world

from .outcomes import DENIED, HIDDEN, NOT_ALLOWED, Case, only, signed_in

LONDON = ("london_team", "system_admin")
A_LEADS = ("lead_a", "borough_admin_a")
A_PEOPLE = (*A_LEADS, "analyst_a", "chair_a", "coordinator_a")
MEMBERS = (
    "member_a",
    "member_a_education",
    "coordinator_a",
    "chair_a",
    "analyst_a",
    "lead_a",
    "member_b",
    "borough_admin_a",
    "borough_admin_b",
    "london_team",
    "peer_reviewer",
    "system_admin",
)
#: Everyone who takes part in the review (the overview page).
PARTICIPANTS = (*LONDON, "peer_reviewer", *A_PEOPLE, "borough_admin_b")


def r(world: Any) -> Any:
    return review_world(world)


def london_only(**overrides: str) -> dict[str, str]:
    return only(LONDON, **overrides)


def members(**overrides: str) -> dict[str, str]:
    return only(MEMBERS, **overrides)


def visible(allowed: tuple[str, ...], *, refused: str = HIDDEN, **overrides: str) -> dict[str, str]:
    """Fetched through a scoped selector: people who cannot see the record get 404."""
    return only(allowed, refused=refused, **overrides)


#: Partnership A's return: its people, the London team and A's peer reviewer.
SEES_RETURN_A = (*LONDON, "peer_reviewer", *A_PEOPLE)
#: The unpublished round, its meeting, finding and R1: the London team and the reviewer.
SEES_ROUND = (*LONDON, "peer_reviewer")

CASES: dict[str, Case] = {
    "review:index": Case(lambda w: "/review/", only(PARTICIPANTS)),
    # Frameworks: the London team only.
    "review:framework_list": Case(lambda w: "/review/frameworks/", london_only()),
    "review:version_new": Case(
        lambda w: f"/review/frameworks/{r(w).version.framework_id}/new-version/",
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": london_only()},
    ),
    "review:version_detail": Case(lambda w: f"/review/frameworks/versions/{r(w).version.pk}/", london_only()),
    "review:version_edit": Case(
        lambda w: f"/review/frameworks/versions/{r(w).draft.pk}/edit/", london_only(), post=True
    ),
    "review:version_publish": Case(
        lambda w: f"/review/frameworks/versions/{r(w).draft.pk}/publish/", london_only(), post=True
    ),
    "review:version_export": Case(lambda w: f"/review/frameworks/versions/{r(w).version.pk}/export/", london_only()),
    "review:section_add": Case(
        lambda w: f"/review/frameworks/versions/{r(w).draft.pk}/sections/new/", london_only(), post=True
    ),
    "review:section_edit": Case(
        lambda w: f"/review/frameworks/sections/{r(w).draft_section.pk}/", london_only(), post=True
    ),
    "review:question_add": Case(
        lambda w: f"/review/frameworks/sections/{r(w).draft_section.pk}/questions/new/", london_only(), post=True
    ),
    "review:question_edit": Case(
        lambda w: f"/review/frameworks/questions/{r(w).draft_question.pk}/", london_only(), post=True
    ),
    "review:question_remove": Case(
        lambda w: f"/review/frameworks/questions/{r(w).draft_question.pk}/remove/", london_only(), post=True
    ),
    # Cycles: the London team only (named results are not published in the fixture).
    "review:cycle_list": Case(lambda w: "/review/cycles/", london_only()),
    "review:cycle_create": Case(lambda w: "/review/cycles/new/", london_only(), post=True),
    "review:cycle_detail": Case(lambda w: f"/review/cycles/{r(w).cycle.pk}/", london_only()),
    "review:cycle_edit": Case(lambda w: f"/review/cycles/{r(w).cycle.pk}/edit/", london_only(), post=True),
    "review:cycle_remind": Case(
        lambda w: f"/review/cycles/{r(w).cycle.pk}/remind/",
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": london_only()},
    ),
    "review:cycle_results": Case(lambda w: f"/review/cycles/{r(w).cycle.pk}/results/", london_only()),
    "review:cycle_publish": Case(lambda w: f"/review/cycles/{r(w).cycle.pk}/publish/", london_only(), post=True),
    "review:cycle_export": Case(lambda w: f"/review/cycles/{r(w).cycle.pk}/export/", london_only()),
    "review:cycle_evidence_map": Case(
        lambda w: f"/review/cycles/{r(w).cycle.pk}/evidence/",
        visible((*LONDON, "chair_a")),
        notes="The London team and the MACE Chairs Reference Group (chair_a is a member).",
    ),
    # Returns
    "review:return_detail": Case(lambda w: f"/review/returns/{r(w).return_a.pk}/", visible(SEES_RETURN_A)),
    "review:return_section": Case(
        lambda w: f"/review/returns/{r(w).return_a.pk}/sections/{r(w).section.pk}/",
        visible(SEES_RETURN_A),
        post=True,
        notes="The London team and peer reviewers read a section but may not change it.",
        extra={"post_expect": visible(A_PEOPLE, london_team=DENIED, system_admin=DENIED, peer_reviewer=DENIED)},
    ),
    "review:return_carry_forward": Case(
        lambda w: f"/review/returns/{r(w).return_a.pk}/carry-forward/",
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": visible(A_PEOPLE, london_team=DENIED, system_admin=DENIED, peer_reviewer=DENIED)},
    ),
    "review:return_submit": Case(
        lambda w: f"/review/returns/{r(w).return_a.pk}/submit/",
        visible(
            A_LEADS,
            **dict.fromkeys((*LONDON, "peer_reviewer", "analyst_a", "chair_a", "coordinator_a"), DENIED),
        ),
        post=True,
    ),
    "review:return_reopen": Case(
        lambda w: f"/review/returns/{r(w).return_b.pk}/reopen/",
        visible(LONDON, borough_admin_b=DENIED),
        post=True,
    ),
    "review:return_results": Case(lambda w: f"/review/returns/{r(w).return_a.pk}/results/", visible(SEES_RETURN_A)),
    "review:evidence_download": Case(lambda w: f"/review/evidence/{r(w).evidence_a.pk}/", visible(SEES_RETURN_A)),
    "review:evidence_remove": Case(
        lambda w: f"/review/evidence/{r(w).evidence_a.pk}/remove/",
        visible(A_PEOPLE, london_team=DENIED, system_admin=DENIED, peer_reviewer=DENIED),
        post=True,
    ),
    # Peer review
    "review:round_list": Case(lambda w: "/review/peer-review/", members()),
    "review:round_create": Case(lambda w: "/review/peer-review/new/", london_only(), post=True),
    "review:round_detail": Case(lambda w: f"/review/peer-review/{r(w).review_round.pk}/", visible(SEES_ROUND)),
    "review:round_edit": Case(lambda w: f"/review/peer-review/{r(w).review_round.pk}/edit/", london_only(), post=True),
    "review:round_publish": Case(
        lambda w: f"/review/peer-review/{r(w).review_round.pk}/publish/", london_only(), post=True
    ),
    "review:round_report": Case(lambda w: f"/review/peer-review/{r(w).review_round.pk}/report/", visible(SEES_ROUND)),
    "review:round_report_pdf": Case(
        lambda w: f"/review/peer-review/{r(w).review_round.pk}/report.pdf", visible(SEES_ROUND)
    ),
    "review:review_create": Case(
        lambda w: f"/review/peer-review/{r(w).review_round.pk}/meetings/new/", london_only(), post=True
    ),
    "review:finding_create": Case(
        lambda w: f"/review/peer-review/{r(w).review_round.pk}/findings/new/", visible(SEES_ROUND), post=True
    ),
    "review:recommendation_create": Case(
        lambda w: f"/review/peer-review/{r(w).review_round.pk}/recommendations/new/", london_only(), post=True
    ),
    "review:review_detail": Case(lambda w: f"/review/meetings/{r(w).peer_review.pk}/", visible(SEES_ROUND)),
    "review:review_edit": Case(lambda w: f"/review/meetings/{r(w).peer_review.pk}/plan/", london_only(), post=True),
    "review:review_record": Case(
        lambda w: f"/review/meetings/{r(w).peer_review.pk}/record/", visible(SEES_ROUND), post=True
    ),
    "review:review_pack": Case(lambda w: f"/review/meetings/{r(w).peer_review.pk}/pack.pdf", visible(SEES_ROUND)),
    "review:review_evidence": Case(lambda w: f"/review/meetings/{r(w).peer_review.pk}/evidence/", visible(SEES_ROUND)),
    "review:finding_detail": Case(lambda w: f"/review/findings/{r(w).finding.pk}/", visible(SEES_ROUND)),
    "review:finding_edit": Case(lambda w: f"/review/findings/{r(w).finding.pk}/edit/", visible(SEES_ROUND), post=True),
    # Recommendations and implementation
    "review:recommendation_list": Case(lambda w: "/review/recommendations/", members()),
    "review:recommendation_detail": Case(
        lambda w: f"/review/recommendations/{r(w).recommendation.pk}/", visible(SEES_ROUND)
    ),
    "review:recommendation_edit": Case(
        lambda w: f"/review/recommendations/{r(w).recommendation.pk}/edit/", london_only(), post=True
    ),
    "review:action_create": Case(
        lambda w: f"/review/recommendations/{r(w).recommendation.pk}/actions/new/", visible(SEES_ROUND), post=True
    ),
    "review:action_detail": Case(lambda w: f"/review/actions/{r(w).action.pk}/", visible(SEES_ROUND)),
    "review:action_edit": Case(lambda w: f"/review/actions/{r(w).action.pk}/edit/", visible(SEES_ROUND), post=True),
    "review:action_progress": Case(
        lambda w: f"/review/actions/{r(w).action.pk}/progress/", visible(SEES_ROUND), post=True
    ),
    "review:action_milestone_add": Case(
        lambda w: f"/review/actions/{r(w).action.pk}/milestones/new/", visible(SEES_ROUND), post=True
    ),
    "review:action_milestone_done": Case(
        lambda w: f"/review/action-milestones/{r(w).action_milestone.pk}/done/", visible(SEES_ROUND), post=True
    ),
    "review:action_close": Case(lambda w: f"/review/actions/{r(w).action.pk}/close/", visible(SEES_ROUND), post=True),
    "review:action_approve": Case(
        lambda w: f"/review/actions/{r(w).action_awaiting.pk}/approve/",
        visible(("london_team", "system_admin"), peer_reviewer=DENIED),
        post=True,
        notes="The owning group's only chair asked for this closure, so may not approve it (C32): the London "
        "project team does.",
    ),
    "review:update_evidence": Case(
        lambda w: f"/review/updates/{r(w).update_with_evidence.pk}/evidence/", visible(SEES_ROUND)
    ),
    # Governance
    "review:group_list": Case(lambda w: "/review/groups/", members()),
    "review:group_create": Case(lambda w: "/review/groups/new/", london_only(), post=True),
    "review:group_detail": Case(lambda w: f"/review/groups/{r(w).group.pk}/", members(no_roles=HIDDEN, guest_a=HIDDEN)),
    "review:group_edit": Case(lambda w: f"/review/groups/{r(w).group.pk}/edit/", london_only(), post=True),
    "review:group_member_add": Case(lambda w: f"/review/groups/{r(w).group.pk}/members/new/", london_only(), post=True),
    "review:group_member_remove": Case(
        lambda w: f"/review/groups/{r(w).group.pk}/members/{r(w).group_membership.pk}/remove/",
        london_only(),
        post=True,
    ),
    "review:group_meeting_create": Case(
        lambda w: f"/review/groups/{r(w).group.pk}/meetings/new/",
        only((*LONDON, "peer_reviewer"), no_roles=HIDDEN, guest_a=HIDDEN),
        post=True,
    ),
    "review:group_meeting_detail": Case(
        lambda w: f"/review/group-meetings/{r(w).group_meeting.pk}/", visible(SEES_ROUND)
    ),
    "review:group_meeting_edit": Case(
        lambda w: f"/review/group-meetings/{r(w).group_meeting.pk}/edit/", visible(SEES_ROUND), post=True
    ),
    "review:timeline": Case(lambda w: "/review/timeline/", members()),
    "review:milestone_create": Case(lambda w: "/review/timeline/new/", london_only(), post=True),
    "review:milestone_edit": Case(lambda w: f"/review/timeline/{r(w).milestone.pk}/", london_only(), post=True),
    # Members area
    "review:members_home": Case(lambda w: "/review/members/", members()),
    "review:directory": Case(lambda w: "/review/members/directory/", members()),
    "review:directory_me": Case(lambda w: "/review/members/directory/me/", members(), post=True),
    "review:news_create": Case(lambda w: "/review/members/news/new/", london_only(), post=True),
}
