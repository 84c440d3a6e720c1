"""Panels, partnerships, agencies and the London authorities."""

from .outcomes import DENIED, HIDDEN, OK, Case, signed_in

ADMINS = ("borough_admin_a", "borough_admin_b", "system_admin")
#: Everyone who may open panel A: its members, partnership A's roles, system admins.
PANEL_A_PEOPLE = (
    "member_a",
    "member_a_education",
    "coordinator_a",
    "chair_a",
    "analyst_a",
    "lead_a",
    "borough_admin_a",
)
WITH_PANEL_ACCESS = (*PANEL_A_PEOPLE, "member_b", "borough_admin_b", "system_admin")

CASES = {
    "organisations:panel_list": Case(lambda w: "/panels/", signed_in(DENIED, **dict.fromkeys(WITH_PANEL_ACCESS, OK))),
    "organisations:panel_create": Case(
        lambda w: "/panels/new/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK)), post=True
    ),
    "organisations:panel_detail": Case(
        lambda w: f"/panels/{w.panel_a.pk}/",
        signed_in(HIDDEN, system_admin=OK, **dict.fromkeys(PANEL_A_PEOPLE, OK)),
    ),
    "organisations:panel_settings": Case(
        lambda w: f"/panels/{w.panel_a.pk}/settings/",
        # People who can see panel A are refused rather than told it is missing.
        {**signed_in(HIDDEN, **dict.fromkeys(PANEL_A_PEOPLE, DENIED)), "borough_admin_a": OK, "system_admin": OK},
        post=True,
    ),
    "organisations:partnership_list": Case(lambda w: "/partnerships/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK))),
    "organisations:partnership_create": Case(
        lambda w: "/partnerships/new/", signed_in(DENIED, system_admin=OK), post=True
    ),
    "organisations:partnership_edit": Case(
        lambda w: f"/partnerships/{w.partnership_a.pk}/",
        signed_in(HIDDEN, analyst_a=DENIED, lead_a=DENIED, borough_admin_a=DENIED, system_admin=OK),
        post=True,
    ),
    "organisations:agency_list": Case(lambda w: "/agencies/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK))),
    "organisations:agency_create": Case(
        lambda w: "/agencies/new/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK)), post=True
    ),
    "organisations:agency_edit": Case(
        lambda w: f"/agencies/{w.agencies['police_a'].pk}/",
        signed_in(HIDDEN, borough_admin_a=OK, system_admin=OK),
        post=True,
    ),
    "organisations:authority_list": Case(lambda w: "/authorities/", signed_in(OK, no_roles=DENIED)),
}
