from .outcomes import DENIED, OK, Case, signed_in

ADMINS = ("borough_admin_a", "borough_admin_b", "system_admin")

CASES = {
    "audit:event_list": Case(lambda w: "/audit/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK))),
    "audit:event_export": Case(lambda w: "/audit/export.csv", signed_in(DENIED, **dict.fromkeys(ADMINS, OK))),
}
