"""Who may see and record casework (casework app policy).

Casework is about a record on a panel's VOLT register, and follows that record's rules
(``subjects.policies``):

* Anyone who may see the record — a chair, coordinator or member of its panel, and for a person
  of concern only the roles the panel allows — sees its casework and the child's journey, and
  may add to it: risk assessments, plans and reviews, missing episodes and return interviews,
  NRM referrals and disruption activity. Records merged into another are read-only.
* Setting the child's *current* risk level from an assessment is a panel decision: coordinators
  and chairs (as on the register).
* Escalations are raised and answered by the panel's coordinators and chairs.
* A panel's casework settings (review intervals, NRM timeliness) are changed by its coordinators
  and chairs and by the partnership's borough admins.
* Partnership analysts, strategic leads and London-wide roles never see casework records.
"""

from __future__ import annotations

from typing import Any

from macehub.core.access import Role, access_for
from macehub.core.policies import Policy, predicate
from macehub.subjects.models import Subject
from macehub.subjects.policies import (
    deciding_panel_ids,
    may_see_record,
    not_merged,
    on_register,
    register_panel_ids,
)

from .models import Disruption, Escalation, MissingEpisode, NRMReferral, Plan, ReturnInterview, RiskAssessment


def subject_of(obj: Any) -> Subject | None:
    """The register record a casework record is about."""
    if isinstance(obj, Subject):
        return obj
    if isinstance(obj, RiskAssessment | MissingEpisode | NRMReferral):
        return obj.child
    if isinstance(obj, ReturnInterview):
        return obj.episode.child
    if isinstance(obj, Plan | Escalation):
        return obj.subject
    if isinstance(obj, Disruption):
        return obj.target
    return None


@predicate
def works_on_a_panel(user: Any, obj: Any = None) -> bool:
    return bool(register_panel_ids(user))


@predicate
def may_see_subject(user: Any, obj: Any) -> bool:
    subject = subject_of(obj)
    return subject is not None and bool(may_see_record(user, subject))


@predicate
def subject_not_merged(user: Any, obj: Any) -> bool:
    subject = subject_of(obj)
    return subject is not None and bool(not_merged(user, subject))


@predicate
def is_child(user: Any, obj: Any) -> bool:
    subject = subject_of(obj)
    return subject is not None and subject.kind == "child"


@predicate
def decides_for_subject_panel(user: Any, obj: Any) -> bool:
    subject = subject_of(obj)
    return subject is not None and subject.panel_id in deciding_panel_ids(user)


@predicate
def manages_panel_settings(user: Any, panel: Any) -> bool:
    if panel is None:
        return False
    profile = access_for(user)
    return panel.pk in deciding_panel_ids(user) or panel.partnership_id in profile.partnership_ids(Role.BOROUGH_ADMIN)


class CaseworkPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_casework", works_on_a_panel)
        #: Panel-wide lists (due and overdue, plans, disruption, escalations).
        self.rule("view_panel_casework", on_register("view"))
        self.rule("view_casework", may_see_subject)
        self.rule("view_journey", may_see_subject & is_child)
        self.rule("record_casework", may_see_subject & subject_not_merged)
        self.rule("record_child_casework", may_see_subject & subject_not_merged & is_child)
        self.rule("set_risk_level", may_see_subject & subject_not_merged & is_child & decides_for_subject_panel)
        self.rule("escalate", may_see_subject & subject_not_merged & decides_for_subject_panel)
        self.rule("manage_settings", manages_panel_settings)


policy = CaseworkPolicy()
