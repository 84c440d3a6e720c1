"""Every write in the oversight app: preparing and signing off releases, publishing the London
dataset, issuing and revoking API tokens, and recording exports."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.disclosure import DEFAULT_THRESHOLD, method
from macehub.core.services import ConcurrentEditError, update_versioned
from macehub.organisations.models import Partnership

from . import selectors
from .measures import LONDON_EXTRACT
from .models import TOKEN_PREFIX, APIToken, LondonDataset, Release, ReleaseStatus, TokenScope, hash_token
from .periods import Period, quarter_of
from .policies import policy
from .protection import assemble, protect

ALLOWED_THRESHOLDS = (3, 5, 7, 10)


def build_release_tables(partnership: Partnership, period: Period, *, threshold: int) -> dict[str, Any]:
    """The standard London extract for one partnership and quarter, after disclosure control."""
    tables = selectors.tables_for(partnership, period, LONDON_EXTRACT)
    return {key: protect(table, threshold=threshold) for key, table in tables.items()}


def prepare_release(
    *,
    actor: Any,
    partnership: Partnership,
    period: Period,
    threshold: int = DEFAULT_THRESHOLD,
    correction_reason: str = "",
) -> Release:
    """Build (or rebuild) the draft release of a complete quarter, for the strategic lead to sign off."""
    policy.require(actor, "prepare_release", partnership)
    if period.kind != "quarter":
        raise ValidationError({"period": "Choose a quarter"})
    if not period.is_complete():
        raise ValidationError({"period": "Choose a quarter that has ended"})
    if threshold not in ALLOWED_THRESHOLDS:
        raise ValidationError({"threshold": "Choose a threshold from the list"})
    with transaction.atomic():
        existing = list(Release.objects.select_for_update().filter(partnership=partnership, period_start=period.start))
        draft = next((r for r in existing if r.status == ReleaseStatus.DRAFT), None)
        signed = [r for r in existing if r.status == ReleaseStatus.SIGNED_OFF]
        if signed and not correction_reason.strip() and (draft is None or not draft.correction_reason):
            raise ValidationError({"correction_reason": "Enter why the signed-off release needs correcting"})
        tables = build_release_tables(partnership, period, threshold=threshold)
        params = method(threshold=threshold)
        if draft is not None:
            draft.tables, draft.method, draft.threshold = tables, params, threshold
            draft.prepared_by, draft.prepared_at = actor, timezone.now()
            if correction_reason.strip():
                draft.correction_reason = correction_reason.strip()
            update_versioned(
                draft,
                expected_version=draft.version,
                actor=actor,
                fields=["tables", "method", "threshold", "prepared_by", "prepared_at", "correction_reason"],
            )
            record(
                action=Action.UPDATE, actor=actor, obj=draft, detail={"prepared": period.label, "threshold": threshold}
            )
            return draft
        number = (max((r.number for r in existing), default=0)) + 1
        release = Release(
            partnership=partnership,
            period_start=period.start,
            period_end=period.end,
            number=number,
            tables=tables,
            method=params,
            threshold=threshold,
            prepared_by=actor,
            correction_reason=correction_reason.strip() if number > 1 else "",
            created_by=actor,
            updated_by=actor,
        )
        release.full_clean()
        release.save()
        record(
            action=Action.CREATE, actor=actor, obj=release, detail={"prepared": period.label, "threshold": threshold}
        )
        return release


def sign_off_release(*, actor: Any, release: Release, expected_version: int) -> Release:
    """The strategic lead signs the draft off; from then on it reaches the London layer and never changes."""
    policy.require(actor, "sign_off_release", release.partnership)
    if release.status != ReleaseStatus.DRAFT:
        raise ValidationError("This release has already been signed off.")
    with transaction.atomic():
        release.status = ReleaseStatus.SIGNED_OFF
        release.signed_off_by = actor
        release.signed_off_at = timezone.now()
        update_versioned(
            release, expected_version=expected_version, actor=actor, fields=["status", "signed_off_by", "signed_off_at"]
        )
        record(
            action=Action.SIGN_OFF,
            actor=actor,
            obj=release,
            detail={"period": release.label, "number": release.number, "method": release.method},
        )
    return release


def publish_london_dataset(*, actor: Any, period: Period, note: str = "") -> LondonDataset:
    """Assemble the current signed-off releases of a quarter into the published London dataset."""
    policy.require(actor, "publish_london")
    quarter = quarter_of(period.start)
    releases = selectors.current_releases(quarter)
    if not releases:
        raise ValidationError("No partnership has released figures for this quarter yet.")
    pairs = [(r.partnership.short_name, r.tables) for r in releases]
    tables = {}
    for key in LONDON_EXTRACT:
        assembled = assemble(key, pairs)
        if assembled is not None:
            tables[key] = assembled.as_dict()
    thresholds = sorted({r.threshold for r in releases})
    with transaction.atomic():
        number = (LondonDataset.objects.filter(period_start=quarter.start).aggregate(n=Max("number"))["n"] or 0) + 1
        dataset = LondonDataset(
            period_start=quarter.start,
            period_end=quarter.end,
            number=number,
            tables=tables,
            method={
                **method(threshold=max(thresholds)),
                "partnership_thresholds": thresholds,
                "london_totals": (
                    "a London total is the sum of the partnerships' published figures, shown only when all of "
                    "them were published; the assembled table is then checked so that no hidden figure lies "
                    "off a cycle of hidden figures, and more totals are hidden if one does"
                ),
                "percentages": "the London figure for a percentage is the median of the published figures",
            },
            sources=[
                {"release": r.pk, "partnership": r.partnership.short_name, "number": r.number, "demo": r.is_demo}
                for r in releases
            ],
            published_by=actor,
            note=note.strip(),
            created_by=actor,
            updated_by=actor,
        )
        dataset.save()
        record(
            action=Action.PUBLISH,
            actor=actor,
            obj=dataset,
            detail={"period": quarter.label, "releases": len(releases), "number": number},
        )
    return dataset


# --- API tokens ----------------------------------------------------------------------------------


def issue_token(
    *, actor: Any, name: str, scope: str, partnership: Partnership | None = None, expires_at: datetime | None = None
) -> tuple[APIToken, str]:
    """A new token; returns it and its secret (shown once, never stored)."""
    if scope == TokenScope.PARTNERSHIP:
        if partnership is None:
            raise ValidationError({"partnership": "Choose the partnership"})
        policy.require(actor, "issue_partnership_token", partnership)
    elif scope == TokenScope.LONDON:
        policy.require(actor, "issue_london_token")
        partnership = None
    else:
        raise PermissionDenied("unknown scope")
    if not name.strip():
        raise ValidationError({"name": "Enter what the token is for"})
    if expires_at is not None and expires_at <= timezone.now():
        raise ValidationError({"expires_on": "The expiry date must be in the future"})
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = APIToken(
            name=name.strip(),
            scope=scope,
            partnership=partnership,
            token_hash=hash_token(secret),
            hint=secret[: len(TOKEN_PREFIX) + 6],
            expires_at=expires_at,
            created_by=actor,
            updated_by=actor,
        )
        token.full_clean()
        token.save()
        record(
            action=Action.CREATE,
            actor=actor,
            obj=token,
            detail={"scope": scope, "expires_at": expires_at.isoformat() if expires_at else None},
        )
    return token, secret


def revoke_token(*, actor: Any, token: APIToken) -> APIToken:
    if token.scope == TokenScope.LONDON:
        policy.require(actor, "issue_london_token")
    else:
        policy.require(actor, "issue_partnership_token", token.partnership)
    if token.revoked_at is not None:
        return token
    try:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.revoked_by = actor
            update_versioned(token, expected_version=token.version, actor=actor, fields=["revoked_at", "revoked_by"])
            record(action=Action.UPDATE, actor=actor, obj=token, changes={"revoked": [False, True]})
    except ConcurrentEditError:
        # Revoked twice at once (a double click): the first did it, which is what was asked.
        current = APIToken.objects.get(pk=token.pk)
        if current.revoked_at is None:
            raise
        return current
    return token


def token_used(token: APIToken) -> None:
    """Remember when a token was last used (no version change: it is not an edit)."""
    APIToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())


# --- Exports -------------------------------------------------------------------------------------


def record_export(
    *,
    actor: Any,
    what: str,
    partnership_id: int | None = None,
    obj: Any = None,
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> None:
    """An aggregate figure left MACE Hub (a download or an API response): audited."""
    record(
        action=Action.EXPORT,
        actor=actor,
        obj=obj,
        partnership_id=partnership_id,
        detail={"what": what, **(detail or {})},
        actor_label=actor_label,
    )
