"""Demo referrals for each demo panel: some waiting for screening (of different ages), some
accepted (linked to register records), one signposted and one not meeting the criteria.
Every name is invented. Idempotent: a panel with referrals is left alone."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from macehub.core.demo import DemoContext
from macehub.subjects.models import HarmType

from .models import Referral, ReferralStatus, Route, SubjectType

REFERRERS = {
    "lambeth": [("user:priya", "agency:lambeth:education"), ("user:tom", "agency:lambeth:youth_justice")],
    "city-hackney": [("user:ben", "agency:city-hackney:police")],
    "kingston-richmond": [("user:joy", "agency:kingston-richmond:childrens_social_care")],
}
DECISION_REASONS: dict[str, str] = {
    ReferralStatus.ACCEPTED: "Meets the criteria: exploitation indicators and escalating missing episodes.",
    ReferralStatus.SIGNPOSTED: "Not exploitation; needs a family assessment.",
    ReferralStatus.NOT_MET: "Single incident, managed by school with parents; no exploitation indicators.",
}
DECIDERS = {"lambeth": "user:amara", "city-hackney": "user:ben", "kingston-richmond": "user:joy"}

# (type, route, status, days ago, names or place, harm codes, concerns)
REFERRALS: list[tuple[str, str, str, int, dict[str, Any], list[str], str]] = [
    (SubjectType.CHILD, Route.FRONT_DOOR, ReferralStatus.SUBMITTED, 1,
     {"given_names": "Elsie", "family_name": "Hartsworth", "age_band": "14_15", "sex": "female"},
     ["cse", "online"], "Meeting adults she met on a gaming platform; found at a hotel at 2am. Fictional demo referral."),
    (SubjectType.LOCATION, Route.PRE_MACE, ReferralStatus.SUBMITTED, 4,
     {"name": "Laundrette, Cable Street (fictional)", "location_type": "shop", "ward": "Docklands"},
     ["cce"], "Young people seen collecting packages from the back door after school. Fictional demo referral."),
    (SubjectType.GROUP, Route.FRONT_DOOR, ReferralStatus.SUBMITTED, 11,
     {"name": "Year 9 girls seen with older males near the station"},
     ["cse"], "Four pupils seen getting into the same car on several evenings. Fictional demo referral."),
    (SubjectType.CHILD, Route.STRATEGY, ReferralStatus.SIGNPOSTED, 30,
     {"given_names": "Owen", "family_name": "Tillbrook", "age_band": "10_13", "sex": "male"},
     ["other"], "Worries about neglect at home; no exploitation indicators. Fictional demo referral."),
    (SubjectType.CHILD, Route.FRONT_DOOR, ReferralStatus.NOT_MET, 45,
     {"given_names": "Grace", "family_name": "Ollerton", "age_band": "16_17", "sex": "female"},
     ["online"], "One incident of sharing images, dealt with by school. Fictional demo referral."),
]  # fmt: skip


def seed(ctx: DemoContext) -> None:
    harm = {h.code: h for h in HarmType.objects.all()}
    for key, referrers in REFERRERS.items():
        panel = ctx.objects.get(f"panel:{key}")
        if panel is None or Referral.objects.filter(panel=panel).exists():
            continue
        register = ctx.objects.get(f"register:{key}", {})
        decider = ctx.objects.get(DECIDERS[key])
        now = timezone.now()
        rows = list(REFERRALS)
        # Accepted referrals: the children the register already holds came in this way.
        for child in register.get("children", [])[:4]:
            rows.append(
                (
                    SubjectType.CHILD,
                    Route.FRONT_DOOR,
                    ReferralStatus.ACCEPTED,
                    60 + child.number,
                    {
                        "given_names": child.given_names,
                        "family_name": child.family_name,
                        "date_of_birth": child.date_of_birth,
                        "sex": child.sex,
                    },
                    [h.code for h in child.harm_types.all()] or ["cce"],
                    child.description,
                )
            )
        for i, (subject_type, route, status, days, about, harm_codes, concerns) in enumerate(rows):
            number = i + 1
            user_key, agency_key = referrers[i % len(referrers)]
            decided = status not in (ReferralStatus.SUBMITTED, ReferralStatus.WITHDRAWN)
            referral = Referral.objects.create(
                panel=panel,
                number=number,
                subject_type=subject_type,
                referrer=ctx.get(user_key),
                referrer_agency=ctx.get(agency_key),
                route=route,
                route_reference=f"MASH-{2025 - i % 2}-{1100 + number}" if route == Route.FRONT_DOOR else "",
                front_door_screened=route == Route.FRONT_DOOR,
                concerns=concerns,
                associates="Older males in a grey car (fictional)." if i % 2 else "",
                locations="Near the station and the estate (fictional)." if i % 3 else "",
                status=status,
                decision_reason=DECISION_REASONS.get(status, ""),
                signposted_to="Early help" if status == ReferralStatus.SIGNPOSTED else "",
                decided_by=decider if decided else None,
                decided_at=now - timedelta(days=max(days - 3, 0)) if decided else None,
                created_by=ctx.get(user_key),
                updated_by=ctx.get(user_key),
                **about,
            )
            Referral.objects.filter(pk=referral.pk).update(created_at=now - timedelta(days=days))
            referral.harm_types.set([harm[c] for c in harm_codes if c in harm])
            if status == ReferralStatus.ACCEPTED:
                child = register["children"][i - len(REFERRALS)]
                referral.subjects.add(child)
        ctx.log.append(f"{panel.name} referrals: {Referral.objects.filter(panel=panel).count()}")
