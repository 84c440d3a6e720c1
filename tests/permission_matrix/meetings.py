"""Who may open the meetings and actions pages.

Panel A's coordinator and chair run its meetings (schedule, agenda, invitations, contributions
grid, attendance, the record, closing, minutes); only the chair approves minutes. ``member_a``
(police) is invited to the whole of both fixture meetings and owns the open action;
``member_a_education`` (a school) is invited only for the child's item of the planned meeting,
so sees that meeting and that item, contributes on it, and gets 404 on the held meeting.
Partnership A's analyst, strategic lead and borough admin can see panel A but none of its
meetings (403 on panel pages), except the aggregate "attendance and quality" page. Everyone
else gets 404. The pack redirects to the confidentiality acknowledgement first.
See tests/factories/meetings.py for the fixture.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.factories.meetings import meetings_for
from tests.factories.personas import World

from ..subjects.factories import register_for
from .outcomes import BAD, DENIED, HIDDEN, NOT_ALLOWED, OK, REDIRECT, Case, signed_in

PANEL_ROLES_A = ("member_a", "member_a_education", "coordinator_a", "chair_a")
PANEL_ROLES = (*PANEL_ROLES_A, "member_b")
RUNNERS = ("coordinator_a", "chair_a")
SEES_PANEL_A_ONLY = ("analyst_a", "lead_a", "borough_admin_a", "system_admin")
INVITED_PLANNED = ("member_a", "member_a_education")

#: A panel A page for panel roles; those who can see the panel but not its meetings get 403.
PANEL_PAGE = signed_in(HIDDEN, **dict.fromkeys(PANEL_ROLES_A, OK), **dict.fromkeys(SEES_PANEL_A_ONLY, DENIED))
#: A panel A page for coordinators and chairs only.
RUNNERS_PANEL_PAGE = {**PANEL_PAGE, "member_a": DENIED, "member_a_education": DENIED}
#: A planned-meeting page everyone invited may open.
PLANNED = signed_in(HIDDEN, **dict.fromkeys((*INVITED_PLANNED, *RUNNERS), OK))
#: A planned-meeting page for coordinators and chairs.
RUNNERS_PLANNED = {**PLANNED, "member_a": DENIED, "member_a_education": DENIED}
#: The held meeting: the school was not invited to it.
HELD = signed_in(HIDDEN, **dict.fromkeys(("member_a", *RUNNERS), OK))
RUNNERS_HELD = {**HELD, "member_a": DENIED}
#: POST-only URLs answer 405 to a GET from anyone signed in.
POST_ONLY = signed_in(NOT_ALLOWED)


def _m(key: str) -> Callable[[World], Any]:
    return lambda w: meetings_for(w, register_for(w))[key]


def _meeting(key: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/meetings/{_m(key)(w).pk}/{suffix}"


def _item(key: str, suffix: str = "") -> Callable[[World], str]:
    return lambda w: f"/meetings/items/{_m(key)(w).pk}/{suffix}"


def _panel(suffix: str) -> Callable[[World], str]:
    return lambda w: f"/panels/{meetings_for(w, register_for(w))['planned'].panel_id}/{suffix}"


CASES: dict[str, Case] = {
    "meetings:index": Case(
        lambda w: "/meetings/",
        signed_in(DENIED, **dict.fromkeys((*PANEL_ROLES, "guest_a"), OK)),
        notes="An invited professional (guest_a) lists the meetings they are invited to; uninvited, none.",
    ),
    "meetings:panel_meetings": Case(_panel("meetings/"), PANEL_PAGE),
    "meetings:schedule": Case(_panel("meetings/new/"), RUNNERS_PANEL_PAGE, post=True),
    "meetings:quality": Case(
        _panel("meetings/quality/"),
        {**RUNNERS_PANEL_PAGE, "analyst_a": OK, "lead_a": OK, "borough_admin_a": OK},
        notes="Counts only: the partnership's analyst, strategic lead and borough admin see it too.",
    ),
    "meetings:panel_actions": Case(_panel("actions/"), RUNNERS_PANEL_PAGE),
    # One meeting
    "meetings:detail": Case(_meeting("planned"), PLANNED),
    "meetings:calendar_file": Case(
        _meeting("planned", "meeting.ics"), PLANNED, notes="The calendar entry: whoever may see the meeting."
    ),
    "meetings:edit": Case(_meeting("planned", "edit/"), RUNNERS_PLANNED, post=True),
    "meetings:cancel": Case(_meeting("planned", "cancel/"), RUNNERS_PLANNED, post=True),
    "meetings:invitations": Case(_meeting("planned", "invitations/"), RUNNERS_PLANNED, post=True),
    "meetings:acknowledge": Case(_meeting("planned", "acknowledge/"), PLANNED, post=True),
    "meetings:pack": Case(
        _meeting("planned", "pack/"),
        signed_in(HIDDEN, **dict.fromkeys((*INVITED_PLANNED, *RUNNERS), REDIRECT)),
        notes="Sends everyone to the confidentiality acknowledgement first (R23).",
    ),
    "meetings:pack_pdf": Case(
        _meeting("planned", "pack.pdf"), signed_in(HIDDEN, **dict.fromkeys((*INVITED_PLANNED, *RUNNERS), REDIRECT))
    ),
    "meetings:feedback": Case(_meeting("held", "feedback/"), HELD, post=True),
    # The agenda
    "meetings:agenda": Case(_meeting("planned", "agenda/"), PLANNED),
    "meetings:agenda_add": Case(_meeting("planned", "agenda/add/"), RUNNERS_PLANNED, post=True),
    "meetings:agenda_reorder": Case(
        _meeting("planned", "agenda/reorder/"),
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": BAD, "chair_a": BAD}},
        notes="POST only (dragging); an empty order is refused.",
    ),
    "meetings:item_edit": Case(_item("child_item"), RUNNERS_PLANNED, post=True),
    "meetings:item_move": Case(
        _item("child_item", "move/"),
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": BAD, "chair_a": BAD}},
    ),
    "meetings:item_remove": Case(
        _item("child_item", "remove/"),
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": REDIRECT, "chair_a": REDIRECT}},
    ),
    # Contributions
    "meetings:contributions": Case(_meeting("planned", "contributions/"), RUNNERS_PLANNED),
    "meetings:chase": Case(
        _meeting("planned", "contributions/chase/"),
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": REDIRECT, "chair_a": REDIRECT}},
    ),
    "meetings:contribute": Case(_meeting("planned", "contribute/"), PLANNED),
    "meetings:contribute_item": Case(
        _item("child_item", "contribution/"),
        PLANNED,
        post=True,
        extra={"post_expect": {**PLANNED, **dict.fromkeys((*INVITED_PLANNED, *RUNNERS), BAD)}},
    ),
    # During the meeting
    "meetings:attendance": Case(
        _meeting("planned", "attendance/"),
        RUNNERS_PLANNED,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": REDIRECT, "chair_a": REDIRECT}},
    ),
    "meetings:record": Case(_meeting("planned", "record/"), RUNNERS_PLANNED),
    "meetings:item_save": Case(
        _item("child_item", "record/"),
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": BAD, "chair_a": BAD}},
    ),
    "meetings:action_create": Case(
        _item("child_item", "actions/new/"),
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": BAD, "chair_a": BAD}},
    ),
    "meetings:action_review": Case(
        lambda w: f"/meetings/{_m('planned')(w).pk}/actions/{_m('action')(w).pk}/review/",
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": BAD, "chair_a": BAD}},
    ),
    "meetings:close": Case(
        _meeting("planned", "close/"),
        RUNNERS_PLANNED,
        post=True,
        extra={"post_expect": {**RUNNERS_PLANNED, "coordinator_a": BAD, "chair_a": BAD}},
        notes="Refused while items lack a decision.",
    ),
    # Minutes
    "meetings:minutes": Case(_meeting("held", "minutes/"), HELD),
    "meetings:minutes_pdf": Case(_meeting("held", "minutes.pdf"), HELD),
    "meetings:minutes_edit": Case(
        _meeting("held", "minutes/edit/"),
        {**RUNNERS_HELD, "coordinator_a": REDIRECT, "chair_a": REDIRECT},
        post=True,
        notes="Approved minutes cannot be edited: back to the minutes.",
    ),
    "meetings:minutes_approve": Case(
        _meeting("held", "minutes/approve/"),
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_HELD, "coordinator_a": DENIED, "chair_a": REDIRECT}},
        notes="Only a chair approves minutes.",
    ),
    "meetings:minutes_correct": Case(
        _meeting("held", "minutes/correct/"),
        RUNNERS_HELD,
        post=True,
        extra={"post_expect": {**RUNNERS_HELD, "coordinator_a": BAD, "chair_a": BAD}},
    ),
    "meetings:minutes_distribute": Case(
        _meeting("held", "minutes/distribute/"),
        POST_ONLY,
        post=True,
        extra={"post_expect": {**RUNNERS_HELD, "coordinator_a": REDIRECT, "chair_a": REDIRECT}},
    ),
    # Actions
    "meetings:my_actions": Case(
        lambda w: "/actions/", signed_in(DENIED, **dict.fromkeys((*PANEL_ROLES, "guest_a"), OK))
    ),
    "meetings:agency_actions": Case(
        lambda w: "/actions/agency/",
        signed_in(DENIED, **dict.fromkeys((*PANEL_ROLES, "guest_a"), OK)),
        notes="An invited professional's list is empty: they see only actions they own themselves.",
    ),
    "meetings:action_detail": Case(
        lambda w: f"/actions/{_m('action')(w).pk}/",
        signed_in(HIDDEN, **dict.fromkeys(("member_a", *RUNNERS), OK)),
        post=True,
        extra={"post_expect": signed_in(HIDDEN, **dict.fromkeys(("member_a", *RUNNERS), BAD))},
        notes="The owner (and their agency) and the panel's coordinators and chairs.",
    ),
    "meetings:action_edit": Case(
        lambda w: f"/actions/{_m('action')(w).pk}/edit/",
        signed_in(HIDDEN, member_a=DENIED, **dict.fromkeys(RUNNERS, OK)),
        post=True,
    ),
}
