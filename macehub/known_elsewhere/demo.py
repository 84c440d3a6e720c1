"""Demo "known elsewhere?": fingerprints for every demo register record, and between Lambeth and
Kingston & Richmond one person of concern matched and shared after agreement, a group shared
and linked to a Lambeth location (both agreed), and a request waiting for Lambeth's decision.
Every name is invented.

Idempotent: nothing is added once the demo has an enquiry.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from macehub.core.demo import DemoContext
from macehub.subjects.models import Kind, Subject

from .fingerprints import IdentifierKind, Print, fingerprint, normalise_group, person_prints
from .models import CrossLink, Enquiry, LinkStatus, Match, ShareRequest, ShareStatus
from .services import _insert_matches, _snapshot, refingerprint_all


def _enquiry(panel: Any, by: Any, kind: str, prints: list[Print], reason: str, subject: Any, days_ago: int) -> Enquiry:
    enquiry = Enquiry.objects.create(
        panel=panel,
        partnership=panel.partnership,
        subject=subject,
        kind=kind,
        digests=[p.digest for p in prints],
        reason=reason,
        created_by=by,
        updated_by=by,
    )
    _insert_matches(enquiry, enquiry.digests)
    when = timezone.now() - timedelta(days=days_ago)
    Enquiry.objects.filter(pk=enquiry.pk).update(created_at=when)
    Match.objects.filter(enquiry=enquiry).update(found_at=when)
    return enquiry


def _agree(
    match: Match, *, asker: Any, holder: Any, record: Subject, fields: list[str], reason: str, basis: str
) -> ShareRequest:
    return ShareRequest.objects.create(
        match=match,
        reason=reason,
        status=ShareStatus.AGREED,
        holder_record=record,
        lawful_basis=basis,
        purpose="Safeguarding children at risk of criminal exploitation in both boroughs",
        shared_fields=fields,
        snapshot=_snapshot(record, fields),
        decided_by=holder,
        decided_at=timezone.now() - timedelta(days=1),
        created_by=asker,
        updated_by=holder,
    )


def seed(ctx: DemoContext) -> None:
    lambeth, kr = ctx.objects.get("panel:lambeth"), ctx.objects.get("panel:kingston-richmond")
    lambeth_register: dict[str, Any] | None = ctx.objects.get("register:lambeth")
    kr_register: dict[str, Any] | None = ctx.objects.get("register:kingston-richmond")
    if lambeth is None or kr is None or lambeth_register is None or kr_register is None or Enquiry.objects.exists():
        refingerprint_all()
        return
    rob, amara, joy = ctx.get("user:rob"), ctx.get("user:amara"), ctx.get("user:joy")
    # The same person of concern, held in Kingston & Richmond too (they moved his operation there).
    person = lambeth_register["persons"][0]
    kr_person = Subject.objects.create(
        panel=kr,
        kind=Kind.PERSON,
        number=(Subject.objects.filter(panel=kr, kind=Kind.PERSON).count() + 1),
        given_names=person.given_names,
        family_name=person.family_name,
        date_of_birth=person.date_of_birth,
        aliases=["Stretch"],
        person_age_group=person.person_age_group or "adult",
        police_flags=["Weapons"],
        description="Thought to run a county line into Kingston from south London. Fictional demo record.",
        created_by=joy,
        updated_by=joy,
    )
    kr_group = kr_register["groups"][0]
    refingerprint_all()
    # 1. Lambeth's chair asks about the person of concern: Kingston & Richmond holds a match, and
    #    agreed to share the name, aliases and police flags.
    first = _enquiry(
        lambeth,
        rob,
        IdentifierKind.PERSON if person.date_of_birth else IdentifierKind.PERSON_NAME,
        person_prints(person.given_names, person.family_name, person.date_of_birth),
        "Linked to two Lambeth children; intelligence suggests he works outside the borough too.",
        person,
        days_ago=6,
    )
    match = Match.objects.get(enquiry=first, holder=kr.partnership)
    _agree(
        match,
        asker=rob,
        holder=joy,
        record=kr_person,
        fields=["reference", "full_name", "aliases", "police_flags"],
        reason="Planning a joint disruption with the Met's county lines taskforce.",
        basis="Crime and Disorder Act 1998 s.115; Children Act 2004 s.11",
    )
    # 2. Lambeth's coordinator asks about a group by name: shared, and linked to a Lambeth location.
    second = _enquiry(
        lambeth,
        amara,
        IdentifierKind.GROUP,
        [Print(IdentifierKind.GROUP, fingerprint(IdentifierKind.GROUP, normalise_group(kr_group.name)))],
        "Lambeth children describe a group of this name collecting them from the bus station.",
        None,
        days_ago=4,
    )
    group_share = _agree(
        Match.objects.get(enquiry=second, holder=kr.partnership),
        asker=amara,
        holder=joy,
        record=kr_group,
        fields=["name", "harm_types"],
        reason="To link the group to the location our children are collected from.",
        basis="Children Act 1989 s.47",
    )
    CrossLink.objects.create(
        share=group_share,
        location=lambeth_register["locations"][0],
        status=LinkStatus.AGREED,
        note="Children collected from here by this group.",
        decided_by=joy,
        decided_at=timezone.now() - timedelta(days=1),
        created_by=amara,
        updated_by=joy,
    )
    # 3. Kingston & Richmond asks about a Lambeth group: the request waits for Lambeth's decision.
    lambeth_group = lambeth_register["groups"][1]
    third = _enquiry(
        kr,
        joy,
        IdentifierKind.GROUP,
        [Print(IdentifierKind.GROUP, fingerprint(IdentifierKind.GROUP, normalise_group(lambeth_group.name)))],
        "A group with this name is recruiting at a Kingston college.",
        None,
        days_ago=1,
    )
    for waiting in Match.objects.filter(enquiry=third, holder=lambeth.partnership):
        ShareRequest.objects.create(
            match=waiting, reason="To plan a joint response with the college.", created_by=joy, updated_by=joy
        )
    ctx.log.append(f"Known elsewhere: {Enquiry.objects.count()} enquiries, {Match.objects.count()} matches")
