"""Test personas: the people every permission test signs in as, named and described once.

``build_world()`` creates two partnerships (A and B) with a panel each, agencies, and one
account per persona. Each persona is a real account: a verified e-mail address, a TOTP
authenticator and real memberships. Tests sign them in with ``sign_in`` (the session the
sign-in pages leave, made directly: force_login plus the two-factor mark) or, when signing
in is what they test, ``sign_in_through_forms`` (the real pages); never by switching a check off.

Personas
--------
anonymous        not signed in
password_only    signed in with a password, no second factor set up yet, no roles
no_roles         signed in with MFA, registered but not yet approved for anything
member_a         panel member (police) on panel A (partnership A)
member_a_education  panel member (a school) on panel A: by default may not see persons of concern
coordinator_a    MACE coordinator on panel A
chair_a          panel chair on panel A (children's social care)
analyst_a        partnership analyst of partnership A (aggregates, no records)
lead_a           strategic lead of partnership A
member_b         panel member (police) on panel B (partnership B)
borough_admin_a  borough admin of partnership A
borough_admin_b  borough admin of partnership B
london_team      London project team (London-wide, no identifiable data)
peer_reviewer    peer reviewer (London-wide; sees only the reviews they are assigned to)
system_admin     system admin (London-wide)
"""

from __future__ import annotations

import base64
import hashlib
import time
from dataclasses import dataclass, field
from typing import Any

PERSONAS = (
    "anonymous",
    "password_only",
    "no_roles",
    "member_a",
    "member_a_education",
    "guest_a",
    "coordinator_a",
    "chair_a",
    "analyst_a",
    "lead_a",
    "member_b",
    "borough_admin_a",
    "borough_admin_b",
    "london_team",
    "peer_reviewer",
    "system_admin",
)

PASSWORD = "correct horse battery staple 42"
AUTH_BACKEND = "allauth.account.auth_backends.AuthenticationBackend"


def totp_secret_for(email: str) -> str:
    return base64.b32encode(hashlib.sha256(f"test-totp:{email}".encode()).digest()[:20]).decode()


def totp_code(secret: str, offset: int = 0) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return str(format_hotp_value(hotp_value(secret, int(time.time()) // 30 + offset)))


@dataclass
class World:
    partnership_a: Any
    partnership_b: Any
    panel_a: Any
    panel_b: Any
    agencies: dict[str, Any]
    users: dict[str, Any] = field(default_factory=dict)

    def user(self, persona: str) -> Any:
        return self.users[persona]


def make_user(email: str, name: str, *, mfa: bool = True, verified: bool = True) -> Any:
    from allauth.account.models import EmailAddress
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from macehub.accounts.models import User

    user = User.objects.create_user(email=email, password=PASSWORD, full_name=name, job_title="Tester")
    EmailAddress.objects.create(user=user, email=user.email, verified=verified, primary=True)
    if mfa:
        TOTP.activate(user, totp_secret_for(user.email))
        RecoveryCodes.activate(user)
    return user


def grant(user: Any, role: str, *, panel: Any = None, partnership: Any = None, agency: Any = None) -> Any:
    from macehub.accounts.models import Membership

    if panel is not None:
        partnership = panel.partnership
    return Membership.objects.create(user=user, role=role, panel=panel, partnership=partnership, agency=agency)


def build_world() -> World:
    from macehub.core.access import Role
    from macehub.organisations.models import Agency, AgencyType, LocalAuthority, Panel, Partnership
    from macehub.organisations.reference import load_london_authorities

    if not LocalAuthority.objects.exists():  # emptied by a browser test's flush
        load_london_authorities(LocalAuthority)
    authorities = {a.name: a for a in LocalAuthority.objects.filter(name__in=["Lambeth", "Southwark", "Hackney"])}
    partnership_a = Partnership.objects.create(name="Alpha Safeguarding Children Partnership", short_name="Alpha")
    partnership_a.authorities.set([authorities["Lambeth"]])
    partnership_b = Partnership.objects.create(name="Bravo Safeguarding Children Partnership", short_name="Bravo")
    partnership_b.authorities.set([authorities["Southwark"]])
    agencies = {}
    for key, partnership, kind in [
        ("police_a", partnership_a, AgencyType.POLICE),
        ("csc_a", partnership_a, AgencyType.CHILDRENS_SOCIAL_CARE),
        ("education_a", partnership_a, AgencyType.EDUCATION),
        ("police_b", partnership_b, AgencyType.POLICE),
        ("csc_b", partnership_b, AgencyType.CHILDRENS_SOCIAL_CARE),
    ]:
        agency = Agency.objects.create(name=f"{partnership.short_name} {kind.label}", agency_type=kind)
        agency.partnerships.add(partnership)
        agencies[key] = agency
    panel_a = Panel.objects.create(partnership=partnership_a, name="Alpha MACE")
    panel_b = Panel.objects.create(partnership=partnership_b, name="Bravo MACE")
    world = World(partnership_a, partnership_b, panel_a, panel_b, agencies)

    world.users["password_only"] = make_user("password.only@test.invalid", "Pat Password", mfa=False)
    world.users["no_roles"] = make_user("no.roles@test.invalid", "Nora Noroles")
    world.users["member_a"] = grant(
        make_user("member.a@test.invalid", "Amy Alpha"), Role.PANEL_MEMBER, panel=panel_a, agency=agencies["police_a"]
    ).user
    world.users["coordinator_a"] = grant(
        make_user("coordinator.a@test.invalid", "Cora Alpha"), Role.COORDINATOR, panel=panel_a, agency=agencies["csc_a"]
    ).user
    world.users["member_a_education"] = grant(
        make_user("teacher.a@test.invalid", "Tess Alpha"),
        Role.PANEL_MEMBER,
        panel=panel_a,
        agency=agencies["education_a"],
    ).user
    world.users["guest_a"] = grant(
        make_user("guest.a@test.invalid", "Gus Guest"),
        Role.INVITED_PROFESSIONAL,
        panel=panel_a,
        agency=agencies["education_a"],
    ).user
    world.users["chair_a"] = grant(
        make_user("chair.a@test.invalid", "Cai Alpha"), Role.PANEL_CHAIR, panel=panel_a, agency=agencies["csc_a"]
    ).user
    world.users["analyst_a"] = grant(
        make_user("analyst.a@test.invalid", "Ana Alpha"), Role.PARTNERSHIP_ANALYST, partnership=partnership_a
    ).user
    world.users["lead_a"] = grant(
        make_user("lead.a@test.invalid", "Leo Alpha"), Role.STRATEGIC_LEAD, partnership=partnership_a
    ).user
    world.users["member_b"] = grant(
        make_user("member.b@test.invalid", "Bob Bravo"), Role.PANEL_MEMBER, panel=panel_b, agency=agencies["police_b"]
    ).user
    world.users["borough_admin_a"] = grant(
        make_user("admin.a@test.invalid", "Ada Admin"), Role.BOROUGH_ADMIN, partnership=partnership_a
    ).user
    world.users["borough_admin_b"] = grant(
        make_user("admin.b@test.invalid", "Bea Admin"), Role.BOROUGH_ADMIN, partnership=partnership_b
    ).user
    world.users["london_team"] = grant(make_user("london@test.invalid", "Lee London"), Role.LONDON_PROJECT_TEAM).user
    world.users["peer_reviewer"] = grant(make_user("reviewer@test.invalid", "Rae Reviewer"), Role.PEER_REVIEWER).user
    world.users["system_admin"] = grant(make_user("sysadmin@test.invalid", "Sid Sysadmin"), Role.SYSTEM_ADMIN).user
    return world


def sign_in(client: Any, user: Any, *, mfa: bool = True) -> Any:
    """Sign ``user`` in on a Django test client without going through the pages: the session
    is left exactly as the sign-in pages leave it (``test_sign_in_shortcut`` compares the two):
    Django's login (which fires the sign-in signal, so the session clock starts and the sign-in
    is audited), allauth's record of the methods used, and — for an account with an
    authenticator — the mark that a second factor was used in this session.

    For tests that are not about signing in. Tests of sign-in, MFA, lockout or session expiry
    use ``sign_in_through_forms``. ``mfa`` is ignored, as it is by the pages: an account with
    an authenticator always passes the second factor, one without ends up signed in with a
    password only (the "password_only" persona)."""
    from allauth.mfa.models import Authenticator

    from macehub.core.context_processors import MFA_SESSION_KEY

    client.force_login(user, backend=AUTH_BACKEND)
    session = client.session
    now = time.time()
    methods: list[dict[str, Any]] = [{"method": "password", "at": now, "email": user.email}]
    totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).only("pk").first()
    if totp is not None:
        methods.append({"method": "mfa", "at": now, "id": totp.pk, "type": "totp"})
        session[MFA_SESSION_KEY] = now
    session["account_authentication_methods"] = methods
    session["account_authentication_methods_user"] = str(user.pk)
    session.set_expiry(0)  # a browser-session cookie, as without "remember me"
    session.save()
    return client


def sign_in_through_forms(client: Any, user: Any) -> Any:
    """Sign ``user`` in on a Django test client through the real pages: the password form,
    then (for accounts with an authenticator) the one-time code form.

    Accounts without an authenticator end up signed in with a password only, which is
    exactly the "password_only" persona."""
    response = client.post("/account/login/", {"login": user.email, "password": PASSWORD})
    assert response.status_code == 302, f"password sign-in failed for {user.email}"
    if response["Location"].startswith("/account/2fa/authenticate/"):
        secret = totp_secret_for(user.email)
        for offset in (0, 1, -1):  # a code used earlier in this 30-second step is refused
            response = client.post("/account/2fa/authenticate/", {"code": totp_code(secret, offset)})
            if response.status_code == 302:
                break
        assert response.status_code == 302, f"second-factor sign-in failed for {user.email}"
    return client


def minimal_pdf() -> bytes:
    """A one-page PDF with its cross-reference table: the smallest file a PDF parser (and so
    the upload check) accepts as a PDF."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj" % number + body + b"endobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return out
