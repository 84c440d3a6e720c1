"""Panels, partnerships, agencies and the London authorities."""

from .outcomes import DENIED, HIDDEN, OK, Case, signed_in

ADMINS = ("borough_admin_a", "borough_admin_b", "system_admin")
WITH_PANEL_ACCESS = ("member_a", "coordinator_a", "member_b", "borough_admin_a", "borough_admin_b", "system_admin")

CASES = {
    "organisations:panel_list": Case(lambda w: "/panels/", signed_in(DENIED, **dict.fromkeys(WITH_PANEL_ACCESS, OK))),
    "organisations:panel_create": Case(
        lambda w: "/panels/new/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK)), post=True
    ),
    "organisations:panel_detail": Case(
        lambda w: f"/panels/{w.panel_a.pk}/",
        signed_in(HIDDEN, member_a=OK, coordinator_a=OK, borough_admin_a=OK, system_admin=OK),
    ),
    "organisations:panel_settings": Case(
        lambda w: f"/panels/{w.panel_a.pk}/settings/",
        # Panel A's members can see the panel, so they are refused rather than told it is missing.
        signed_in(HIDDEN, member_a=DENIED, coordinator_a=DENIED, borough_admin_a=OK, system_admin=OK),
        post=True,
    ),
    "organisations:partnership_list": Case(lambda w: "/partnerships/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK))),
    "organisations:partnership_create": Case(
        lambda w: "/partnerships/new/", signed_in(DENIED, system_admin=OK), post=True
    ),
    "organisations:partnership_edit": Case(
        lambda w: f"/partnerships/{w.partnership_a.pk}/",
        signed_in(HIDDEN, borough_admin_a=DENIED, system_admin=OK),
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
