"""Account, access-request and people pages."""

from macehub.core.access import Role
from tests.factories.personas import World

from .outcomes import DENIED, HIDDEN, LOGIN, NOT_ALLOWED, OK, REDIRECT, Case, everyone, only, signed_in

ADMINS = ("borough_admin_a", "borough_admin_b", "system_admin")


def pending_request_for_a(w: World) -> int:
    """A pending request from the no-roles persona to join panel A."""
    from macehub.accounts.models import AccessRequest

    request, _ = AccessRequest.objects.get_or_create(
        user=w.user("no_roles"),
        role=Role.PANEL_MEMBER,
        panel=w.panel_a,
        partnership=w.partnership_a,
        agency=w.agencies["police_a"],
        defaults={"reason": "Joining the panel"},
    )
    return request.pk


def sign_in_provider(w: World) -> int:
    """A single sign-on provider (nothing answers at its address: the pages never call it)."""
    from macehub.accounts.models import SignInProvider

    provider, _ = SignInProvider.objects.get_or_create(
        name="Matrix Council",
        defaults={"domains": "matrix.example.test", "server_url": "https://idp.invalid", "client_id": "x"},
    )
    return provider.pk


def membership_of_member_a(w: World) -> int:
    return w.user("member_a").memberships.get().pk


# Only partnership A's admin and system admins may see someone who belongs to partnership A.
A_ADMIN_ONLY = signed_in(
    HIDDEN, borough_admin_a=OK, system_admin=OK, borough_admin_b=HIDDEN, member_a=HIDDEN, no_roles=HIDDEN
)

CASES = {
    "accounts:mfa_setup": Case(
        lambda w: "/account/two-factor/set-up/",
        {**signed_in(REDIRECT), "anonymous": LOGIN, "password_only": OK},
        notes="People who have set up MFA are sent on to their home page.",
    ),
    "accounts:security_key": Case(
        lambda w: "/account/two-factor/security-key/",
        signed_in(OK),
        notes="Explains why an admin role needs a passkey; sends people who used one on to their home page.",
    ),
    "accounts:account": Case(lambda w: "/account/you/", signed_in(OK)),
    "accounts:session_status": Case(
        lambda w: "/account/session/",
        everyone(OK, anonymous="401"),
        post=True,
        notes="The timeout warning's check: seconds left and a fresh CSRF token, no data. A script gets "
        "401, never the sign-in page. Open before MFA so the set-up page warns too.",
    ),
    "accounts:access_request_new": Case(lambda w: "/account/access/request/", signed_in(OK), post=True),
    "accounts:access_request_withdraw": Case(
        lambda w: f"/account/access/requests/{pending_request_for_a(w)}/withdraw/",
        signed_in(NOT_ALLOWED),
        post=True,
        extra={"post_expect": signed_in(HIDDEN, no_roles=REDIRECT)},
        notes="Only the person who made the request can withdraw it; to anyone else it does not exist.",
    ),
    "accounts:acting": Case(lambda w: "/account/acting-for/", signed_in(OK)),
    "accounts:approvals": Case(lambda w: "/approvals/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK))),
    "accounts:approval_detail": Case(lambda w: f"/approvals/{pending_request_for_a(w)}/", A_ADMIN_ONLY, post=True),
    "accounts:people": Case(lambda w: "/people/", signed_in(DENIED, **dict.fromkeys(ADMINS, OK))),
    "accounts:person_detail": Case(lambda w: f"/people/{w.user('member_a').pk}/", A_ADMIN_ONLY),
    "accounts:person_deactivate": Case(
        lambda w: f"/people/{w.user('member_a').pk}/deactivate/", A_ADMIN_ONLY, post=True
    ),
    "accounts:membership_end": Case(
        lambda w: f"/memberships/{membership_of_member_a(w)}/end/", A_ADMIN_ONLY, post=True
    ),
    # Single sign-on decides how whole organisations sign in: system admins only.
    "accounts:sign_in_providers": Case(lambda w: "/sign-in-providers/", only(["system_admin"])),
    "accounts:sign_in_provider_new": Case(lambda w: "/sign-in-providers/new/", only(["system_admin"]), post=True),
    "accounts:sign_in_provider": Case(
        lambda w: f"/sign-in-providers/{sign_in_provider(w)}/", only(["system_admin"]), post=True
    ),
}
