"""Who may open the referral pages.

Any panel role (each is held for an agency) may refer to their own panel. The referrer
(``member_a_education``) sees their referral; panel A's coordinator and chair screen it; other
panel A members get 404 on it, as does everyone else.
"""

from __future__ import annotations

from ..subjects.factories import referral_for
from .outcomes import DENIED, HIDDEN, NOT_ALLOWED, OK, REDIRECT, Case, signed_in

AGENCY_MEMBERS = ("member_a", "member_a_education", "coordinator_a", "chair_a", "member_b")
SCREENERS = ("coordinator_a", "chair_a")
CAN_SEE_REFERRAL = ("member_a_education", *SCREENERS)

CASES = {
    "referrals:mine": Case(lambda w: "/referrals/", signed_in(DENIED, **dict.fromkeys(AGENCY_MEMBERS, OK))),
    "referrals:start": Case(lambda w: "/referrals/new/", signed_in(DENIED, **dict.fromkeys(AGENCY_MEMBERS, OK))),
    "referrals:create": Case(
        lambda w: "/referrals/new/child/", signed_in(DENIED, **dict.fromkeys(AGENCY_MEMBERS, OK)), post=True
    ),
    "referrals:detail": Case(
        lambda w: f"/referrals/{referral_for(w).pk}/", signed_in(HIDDEN, **dict.fromkeys(CAN_SEE_REFERRAL, OK))
    ),
    "referrals:attachment": Case(
        lambda w: f"/referrals/{referral_for(w).pk}/attachments/{referral_for(w).attachment.pk}/",
        signed_in(HIDDEN, **dict.fromkeys(CAN_SEE_REFERRAL, OK)),
    ),
    "referrals:withdraw": Case(
        lambda w: f"/referrals/{referral_for(w).pk}/withdraw/",
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": signed_in(HIDDEN, member_a_education=REDIRECT, coordinator_a=DENIED, chair_a=DENIED)},
        notes="POST only; only the referrer may withdraw, while it waits.",
    ),
    "referrals:accept": Case(
        lambda w: f"/referrals/{referral_for(w).pk}/accept/",
        signed_in(HIDDEN, member_a_education=DENIED, **dict.fromkeys(SCREENERS, OK)),
        post=True,
    ),
    "referrals:decline": Case(
        lambda w: f"/referrals/{referral_for(w).pk}/decline/",
        signed_in(HIDDEN, member_a_education=DENIED, **dict.fromkeys(SCREENERS, OK)),
        post=True,
    ),
    "referrals:queue": Case(
        lambda w: f"/referrals/queue/{w.panel_a.pk}/",
        signed_in(
            HIDDEN,
            **dict.fromkeys(
                ("member_a", "member_a_education", "analyst_a", "lead_a", "borough_admin_a", "system_admin"), DENIED
            ),
            **dict.fromkeys(SCREENERS, OK),
        ),
    ),
}
