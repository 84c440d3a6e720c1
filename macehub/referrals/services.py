"""Writes for referrals: making one, withdrawing it, and screening it (accept, signpost, or
not meeting the criteria — always with a reason). Accepting creates or links register
records and lists them for the next meeting."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Max, Q
from django.utils import timezone

from macehub.accounts.models import Membership
from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core import uploads
from macehub.core.access import Role
from macehub.core.email import send_later
from macehub.core.services import snapshot, update_versioned
from macehub.subjects.models import KIND_RANK, Kind, Link, Subject
from macehub.subjects.policies import agencies_on_panel
from macehub.subjects.policies import policy as subjects_policy
from macehub.subjects.services import links as link_services
from macehub.subjects.services import records as record_services
from macehub.subjects.taxonomy import AgeBand, GroupType, LocationType

from .models import Referral, ReferralAttachment, ReferralStatus, Route, SubjectType
from .policies import policy

#: What the referral form may set, by type of referral.
FIELDS_BY_TYPE: dict[str, list[str]] = {
    SubjectType.CHILD: [
        "given_names",
        "family_name",
        "aliases",
        "date_of_birth",
        "age_band",
        "sex",
        "ethnicity",
        "school",
    ],
    SubjectType.PERSON: ["given_names", "family_name", "aliases", "date_of_birth", "person_age_group", "sex"],
    SubjectType.GROUP: ["name"],
    SubjectType.LOCATION: ["name", "location_type", "ward"],
}
COMMON_FIELDS = ["route", "route_reference", "front_door_screened", "concerns", "associates", "locations", "online"]
IDENTIFYING = frozenset({"given_names", "family_name", "aliases", "date_of_birth"})


def _next_number(panel: Any) -> int:
    return int(Referral.objects.filter(panel=panel).aggregate(last=Max("number"))["last"] or 0) + 1


def referral_create(
    *,
    actor: Any,
    panel: Any,
    subject_type: str,
    referrer_agency: Any,
    values: dict[str, Any],
    harm_types: Iterable[Any],
    attachments: Iterable[UploadedFile[bytes]] = (),
    submission_id: uuid.UUID | None = None,
) -> Referral:
    """An agency member refers a child, group, location or possible perpetrator to a panel.
    The coordinators are told by e-mail (without any name in it)."""
    policy.require(actor, "refer_to", panel)
    if submission_id is not None:
        existing = Referral.objects.filter(submission_id=submission_id).first()
        if existing is not None:
            raise record_services.DuplicateSubmission(existing)
    if referrer_agency is None or referrer_agency.pk not in agencies_on_panel(actor, panel.pk):
        raise ValidationError({"referrer_agency": "Choose the agency you are referring for"})
    allowed = set(FIELDS_BY_TYPE[subject_type]) | set(COMMON_FIELDS)
    unknown = set(values) - allowed
    if unknown:
        raise ValueError(f"Fields not used for a {subject_type} referral: {sorted(unknown)}")
    referral = Referral(
        panel=panel,
        number=0,
        subject_type=subject_type,
        referrer=actor,
        referrer_agency=referrer_agency,
        submission_id=submission_id,
        created_by=actor,
        updated_by=actor,
        **values,
    )
    if referral.route == Route.FRONT_DOOR:
        referral.front_door_screened = True
    _validate(referral)
    harm = list(harm_types)
    if not harm:
        raise ValidationError({"harm_types": "Choose at least one type of harm, or ‘Other harm outside the home’"})
    referral.full_clean(exclude=["number"])
    with transaction.atomic():
        for attempt in range(5):
            referral.number = _next_number(panel)
            try:
                with transaction.atomic():
                    referral.save()
                break
            except IntegrityError:
                if submission_id and Referral.objects.filter(submission_id=submission_id).exists():
                    raise record_services.DuplicateSubmission(
                        Referral.objects.get(submission_id=submission_id)
                    ) from None
                if attempt == 4:
                    raise
        referral.harm_types.set(harm)
        for upload in attachments:
            stored = uploads.store(upload, actor=actor, partnership_id=panel.partnership_id)
            ReferralAttachment.objects.create(referral=referral, file=stored)
        changes = snapshot(referral, [f for f in allowed if f not in IDENTIFYING] + ["subject_type", "harm_types"])
        record(
            action=Action.CREATE,
            actor=actor,
            obj=referral,
            changes=changes,
            detail={"identifying_details_given": sorted(f for f in IDENTIFYING if values.get(f))},
        )
        screeners = _screeners(referral)
        if screeners:
            send_later(template="referrals/email/referral_waiting", to=screeners, context={"referral": referral})
    return referral


def _screeners(referral: Referral) -> list[str]:
    """Who to tell that a referral waits: the panel's coordinators (its chairs, when the only
    coordinator made it: nobody screens their own referral) — or, for a possible perpetrator,
    the coordinators and chairs the panel allows to see persons of concern."""
    panel = referral.panel
    members = Membership.objects.filter(panel=panel, ended_at__isnull=True, user__is_active=True).exclude(
        user_id=referral.referrer_id
    )
    if referral.subject_type != SubjectType.PERSON:
        coordinators = set(members.filter(role=Role.COORDINATOR).values_list("user__email", flat=True))
        return sorted(coordinators or set(members.filter(role=Role.PANEL_CHAIR).values_list("user__email", flat=True)))
    allowed = members.filter(role__in=[Role.COORDINATOR, Role.PANEL_CHAIR]).filter(
        Q(role__in=panel.poc_visible_roles) | Q(agency__agency_type__in=panel.poc_visible_agency_types)
    )
    return sorted(set(allowed.values_list("user__email", flat=True)))


def _validate(referral: Referral) -> None:
    errors: dict[str, str] = {}
    kind = referral.subject_type
    if kind in (SubjectType.CHILD, SubjectType.PERSON):
        if not (referral.given_names.strip() or referral.family_name.strip() or referral.aliases.strip()):
            errors["given_names"] = "Enter a name, or a name they are known by"
    elif not referral.name.strip():
        errors["name"] = "Enter a name or description of the " + ("group" if kind == SubjectType.GROUP else "location")
    if kind == SubjectType.CHILD:
        if referral.date_of_birth is None and not referral.age_band:
            errors["age_band"] = "Enter a date of birth or choose an age band"
        problem = record_services.age_errors(referral.panel, referral.date_of_birth, referral.age_band)
        if problem:
            errors["date_of_birth" if referral.date_of_birth else "age_band"] = problem
    if referral.route in (Route.POLICE, Route.STRATEGY) and not referral.route_reference.strip():
        errors["route_reference"] = "Enter the police report or strategy discussion reference"
    if not referral.concerns.strip():
        errors["concerns"] = "Enter what you are worried about"
    if errors:
        raise ValidationError(errors)


def referral_withdraw(*, actor: Any, referral: Referral, expected_version: int, reason: str) -> Referral:
    """The referrer takes back a referral that has not been screened yet."""
    policy.require(actor, "withdraw_referral", referral)
    referral.status = ReferralStatus.WITHDRAWN
    referral.decision_reason = reason.strip()
    with transaction.atomic():
        update_versioned(referral, expected_version=expected_version, actor=actor, fields=["status", "decision_reason"])
        record(action=Action.UPDATE, actor=actor, obj=referral, changes={"status": ["submitted", "withdrawn"]})
    return referral


def _locked_waiting(referral: Referral) -> None:
    current = Referral.objects.select_for_update().filter(pk=referral.pk).values_list("status", "version").first()
    if current is None or current[0] != ReferralStatus.SUBMITTED:
        raise ValidationError("This referral has already been screened. Reload the page to see the decision.")


def _tell_referrer(referral: Referral) -> None:
    send_later(
        template="referrals/email/referral_decided", to=[referral.referrer.email], context={"referral": referral}
    )


def referral_decline(
    *, actor: Any, referral: Referral, expected_version: int, outcome: str, reason: str, signposted_to: str = ""
) -> Referral:
    """Signpost elsewhere, or record that the referral does not meet the panel's criteria."""
    policy.require(actor, "decide_referral", referral)
    if outcome not in (ReferralStatus.SIGNPOSTED, ReferralStatus.NOT_MET):
        raise ValidationError({"outcome": "Choose signpost or does not meet the criteria"})
    if not reason.strip():
        raise ValidationError({"reason": "Enter the reason for the decision"})
    if outcome == ReferralStatus.SIGNPOSTED and not signposted_to.strip():
        raise ValidationError({"signposted_to": "Enter where the referral has been signposted to"})
    with transaction.atomic():
        _locked_waiting(referral)
        referral.status = outcome
        referral.decision_reason = reason.strip()
        referral.signposted_to = signposted_to.strip() if outcome == ReferralStatus.SIGNPOSTED else ""
        referral.decided_by = actor
        referral.decided_at = timezone.now()
        update_versioned(
            referral,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "decision_reason", "signposted_to", "decided_by", "decided_at"],
        )
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=referral,
            changes={"status": ["submitted", outcome]},
            detail={"reason": referral.decision_reason, "signposted_to": referral.signposted_to},
        )
        _tell_referrer(referral)
    return referral


def subject_values(referral: Referral) -> dict[str, Any]:
    """What a new register record takes from the referral."""
    summary = f"From referral {referral.reference}: {referral.concerns}"[:4000]
    aliases = [a.strip() for a in referral.aliases.split(",") if a.strip()]
    if referral.subject_type == SubjectType.CHILD:
        values: dict[str, Any] = {
            "given_names": referral.given_names,
            "family_name": referral.family_name,
            "aliases": aliases,
            "date_of_birth": referral.date_of_birth,
            "age_band": "" if referral.date_of_birth else (referral.age_band or AgeBand.NOT_KNOWN),
            "sex": referral.sex,
            "ethnicity": referral.ethnicity,
            "description": summary,
        }
    elif referral.subject_type == SubjectType.PERSON:
        values = {
            "given_names": referral.given_names,
            "family_name": referral.family_name,
            "aliases": aliases,
            "date_of_birth": referral.date_of_birth,
            "person_age_group": referral.person_age_group,
            "sex": referral.sex,
            "description": summary,
        }
    elif referral.subject_type == SubjectType.GROUP:
        values = {"name": referral.name, "group_type": GroupType.PEER, "description": summary}
    else:
        values = {
            "name": referral.name,
            "location_type": referral.location_type or LocationType.OTHER,
            "ward": referral.ward,
            "description": summary,
        }
    return values


def referral_accept(
    *,
    actor: Any,
    referral: Referral,
    expected_version: int,
    reason: str,
    existing: Subject | None = None,
    link_to: Iterable[Subject] = (),
    screened_now: bool = False,
) -> Subject:
    """Accept to the panel: add the child (group, location, person) to the register — or link the
    referral to the record already there — link it to the contexts the coordinator chose, and
    list it for the next meeting. A panel may require front-door screening first (R9)."""
    policy.require(actor, "decide_referral", referral)
    if not reason.strip():
        raise ValidationError({"reason": "Enter why the referral meets the panel's criteria"})
    panel = referral.panel
    screened = referral.front_door_screened or screened_now
    if panel.front_door_screening_required and referral.subject_type == SubjectType.CHILD and not screened:
        raise ValidationError(
            {
                "screened": f"{panel.name} accepts a child only after front-door (MASH) screening. Confirm it has "
                "been screened, or signpost the referral to the front door"
            }
        )
    kind = referral.kind
    if existing is not None and (
        existing.kind != kind
        or existing.panel_id != panel.pk
        or not subjects_policy.can(actor, "link_record", existing)
    ):
        raise ValidationError({"existing": "Choose a record of the right kind on this panel's register"})
    with transaction.atomic():
        _locked_waiting(referral)
        if existing is None:
            subject = record_services.subject_create(
                actor=actor,
                panel=panel,
                kind=kind,
                values=subject_values(referral),
                harm_types=list(referral.harm_types.all()),
                for_next_meeting=True,
                audit_detail={"from_referral": referral.reference},
            )
        else:
            subject = existing
            subject.harm_types.add(*referral.harm_types.all())
        linked = []
        for other in link_to:
            if other.pk == subject.pk:
                continue
            one, two = sorted((subject, other), key=lambda s: KIND_RANK[Kind(s.kind)])
            link_type = link_services.natural_link_type(one, two)
            already = Link.objects.filter(
                Q(source=one, target=two) | Q(source=two, target=one), link_type=link_type, ended_on__isnull=True
            ).exists()
            if already:
                continue
            link_services.link_create(
                actor=actor,
                one=one,
                other=two,
                link_type=link_type,
                known_from=timezone.localdate(referral.created_at),
                confidence="possible",
                source_agency=referral.referrer_agency,
                notes=f"From referral {referral.reference}",
            )
            linked.append(other.reference)
        record_services.mark_for_next_meeting(actor=actor, subjects=[subject])
        referral.subjects.add(subject)
        referral.status = ReferralStatus.ACCEPTED
        referral.decision_reason = reason.strip()
        referral.front_door_screened = screened
        referral.decided_by = actor
        referral.decided_at = timezone.now()
        update_versioned(
            referral,
            expected_version=expected_version,
            actor=actor,
            fields=["status", "decision_reason", "front_door_screened", "decided_by", "decided_at"],
        )
        record(
            action=Action.UPDATE,
            actor=actor,
            obj=referral,
            changes={"status": ["submitted", "accepted"]},
            detail={
                "reason": referral.decision_reason,
                "record": subject.reference,
                "new_record": existing is None,
                "linked_to": linked,
            },
        )
        _tell_referrer(referral)
    subject.refresh_from_db()
    return subject


def carry_referrals_over(keep: Subject, merged: Subject) -> dict[str, Any]:
    """Merge hook: referrals that led to the duplicate now also point at the record that is kept
    (the link to the merged record stays, so the history reads as it happened)."""
    through = Referral.subjects.through
    referral_ids = list(through.objects.filter(subject_id=merged.pk).values_list("referral_id", flat=True))
    for referral_id in referral_ids:
        through.objects.get_or_create(referral_id=referral_id, subject_id=keep.pk)
    return {"referrals_moved": len(referral_ids)}
