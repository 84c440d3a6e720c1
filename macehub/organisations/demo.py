"""Demo partnerships (every London authority), agencies and three panels with different settings."""

from __future__ import annotations

from macehub.core.demo import DemoContext

from .models import Agency, AgencyType, Cadence, LocalAuthority, Panel, Partnership

# Partnerships covering more than one authority (as in the reference notes).
JOINT = {
    "City and Hackney": ["City of London", "Hackney"],
    "Kingston and Richmond": ["Kingston upon Thames", "Richmond upon Thames"],
}

LOCAL_AGENCIES = [
    ("{name} Children's Social Care", AgencyType.CHILDRENS_SOCIAL_CARE),
    ("{name} Education and Schools", AgencyType.EDUCATION),
    ("{name} Youth Justice Service", AgencyType.YOUTH_JUSTICE),
    ("{name} Community Safety", AgencyType.COMMUNITY_SAFETY),
    ("{name} Housing", AgencyType.HOUSING),
]

PANELS = {
    "Lambeth": {
        "name": "Lambeth MAVE",
        "full_title": "Multi-Agency Violence and Exploitation panel",
        "upper_age": 25,
        "cadence": Cadence.FORTNIGHTLY,
        "risk_levels": ["Low", "Medium", "High"],
    },
    "City and Hackney": {
        "name": "City and Hackney MACE",
        "full_title": "Multi-Agency Child Exploitation panel",
        "upper_age": 18,
        "cadence": Cadence.MONTHLY,
        "risk_levels": ["Emerging", "Significant", "Experiencing exploitation"],
    },
    "Kingston and Richmond": {
        "name": "Kingston and Richmond MARVE",
        "full_title": "Multi-Agency Risk, Vulnerability and Exploitation panel",
        "upper_age": 18,
        "cadence": Cadence.EVERY_FOUR_WEEKS,
        "quorum_agency_types": ["police", "childrens_social_care", "health", "education"],
        "risk_levels": ["Low", "Medium", "High", "Very high"],
    },
}


def _slug(name: str) -> str:
    return name.lower().replace(" and ", "-").replace(" ", "-")


def seed(ctx: DemoContext) -> None:
    authorities = {a.name: a for a in LocalAuthority.objects.all()}
    joined = {name for names in JOINT.values() for name in names}
    partnership_authorities = dict(JOINT)
    for name in authorities:
        if name not in joined:
            partnership_authorities[name] = [name]

    bcus: dict[str, Agency] = {}
    icbs: dict[str, Agency] = {}
    shared = []
    for label, kind in [
        ("Probation Service London", AgencyType.PROBATION),
        ("British Transport Police", AgencyType.BRITISH_TRANSPORT_POLICE),
        ("Safer Futures Youth Project", AgencyType.VOLUNTARY_COMMUNITY),
        ("Oakfield Children's Homes", AgencyType.PLACEMENT_PROVIDER),
    ]:
        shared.append(Agency.objects.get_or_create(name=label, defaults={"agency_type": kind})[0])

    for short_name, members in sorted(partnership_authorities.items()):
        partnership, _ = Partnership.objects.get_or_create(
            short_name=short_name,
            defaults={"name": f"{short_name} Safeguarding Children Partnership"},
        )
        partnership.authorities.set([authorities[m] for m in members])
        ctx.put(f"partnership:{_slug(short_name)}", partnership)
        for template, kind in LOCAL_AGENCIES:
            agency, _ = Agency.objects.get_or_create(
                name=template.format(name=short_name), defaults={"agency_type": kind}
            )
            agency.partnerships.add(partnership)
            ctx.put(f"agency:{_slug(short_name)}:{kind.value}", agency)
        for member in members:
            authority = authorities[member]
            bcu_name = f"Metropolitan Police {authority.met_bcu} BCU" if authority.met_bcu else authority.police_force
            if bcu_name not in bcus:
                bcus[bcu_name] = Agency.objects.get_or_create(
                    name=bcu_name, defaults={"agency_type": AgencyType.POLICE}
                )[0]
            bcus[bcu_name].partnerships.add(partnership)
            ctx.put(f"agency:{_slug(short_name)}:police", bcus[bcu_name])
            icb_name = f"NHS {authority.integrated_care_board} Integrated Care Board"
            if icb_name not in icbs:
                icbs[icb_name] = Agency.objects.get_or_create(
                    name=icb_name, defaults={"agency_type": AgencyType.HEALTH}
                )[0]
            icbs[icb_name].partnerships.add(partnership)
            ctx.put(f"agency:{_slug(short_name)}:health", icbs[icb_name])
        for agency in shared:
            agency.partnerships.add(partnership)
            ctx.put(f"agency:{_slug(short_name)}:{agency.agency_type}", agency)

    for short_name, settings in PANELS.items():
        partnership = ctx.get(f"partnership:{_slug(short_name)}")
        panel, _ = Panel.objects.get_or_create(partnership=partnership, name=settings["name"], defaults=settings)
        ctx.put(f"panel:{_slug(short_name)}", panel)
    ctx.log.append(
        f"Partnerships: {Partnership.objects.count()}, agencies: {Agency.objects.count()}, panels: {Panel.objects.count()}"
    )
