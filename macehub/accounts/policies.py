"""Who may manage people and access (accounts app policy)."""

from __future__ import annotations

from typing import Any

from macehub.core.access import LONDON_ROLES, PANEL_SCOPED_ROLES, Role, access_for
from macehub.core.policies import Policy, is_authenticated, predicate, someone_else

from .models import AccessRequest, Membership, User


@predicate
def is_system_admin(user: Any, obj: Any = None) -> bool:
    return access_for(user).is_system_admin


@predicate
def is_borough_admin(user: Any, obj: Any = None) -> bool:
    return bool(access_for(user).partnership_ids(Role.BOROUGH_ADMIN))


@predicate
def administers_request(user: Any, request: AccessRequest | None) -> bool:
    """Borough admins decide requests for their partnerships; London-wide roles need a system admin."""
    if request is None:
        return False
    profile = access_for(user)
    if profile.is_system_admin:
        return True
    if request.role in LONDON_ROLES or request.partnership_id is None:
        return False
    return request.partnership_id in profile.partnership_ids(Role.BOROUGH_ADMIN)


@predicate
def administers_membership(user: Any, membership: Membership | None) -> bool:
    if membership is None:
        return False
    profile = access_for(user)
    if profile.is_system_admin:
        return True
    return membership.partnership_id in profile.partnership_ids(Role.BOROUGH_ADMIN)


@predicate
def may_deactivate(user: Any, person: User | None) -> bool:
    """System admins may deactivate anyone but themselves. A borough admin may deactivate
    someone only if every active membership that person holds is in a partnership the
    admin runs — never a London-wide account."""
    if person is None or person.pk == user.pk:
        return False
    profile = access_for(user)
    if profile.is_system_admin:
        return True
    mine = profile.partnership_ids(Role.BOROUGH_ADMIN)
    if not mine:
        return False
    active = list(person.memberships.filter(ended_at__isnull=True).values_list("role", "partnership_id"))
    if not active:
        # Someone with only a request in this partnership can be deactivated by its admin.
        return person.access_requests.filter(partnership_id__in=mine).exists()
    return all(role not in LONDON_ROLES and pid in mine for role, pid in active)


@predicate
def may_withdraw(user: Any, request: AccessRequest | None) -> bool:
    return request is not None and request.user_id == user.pk and request.status == AccessRequest.Status.PENDING


class AccountsPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("view_approvals", is_system_admin | is_borough_admin)
        # Nobody approves (or declines) their own request: a borough admin's own request goes to
        # another admin of the partnership, or to a system admin (C32).
        self.rule("decide_request", administers_request & someone_else("user"))
        self.rule("view_people", is_system_admin | is_borough_admin)
        self.rule("end_membership", administers_membership)
        self.rule("deactivate_person", may_deactivate)
        self.rule("withdraw_request", may_withdraw)
        self.rule("request_access", is_authenticated)
        # Single sign-on decides who may sign in for whole organisations: system admins only.
        self.rule("manage_sign_in_providers", is_system_admin)


policy = AccountsPolicy()


def is_panel_role(role: str) -> bool:
    return role in PANEL_SCOPED_ROLES
