"""Agency contributions before the meeting, and chasing the missing ones."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.accounts.types import User
from macehub.audit.models import Action as AuditAction
from macehub.audit.services import record
from macehub.core.email import send_later
from macehub.core.services import update_versioned
from macehub.organisations.models import Agency

from ..models import NOT_SENT, AgendaItem, Chase, Contribution, ContributionStatus, Invitation, InvitationScope, Meeting
from ..policies import invitation_for, item_records, meeting_records
from ..selectors.contributions import contributions_grid
from ..selectors.invitations import asked_agencies
from .common import clean_text, refuse_children_names, require

#: "Nothing held" with text typed is refused, never saved with the text thrown away.
NOTHING_HELD_WITH_TEXT = (
    "You chose ‘Nothing held’ but wrote what your agency knows. Clear the text, or choose that your "
    "agency holds information"
)


def contribution_save(
    *,
    actor: User,
    item: AgendaItem,
    agency: Agency,
    status: str,
    text: str,
    expected_version: int | None = None,
) -> Contribution:
    """What an agency knows about an item, or that it holds nothing. Representatives send their
    own agency's; coordinators and chairs may record one on an agency's behalf. A changed
    contribution is refused if someone else saved it since it was opened."""
    meeting = item.meeting
    require(actor, "contribute", meeting)
    if not item_records.can(actor, "view", item):
        raise PermissionDenied("contribute")
    asked = asked_agencies(meeting)
    if not asked.asked(item.pk, agency.pk):
        raise ValidationError({"agency": "This agency has not been asked about this item"})
    invited = invitation_for(actor, meeting)
    for_own_agency = invited is not None and invited.agency_id == agency.pk
    if not for_own_agency and not meeting_records.can(actor, "run", meeting):
        raise PermissionDenied("contribute")
    if status not in ContributionStatus.values:
        raise ValidationError({"status": "Choose whether your agency holds information about this"})
    text = clean_text(text)
    if status == ContributionStatus.SUBMITTED and not text:
        raise ValidationError({"text": "Enter what your agency knows, or choose ‘Nothing held’"})
    if status == ContributionStatus.NOTHING_HELD and text:
        raise ValidationError({"text": NOTHING_HELD_WITH_TEXT})
    refuse_children_names(meeting, "text", text)
    now = timezone.now()
    existing = Contribution.objects.filter(item=item, agency=agency).first()
    with transaction.atomic():
        if existing is None:
            contribution = Contribution(
                item=item,
                agency=agency,
                status=status,
                text=text,
                submitted_by=actor,
                submitted_at=now,
                created_by=actor,
                updated_by=actor,
            )
            contribution.full_clean()
            contribution.save()
            action = AuditAction.SUBMIT
        else:
            contribution = existing
            contribution.status, contribution.text = status, text
            contribution.submitted_by, contribution.submitted_at = actor, now
            update_versioned(
                contribution,
                expected_version=expected_version if expected_version is not None else -1,
                actor=actor,
                fields=["status", "text", "submitted_by", "submitted_at"],
            )
            action = AuditAction.UPDATE
        record(
            action=action,
            actor=actor,
            obj=contribution,
            detail={
                "status": status,
                "on_behalf": not for_own_agency,
                "late": bool(meeting.contributions_due and timezone.localdate() > meeting.contributions_due),
            },
        )
    return contribution


def contributions_chase(*, actor: User, meeting: Meeting, agency: Agency | None = None) -> list[Chase]:
    """One click: e-mail (in the background) everyone invited from each agency whose contributions
    are missing — or only ``agency`` — saying how many are missing and by when. The e-mail names
    no child and no record; it links to the contribution page."""
    require(actor, "plan_meeting", meeting)
    grid = contributions_grid(actor, meeting)
    missing: dict[int, list[int]] = {}
    for row in grid.rows:
        for cell_agency, state, _ in row.cells:
            if state == NOT_SENT and (agency is None or cell_agency.pk == agency.pk):
                missing.setdefault(cell_agency.pk, []).append(row.item.pk)
    if not missing:
        raise ValidationError("Every agency asked has sent its contributions: there is nobody to chase.")
    agencies = {a.pk: a for a in grid.agencies}
    invitations = list(
        Invitation.objects.filter(meeting=meeting, agency_id__in=list(missing), user__is_active=True)
        .select_related("user")
        .prefetch_related("items")
    )
    chases = []
    with transaction.atomic():
        for agency_id, item_ids in missing.items():
            recipients = []
            for invitation in invitations:
                if invitation.agency_id != agency_id:
                    continue
                theirs = (
                    item_ids
                    if invitation.scope == InvitationScope.WHOLE
                    else [i for i in item_ids if i in {x.pk for x in invitation.items.all()}]
                )
                if not theirs:
                    continue
                recipients.append(invitation.user.email)
                send_later(
                    template="meetings/email/chase",
                    to=[invitation.user.email],
                    context={
                        "meeting": meeting,
                        "panel": meeting.panel,
                        "agency": agencies[agency_id],
                        "missing": len(theirs),
                    },
                )
            chase = Chase.objects.create(
                meeting=meeting,
                agency_id=agency_id,
                missing=len(item_ids),
                recipients=len(recipients),
                chased_by=actor,
            )
            chases.append(chase)
            record(
                action=AuditAction.REMIND,
                actor=actor,
                obj=meeting,
                detail={
                    "chased": agencies[agency_id].name,
                    "missing_contributions": len(item_ids),
                    "to": recipients,
                },
            )
    return chases
