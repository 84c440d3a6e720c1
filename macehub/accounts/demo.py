"""Demo accounts — one for every role, named after the people in the user journeys.

Each has the demo password and an authenticator already set up, so signing in takes
under a minute: ``make run`` (and ``make codes``) print a current code for each. Only
accounts created here are marked ``is_demo``; nothing prints codes for any other account.
"""

from __future__ import annotations

import base64
import hashlib

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from macehub.core.access import Role
from macehub.core.demo import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoContext

from .models import AccessRequest, Membership, User

# key, full name, job title, [(role, panel/partnership key or None, agency key or None)]
PEOPLE: list[tuple[str, str, str, list[tuple[Role, str | None, str | None]]]] = [
    (
        "amara",
        "Amara Okafor",
        "MACE coordinator",
        [(Role.COORDINATOR, "panel:lambeth", "agency:lambeth:childrens_social_care")],
    ),
    (
        "rob",
        "DCI Rob Hughes",
        "Detective Chief Inspector",
        [(Role.PANEL_CHAIR, "panel:lambeth", "agency:lambeth:police")],
    ),
    (
        "grace",
        "Grace Mensah",
        "Team manager, children's social care",
        [(Role.PANEL_CHAIR, "panel:lambeth", "agency:lambeth:childrens_social_care")],
    ),
    (
        "priya",
        "Priya Shah",
        "Designated safeguarding lead",
        [(Role.PANEL_MEMBER, "panel:lambeth", "agency:lambeth:education")],
    ),
    (
        "tom",
        "Tom Walsh",
        "Youth justice worker",
        [(Role.PANEL_MEMBER, "panel:lambeth", "agency:lambeth:youth_justice")],
    ),
    (
        "dev",
        "Dev Patel",
        "Housing officer, Lambeth Council",
        [(Role.INVITED_PROFESSIONAL, "panel:lambeth", "agency:lambeth:housing")],
    ),
    (
        "kwame",
        "Kwame Asante",
        "Partnership analyst",
        [(Role.PARTNERSHIP_ANALYST, "partnership:lambeth", None)],
    ),
    (
        "helen",
        "Helen Carter",
        "Director of children's services (delegated safeguarding partner)",
        [(Role.STRATEGIC_LEAD, "partnership:lambeth", None)],
    ),
    (
        "sam",
        "Sam Rivera",
        "Safeguarding partnership business manager",
        [(Role.BOROUGH_ADMIN, "partnership:lambeth", None)],
    ),
    (
        "ben",
        "Ben Adeyemi",
        "Police sergeant",
        [(Role.PANEL_MEMBER, "panel:city-hackney", "agency:city-hackney:police")],
    ),
    (
        "zara",
        "Zara Ahmed",
        "MACE coordinator",
        [(Role.COORDINATOR, "panel:city-hackney", "agency:city-hackney:childrens_social_care")],
    ),
    (
        "nia",
        "Nia Roberts",
        "Partnership business manager",
        [(Role.BOROUGH_ADMIN, "partnership:city-hackney", None)],
    ),
    (
        "joy",
        "Joy Bennett",
        "MARVE chair",
        [
            (
                Role.PANEL_CHAIR,
                "panel:kingston-richmond",
                "agency:kingston-richmond:childrens_social_care",
            )
        ],
    ),
    (
        "lena",
        "Dr Lena Novak",
        "London project lead, MACE review",
        [(Role.LONDON_PROJECT_TEAM, None, None)],
    ),
    ("marcus", "Marcus Reid", "Task and Finish group chair", [(Role.PEER_REVIEWER, None, None)]),
    ("sys", "Sys Admin", "Service administrator", [(Role.SYSTEM_ADMIN, None, None)]),
]


def demo_email(key: str) -> str:
    return f"{key}@{DEMO_EMAIL_DOMAIN}"


def _demo_secret(key: str) -> str:
    # Stable per account, so codes printed yesterday's way still line up after a re-seed.
    return base64.b32encode(hashlib.sha256(f"macehub-demo-totp:{key}".encode()).digest()[:20]).decode()


def _user(key: str, name: str, job_title: str) -> User:
    user = User.objects.filter(email=demo_email(key)).first()
    if user is None:
        user = User(email=demo_email(key), full_name=name, job_title=job_title, is_demo=True)
        user.set_password(DEMO_PASSWORD)
        user.save()
    EmailAddress.objects.get_or_create(user=user, email=user.email, defaults={"verified": True, "primary": True})
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, _demo_secret(key))
        RecoveryCodes.activate(user)
    return user


def seed(ctx: DemoContext) -> None:
    for key, name, job_title, grants in PEOPLE:
        user = ctx.put(f"user:{key}", _user(key, name, job_title))
        for role, scope_key, agency_key in grants:
            scope = ctx.get(scope_key) if scope_key else None
            panel = scope if scope_key and scope_key.startswith("panel:") else None
            partnership = panel.partnership if panel else scope
            agency = ctx.get(agency_key) if agency_key else None
            Membership.objects.get_or_create(
                user=user,
                role=role,
                panel=panel,
                partnership=partnership,
                ended_at__isnull=True,
                defaults={"agency": agency},
            )
    # Someone waiting for Sam's approval, so the approvals queue is not empty.
    newcomer = _user("jordan", "Jordan Lee", "Designated safeguarding lead")
    if not newcomer.access_requests.exists():
        AccessRequest.objects.create(
            user=newcomer,
            role=Role.PANEL_MEMBER,
            panel=ctx.get("panel:lambeth"),
            partnership=ctx.get("partnership:lambeth"),
            agency=ctx.get("agency:lambeth:education"),
            reason="I am the new designated safeguarding lead at a Lambeth secondary school and will attend MAVE for our pupils.",
        )
    ctx.put("user:jordan", newcomer)
    ctx.log.append(f"Demo accounts: {len(PEOPLE) + 1} (password: {DEMO_PASSWORD})")
