"""Who may open the casework pages.

Casework follows the register record it is about. Panel A's chair, coordinator and members
see and add to the casework of panel A's children and contexts (404 for everyone else: the
record is not theirs). Escalations are raised and answered by coordinators and chairs (403 for
members). Partnership A's analyst, strategic lead and borough admin (and the system admin) can
see panel A but never its records: 403 on the panel's casework lists. The casework settings are
for the panel's coordinators and chairs and the partnership's borough admin. Persons of concern
are checked in tests/test_casework_access.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.factories.casework import casework_for
from tests.factories.personas import World

from ..subjects.factories import register_for
from .outcomes import DENIED, HIDDEN, NOT_ALLOWED, OK, REDIRECT, Case, signed_in

PANEL_A_ROLES = ("member_a", "member_a_education", "coordinator_a", "chair_a")
SEES_PANEL_A_ONLY = ("analyst_a", "lead_a", "borough_admin_a", "system_admin")
DECIDERS = ("coordinator_a", "chair_a")

#: Panel A's casework lists: panel roles get in; those who see the panel but not its records are refused.
PANEL = signed_in(HIDDEN, **dict.fromkeys(PANEL_A_ROLES, OK), **dict.fromkeys(SEES_PANEL_A_ONLY, DENIED))
#: A record (or casework record) on panel A: 404 for everyone not on the panel.
RECORD = signed_in(HIDDEN, **dict.fromkeys(PANEL_A_ROLES, OK))
#: Escalations: coordinators and chairs.
DECISION = signed_in(HIDDEN, **{**dict.fromkeys(PANEL_A_ROLES, DENIED), **dict.fromkeys(DECIDERS, OK)})
SETTINGS = signed_in(
    HIDDEN,
    **{
        **dict.fromkeys((*PANEL_A_ROLES, *SEES_PANEL_A_ONLY), DENIED),
        **dict.fromkeys((*DECIDERS, "borough_admin_a"), OK),
    },
)


def _cw(key: str) -> Callable[[World], Any]:
    return lambda w: casework_for(w, register_for(w))[key]


def _reg(key: str) -> Callable[[World], Any]:
    return lambda w: register_for(w)[key]


def _path(template: str, get: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda w: template.format(pk=get(w).pk)


def _panel(suffix: str) -> Callable[[World], str]:
    return lambda w: f"/casework/panels/{w.panel_a.pk}/{suffix}"


c1 = _reg("c1")

CASES: dict[str, Case] = {
    "casework:home": Case(
        lambda w: "/casework/",
        signed_in(DENIED, **dict.fromkeys((*PANEL_A_ROLES, "member_b"), REDIRECT)),
        notes="Straight to the person's only panel's due-and-overdue list.",
    ),
    "casework:due": Case(_panel(""), PANEL),
    "casework:panel_plans": Case(_panel("plans/"), PANEL),
    "casework:panel_disruption": Case(_panel("disruption/"), PANEL),
    "casework:panel_escalations": Case(_panel("escalations/"), PANEL),
    "casework:settings": Case(_panel("settings/"), SETTINGS, post=True),
    "casework:record": Case(_path("/casework/records/{pk}/", c1), RECORD),
    "casework:plan_create": Case(_path("/casework/records/{pk}/plans/new/", c1), RECORD, post=True),
    "casework:disruption_create": Case(_path("/casework/records/{pk}/disruption/new/", _reg("l1")), RECORD, post=True),
    "casework:escalation_create": Case(_path("/casework/records/{pk}/escalations/new/", c1), DECISION, post=True),
    "casework:journey": Case(_path("/casework/children/{pk}/journey/", c1), RECORD),
    "casework:journey_pdf": Case(_path("/casework/children/{pk}/journey/pdf/", c1), RECORD),
    "casework:risk_history": Case(_path("/casework/children/{pk}/risk/", c1), RECORD),
    "casework:assessment_create": Case(_path("/casework/children/{pk}/risk/new/", c1), RECORD, post=True),
    "casework:missing_create": Case(_path("/casework/children/{pk}/missing/new/", c1), RECORD, post=True),
    "casework:nrm_create": Case(_path("/casework/children/{pk}/nrm/new/", c1), RECORD, post=True),
    "casework:missing_detail": Case(_path("/casework/missing/{pk}/", _cw("episode")), RECORD),
    "casework:missing_edit": Case(_path("/casework/missing/{pk}/edit/", _cw("episode")), RECORD, post=True),
    "casework:interview": Case(_path("/casework/missing/{pk}/interview/", _cw("episode")), RECORD, post=True),
    "casework:nrm_detail": Case(_path("/casework/nrm/{pk}/", _cw("nrm")), RECORD),
    "casework:nrm_edit": Case(_path("/casework/nrm/{pk}/edit/", _cw("nrm")), RECORD, post=True),
    "casework:plan_detail": Case(_path("/casework/plans/{pk}/", _cw("plan")), RECORD),
    "casework:plan_review": Case(_path("/casework/plans/{pk}/review/", _cw("plan")), RECORD, post=True),
    "casework:plan_children": Case(
        _path("/casework/plans/{pk}/children/", _cw("context_plan")),
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": signed_in(HIDDEN, **dict.fromkeys(PANEL_A_ROLES, REDIRECT))},
        notes="POST only: add children linked to the context since the plan was made.",
    ),
    "casework:disruption_detail": Case(_path("/casework/disruption/{pk}/", _cw("disruption")), RECORD),
    "casework:disruption_edit": Case(_path("/casework/disruption/{pk}/edit/", _cw("disruption")), RECORD, post=True),
    "casework:escalation_detail": Case(_path("/casework/escalations/{pk}/", _cw("escalation")), RECORD),
    "casework:escalation_edit": Case(_path("/casework/escalations/{pk}/edit/", _cw("escalation")), DECISION, post=True),
}
