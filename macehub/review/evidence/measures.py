"""The catalogue of evidence measures: every figure a self-assessment question can show.

Each :class:`Measure` says in plain English how it is counted, its unit ("%", "count" or
"days"), and where a reader can see the records behind it (``source``: a function of the
partnership and the period giving a URL: the partnership's dashboard table, the meeting list,
the action list…). The figures themselves are computed together by :mod:`.compute`.

The keys are stable: framework questions list them (``Question.measures``) and submitted
returns keep them in their frozen evidence.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.urls import reverse

PERCENT = "%"
COUNT = "count"
DAYS = "days"

#: The areas the catalogue is grouped by (in the editor and the documentation).
AREAS = {
    "volt": "VOLT: victims, offenders, locations and themes",
    "meetings": "Meetings: attendance, contributions and chairing",
    "actions": "Actions and escalation",
    "casework": "Casework: missing, NRM, plans and referrals",
    "oversight": "Oversight: data, releases and recommendations",
}

Source = Callable[[int, date, date], str]


def period_key(start: date, end: date) -> str:
    """The oversight dashboard's name for any range of dates (``YYYYMMDD-YYYYMMDD``)."""
    return f"{start:%Y%m%d}-{end:%Y%m%d}"


def dashboard(section: str, table: str) -> Source:
    """A table of the partnership's oversight dashboard, for the same period."""

    def url(partnership_id: int, start: date, end: date) -> str:
        base = reverse("oversight:section", args=[partnership_id, section])
        return f"{base}?period={period_key(start, end)}#{table}"

    return url


def page(name: str, *, partnership: bool = False) -> Source:
    """A page of the application (the meeting list, the action list, the register…)."""

    def url(partnership_id: int, start: date, end: date) -> str:
        return reverse(name, args=[partnership_id]) if partnership else reverse(name)

    return url


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    definition: str
    unit: str
    area: str
    source: Source
    #: What the source page is, in words (the link text).
    source_label: str = "Where this comes from"
    #: True when a higher value is better (used by the suggested rating).
    higher_is_better: bool = True

    def source_url(self, partnership_id: int, start: date, end: date) -> str:
        return self.source(partnership_id, start, end)


def _m(
    key: str,
    label: str,
    definition: str,
    unit: str,
    area: str,
    source: Source,
    source_label: str,
    higher_is_better: bool = True,
) -> Measure:
    return Measure(key, label, definition, unit, area, source, source_label, higher_is_better)


_MEETINGS_TABLE = dashboard("partners", "meetings")
_ATTENDANCE_TABLE = dashboard("partners", "attendance")
_FEEDBACK_TABLE = dashboard("partners", "feedback")
_ACTIONS_TABLE = dashboard("partners", "actions")
_ACTIONS_BY_AGENCY = dashboard("partners", "actions_by_agency")
_CARRIED_TABLE = dashboard("partners", "carried_reasons")
_CONTEXTS_TABLE = dashboard("contexts", "contexts_open")
_REFERRALS_TABLE = dashboard("contexts", "referrals")
_TIME_TO_PANEL = dashboard("contexts", "referral_to_panel")
_MISSING_TABLE = dashboard("safety", "missing")
_NRM_TABLE = dashboard("safety", "nrm")
_DISRUPTIONS_TABLE = dashboard("safety", "disruptions")
_CHILDREN_TABLE = dashboard("children", "children_summary")
_RISK_TABLE = dashboard("children", "risk_trajectory")
_MEETING_LIST = page("meetings:index")
_REGISTER = page("subjects:register_home")
_CASEWORK = page("casework:home")
_RELEASES = page("oversight:releases", partnership=True)
_IMPLEMENTATION = page("review:recommendation_list")

MEASURES: list[Measure] = [
    # --- VOLT ------------------------------------------------------------------------------
    _m(
        "agenda_victims_share",
        "Agenda items about children (victims)",
        "Items on the agendas of meetings held in the period that are about a child, as a share of all items.",
        PERCENT,
        "volt",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "agenda_offenders_share",
        "Agenda items about persons of concern (offenders)",
        "Items on the agendas of meetings held in the period that are about a person of concern, as a share of all items.",
        PERCENT,
        "volt",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "agenda_locations_share",
        "Agenda items about locations",
        "Items on the agendas of meetings held in the period that are about a location, as a share of all items.",
        PERCENT,
        "volt",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "agenda_groups_share",
        "Agenda items about groups",
        "Items on the agendas of meetings held in the period that are about a group of young people, as a share of all items.",
        PERCENT,
        "volt",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "agenda_themes_share",
        "Agenda items about themes",
        "Items on the agendas of meetings held in the period that are about a theme, as a share of all items.",
        PERCENT,
        "volt",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "register_persons_open",
        "Persons of concern on the register",
        "Persons of concern open on the register at the end of the period (records merged as duplicates are not counted).",
        COUNT,
        "volt",
        _CONTEXTS_TABLE,
        "Dashboard: groups, locations and persons of concern",
    ),
    _m(
        "register_persons_discussed",
        "Persons of concern discussed in the last 3 months",
        "Of the persons of concern open at the end of the period, the share on the agenda of a meeting held in the "
        "last 91 days of the period.",
        PERCENT,
        "volt",
        _REGISTER,
        "Registers",
    ),
    _m(
        "register_locations_open",
        "Locations on the register",
        "Locations (including online spaces) open on the register at the end of the period.",
        COUNT,
        "volt",
        _CONTEXTS_TABLE,
        "Dashboard: groups, locations and persons of concern",
    ),
    _m(
        "register_locations_discussed",
        "Locations discussed in the last 3 months",
        "Of the locations open at the end of the period, the share on the agenda of a meeting held in the last "
        "91 days of the period.",
        PERCENT,
        "volt",
        _REGISTER,
        "Registers",
    ),
    _m(
        "register_groups_open",
        "Groups on the register",
        "Groups of young people open on the register at the end of the period.",
        COUNT,
        "volt",
        _CONTEXTS_TABLE,
        "Dashboard: groups, locations and persons of concern",
    ),
    _m(
        "register_groups_discussed",
        "Groups discussed in the last 3 months",
        "Of the groups open at the end of the period, the share on the agenda of a meeting held in the last 91 days "
        "of the period.",
        PERCENT,
        "volt",
        _REGISTER,
        "Registers",
    ),
    _m(
        "context_alerts_reviewed",
        "Shared-context alerts reviewed",
        "Reviews recorded in the period of an alert that two children share a person, place or group of concern.",
        COUNT,
        "volt",
        _REGISTER,
        "Registers: shared-context alerts",
    ),
    _m(
        "context_referrals_share",
        "Referrals about a context, not a child",
        "Referrals received in the period about a person of concern, a location or a group, as a share of all "
        "referrals received.",
        PERCENT,
        "volt",
        _REFERRALS_TABLE,
        "Dashboard: referrals",
    ),
    _m(
        "contexts_with_disruption",
        "Persons and places of concern with disruption recorded",
        "Of the persons of concern, locations and groups open at the end of the period, the share with at least one "
        "disruption activity recorded in the period.",
        PERCENT,
        "volt",
        _DISRUPTIONS_TABLE,
        "Dashboard: disruption",
    ),
    _m(
        "disruptions_recorded",
        "Disruption activities recorded",
        "Disruption activities (orders, notices, place-based and online action) done in the period against any "
        "record of the partnership.",
        COUNT,
        "volt",
        _DISRUPTIONS_TABLE,
        "Dashboard: disruption",
    ),
    # --- Meetings --------------------------------------------------------------------------
    _m(
        "meetings_held_share",
        "Meetings held as planned",
        "Meetings dated in the period that were held, as a share of all meetings dated in the period (held, "
        "cancelled, or still not recorded as held).",
        PERCENT,
        "meetings",
        _MEETINGS_TABLE,
        "Dashboard: meetings",
    ),
    _m(
        "meetings_quorate_share",
        "Quorate meetings",
        "Meetings held in the period that the chair recorded as quorate (the panel's quoracy rule, by default police, "
        "children's social care and health), as a share of meetings held.",
        PERCENT,
        "meetings",
        _MEETINGS_TABLE,
        "Dashboard: meetings",
    ),
    _m(
        "attendance_statutory_share",
        "Statutory partners present",
        "Where attendance was recorded at meetings held in the period: the share of police, children's social care "
        "and health places where the agency attended or sent a deputy. By agency below.",
        PERCENT,
        "meetings",
        _ATTENDANCE_TABLE,
        "Dashboard: attendance and contributions",
    ),
    _m(
        "attendance_statutory_deputy_share",
        "Statutory partners represented by a deputy",
        "Of the statutory partners' attendances at meetings held in the period, the share where the agency sent a "
        "deputy rather than its usual representative.",
        PERCENT,
        "meetings",
        _ATTENDANCE_TABLE,
        "Dashboard: attendance and contributions",
        higher_is_better=False,
    ),
    _m(
        "attendance_wider_share",
        "Wider partners present",
        "Where attendance was recorded at meetings held in the period: the share of places of every other agency "
        "(education, youth justice, housing, probation, voluntary sector…) where it attended or sent a deputy. By "
        "agency below.",
        PERCENT,
        "meetings",
        _ATTENDANCE_TABLE,
        "Dashboard: attendance and contributions",
    ),
    _m(
        "contributions_before_share",
        "Contributions sent before the meeting",
        "For each item of a meeting held in the period and each agency invited to the whole meeting: the share where "
        "the agency sent its information (or said it holds none) before the day of the meeting. By agency below.",
        PERCENT,
        "meetings",
        _ATTENDANCE_TABLE,
        "Dashboard: attendance and contributions",
    ),
    _m(
        "agenda_sent_on_time_share",
        "Agenda and invitations sent at least 5 days ahead",
        "Meetings held in the period whose invitations and agenda were sent at least 5 days before the meeting, as a "
        "share of meetings held.",
        PERCENT,
        "meetings",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "items_with_decisions_share",
        "Items with a decision recorded",
        "Items of meetings held in the period with the panel's decisions written in the record of the meeting, as a "
        "share of all items.",
        PERCENT,
        "meetings",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "feedback_focused_share",
        "Members who found the meeting focused on exploitation",
        "Answers ‘Yes’ to ‘Was the meeting focused on exploitation?’ in the feedback members gave on meetings in the "
        "period, as a share of all answers.",
        PERCENT,
        "meetings",
        _FEEDBACK_TABLE,
        "Dashboard: meeting feedback",
    ),
    _m(
        "feedback_clear_actions_share",
        "Members who said the meeting ended with clear actions",
        "Answers ‘Yes’ to ‘Did it end with clear actions?’ in feedback on meetings in the period, as a share of all "
        "answers.",
        PERCENT,
        "meetings",
        _FEEDBACK_TABLE,
        "Dashboard: meeting feedback",
    ),
    _m(
        "feedback_chairing_share",
        "Members who found the chairing effective",
        "Answers ‘Yes’ to ‘Was the chairing effective?’ in feedback on meetings in the period, as a share of all "
        "answers.",
        PERCENT,
        "meetings",
        _FEEDBACK_TABLE,
        "Dashboard: meeting feedback",
    ),
    _m(
        "co_chaired_share",
        "Meetings co-chaired",
        "Meetings held in the period that were co-chaired (police and local authority), as a share of meetings held.",
        PERCENT,
        "meetings",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "minutes_approved_on_time_share",
        "Minutes approved within 10 working days",
        "Meetings held in the period whose minutes were approved within 14 calendar days of the meeting, as a share "
        "of meetings held.",
        PERCENT,
        "meetings",
        _MEETING_LIST,
        "Meetings",
    ),
    _m(
        "minutes_distributed_on_time_share",
        "Minutes distributed within 10 working days",
        "Meetings held in the period whose approved minutes were sent to members within 14 calendar days of the "
        "meeting, as a share of meetings held.",
        PERCENT,
        "meetings",
        _MEETING_LIST,
        "Meetings",
    ),
    # --- Actions ---------------------------------------------------------------------------
    _m(
        "actions_on_time_share",
        "Actions completed on time",
        "Actions completed in the period by their due date, as a share of all actions completed in the period. By "
        "owning agency below.",
        PERCENT,
        "actions",
        _ACTIONS_BY_AGENCY,
        "Dashboard: actions by agency",
    ),
    _m(
        "actions_overdue_end",
        "Actions overdue at the end of the period",
        "Actions open and past their due date at the end of the period.",
        COUNT,
        "actions",
        _ACTIONS_TABLE,
        "Dashboard: actions",
        higher_is_better=False,
    ),
    _m(
        "actions_carried_forward",
        "Decisions to carry an action forward",
        "Times a meeting held in the period carried an action forward to a later date. By reason below.",
        COUNT,
        "actions",
        _CARRIED_TABLE,
        "Dashboard: actions carried forward",
        higher_is_better=False,
    ),
    _m(
        "actions_carried_did_not_act_share",
        "Carried forward because the agency did not act",
        "Of the decisions to carry an action forward at meetings in the period, the share where the reason was that "
        "the agency did not act.",
        PERCENT,
        "actions",
        _CARRIED_TABLE,
        "Dashboard: actions carried forward",
        higher_is_better=False,
    ),
    _m(
        "actions_escalated",
        "Overdue actions escalated",
        "Actions escalated (to the owning agency's lead) in the period.",
        COUNT,
        "actions",
        _ACTIONS_TABLE,
        "Dashboard: actions",
    ),
    _m(
        "escalations_responded_share",
        "Escalations with a response",
        "Escalations from the panel (to the tactical or strategic group, or to Specialist Crime) raised in the period "
        "that had a response or were closed by the end of the period, as a share of all raised.",
        PERCENT,
        "actions",
        _CASEWORK,
        "Casework: escalations",
    ),
    # --- Casework --------------------------------------------------------------------------
    _m(
        "return_interviews_72h_share",
        "Return home interviews within 72 hours",
        "Missing episodes that ended with the child's return in the period where a return home interview was "
        "completed within 72 hours, as a share of those returns.",
        PERCENT,
        "casework",
        _MISSING_TABLE,
        "Dashboard: missing and return interviews",
    ),
    _m(
        "missing_children",
        "Children with a missing episode",
        "Children of the partnership with a missing episode that started in the period.",
        COUNT,
        "casework",
        _MISSING_TABLE,
        "Dashboard: missing and return interviews",
        higher_is_better=False,
    ),
    _m(
        "nrm_referrals",
        "NRM referrals made",
        "National Referral Mechanism referrals made in the period for children known to the panel.",
        COUNT,
        "casework",
        _NRM_TABLE,
        "Dashboard: NRM",
    ),
    _m(
        "nrm_decisions_on_time_share",
        "NRM reasonable-grounds decisions on time",
        "Reasonable-grounds decisions made in the period by the date they were due, as a share of all made.",
        PERCENT,
        "casework",
        _NRM_TABLE,
        "Dashboard: NRM",
    ),
    _m(
        "plans_reviewed_on_time_share",
        "Plans reviewed by their review date",
        "Review dates of plans (child protection, ROTH, context, disruption…) that fell in the period: the share "
        "met by a review recorded on that date or in the 28 days before it. The review dates counted are the ones "
        "MACE Hub holds: each review's next review date, and each plan's current one (a plan's first review date is "
        "replaced when it is reviewed).",
        PERCENT,
        "casework",
        _CASEWORK,
        "Casework: plans",
    ),
    _m(
        "referral_to_discussion_median_days",
        "Days from referral to first discussion (median)",
        "For referrals accepted in the period and discussed at a meeting held by its end: the median number of days "
        "from the referral to that first discussion.",
        DAYS,
        "casework",
        _TIME_TO_PANEL,
        "Dashboard: referral to first discussion",
        higher_is_better=False,
    ),
    _m(
        "referrals_discussed_28d_share",
        "Referrals discussed within 28 days",
        "Referrals accepted in the period that were discussed at a meeting held within 28 days, as a share of all "
        "accepted.",
        PERCENT,
        "casework",
        _TIME_TO_PANEL,
        "Dashboard: referral to first discussion",
    ),
    _m(
        "children_discussed",
        "Children discussed",
        "Children on the agenda of at least one meeting held in the period.",
        COUNT,
        "casework",
        _CHILDREN_TABLE,
        "Dashboard: children",
    ),
    _m(
        "risk_reduced_share",
        "Children whose risk fell",
        "Of the children discussed in the period whose risk level was recorded at its start and end, the share whose "
        "risk fell.",
        PERCENT,
        "casework",
        _RISK_TABLE,
        "Dashboard: risk",
    ),
    # --- Oversight -------------------------------------------------------------------------
    _m(
        "releases_signed_off_on_time_share",
        "Quarterly figures released on time",
        "Quarters ending in the period (at least 6 weeks before its end) whose figures were prepared and signed off "
        "for release within 6 weeks of the quarter's end, as a share of those quarters.",
        PERCENT,
        "oversight",
        _RELEASES,
        "Releases",
    ),
    _m(
        "dashboard_exports",
        "Dashboard figures taken for reports",
        "Times in the period someone downloaded the partnership's dashboard tables, its quarterly report or a "
        "release, or signed off a release (from the audit trail). Viewing a dashboard page is not recorded, so this "
        "counts the uses that are.",
        COUNT,
        "oversight",
        dashboard("partners", "meetings"),
        "Dashboard",
    ),
    _m(
        "recommendation_actions_on_time_share",
        "Peer review recommendation actions completed on time",
        "Actions in the partnership's implementation plan (from peer review recommendations) completed in the period "
        "by their target date, as a share of actions completed or due in the period.",
        PERCENT,
        "oversight",
        _IMPLEMENTATION,
        "Implementation plan",
    ),
    _m(
        "recommendation_actions_open",
        "Peer review recommendation actions open",
        "Actions in the partnership's implementation plan still open at the end of the period.",
        COUNT,
        "oversight",
        _IMPLEMENTATION,
        "Implementation plan",
        higher_is_better=False,
    ),
]

MEASURE_BY_KEY: dict[str, Measure] = {m.key: m for m in MEASURES}


def measure_choices() -> list[tuple[str, str]]:
    """(key, label) for every measure, grouped by area in catalogue order (the editor's checkboxes)."""
    return [(m.key, f"{AREAS[m.area].split(':')[0]}: {m.label}") for m in MEASURES]


def known_keys(keys: object) -> list[str]:
    """The keys of a question's ``measures`` that the catalogue knows, in the question's order."""
    if not isinstance(keys, list):
        return []
    return [k for k in keys if isinstance(k, str) and k in MEASURE_BY_KEY]
