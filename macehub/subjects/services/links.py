"""Writes for the links between register records, and reviews of shared-context alerts."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.services import snapshot, update_versioned

from ..models import (
    ALLOWED_PAIRS,
    SYMMETRIC,
    AlertReview,
    Kind,
    Link,
    LinkType,
    Subject,
)
from ..policies import policy

# --- Links --------------------------------------------------------------------------------------


def placed(one: Subject, other: Subject, link_type: str) -> tuple[Subject, Subject]:
    """(source, target) in stored order, or ValidationError if this type cannot join these kinds."""
    pairs = ALLOWED_PAIRS[link_type]
    if (one.kind, other.kind) in pairs and (one.kind != other.kind or link_type not in SYMMETRIC or one.pk < other.pk):
        return one, other
    if link_type in SYMMETRIC and (other.kind, one.kind) in pairs:
        return other, one
    raise ValidationError(
        {
            "link_type": f"A {Kind(one.kind).label.lower()} cannot be linked to a "
            f"{Kind(other.kind).label.lower()} as ‘{LinkType(link_type).label}’. Choose another type of link"
        }
    )


def natural_link_type(one: Subject, other: Subject) -> str:
    """The usual link between two kinds of record, for links made from a referral."""
    kinds = {one.kind, other.kind}
    if Kind.THEME in kinds:
        return LinkType.THEME
    if kinds == {Kind.CHILD, Kind.PERSON}:
        return LinkType.EXPLOITED_BY
    if kinds <= {Kind.CHILD, Kind.PERSON}:
        return LinkType.ASSOCIATES
    if Kind.LOCATION in kinds and kinds & {Kind.CHILD, Kind.PERSON, Kind.GROUP}:
        return LinkType.SEEN_AT
    if Kind.GROUP in kinds and kinds & {Kind.CHILD, Kind.PERSON}:
        return LinkType.MEMBER_OF
    return LinkType.OTHER


def link_create(
    *,
    actor: Any,
    one: Subject,
    other: Subject,
    link_type: str,
    known_from: date,
    confidence: str,
    source_agency: Any = None,
    notes: str = "",
) -> Link:
    """Link two records on the same register. ``one`` is read as the subject of the link type's
    phrase (for "is thought to be exploited by", the child). An identical current link is refused."""
    policy.require(actor, "link_record", one)
    policy.require(actor, "link_record", other)
    if one.pk == other.pk:
        raise ValidationError({"other": "Choose a different record: a record cannot be linked to itself"})
    if one.panel_id != other.panel_id:
        raise ValidationError({"other": "Choose a record on the same panel's register"})
    if known_from > timezone.localdate():
        raise ValidationError({"known_from": "The date must be today or in the past"})
    source, target = placed(one, other, link_type)
    duplicate = Link.objects.filter(
        Q(source=source, target=target) | Q(source=target, target=source),
        link_type=link_type,
        ended_on__isnull=True,
    )
    if duplicate.exists():
        raise ValidationError(
            {"other": f"{source.reference} and {target.reference} are already linked as ‘{LinkType(link_type).label}’"}
        )
    link = Link(
        panel_id=one.panel_id,
        source=source,
        target=target,
        link_type=link_type,
        known_from=known_from,
        confidence=confidence,
        source_agency=source_agency,
        notes=notes.strip(),
        created_by=actor,
        updated_by=actor,
    )
    link.full_clean()
    with transaction.atomic():
        link.save()
        record(
            action=Action.CREATE,
            actor=actor,
            obj=link,
            partnership_id=one.panel.partnership_id,
            changes=snapshot(link, ["source", "target", "link_type", "known_from", "confidence", "source_agency"]),
        )
    return link


def link_end(*, actor: Any, link: Link, expected_version: int, ended_on: date, reason: str) -> Link:
    """A link that no longer holds is ended, not deleted: the history stays."""
    policy.require(actor, "link_record", link.source)
    policy.require(actor, "link_record", link.target)
    if link.ended_on is not None:
        raise ValidationError("This link has already ended.")
    if ended_on > timezone.localdate():
        raise ValidationError({"ended_on": "The date must be today or in the past"})
    if ended_on < link.known_from:
        raise ValidationError({"ended_on": "The end date must be on or after the date the link was known"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the link has ended"})
    link.ended_on = ended_on
    link.end_reason = reason.strip()[:300]
    with transaction.atomic():
        update_versioned(link, expected_version=expected_version, actor=actor, fields=["ended_on", "end_reason"])
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=link,
            partnership_id=link.panel.partnership_id,
            changes={"ended_on": [None, ended_on.isoformat()]},
            detail={"reason": link.end_reason},
        )
    return link


def alert_review(*, actor: Any, first: Subject, second: Subject, context: Subject, note: str) -> AlertReview:
    """The panel looked at a shared-context alert and decided the children need no link."""
    policy.require(actor, "review_alerts", first.panel)
    for subject in (first, second, context):
        policy.require(actor, "view_record", subject)
    if not note.strip():
        raise ValidationError({"note": "Enter what the panel decided and why"})
    low, high = sorted((first, second), key=lambda s: s.pk)
    review = AlertReview(
        panel_id=first.panel_id,
        first_child=low,
        second_child=high,
        context=context,
        note=note.strip(),
        created_by=actor,
        updated_by=actor,
    )
    review.full_clean()
    with transaction.atomic():
        review.save()
        record(action=Action.CREATE, actor=actor, obj=review, detail={"note": review.note})
    return review
