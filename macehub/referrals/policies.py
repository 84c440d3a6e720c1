"""Who may make, see and decide referrals (referrals app policy).

* Any approved member of an agency on a panel (a chair, coordinator or panel member — each
  holds their role for an agency) may refer to that panel.
* The person who made a referral sees it and its status: not the rest of the queue.
* Coordinators and chairs screen the panel's referrals: the triage queue, accepting,
  signposting or recording that a referral does not meet the criteria — but never one they
  made themselves (separation of duties): a colleague screens it.
* Referrals about a possible perpetrator follow the panel's person-of-concern rule: in the
  queue only for people allowed to see persons of concern (and always for the referrer).
"""

from __future__ import annotations

from typing import Any

from macehub.core.access import PANEL_ROLES, access_for
from macehub.core.policies import Policy, predicate, someone_else
from macehub.subjects.policies import deciding_panel_ids, poc_panel_ids

from .models import Referral, ReferralStatus, SubjectType


def referring_panel_ids(user: Any) -> frozenset[int]:
    """Panels the person may refer to: where they hold a panel role for an agency."""
    profile = access_for(user)
    return frozenset(g.panel_id for g in profile.grants if g.role in PANEL_ROLES and g.panel_id and g.agency_id)


def _panel_id(obj: Any) -> int | None:
    if isinstance(obj, Referral):
        return obj.panel_id
    return getattr(obj, "pk", None)


@predicate
def may_refer(user: Any, obj: Any = None) -> bool:
    return bool(referring_panel_ids(user))


@predicate
def may_refer_to(user: Any, panel: Any) -> bool:
    return _panel_id(panel) in referring_panel_ids(user)


@predicate
def screens_panel(user: Any, obj: Any) -> bool:
    return _panel_id(obj) in deciding_panel_ids(user)


@predicate
def screens_any_panel(user: Any, obj: Any = None) -> bool:
    return bool(deciding_panel_ids(user))


@predicate
def is_referrer(user: Any, referral: Any) -> bool:
    return (
        isinstance(referral, Referral)
        and referral.referrer_id == getattr(user, "pk", None)
        and referral.panel_id in referring_panel_ids(user)
    )


@predicate
def screens_this_referral(user: Any, referral: Any) -> bool:
    if not isinstance(referral, Referral) or referral.panel_id not in deciding_panel_ids(user):
        return False
    return referral.subject_type != SubjectType.PERSON or referral.panel_id in poc_panel_ids(user)


@predicate
def is_waiting(user: Any, referral: Any) -> bool:
    return isinstance(referral, Referral) and referral.status == ReferralStatus.SUBMITTED


class ReferralsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("make_referral", may_refer)
        self.rule("refer_to", may_refer_to)
        self.rule("use_queues", screens_any_panel)
        self.rule("view_queue", screens_panel)
        self.rule("view_referral", is_referrer | screens_this_referral)
        # Whoever made a referral does not screen it: another coordinator or chair does (C32).
        self.rule("decide_referral", screens_this_referral & is_waiting & someone_else("referrer"))
        self.rule("withdraw_referral", is_referrer & is_waiting)


policy = ReferralsPolicy()
