"""Every write in the oversight app: preparing and signing off releases, publishing the London
dataset, issuing and revoking API tokens, and recording exports."""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.disclosure import DEFAULT_THRESHOLD, AuditResult, InconsistentPublication, method
from macehub.core.services import ConcurrentEditError, update_versioned
from macehub.organisations.models import Partnership

from . import selectors
from .measures import LONDON_EXTRACT, PUBLISHED_TABLES
from .models import TOKEN_PREFIX, APIToken, LondonDataset, Release, ReleaseStatus, TokenScope, hash_token
from .periods import Period, quarter_of
from .policies import policy
from .protection import Published, assemble, audit_london, audit_release, publish, unavailable

ALLOWED_THRESHOLDS = (3, 5, 7, 10)


class DisclosureRiskError(ValidationError):
    """The intruder audit found figures that can be worked out: the findings say which and how."""

    def __init__(self, result: AuditResult) -> None:
        self.result = result
        super().__init__([f.explanation for f in result.findings])


def publish_extract(partnership: Partnership, period: Period, *, threshold: int) -> Published:
    """The standard London extract for one partnership and period, protected as one publication."""
    tables = selectors.tables_for(partnership, period, LONDON_EXTRACT)
    return publish(tables, threshold=threshold, where=f", {partnership.short_name} {period.label}")


def published_tables(
    partnership: Partnership, period: Period, keys: Iterable[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Tables "as published" for a partnership and period — the dashboard's published view, its
    exports, the API and the board report all read this.

    The London extract is one joint publication: the current signed-off release's strings where
    the quarter was released (exactly what London holds), otherwise what the release would be.
    Every other table about people is protected around the extract's figures, which are never
    hidden again (each such table is linked only to extract tables, so each is protected on its
    own and the same table always comes out the same, whichever page asks). The month-by-month
    trend is never published."""
    release = selectors.current_release(partnership, period) if period.kind == "quarter" else None
    threshold = release.threshold if release is not None else DEFAULT_THRESHOLD
    extract_tables = selectors.tables_for(partnership, period, LONDON_EXTRACT)
    where = f", {partnership.short_name} {period.label}"
    if release is not None:
        extract = {k: v for k, v in release.tables.items() if k in LONDON_EXTRACT}
    else:
        extract = publish(extract_tables, threshold=threshold, where=where).tables
    result = dict(extract)
    wanted = list(keys) if keys is not None else PUBLISHED_TABLES
    others = [k for k in wanted if k in PUBLISHED_TABLES and k not in LONDON_EXTRACT]
    for key, table in selectors.tables_for(partnership, period, others).items():
        tables = {**extract_tables, key: table} if table.spec.individuals else {key: table}
        try:
            result[key] = publish(tables, threshold=threshold, where=where, locked=extract).tables[key]
        except InconsistentPublication:
            result[key] = unavailable(table)
    return result


def build_release_tables(partnership: Partnership, period: Period, *, threshold: int) -> dict[str, Any]:
    """The standard London extract for one partnership and quarter, after disclosure control."""
    return publish_extract(partnership, period, threshold=threshold).tables


def audit_stored_release(release: Release) -> AuditResult:
    """The intruder audit of exactly what a release publishes (its strings, nothing else)."""
    where = f", {release.partnership.short_name} {release.label}"
    return audit_release(release.tables, threshold=release.threshold, where=where)


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
        # The partnership's row is the lock: with no release yet there is no release row to lock,
        # and two preparations at once (a double click) would both number theirs 1.
        Partnership.objects.select_for_update().filter(pk=partnership.pk).first()
        existing = list(Release.objects.select_for_update().filter(partnership=partnership, period_start=period.start))
        draft = next((r for r in existing if r.status == ReleaseStatus.DRAFT), None)
        signed = [r for r in existing if r.status != ReleaseStatus.DRAFT]
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
    """The strategic lead signs the draft off; from then on it reaches the London layer and never changes.

    Nobody signs off a release they prepared (separation of duties), and a release that the
    intruder audit can work figures back from is refused (:class:`DisclosureRiskError`)."""
    policy.require(actor, "sign_off_release", release)
    if release.status != ReleaseStatus.DRAFT:
        raise ValidationError("This release has already been signed off.")
    try:
        result = audit_stored_release(release)
    except InconsistentPublication:
        raise ValidationError(
            "The release's figures contradict their own totals, so they cannot be checked: prepare it again."
        ) from None
    if not result.passed:
        raise DisclosureRiskError(result)
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
            detail={
                "period": release.label,
                "number": release.number,
                "method": release.method,
                "audit": {"hidden_figures_checked": len(result.intervals), "disclosures": 0},
            },
        )
    return release


def london_tables(releases: list[Release]) -> dict[str, Any]:
    pairs = [(r.partnership.short_name, r.tables) for r in releases]
    tables = {}
    for key in LONDON_EXTRACT:
        assembled = assemble(key, [(n, t) for n, t in pairs])
        if assembled is not None:
            tables[key] = assembled.as_dict()
    return tables


def audit_london_tables(releases: list[Release], tables: dict[str, Any], label: str) -> AuditResult:
    """The joint intruder audit of a London dataset and every release it repeats."""
    sources = [
        (f"release{r.pk}", f", {r.partnership.short_name} {r.label} release {r.number}", r.tables) for r in releases
    ]
    threshold = min((r.threshold for r in releases), default=DEFAULT_THRESHOLD)
    try:
        return audit_london(sources, [(label, tables, [f"release{r.pk}" for r in releases])], threshold=threshold)
    except InconsistentPublication as error:
        raise ValidationError(f"The releases contradict their own totals, so they cannot be checked: {error}") from None


def publish_london_dataset(*, actor: Any, period: Period, note: str = "") -> LondonDataset:
    """Assemble the current signed-off releases of a quarter into the published London dataset,
    after the joint intruder audit of the dataset and every release in it has passed."""
    policy.require(actor, "publish_london")
    quarter = quarter_of(period.start)
    releases = selectors.current_releases(quarter)
    if not releases:
        raise ValidationError("No partnership has released figures for this quarter yet.")
    tables = london_tables(releases)
    result = audit_london_tables(releases, tables, f"London {quarter.label}")
    if not result.passed:
        raise DisclosureRiskError(result)
    thresholds = sorted({r.threshold for r in releases})
    with transaction.atomic():
        # Publishing locks the releases it is made from, so two publications at once (a double
        # click) run one after the other; the second finds the first and returns it.
        list(Release.objects.select_for_update().filter(pk__in=[r.pk for r in releases]))
        latest = LondonDataset.objects.filter(period_start=quarter.start).order_by("-number").first()
        if (
            latest is not None
            and latest.withdrawn_at is None
            and latest.published_by_id == actor.pk
            and latest.tables == tables
            and {s["release"] for s in latest.sources} == {r.pk for r in releases}
        ):
            return latest
        number = (latest.number if latest is not None else 0) + 1
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
                    "them were published; the dataset and every release in it were audited together as an "
                    "intruder would combine them, and no hidden figure can be worked out"
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
            detail={
                "period": quarter.label,
                "releases": len(releases),
                "number": number,
                "audit": {"hidden_figures_checked": len(result.intervals), "disclosures": 0},
            },
        )
    return dataset


def audit_everything_published() -> tuple[AuditResult, dict[str, Release]]:
    """Every signed-off release and every London dataset not withdrawn, audited jointly as an
    intruder would combine them. Returns the audit and which release each finding's figure is in
    (a London total's finding is about the dataset: its key starts ``london|``)."""
    releases = list(
        Release.objects.filter(status=ReleaseStatus.SIGNED_OFF).select_related("partnership").order_by("pk")
    )
    by_prefix = {f"release{r.pk}": r for r in releases}
    sources = [
        (p, f", {r.partnership.short_name} {r.label} release {r.number}", r.tables) for p, r in by_prefix.items()
    ]
    datasets = [
        (str(d), d.tables, [f"release{s['release']}" for s in d.sources])
        for d in LondonDataset.objects.filter(withdrawn_at__isnull=True).order_by("pk")
    ]
    threshold = min((r.threshold for r in releases), default=DEFAULT_THRESHOLD)
    return audit_london(sources, datasets, threshold=threshold), by_prefix


# --- Withdrawing what gave figures away ------------------------------------------------------------


def withdraw_release(*, actor: Any, release: Release, reason: str) -> Release:
    """The London team takes back a signed-off release (for example one the intruder audit fails).
    It leaves the London view, new London datasets and the API; the partnership re-issues the
    quarter as a correction, prepared and signed off again with the current method."""
    policy.require(actor, "withdraw")
    if release.status != ReleaseStatus.SIGNED_OFF:
        raise ValidationError("Only a signed-off release can be withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why it is being withdrawn"})
    with transaction.atomic():
        now = timezone.now()
        # A signed-off release refuses `save()`; withdrawal is the one change it ever sees.
        changed = Release.objects.filter(pk=release.pk, status=ReleaseStatus.SIGNED_OFF).update(
            status=ReleaseStatus.WITHDRAWN, withdrawn_at=now, withdrawn_by=actor, withdrawal_reason=reason.strip(),
            version=release.version + 1, updated_by=actor, updated_at=now,
        )  # fmt: skip
        if not changed:
            raise ValidationError("Only a signed-off release can be withdrawn.")
        release.refresh_from_db()
        record(action=Action.WITHDRAWN, actor=actor, obj=release, detail={"reason": reason.strip()})
    return release


def withdraw_london_dataset(*, actor: Any, dataset: LondonDataset, reason: str) -> LondonDataset:
    """The London team takes back a published London dataset; publishing again re-issues it."""
    policy.require(actor, "withdraw")
    if dataset.withdrawn_at is not None:
        raise ValidationError("This dataset has already been withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why it is being withdrawn"})
    with transaction.atomic():
        now = timezone.now()
        LondonDataset.objects.filter(pk=dataset.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=now, withdrawn_by=actor, withdrawal_reason=reason.strip(), updated_by=actor, updated_at=now
        )
        dataset.refresh_from_db()
        record(action=Action.WITHDRAWN, actor=actor, obj=dataset, detail={"reason": reason.strip()})
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
