from .outcomes import OK, REDIRECT, Case, everyone, signed_in

CASES = {
    "home": Case(lambda w: "/", signed_in(OK)),
    "core:accessibility": Case(lambda w: "/accessibility/", everyone(OK)),
    "core:privacy": Case(lambda w: "/privacy/", everyone(OK)),
    "core:healthz": Case(lambda w: "/healthz", everyone(OK)),
    "core:favicon": Case(lambda w: "/favicon.ico", everyone(REDIRECT)),
}
