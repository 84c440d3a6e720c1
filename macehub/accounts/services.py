"""Writes for people and access: registration details, requests, approvals, deactivation.

Every function runs in one transaction and records its audit event in it.
"""

from __future__ import annotations

from typing import Any

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.access import LONDON_ROLES, PANEL_SCOPED_ROLES, PARTNERSHIP_ROLES, Role
from macehub.core.email import send_later
from macehub.core.services import update_versioned

from .models import AccessRequest, Membership, SignInProvider, User
from .policies import policy
from .sso import encrypt_secret


def _validate_scope(*, role: str, partnership: Any, panel: Any, agency: Any) -> None:
    """The role decides what else is needed: a panel and agency, a partnership, or nothing."""
    errors: dict[str, str] = {}
    if role in PANEL_SCOPED_ROLES:
        if panel is None:
            errors["panel"] = "Choose the panel you will take part in."
        elif partnership is not None and panel.partnership_id != partnership.pk:
            errors["panel"] = "Choose a panel in the partnership you selected."
        if agency is None:
            errors["agency"] = "Choose the agency you represent."
    elif role in PARTNERSHIP_ROLES:
        if partnership is None:
            errors["partnership"] = "Choose the safeguarding partnership."
    elif role not in LONDON_ROLES:
        errors["role"] = "Choose a role."
    if agency is not None and partnership is not None and not agency.partnerships.filter(pk=partnership.pk).exists():
        errors["agency"] = "Choose an agency that works in the partnership you selected."
    if errors:
        raise ValidationError(errors)


def access_request_create(
    *,
    user: User,
    role: str,
    partnership: Any = None,
    panel: Any = None,
    agency: Any = None,
    reason: str,
) -> AccessRequest:
    """Someone asks for a role. Duplicates of a pending request or a held role are refused."""
    if role in LONDON_ROLES:
        partnership = panel = None
    elif role in PARTNERSHIP_ROLES:
        panel = None
    if panel is not None and partnership is None:
        partnership = panel.partnership
    _validate_scope(role=role, partnership=partnership, panel=panel, agency=agency)
    if not reason.strip():
        raise ValidationError({"reason": "Say why you need this access."})
    scope = {"role": role, "partnership": partnership, "panel": panel}
    if AccessRequest.objects.filter(user=user, status=AccessRequest.Status.PENDING, **scope).exists():
        raise ValidationError("You have already asked for this access. It is waiting for approval.")
    if Membership.objects.filter(user=user, ended_at__isnull=True, **scope).exists():
        raise ValidationError("You already have this access.")
    with transaction.atomic():
        request = AccessRequest(
            user=user,
            agency=agency,
            reason=reason.strip(),
            created_by=user,
            updated_by=user,
            **scope,
        )
        request.full_clean()
        request.save()
        record(action=Action.ACCESS_REQUESTED, actor=user, obj=request, detail={"role": role})
    return request


def _approvers_for(request: AccessRequest) -> list[str]:
    """The partnership's borough admins; system admins for London-wide roles, or when the
    partnership has no borough admin yet (its first one must be approved by someone) — or
    none but the person asking, who may not approve their own request (C32)."""
    active = Membership.objects.filter(ended_at__isnull=True, user__is_active=True).exclude(user_id=request.user_id)
    admins = active.none()
    if request.partnership_id and request.role not in LONDON_ROLES:
        admins = active.filter(role=Role.BOROUGH_ADMIN, partnership_id=request.partnership_id)
    if not admins.exists():
        admins = active.filter(role=Role.SYSTEM_ADMIN)
    return sorted(set(admins.values_list("user__email", flat=True)))


def notify_approvers(request: AccessRequest) -> None:
    recipients = _approvers_for(request)
    if recipients:
        send_later(template="accounts/email/approval_needed", to=recipients, context={"request": request})


def access_request_approve(*, actor: User, request: AccessRequest, expected_version: int) -> Membership:
    """Approving creates the membership; the person is told by e-mail."""
    if not policy.can(actor, "decide_request", request):
        raise PermissionDenied
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
        if locked.version != expected_version or locked.status != AccessRequest.Status.PENDING:
            raise ValidationError("This request has already been decided or changed. Reload the page to see it.")
        if not locked.user.is_active:
            raise ValidationError("This account is deactivated. Reactivate it before approving access.")
        if not EmailAddress.objects.filter(user=locked.user, verified=True).exists():
            raise ValidationError("The person has not confirmed their e-mail address yet.")
        now = timezone.now()
        membership = Membership(
            user=locked.user,
            role=locked.role,
            partnership=locked.partnership,
            panel=locked.panel,
            agency=locked.agency,
            access_request=locked,
            created_by=actor,
            updated_by=actor,
        )
        membership.full_clean()
        membership.save()
        AccessRequest.objects.filter(pk=locked.pk).update(
            status=AccessRequest.Status.APPROVED,
            decided_by=actor,
            decided_at=now,
            version=locked.version + 1,
            updated_by=actor,
            updated_at=now,
        )
        record(
            action=Action.APPROVED,
            actor=actor,
            obj=locked,
            detail={"role": locked.role, "membership_id": membership.pk},
        )
        send_later(
            template="accounts/email/access_approved",
            to=[locked.user.email],
            context={"request": locked},
        )
    return membership


def access_request_decline(*, actor: User, request: AccessRequest, expected_version: int, reason: str) -> None:
    """Declining needs a reason, which the person receives by e-mail."""
    if not policy.can(actor, "decide_request", request):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"decision_reason": "Give a reason. The person will see it."})
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=request.pk)
        if locked.version != expected_version or locked.status != AccessRequest.Status.PENDING:
            raise ValidationError("This request has already been decided or changed. Reload the page to see it.")
        now = timezone.now()
        AccessRequest.objects.filter(pk=locked.pk).update(
            status=AccessRequest.Status.DECLINED,
            decided_by=actor,
            decided_at=now,
            decision_reason=reason.strip(),
            version=locked.version + 1,
            updated_by=actor,
            updated_at=now,
        )
        locked.decision_reason = reason.strip()
        record(action=Action.DECLINED, actor=actor, obj=locked, detail={"reason": reason.strip()})
        send_later(
            template="accounts/email/access_declined",
            to=[locked.user.email],
            context={"request": locked},
        )


def access_request_withdraw(*, actor: User, request: AccessRequest) -> None:
    if not policy.can(actor, "withdraw_request", request):
        raise PermissionDenied
    with transaction.atomic():
        updated = AccessRequest.objects.filter(pk=request.pk, status=AccessRequest.Status.PENDING).update(
            status=AccessRequest.Status.WITHDRAWN,
            updated_by=actor,
            updated_at=timezone.now(),
            version=request.version + 1,
        )
        if updated:
            record(action=Action.WITHDRAWN, actor=actor, obj=request)


def membership_end(*, actor: User, membership: Membership, reason: str) -> None:
    """Ending a membership removes that access at once and ends the person's sessions."""
    if not policy.can(actor, "end_membership", membership):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why this access is ending."})
    with transaction.atomic():
        updated = Membership.objects.filter(pk=membership.pk, ended_at__isnull=True).update(
            ended_at=timezone.now(),
            end_reason=reason.strip(),
            updated_by=actor,
            updated_at=timezone.now(),
            version=membership.version + 1,
        )
        if not updated:
            raise ValidationError("This access has already ended.")
        record(
            action=Action.MEMBERSHIP_ENDED,
            actor=actor,
            obj=membership,
            detail={"reason": reason.strip()},
        )
        _end_sessions(membership.user, actor=actor, reason="membership ended")


def user_deactivate(*, actor: User, person: User, reason: str) -> None:
    """A deactivated person cannot sign in, and every session they have ends now."""
    if not policy.can(actor, "deactivate_person", person):
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError({"reason": "Say why this account is being deactivated."})
    with transaction.atomic():
        User.objects.filter(pk=person.pk).update(is_active=False)
        person.is_active = False
        record(action=Action.DEACTIVATED, actor=actor, obj=person, detail={"reason": reason.strip()})
        _end_sessions(person, actor=actor, reason="account deactivated")


def user_reactivate(*, actor: User, person: User) -> None:
    if not policy.can(actor, "deactivate_person", person):
        raise PermissionDenied
    with transaction.atomic():
        User.objects.filter(pk=person.pk).update(is_active=True)
        person.is_active = True
        record(action=Action.REACTIVATED, actor=actor, obj=person)


def _end_sessions(person: User, *, actor: Any, reason: str) -> None:
    """Delete every server-side session of ``person`` (they are signed out everywhere)."""
    from allauth.usersessions.models import UserSession
    from django.contrib.sessions.models import Session

    keys = list(UserSession.objects.filter(user=person).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=person).delete()
    record(
        action=Action.SESSIONS_ENDED,
        actor=actor,
        obj=person,
        detail={"reason": reason, "sessions": len(keys)},
    )


def registration_complete(
    *, user: User, full_name: str, job_title: str, request_fields: dict[str, Any]
) -> AccessRequest:
    """Called once allauth has created the account: store the person's details and their
    first access request (the members area's front door)."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(full_name=full_name.strip(), job_title=job_title.strip())
        user.full_name, user.job_title = full_name.strip(), job_title.strip()
        record(action=Action.REGISTERED, actor=user, obj=user)
        request = access_request_create(user=user, **request_fields)
    return request


def end_sessions_after_reset(user: User) -> None:
    with transaction.atomic():
        _end_sessions(user, actor=user, reason="password reset")


_PROVIDER_FIELDS = [
    "name",
    "domains",
    "server_url",
    "client_id",
    "trust_provider_mfa",
    "mfa_amr_values",
    "mfa_acr_values",
    "is_enabled",
]


@transaction.atomic
def sign_in_provider_create(*, actor: User, data: dict[str, Any]) -> SignInProvider:
    """A system admin sets up an organisation's provider. The secret is encrypted before saving
    and appears in no audit event."""
    policy.require(actor, "manage_sign_in_providers")

    provider = SignInProvider(**{field: data[field] for field in _PROVIDER_FIELDS}, created_by=actor, updated_by=actor)
    provider.client_secret_encrypted = encrypt_secret(data["client_secret"])
    provider.full_clean()
    provider.save()
    record(
        action=Action.CREATE,
        actor=actor,
        obj=provider,
        changes={field: str(data[field]) for field in _PROVIDER_FIELDS} | {"client_secret": "set"},
    )
    return provider


@transaction.atomic
def sign_in_provider_update(
    *, actor: User, provider: SignInProvider, data: dict[str, Any], expected_version: int
) -> SignInProvider:
    policy.require(actor, "manage_sign_in_providers")

    changes: dict[str, Any] = {
        field: [str(getattr(provider, field)), str(data[field])]
        for field in _PROVIDER_FIELDS
        if getattr(provider, field) != data[field]
    }
    for field in _PROVIDER_FIELDS:
        setattr(provider, field, data[field])
    fields = list(_PROVIDER_FIELDS)
    if data.get("client_secret"):
        provider.client_secret_encrypted = encrypt_secret(data["client_secret"])
        fields.append("client_secret_encrypted")
        changes["client_secret"] = "replaced"  # noqa: S105 - a note that it changed, not a secret
    update_versioned(provider, expected_version=expected_version, actor=actor, fields=fields)
    record(action=Action.UPDATE, actor=actor, obj=provider, changes=changes)
    return provider
