"""Who may manage people and access (accounts app policy).

Object rules, each declared once (``visible()`` for lists, ``can()`` for one record):
``accounts.access_request`` (decide, withdraw), ``accounts.membership`` (view, end) and
``accounts.person`` (view, deactivate). System admins manage everyone but themselves; borough
admins manage their partnerships' people and never London-wide roles.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from macehub.core.access import LONDON_ROLES, PANEL_SCOPED_ROLES, Role, access_for
from macehub.core.policies import EVERYTHING, NOTHING, Policy, RecordPolicy, is_authenticated, predicate

from .models import AccessRequest, Membership, User


@predicate
def is_system_admin(user: Any, obj: Any = None) -> bool:
    return access_for(user).is_system_admin


@predicate
def has_any_role(user: Any, obj: Any = None) -> bool:
    return access_for(user).has_any_access


@predicate
def is_borough_admin(user: Any, obj: Any = None) -> bool:
    return bool(access_for(user).partnership_ids(Role.BOROUGH_ADMIN))


def _administered(user: Any) -> frozenset[int]:
    """The partnerships this person is a borough admin of."""
    return access_for(user).partnership_ids(Role.BOROUGH_ADMIN)


def _requests_to_decide(user: Any) -> Q:
    """Borough admins decide requests for their partnerships; London-wide roles need a system
    admin; nobody decides their own request (separation of duties, C32)."""
    not_own = ~Q(user_id=user.pk)
    if access_for(user).is_system_admin:
        return not_own
    mine = _administered(user)
    if not mine:
        return NOTHING
    return Q(partnership_id__in=mine) & ~Q(role__in=[r.value for r in LONDON_ROLES]) & not_own


def _own_pending_requests(user: Any) -> Q:
    return Q(user_id=user.pk, status=AccessRequest.Status.PENDING)


def _memberships_administered(user: Any) -> Q:
    if access_for(user).is_system_admin:
        return EVERYTHING
    return Q(partnership_id__in=_administered(user))


def _people_seen(user: Any) -> Q:
    """Anyone with a membership or request in the admin's partnerships (current or past)."""
    if access_for(user).is_system_admin:
        return EVERYTHING
    mine = _administered(user)
    if not mine:
        return NOTHING
    members = Membership.objects.filter(partnership_id__in=mine).values("user_id")
    requested = AccessRequest.objects.filter(partnership_id__in=mine).values("user_id")
    return Q(pk__in=members) | Q(pk__in=requested)


def _people_deactivatable(user: Any) -> Q:
    """System admins may deactivate anyone but themselves. A borough admin may deactivate
    someone only if every active membership that person holds is in a partnership the admin
    runs — never a London-wide account — or, holding none, someone who asked them for access."""
    not_self = ~Q(pk=user.pk)
    if access_for(user).is_system_admin:
        return not_self
    mine = _administered(user)
    if not mine:
        return NOTHING
    active = Membership.objects.filter(ended_at__isnull=True)
    elsewhere = active.filter(
        Q(role__in=[r.value for r in LONDON_ROLES]) | Q(partnership_id__isnull=True) | ~Q(partnership_id__in=mine)
    )
    requested = AccessRequest.objects.filter(partnership_id__in=mine)
    all_roles_here = Q(pk__in=active.values("user_id")) & ~Q(pk__in=elsewhere.values("user_id"))
    only_asked = ~Q(pk__in=active.values("user_id")) & Q(pk__in=requested.values("user_id"))
    return not_self & (all_roles_here | only_asked)


access_requests = RecordPolicy(AccessRequest, name="accounts.access_request")
access_requests.scope("decide", _requests_to_decide)
access_requests.scope("withdraw", _own_pending_requests)

memberships = RecordPolicy(Membership, name="accounts.membership")
memberships.scope("view", _memberships_administered)
memberships.scope("end", _memberships_administered)

people = RecordPolicy(User, name="accounts.person")
people.scope("view", _people_seen)
people.scope("deactivate", _people_deactivatable)


class AccountsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("view_approvals", is_system_admin | is_borough_admin)
        # Nobody approves (or declines) their own request: a borough admin's own request goes to
        # another admin of the partnership, or to a system admin (C32).
        self.rule("decide_request", access_requests.rule_for("decide"))
        self.rule("view_people", is_system_admin | is_borough_admin)
        self.rule("end_membership", memberships.rule_for("end"))
        self.rule("deactivate_person", people.rule_for("deactivate"))
        self.rule("withdraw_request", access_requests.rule_for("withdraw"))
        # Whether their lists cover every partnership (the wording of "no current roles").
        self.rule("view_every_partnership", is_system_admin)
        self.rule("request_access", is_authenticated)
        # Someone with no current role sees why on their home page, and what happens next.
        self.rule("hold_roles", has_any_role)
        # Single sign-on decides who may sign in for whole organisations: system admins only.
        self.rule("manage_sign_in_providers", is_system_admin)


policy = AccountsPolicy()


def is_panel_role(role: str) -> bool:
    return role in PANEL_SCOPED_ROLES
