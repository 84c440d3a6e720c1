"""Every write of "known elsewhere?": fingerprints, enquiries, share requests, cross-border links.

Each service checks the policy, validates, writes in one transaction with its audit events —
one on each side (the asking partnership's trail and the holding partnership's) — and queues
its e-mails with the change.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Exists, OuterRef
from django.tasks import task
from django.utils import timezone

from macehub.accounts.models import Membership
from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.email import send_later
from macehub.subjects.extensions import NetworkExtra
from macehub.subjects.models import Kind, Status, Subject

from .fingerprints import IdentifierKind, Print, record_prints
from .models import (
    SHAREABLE_FIELDS,
    CrossLink,
    Enquiry,
    Fingerprint,
    LinkStatus,
    Match,
    RecordFingerprint,
    ShareRequest,
    ShareStatus,
)
from .policies import ASKING_ROLES, cross_links, enquiries, matches, policy, shares

# --- Fingerprints -------------------------------------------------------------------------------


def _sync_london(partnership_ids: Iterable[int]) -> None:
    """Make the London table say exactly which fingerprints each partnership holds."""
    for partnership_id in set(partnership_ids):
        held = RecordFingerprint.objects.filter(subject__panel__partnership_id=partnership_id)
        Fingerprint.objects.filter(partnership_id=partnership_id).exclude(
            Exists(held.filter(digest=OuterRef("digest"), kind=OuterRef("kind")))
        ).delete()
        existing = set(Fingerprint.objects.filter(partnership_id=partnership_id).values_list("kind", "digest"))
        missing = set(held.values_list("kind", "digest").distinct()) - existing
        Fingerprint.objects.bulk_create(
            [Fingerprint(partnership_id=partnership_id, kind=kind, digest=digest) for kind, digest in sorted(missing)]
        )


def refresh_record_prints(subjects: list[Any]) -> None:
    """Recompute the fingerprints of records just saved (the registers' saved hook)."""
    rows = list(Subject.objects.filter(pk__in=[s.pk for s in subjects]).select_related("panel"))
    with transaction.atomic():
        RecordFingerprint.objects.filter(subject__in=rows).delete()
        RecordFingerprint.objects.bulk_create(
            [RecordFingerprint(subject=s, kind=p.kind, digest=p.digest) for s in rows for p in record_prints(s)]
        )
        _sync_london(s.panel.partnership_id for s in rows)


def refingerprint_all() -> int:
    """Compute every fingerprint again (after the London key changes). Returns how many."""
    with transaction.atomic():
        RecordFingerprint.objects.all().delete()
        Fingerprint.objects.all().delete()
        made: list[RecordFingerprint] = []
        for subject in Subject.objects.filter(kind__in=[Kind.PERSON, Kind.LOCATION, Kind.GROUP]).iterator():
            made += [RecordFingerprint(subject=subject, kind=p.kind, digest=p.digest) for p in record_prints(subject)]
        RecordFingerprint.objects.bulk_create(made, batch_size=500)
        partnerships = set(
            RecordFingerprint.objects.values_list("subject__panel__partnership_id", flat=True).distinct()
        )
        _sync_london(partnerships)
    return len(made)


# --- Asking -------------------------------------------------------------------------------------


def _coordinators(partnership_id: int) -> list[str]:
    return sorted(
        set(
            Membership.objects.filter(
                panel__partnership_id=partnership_id,
                role__in=ASKING_ROLES,
                ended_at__isnull=True,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )
    )


def _insert_matches(enquiry: Enquiry, digests: list[str]) -> None:
    """One INSERT … SELECT whatever the answer: the same work, and the same number of queries,
    whether other partnerships hold a match or not."""
    match_table = Match._meta.db_table
    fingerprint_table = Fingerprint._meta.db_table
    found_at = Match._meta.get_field("found_at").get_db_prep_value(timezone.now(), connection)
    placeholders = ", ".join(["%s"] * len(digests))
    sql = (
        f"INSERT INTO {match_table} (enquiry_id, holder_id, contact_role, found_at) "  # noqa: S608 - table names from _meta
        f"SELECT %s, partnership_id, MIN(contact_role), %s FROM {fingerprint_table} "
        f"WHERE digest IN ({placeholders}) AND partnership_id <> %s GROUP BY partnership_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [enquiry.pk, found_at, *digests, enquiry.partnership_id])


def ask(
    *, actor: Any, panel: Any, kind: str, prints: list[Print], reason: str, subject: Subject | None = None
) -> Enquiry:
    """Ask whether other London partnerships hold something matching. The answer names the
    partnerships and who to contact there; the asker's own partnership is never listed."""
    if subject is not None:
        policy.require(actor, "ask_from_record", subject)
        panel = subject.panel
    elif panel.pk not in _asking_panels(actor):
        raise PermissionDenied("ask")
    if not prints:
        raise ValidationError({"value": "Enter an identifier that can be matched"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you are asking"})
    enquiry = Enquiry(
        panel=panel,
        partnership_id=panel.partnership_id,
        subject=subject,
        kind=IdentifierKind(kind),
        digests=[p.digest for p in prints],
        reason=reason.strip(),
        created_by=actor,
        updated_by=actor,
    )
    enquiry.full_clean()
    with transaction.atomic():
        enquiry.save()
        _insert_matches(enquiry, enquiry.digests)
        record(
            action=Action.CREATE,
            actor=actor,
            obj=enquiry,
            detail={"kind": enquiry.kind, "record": subject.reference if subject else ""},
            purpose=enquiry.reason,
        )
        transaction.on_commit(lambda: tell_about_matches.enqueue(enquiry.pk))
    return enquiry


def _asking_panels(actor: Any) -> frozenset[int]:
    from .policies import asking_panel_ids

    return asking_panel_ids(actor)


@task()
def tell_about_matches(enquiry_id: int) -> None:
    """Tell both coordinators of each match (after the answer was given, so the asker's page
    takes the same time whether or not anything matched). Audited on the holder's side too."""
    enquiry = Enquiry.objects.select_related("partnership").get(pk=enquiry_id)
    found = list(Match.objects.filter(enquiry=enquiry).select_related("holder"))
    with transaction.atomic():
        for match in found:
            record(
                action=Action.CREATE,
                obj=match,
                partnership_id=match.holder_id,
                actor_label="Known-elsewhere enquiry",
                detail={"asked_by_partnership": enquiry.partnership.name, "kind": enquiry.kind},
            )
            holders = _coordinators(match.holder_id)
            if holders:
                send_later(
                    template="known_elsewhere/email/asked_about",
                    to=holders,
                    context={"match": match, "enquiry": enquiry},
                )
        if found:
            askers = _coordinators(enquiry.partnership_id)
            if askers:
                send_later(
                    template="known_elsewhere/email/match_found",
                    to=askers,
                    context={"enquiry": enquiry, "matches": found},
                )


# --- Sharing after agreement --------------------------------------------------------------------


def _both_sides(*, action: str, actor: Any, obj: Any, match: Match, detail: dict[str, Any], purpose: str = "") -> None:
    for partnership_id in (match.enquiry.partnership_id, match.holder_id):
        record(action=action, actor=actor, obj=obj, partnership_id=partnership_id, detail=detail, purpose=purpose)


def request_details(*, actor: Any, match: Match, reason: str) -> ShareRequest:
    """The asker asks the holder for details; the holder's coordinators are told."""
    matches.require(actor, "request_details", match)
    if ShareRequest.objects.filter(match=match).exists():
        raise ValidationError("Details have already been asked for.")
    if not reason.strip():
        raise ValidationError({"reason": "Enter why you need the details"})
    share = ShareRequest(match=match, reason=reason.strip(), created_by=actor, updated_by=actor)
    share.full_clean()
    with transaction.atomic():
        try:
            with transaction.atomic():
                share.save()
        except IntegrityError:
            raise ValidationError("Details have already been asked for.") from None
        _both_sides(
            action=Action.CREATE,
            actor=actor,
            obj=share,
            match=match,
            detail={"step": "requested"},
            purpose=share.reason,
        )
        holders = _coordinators(match.holder_id)
        if holders:
            send_later(template="known_elsewhere/email/details_requested", to=holders, context={"share": share})
    return share


def holder_records(actor: Any, share: ShareRequest) -> list[Subject]:
    """The holder's own records that gave the matching fingerprint (those the person may see)."""
    from macehub.subjects.policies import records

    digests = share.match.enquiry.digests
    held = RecordFingerprint.objects.filter(digest__in=digests).values("subject_id")
    return list(
        records.visible(actor, "view")
        .filter(pk__in=held, panel__partnership_id=share.match.holder_id)
        .exclude(status=Status.MERGED)
        .select_related("panel")
        .order_by("number")
    )


def _snapshot(subject: Subject, fields: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for name in fields:
        if name == "reference":
            value: Any = f"{subject.reference} ({subject.panel.name})"
        elif name == "full_name":
            value = subject.full_name
        elif name == "date_of_birth":
            value = subject.date_of_birth.strftime("%-d %B %Y") if subject.date_of_birth else ""
        elif name in ("aliases", "police_flags"):
            value = ", ".join(getattr(subject, name))
        elif name == "harm_types":
            value = ", ".join(h.label for h in subject.harm_types.all())
        elif name == "status":
            value = subject.get_status_display()
        else:
            value = getattr(subject, name)
        values[SHAREABLE_FIELDS[name]] = value or "Not recorded"
    return values


def decide_share(
    *,
    actor: Any,
    share: ShareRequest,
    agree: bool,
    holder_record: Subject | None = None,
    lawful_basis: str = "",
    purpose: str = "",
    fields: list[str] | None = None,
    decline_reason: str = "",
) -> ShareRequest:
    """The holder agrees (recording the lawful basis and purpose, choosing the fields) or declines.
    What is agreed is copied once: the asker sees exactly those fields, as they were then."""
    shares.require(actor, "decide", share)
    now = timezone.now()
    if agree:
        errors: dict[str, str] = {}
        if holder_record is None or holder_record.pk not in {s.pk for s in holder_records(actor, share)}:
            errors["holder_record"] = "Choose the record the details come from"
        if not lawful_basis.strip():
            errors["lawful_basis"] = "Enter the lawful basis for sharing"
        if not purpose.strip():
            errors["purpose"] = "Enter the purpose of sharing"
        chosen = [f for f in (fields or []) if f in SHAREABLE_FIELDS]
        if not chosen:
            errors["details"] = "Choose at least one detail to share"
        if errors or holder_record is None:
            raise ValidationError(errors)
        share.status = ShareStatus.AGREED
        share.holder_record = holder_record
        share.lawful_basis = lawful_basis.strip()
        share.purpose = purpose.strip()
        share.shared_fields = chosen
        share.snapshot = _snapshot(holder_record, chosen)
    else:
        if not decline_reason.strip():
            raise ValidationError({"decline_reason": "Enter why you are not sharing"})
        share.status = ShareStatus.DECLINED
        share.decline_reason = decline_reason.strip()
    share.decided_by = actor
    share.decided_at = now
    share.updated_by = actor
    share.full_clean()
    with transaction.atomic():
        updated = ShareRequest.objects.filter(pk=share.pk, status=ShareStatus.REQUESTED).update(
            status=share.status,
            holder_record=share.holder_record,
            lawful_basis=share.lawful_basis,
            purpose=share.purpose,
            shared_fields=share.shared_fields,
            snapshot=share.snapshot,
            decline_reason=share.decline_reason,
            decided_by=actor,
            decided_at=now,
            updated_by=actor,
            updated_at=now,
        )
        if updated != 1:
            raise ValidationError("Someone has already decided this request.")
        detail = {"step": share.status, "fields": share.shared_fields}
        if holder_record is not None and agree:
            detail["holder_record"] = holder_record.reference
        _both_sides(
            action=Action.APPROVED if agree else Action.DECLINED,
            actor=actor,
            obj=share,
            match=share.match,
            detail=detail,
            purpose=share.purpose or share.decline_reason,
        )
        askers = _coordinators(share.match.enquiry.partnership_id)
        if askers:
            send_later(template="known_elsewhere/email/details_decided", to=askers, context={"share": share})
    return share


def details_viewed(*, actor: Any, share: ShareRequest) -> None:
    """Reading the shared details is a read of identifiable data: audited on the asker's side."""
    record(action=Action.VIEW, actor=actor, obj=share, partnership_id=share.match.enquiry.partnership_id)


# --- Cross-border links -------------------------------------------------------------------------


def propose_link(*, actor: Any, share: ShareRequest, location: Subject, note: str = "") -> CrossLink:
    """Link a location on the asker's register to the group or person the holder shared."""
    from macehub.subjects.policies import records

    shares.require(actor, "propose_link", share)
    if share.holder_record is None or share.holder_record.kind not in (Kind.PERSON, Kind.GROUP):
        raise ValidationError("Only a shared person of concern or group can be linked to a location.")
    if (
        location.kind != Kind.LOCATION
        or location.panel.partnership_id != share.match.enquiry.partnership_id
        or not records.can(actor, "link", location)
    ):
        raise ValidationError({"location": "Choose a location on your register"})
    if CrossLink.objects.filter(share=share).exists():
        raise ValidationError("A link has already been proposed.")
    link = CrossLink(share=share, location=location, note=note.strip(), created_by=actor, updated_by=actor)
    link.full_clean()
    with transaction.atomic():
        try:
            with transaction.atomic():
                link.save()
        except IntegrityError:
            raise ValidationError("A link has already been proposed.") from None
        _both_sides(action=Action.CREATE, actor=actor, obj=link, match=share.match, detail={"step": "proposed"})
        holders = _coordinators(share.match.holder_id)
        if holders:
            send_later(template="known_elsewhere/email/link_proposed", to=holders, context={"link": link})
    return link


def decide_link(*, actor: Any, link: CrossLink, agree: bool) -> CrossLink:
    cross_links.require(actor, "decide", link)
    now = timezone.now()
    status = LinkStatus.AGREED if agree else LinkStatus.DECLINED
    with transaction.atomic():
        updated = CrossLink.objects.filter(pk=link.pk, status=LinkStatus.PROPOSED).update(
            status=status, decided_by=actor, decided_at=now, updated_by=actor, updated_at=now
        )
        if updated != 1:
            raise ValidationError("Someone has already decided this link.")
        link.status = status
        _both_sides(
            action=Action.APPROVED if agree else Action.DECLINED,
            actor=actor,
            obj=link,
            match=link.share.match,
            detail={"step": status},
        )
    return link


def network_nodes(user: Any, subject_ids: list[int]) -> list[NetworkExtra]:
    """Agreed cross-border links touching these records, as "held by X" nodes (no details)."""
    rows = (
        cross_links.visible(user, "view")
        .filter(status=LinkStatus.AGREED)
        .select_related("share__match__holder", "share__match__enquiry__partnership", "share__holder_record")
    )
    extras = []
    for link in rows.filter(location_id__in=subject_ids):
        holder = link.share.match.holder
        kind = link.share.holder_record.get_kind_display() if link.share.holder_record else "Record"
        extras.append(
            NetworkExtra(
                f"x{link.pk}",
                f"{kind} held by {holder.short_name or holder.name}",
                link.location_id,
                "linked across borders",
            )
        )
    for link in rows.filter(share__holder_record_id__in=subject_ids):
        asker = link.share.match.enquiry.partnership
        if link.share.holder_record_id is None:
            continue
        extras.append(
            NetworkExtra(
                f"x{link.pk}",
                f"Location held by {asker.short_name or asker.name}",
                link.share.holder_record_id,
                "linked across borders",
            )
        )
    return extras


__all__ = ["ask", "decide_link", "decide_share", "enquiries", "propose_link", "refingerprint_all", "request_details"]
