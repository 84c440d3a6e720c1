"""Missing episodes and return home interviews (and what an interview learned, as register links)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from macehub.audit.models import Action
from macehub.audit.services import record, save_with_audit
from macehub.core.services import field_changes, snapshot, update_versioned
from macehub.subjects.models import Confidence, Kind, Link, LinkType, Status, Subject
from macehub.subjects.services import links as link_services
from macehub.subjects.services import records as record_services

from ..hooks import episode_saved
from ..models import (
    InterviewOutcome,
    MissingEpisode,
    ReturnInterview,
)
from ..policies import policy
from ..times import describe
from .common import long_date, not_future, not_future_moment, raise_errors

# --- Missing episodes ------------------------------------------------------------------------

EPISODE_FIELDS = [
    "started_at",
    "returned_at",
    "reported_to_police",
    "police_reference",
    "classification",
    "risk_grade",
    "placement",
    "philomena",
    "where_found",
    "found_in",
    "notes",
]


def _check_episode(episode: MissingEpisode) -> None:
    errors: dict[str, str] = {}
    not_future_moment(errors, "started_on", episode.started_at, "The time the child went missing")
    not_future_moment(errors, "returned_on", episode.returned_at, "The time the child returned")
    if episode.returned_at is not None and episode.started_at is not None and episode.returned_at <= episode.started_at:
        errors["returned_on"] = f"The return must be after the child went missing ({describe(episode.started_at)})"
    if episode.reported_to_police and not episode.classification:
        errors["classification"] = "Choose how the police classified the episode"
    if not episode.reported_to_police:
        episode.classification = ""
        episode.police_reference = ""
    interview = getattr(episode, "interview", None) if episode.pk else None
    if interview is not None:
        if episode.returned_at is None:
            errors["returned_on"] = "A return home interview is recorded: enter when the child returned"
        elif interview.completed_at is not None and interview.completed_at <= episode.returned_at:
            errors["returned_on"] = (
                f"The return home interview was at {describe(interview.completed_at)}: the return must be before it"
            )
    raise_errors(errors)


def episode_create(*, actor: Any, child: Subject, values: dict[str, Any]) -> MissingEpisode:
    policy.require(actor, "record_child_casework", child)
    episode = MissingEpisode(child=child, **values, created_by=actor, updated_by=actor)
    _check_episode(episode)
    episode.full_clean()
    with transaction.atomic():
        episode.save()
        record(action=Action.CREATE, actor=actor, obj=episode, changes=snapshot(episode, EPISODE_FIELDS))
        episode_saved(actor=actor, episode=episode)
    return episode


def episode_update(
    *, actor: Any, episode: MissingEpisode, expected_version: int, values: dict[str, Any]
) -> MissingEpisode:
    """Change an episode — usually to record the child's return."""
    policy.require(actor, "record_child_casework", episode)
    before = snapshot(episode, EPISODE_FIELDS)
    for name in EPISODE_FIELDS:
        if name in values:
            setattr(episode, name, values[name])
    _check_episode(episode)
    with transaction.atomic():
        save_with_audit(episode, actor=actor, expected_version=expected_version, fields=EPISODE_FIELDS, before=before)
        # The interview's "within 72 hours" follows the episode's times.
        interview = ReturnInterview.objects.filter(episode=episode).first()
        if interview is not None:
            interview.episode = episode
            within = interview.compute_within_72_hours()
            if within != interview.within_72_hours:
                ReturnInterview.objects.filter(pk=interview.pk).update(within_72_hours=within)
        episode_saved(actor=actor, episode=episode)
    return episode


# --- Return home interviews ------------------------------------------------------------------

INTERVIEW_FIELDS = [
    "offered",
    "offered_on",
    "outcome",
    "completed_at",
    "interviewer_name",
    "interviewer_agency",
    "summary",
    "reason_not_completed",
]


@dataclass
class InterviewResult:
    interview: ReturnInterview
    links: list[Link] = field(default_factory=list)
    already_linked: list[Subject] = field(default_factory=list)
    new_records: list[Subject] = field(default_factory=list)


def _learned_link_type(record: Subject) -> str:
    if record.kind == Kind.LOCATION:
        return LinkType.SEEN_AT
    if record.kind == Kind.GROUP:
        return LinkType.MEMBER_OF
    return LinkType.ASSOCIATES


def _check_interview(interview: ReturnInterview, episode: MissingEpisode) -> None:
    errors: dict[str, str] = {}
    returned = episode.returned_at
    if returned is None:
        raise ValidationError("Record when the child returned before recording the return home interview.")
    returned_day = timezone.localtime(returned).date()
    if interview.offered:
        if interview.offered_on is None:
            errors["offered_on"] = "Enter the date the interview was offered"
        else:
            not_future(errors, "offered_on", interview.offered_on, "The date the interview was offered")
            if interview.offered_on < returned_day:
                errors["offered_on"] = (
                    f"The interview cannot be offered before the child returned, on {long_date(returned_day)}"
                )
    else:
        interview.offered_on = None
        if interview.outcome in (InterviewOutcome.COMPLETED, InterviewOutcome.DECLINED):
            errors["outcome"] = "An interview that was not offered cannot be completed or declined"
    if interview.outcome == InterviewOutcome.COMPLETED:
        if interview.completed_at is None:
            errors["completed_on"] = "Enter the date and time the interview was completed"
        else:
            not_future_moment(errors, "completed_on", interview.completed_at, "The time of the interview")
            if interview.completed_at <= returned:
                errors["completed_on"] = f"The interview must be after the child returned ({describe(returned)})"
        if not interview.interviewer_name.strip():
            errors["interviewer_name"] = "Enter who did the interview"
        if interview.interviewer_agency_id is None:
            errors["interviewer_agency"] = "Choose the interviewer's agency"
    else:
        interview.completed_at = None
    if interview.outcome == InterviewOutcome.NOT_COMPLETED and not interview.reason_not_completed.strip():
        errors["reason_not_completed"] = "Enter why the interview could not be completed"
    raise_errors(errors)


def interview_save(
    *,
    actor: Any,
    episode: MissingEpisode,
    expected_version: int | None,
    values: dict[str, Any],
    link_to: Iterable[Subject] = (),
    new_location: str = "",
    confidence: str = Confidence.LIKELY,
) -> InterviewResult:
    """Record (or update) the return home interview, and turn what it learned about associates
    and locations into register links in the same step (R34): each chosen record is linked to
    the child; a new location can be added to the register and linked too."""
    policy.require(actor, "record_child_casework", episode)
    child = episode.child
    existing = ReturnInterview.objects.filter(episode=episode).first()
    interview = existing or ReturnInterview(episode=episode, created_by=actor, updated_by=actor)
    before = snapshot(interview, INTERVIEW_FIELDS) if existing else {}
    for name in INTERVIEW_FIELDS:
        if name in values:
            setattr(interview, name, values[name])
    interview.episode = episode
    _check_interview(interview, episode)
    targets = [r for r in link_to if r.pk != child.pk]
    new_location = new_location.strip()
    if (targets or new_location) and interview.outcome != InterviewOutcome.COMPLETED:
        raise ValidationError(
            "Links come from what a completed interview learned: record the interview as completed, "
            "or untick the records chosen"
        )
    for target in targets:
        if target.panel_id != child.panel_id or target.status == Status.MERGED:
            raise ValidationError("Choose records on this panel's register")
    if confidence not in Confidence.values:
        raise ValidationError({"confidence": "Choose how sure the information is"})
    interview.within_72_hours = interview.compute_within_72_hours()
    result = InterviewResult(interview=interview)
    with transaction.atomic():
        if existing is None:
            interview.full_clean()
            interview.save()
        else:
            update_versioned(
                interview,
                expected_version=expected_version or 0,
                actor=actor,
                fields=[*INTERVIEW_FIELDS, "within_72_hours"],
            )
        if interview.outcome == InterviewOutcome.COMPLETED and interview.completed_at is not None:
            known_from = timezone.localtime(interview.completed_at).date()
            note = f"Mentioned in the return home interview on {long_date(known_from)}."
            if new_location:
                location = record_services.subject_create(
                    actor=actor,
                    panel=child.panel,
                    kind=Kind.LOCATION,
                    values={"name": new_location[:200], "description": note},
                    audit_detail={"added_from": "return home interview"},
                )
                result.new_records.append(location)
                targets.append(location)
            for target in targets:
                link_type = _learned_link_type(target)
                source, other = link_services.placed(child, target, link_type)
                duplicate = Link.objects.filter(
                    source=source, target=other, link_type=link_type, ended_on__isnull=True
                ).exists()
                if duplicate:
                    result.already_linked.append(target)
                    continue
                result.links.append(
                    link_services.link_create(
                        actor=actor,
                        one=child,
                        other=target,
                        link_type=link_type,
                        known_from=known_from,
                        confidence=confidence,
                        source_agency=interview.interviewer_agency,
                        notes=note,
                    )
                )
            if result.links:
                interview.links_made = [*interview.links_made, *[link.pk for link in result.links]]
                ReturnInterview.objects.filter(pk=interview.pk).update(links_made=interview.links_made)
        after = snapshot(interview, INTERVIEW_FIELDS)
        record(
            action=Action.CREATE if existing is None else Action.UPDATE,
            actor=actor,
            obj=interview,
            changes=field_changes(before, after),
            detail={
                "within_72_hours": interview.within_72_hours,
                "links_made": [f"{link.source.reference}–{link.target.reference}" for link in result.links],
                "records_added": [r.reference for r in result.new_records],
            },
        )
    return result
