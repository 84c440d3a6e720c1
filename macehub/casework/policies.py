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

from django.db.models import Model, Q

from macehub.core.access import Role, access_for
from macehub.core.policies import EVERYTHING, Policy, RecordPolicy, predicate
from macehub.organisations.models import Panel
from macehub.subjects.models import Kind, Subject
from macehub.subjects.policies import (
    deciding_panel_ids,
    deciding_records,
    live_records,
    on_register,
    records,
    register_panel_ids,
    seen_records,
)

from .models import Disruption, Escalation, MissingEpisode, NRMReferral, Plan, ReturnInterview, RiskAssessment

# --- One policy per casework aggregate, each reaching the register record's rule -----------------
# A casework record is seen by exactly those who see the record it is about, and added to or
# changed while that record is live (not merged into another). The record's rule is written once,
# in subjects.policies; here each aggregate only says how to reach its record.


def _about_record(model: type[Model], name: str, via: str, *, children_only: bool = False) -> RecordPolicy:
    child = Q(**{f"{via}kind": Kind.CHILD}) if children_only else EVERYTHING
    policy = RecordPolicy(model, name=name)
    policy.scope("view", lambda user: seen_records(user, via) & child)
    policy.scope("record", lambda user: live_records(user, via) & child)
    return policy


assessments = _about_record(RiskAssessment, "casework.risk_assessment", "child__", children_only=True)
plans = _about_record(Plan, "casework.plan", "subject__")
episodes = _about_record(MissingEpisode, "casework.missing_episode", "child__", children_only=True)
interviews = _about_record(ReturnInterview, "casework.return_interview", "episode__child__", children_only=True)
nrm_referrals = _about_record(NRMReferral, "casework.nrm_referral", "child__", children_only=True)
disruptions = _about_record(Disruption, "casework.disruption", "target__")
escalations = _about_record(Escalation, "casework.escalation", "subject__")
#: Escalations are raised and answered by the panel's coordinators and chairs.
escalations.scope("escalate", lambda user: deciding_records(user, "subject__"))

#: The policy of each casework aggregate.
POLICIES: dict[type[Model], RecordPolicy] = {
    RiskAssessment: assessments,
    Plan: plans,
    MissingEpisode: episodes,
    ReturnInterview: interviews,
    NRMReferral: nrm_referrals,
    Disruption: disruptions,
    Escalation: escalations,
}


def _settings_managers(user: Any) -> Q:
    return Q(pk__in=deciding_panel_ids(user)) | Q(
        partnership_id__in=access_for(user).partnership_ids(Role.BOROUGH_ADMIN)
    )


#: A panel's casework settings (review intervals, NRM timeliness): its coordinators and chairs,
#: and the partnership's borough admins.
panels = RecordPolicy(Panel, name="casework.panel")
panels.scope("manage_settings", _settings_managers)


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


def _object_rule(name: str, *, on_record: str, on_casework: str, children_only: bool = False) -> Any:
    """A rule about a register record (the record policy's ``on_record``) or one of its casework
    records (that aggregate's ``on_casework``)."""

    def allowed(user: Any, obj: Any = None) -> bool:
        if isinstance(obj, Subject):
            return records.can(user, on_record, obj) and (not children_only or obj.kind == Kind.CHILD)
        policy = POLICIES.get(type(obj))
        if policy is None or on_casework not in policy.scopes:
            return False
        return policy.can(user, on_casework, obj) and (not children_only or subject_of(obj).kind == Kind.CHILD)  # type: ignore[union-attr]

    allowed.__name__ = name
    return predicate(allowed)


@predicate
def works_on_a_panel(user: Any, obj: Any = None) -> bool:
    return bool(register_panel_ids(user))


class CaseworkPolicy(Policy):
    def __init__(self) -> None:
        super().__init__()
        self.rule("use_casework", works_on_a_panel)
        #: Panel-wide lists (due and overdue, plans, disruption, escalations).
        self.rule("view_panel_casework", on_register("view"))
        self.rule("view_casework", _object_rule("view_casework", on_record="view", on_casework="view"))
        self.rule(
            "view_journey", _object_rule("view_journey", on_record="view", on_casework="view", children_only=True)
        )
        self.rule("record_casework", _object_rule("record_casework", on_record="edit", on_casework="record"))
        self.rule(
            "record_child_casework",
            _object_rule("record_child_casework", on_record="edit", on_casework="record", children_only=True),
        )
        self.rule(
            "set_risk_level",
            _object_rule("set_risk_level", on_record="decide", on_casework="decide", children_only=True),
        )
        self.rule("escalate", _object_rule("escalate", on_record="decide", on_casework="escalate"))
        self.rule("manage_settings", panels.rule_for("manage_settings"))


policy = CaseworkPolicy()
