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

from django.db.models import Q

from macehub.core.access import PANEL_ROLES, access_for
from macehub.core.policies import Policy, RecordPolicy, predicate
from macehub.organisations.models import Panel
from macehub.subjects.policies import deciding_panel_ids, poc_panel_ids

from .models import Referral, ReferralStatus, SubjectType


def referring_panel_ids(user: Any) -> frozenset[int]:
    """Panels the person may refer to: where they hold a panel role for an agency."""
    profile = access_for(user)
    return frozenset(g.panel_id for g in profile.grants if g.role in PANEL_ROLES and g.panel_id and g.agency_id)


# --- Panels: who refers to them, who screens their referrals --------------------------------------

panels = RecordPolicy(Panel, name="referrals.panel")
panels.scope("refer", lambda user: Q(pk__in=referring_panel_ids(user)))
panels.scope("screen", lambda user: Q(pk__in=deciding_panel_ids(user)))


# --- Referrals: each rule declared once, as a filter ---------------------------------------------


def own_referrals(user: Any) -> Q:
    """Referrals the person made, while they still hold a role for an agency on that panel."""
    return Q(referrer_id=user.pk, panel_id__in=referring_panel_ids(user))


def screened_referrals(user: Any) -> Q:
    """Referrals of the panels the person screens (coordinators and chairs); those about a
    possible perpetrator only where the panel lets them see persons of concern."""
    return Q(panel_id__in=deciding_panel_ids(user)) & (
        ~Q(subject_type=SubjectType.PERSON) | Q(panel_id__in=poc_panel_ids(user))
    )


WAITING = Q(status=ReferralStatus.SUBMITTED)

referrals = RecordPolicy(Referral, name="referrals.referral")
referrals.scope("view", lambda user: own_referrals(user) | screened_referrals(user))
#: "Your referrals".
referrals.scope("mine", own_referrals)
#: Whoever made a referral does not screen it: another coordinator or chair does (C32).
referrals.scope("decide", lambda user: screened_referrals(user) & WAITING & ~Q(referrer_id=user.pk))
referrals.scope("withdraw", lambda user: own_referrals(user) & WAITING)


@predicate
def may_refer(user: Any, obj: Any = None) -> bool:
    return bool(referring_panel_ids(user))


@predicate
def screens_any_panel(user: Any, obj: Any = None) -> bool:
    return bool(deciding_panel_ids(user))


class ReferralsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("make_referral", may_refer)
        self.rule("refer_to", panels.rule_for("refer"))
        self.rule("use_queues", screens_any_panel)
        self.rule("view_queue", panels.rule_for("screen"))
        self.rule("view_referral", referrals.rule_for("view"))
        self.rule("decide_referral", referrals.rule_for("decide"))
        self.rule("withdraw_referral", referrals.rule_for("withdraw"))


policy = ReferralsPolicy()
