"""Reads for people, memberships and access requests — always scoped to the asking user."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from macehub.core.access import Grant
from macehub.core.selectors import get_visible_or_404

from .models import AccessRequest, Membership, User
from .policies import access_requests, memberships, people


def grants_for_user(user: Any) -> list[Grant]:
    """The access loader registered with core: one query per request."""
    rows = (
        Membership.objects.filter(user_id=user.pk, ended_at__isnull=True)
        .filter(Q(partnership__isnull=True) | Q(partnership__is_active=True))
        .values_list("role", "partnership_id", "panel_id", "agency_id", "agency__agency_type")
    )
    return [
        Grant(
            role=role,
            partnership_id=partnership_id,
            panel_id=panel_id,
            agency_id=agency_id,
            agency_type=agency_type,
        )
        for role, partnership_id, panel_id, agency_id, agency_type in rows
    ]


def memberships_for(user: User) -> QuerySet[Membership]:
    """The signed-in person's own active memberships, for their home page and header."""
    return (
        Membership.objects.filter(user=user, ended_at__isnull=True)
        .select_related("partnership", "panel", "panel__partnership", "agency")
        .order_by("partnership__short_name", "role")
    )


def own_access_requests(user: User) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.filter(user=user).select_related("partnership", "panel", "agency", "decided_by")


def access_requests_visible_to(user: Any) -> QuerySet[AccessRequest]:
    """Requests this person may decide: their partnerships' (borough admins), or all (system admins).

    London-wide roles are decided by system admins only, and nobody sees their own request
    here: someone else decides it (the accounts policy's ``decide_request``)."""
    qs = AccessRequest.objects.select_related("user", "partnership", "panel", "agency", "decided_by")
    return access_requests.visible(user, "decide", qs)


def pending_requests_for(user: Any) -> QuerySet[AccessRequest]:
    return access_requests_visible_to(user).filter(status=AccessRequest.Status.PENDING).order_by("created_at")


def get_access_request_for(user: Any, pk: int) -> AccessRequest:
    return get_visible_or_404(access_requests_visible_to(user), pk, user=user)


def people_visible_to(user: Any) -> QuerySet[User]:
    """People a borough admin manages: anyone with a membership or request in their
    partnerships (current or past). System admins see everyone."""
    return people.visible(user, "view")


def get_person_for(user: Any, pk: int) -> User:
    return get_visible_or_404(people_visible_to(user), pk, user=user)


def memberships_in_scope(user: Any) -> QuerySet[Membership]:
    """Memberships an admin may see: their partnerships' (borough admins), or all (system admins)."""
    qs = Membership.objects.select_related("partnership", "panel", "agency", "created_by")
    return memberships.visible(user, "view", qs)


def memberships_visible_to(user: Any, person: User) -> QuerySet[Membership]:
    """A person's memberships as this admin may see them."""
    return memberships_in_scope(user).filter(user=person)


def get_membership_for(user: Any, pk: int) -> Membership:
    return get_visible_or_404(memberships_in_scope(user).select_related("user"), pk, user=user)


def first_second_factor_added_at(user: Any) -> datetime | None:
    """When the person's oldest authenticator app or security key was added (None if none)."""
    from allauth.mfa.models import Authenticator

    second_factors = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    return (  # type: ignore[no-any-return]  # allauth is untyped
        Authenticator.objects.filter(user_id=user.pk, type__in=second_factors)
        .order_by("created_at")
        .values_list("created_at", flat=True)
        .first()
    )


def has_mfa(user: Any) -> bool:
    from allauth.mfa.models import Authenticator

    second_factors = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    return bool(Authenticator.objects.filter(user_id=user.pk, type__in=second_factors).exists())


def has_security_key(user: Any) -> bool:
    """Whether the person has added a passkey or security key."""
    from allauth.mfa.models import Authenticator

    return bool(Authenticator.objects.filter(user_id=user.pk, type=Authenticator.Type.WEBAUTHN).exists())
