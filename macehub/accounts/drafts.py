"""Nothing typed is lost to a sign-out: a form posted after the session ended is kept on the
server for the person it belonged to, and given back when they sign in again and return to it.

* Kept only when the request passes the CSRF check and we know whose session ended: the
  timeout middleware knows the user as it signs them out; a page posted after that finds the
  user's id in the anonymous session that followed (``TIMED_OUT_USER``).
* Kept on the server, never in the browser (these are records about children and machines may be
  shared): the fields are encrypted with a key derived from ``SECRET_KEY`` (or
  ``MFA_SECRET_ENCRYPTION_KEY``), tied to the user id and the page's path.
* Given back once: the next time that person opens that page it is filled in and the draft is
  deleted. Nothing is saved until they check it and send it again, so every rule and version
  check applies as usual.
* Kept for ``MACEHUB_KEPT_DRAFT_HOURS`` (24 by default): after that it is never shown, and
  ``manage.py apply_retention`` deletes it. Files attached to the form are not kept.
"""

from __future__ import annotations

import base64
import hashlib
import json
from datetime import timedelta
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone

from .models import KeptDraft

#: Session flag: this person has kept drafts waiting (saves a query on every other page).
HAS_DRAFTS = "macehub_has_kept_drafts"
MAX_BYTES = 200_000
MAX_PER_USER = 20
NOT_KEPT = frozenset({"csrfmiddlewaretoken", "password", "password1", "password2", "code"})


def _fernet() -> Fernet:
    material = settings.MFA_SECRET_ENCRYPTION_KEY or settings.SECRET_KEY
    key = base64.urlsafe_b64encode(hashlib.sha256(f"macehub-kept-drafts:{material}".encode()).digest())
    return Fernet(key)


def _lifetime() -> timedelta:
    return timedelta(hours=getattr(settings, "MACEHUB_KEPT_DRAFT_HOURS", 24))


def _csrf_ok(request: HttpRequest) -> bool:
    if getattr(request, "csrf_processing_done", False):
        return True

    def nothing(request: HttpRequest) -> None:  # pragma: no cover - never called
        return None

    return CsrfViewMiddleware(nothing).process_view(request, nothing, (), {}) is None  # type: ignore[arg-type]


def keep_posted_form(request: HttpRequest, user: Any) -> KeptDraft | None:
    """Keep what this POST carried for ``user``; None when there is nothing to keep."""
    if request.method != "POST" or user is None or not getattr(user, "is_active", False):
        return None
    if request.path.startswith("/account/") or not _csrf_ok(request):
        return None
    pairs = [[name, value] for name, values in request.POST.lists() for value in values if name not in NOT_KEPT]
    if not any(value.strip() for _, value in pairs if isinstance(value, str)):
        return None
    payload = json.dumps(pairs)
    if len(payload) > MAX_BYTES:
        return None
    now = timezone.now()
    KeptDraft.objects.filter(user=user, expires_at__lte=now).delete()
    KeptDraft.objects.filter(user=user, path=request.path).delete()
    draft = KeptDraft.objects.create(
        user=user,
        path=request.path[:500],
        data=_fernet().encrypt(payload.encode()).decode(),
        created_at=now,
        expires_at=now + _lifetime(),
    )
    stale = KeptDraft.objects.filter(user=user).values_list("pk", flat=True)[MAX_PER_USER:]
    KeptDraft.objects.filter(pk__in=list(stale)).delete()
    return draft


def has_drafts(user: Any) -> bool:
    return KeptDraft.objects.filter(user=user, expires_at__gt=timezone.now()).exists()


def take_draft(request: HttpRequest) -> dict[str, Any] | None:
    """The kept draft for this person and page, deleted as it is handed back (once)."""
    if request.method != "GET" or not request.session.get(HAS_DRAFTS):
        return None
    now = timezone.now()
    user: Any = request.user
    draft = KeptDraft.objects.filter(user=user, path=request.path, expires_at__gt=now).first()
    if draft is None:
        return None
    try:
        pairs = json.loads(_fernet().decrypt(draft.data.encode()))
    except InvalidToken:
        pairs = None
    KeptDraft.objects.filter(user=user, path=request.path).delete()
    if not has_drafts(user):
        request.session.pop(HAS_DRAFTS, None)
    if not pairs:
        return None
    return {"fields": pairs, "created_at": draft.created_at}


def delete_expired() -> int:
    """For the nightly retention run: drafts past their time are deleted, never shown."""
    deleted, _ = KeptDraft.objects.filter(expires_at__lte=timezone.now()).delete()
    return deleted
