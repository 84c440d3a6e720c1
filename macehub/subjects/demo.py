"""Demo VOLT registers: each demo panel gets dozens of children, persons of concern,
locations, groups and themes, linked in clusters, with shared-context cases, one likely
duplicate to merge, and risk histories. Every name is invented; every summary says so.

Idempotent: a panel that already has register records is left alone.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from django.utils import timezone

from macehub.core.demo import DemoContext

from .models import AlertReview, HarmType, Kind, Link, LinkType, RiskChange, Status, Subject
from .services.links import placed
from .taxonomy import HARM_TYPES

PANELS = ["lambeth", "city-hackney", "kingston-richmond"]
COORDINATORS = {"lambeth": "user:amara", "city-hackney": "user:ben", "kingston-richmond": "user:joy"}

GIRLS = [
    "Amelia", "Zara", "Chloe", "Ifeoma", "Leah", "Maya", "Nadia", "Precious", "Rosa", "Sienna",
    "Tia", "Yasmin", "Aaliyah", "Bethany", "Demi", "Esme", "Hana", "Keira",
]  # fmt: skip
BOYS = [
    "Jayden", "Kofi", "Tyrese", "Mason", "Reuben", "Ethan", "Idris", "Callum", "Dev", "Femi",
    "Harvey", "Jamal", "Kacper", "Leon", "Marcus", "Nathaniel", "Osman", "Ronan",
]  # fmt: skip
FAMILY = [
    "Ashcombe", "Brightwell", "Calloway", "Dunmore", "Eldridge", "Fairbairn", "Garroway", "Hazeldene",
    "Ingleby", "Jessop", "Kettering", "Larkwood", "Merriweather", "Northcott", "Oakhurst", "Pennington",
    "Quillfield", "Ravensworth", "Saltmarsh", "Thackeray", "Underhill", "Vexley", "Whitcombe", "Yardley",
    "Ambrose-Kent", "Boatwright", "Cotterill", "Drinkwater", "Emberton", "Foxley", "Greenhalgh", "Hollins",
]  # fmt: skip
ETHNICITIES = [
    "black_african", "black_caribbean", "white_british", "mixed_white_black_caribbean", "asian_bangladeshi",
    "white_other", "black_other", "mixed_other", "asian_pakistani", "white_irish", "other_arab", "white_roma",
    "asian_indian", "mixed_white_black_african", "not_known",
]  # fmt: skip
WORKERS = [
    "Sam Green, Adolescent Safeguarding Team",
    "Ayo Bello, Youth Justice Service",
    "Kim Lowe, Children in Care Team",
    "Rhys Carter, Early Help",
    "",
]

LOCATIONS = [
    ("Northgate bus station", "transport", "Northgate", "Groups gather on the upper deck and at stand C after school."),
    (
        "Riverside Park skate area",
        "park",
        "Riverside",
        "Evenings and weekends; older males seen handing over packages.",
    ),
    ("Chicken shop, Station Parade", "food", "Station", "Children bought food by adults they do not know."),
    ("Marlowe Estate stairwells", "estate", "Marlowe", "Used to store and pass on drugs; residents have complained."),
    (
        "Flat 12, Tanner House (fictional)",
        "address",
        "Marlowe",
        "Possible cuckooed flat; several children seen entering.",
    ),
    ("Hillcrest Academy gates", "school", "Hillcrest", "Cars waiting at the end of the school day."),
    ("Canal towpath by Lock 4", "other", "Canalside", "Quiet route between estates; two robberies reported."),
    ("'Late Night Link' group chat", "online", "", "Invite-only chat used to advertise 'work' and send locations."),
    (
        "Vape shop, High Street",
        "shop",
        "Town Centre",
        "Vapes sold to under-18s; girls given free vapes by older males.",
    ),
]
GROUPS = [
    ("Marlowe Estate older boys", "peer", "Marlowe Boys"),
    ("Year 10 friendship group, Hillcrest Academy", "peer", ""),
    ("'Northside' drug-supply line", "network", "NS line"),
    ("Snapchat group 'the Fam'", "online", "the Fam"),
    ("Girls seen with older males at the station", "peer", ""),
]
THEMES = [
    ("Recruitment through gaming chats", "Children approached in online games and moved to private chats with offers of money.", ["online", "cce"]),
    ("Vapes and gifts used to groom girls", "Free vapes, food and lifts given to girls aged 13 to 15 by men in their twenties.", ["cse"]),
    ("Cuckooing of vulnerable adults' flats", "Flats of vulnerable adults taken over to store and sell drugs, with children running them.", ["county_lines", "cce"]),
    ("Knife carrying for protection", "Children say they carry knives because they feel unsafe travelling between estates.", ["serious_violence"]),
]  # fmt: skip
PERSONS = [
    ("Dwayne", "Okonjo", ["Dee", "D-Money"], ["Drugs supply", "Violence"], "adult"),
    ("Lee", "Farthingale", ["Lee F"], ["Sexual offences"], "adult"),
    ("Connor", "Rookwood", ["CR"], ["Weapons"], "adult"),
    ("", "", ["'Uncle'"], [], "adult"),
    ("Marek", "Stolz", [], ["Drugs supply"], "adult"),
    ("Andre", "Bellweather", ["Dre"], ["Violence", "Weapons"], "adult"),
    ("Gary", "Pinchbeck", [], ["Sexual offences"], "adult"),
    ("Tyrone", "Haverhill", ["T-Bone"], ["Drugs supply"], "child"),
    ("Stacey", "Kirkbride", [], [], "adult"),
    ("Ricky", "Moorcroft", ["Ricks"], ["Drugs supply", "Firearms"], "adult"),
]
CONCERNS = [
    "Missing overnight three times this month; returned with new clothes and cash. Fictional demo record.",
    "Seen getting into cars with older males after school; phone contacts she will not explain. Fictional demo record.",
    "Found in another county with drugs and a burner phone; says he owes money. Fictional demo record.",
    "Attendance has fallen to 40%; staff have seen bruising and an expensive new phone. Fictional demo record.",
    "Disclosed being asked to hold a knife for an older boy; frightened to travel to school. Fictional demo record.",
    "Receiving gifts and lifts from an adult she met online; not going home after school. Fictional demo record.",
]


def _harm_types() -> dict[str, HarmType]:
    if not HarmType.objects.exists():
        for order, (code, label, description) in enumerate(HARM_TYPES):
            HarmType.objects.create(code=code, label=label, description=description, order=order)
    return {h.code: h for h in HarmType.objects.all()}


class _Builder:
    def __init__(self, ctx: DemoContext, key: str, panel: Any, actor: Any) -> None:
        self.ctx = ctx
        # Our own generator, so other apps' demo data does not change with ours.
        self.rng = random.Random(f"volt-register-{key}")
        self.panel = panel
        self.actor = actor
        self.numbers: dict[str, int] = {}
        self.harm = _harm_types()
        self.links: list[Link] = []
        self.today = timezone.localdate()
        kinds = ("police", "childrens_social_care", "education", "youth_justice", "health")
        self.agencies = [a for a in (ctx.objects.get(f"agency:{key}:{k}") for k in kinds) if a is not None]

    def subject(self, kind: str, harm: list[str] | None = None, **values: Any) -> Subject:
        self.numbers[kind] = self.numbers.get(kind, 0) + 1
        subject = Subject(
            panel=self.panel,
            kind=kind,
            number=self.numbers[kind],
            created_by=self.actor,
            updated_by=self.actor,
            **values,
        )
        subject.save()
        if harm:
            subject.harm_types.set([self.harm[h] for h in harm])
        return subject

    def link(self, one: Subject, other: Subject, link_type: str, *, days_ago: int | None = None) -> None:
        source, target = placed(one, other, link_type)
        self.links.append(
            Link(
                panel=self.panel,
                source=source,
                target=target,
                link_type=link_type,
                known_from=self.today - timedelta(days=days_ago if days_ago is not None else self.rng.randint(5, 200)),
                confidence=self.rng.choice(["confirmed", "confirmed", "likely", "possible"]),
                source_agency=self.rng.choice(self.agencies) if self.agencies else None,
                created_by=self.actor,
                updated_by=self.actor,
            )
        )

    def birth_date(self, age: int) -> date:
        return self.today - timedelta(days=age * 365 + self.rng.randint(20, 340))


def _seed_panel(ctx: DemoContext, key: str) -> None:
    panel = ctx.get(f"panel:{key}")
    if Subject.objects.filter(panel=panel).exists():
        return
    actor = ctx.objects.get(COORDINATORS[key])
    b = _Builder(ctx, key, panel, actor)
    rng = b.rng
    levels = list(panel.risk_levels)

    authority = panel.partnership.authorities.order_by("name").first()
    locations = [
        b.subject(
            Kind.LOCATION,
            ["cce"] if i % 2 else ["cse"],
            name=n,
            location_type=t,
            ward=w,
            hotspot_notes=h,
            authority=authority if t != "online" else None,
        )
        for i, (n, t, w, h) in enumerate(LOCATIONS)
    ]
    groups = [
        b.subject(
            Kind.GROUP, ["cce"], name=n, group_type=t, aliases=[a] if a else [], description="Fictional demo group."
        )
        for n, t, a in GROUPS
    ]
    themes = [
        b.subject(
            Kind.THEME,
            harm,
            name=n,
            description=d,
            period_start=b.today - timedelta(days=rng.randint(60, 300)),
            evidence="Referrals, police intelligence and partner reports (fictional).",
        )
        for n, d, harm in THEMES
    ]
    persons = []
    for given, family, aliases, flags, age_group in PERSONS:
        persons.append(
            b.subject(
                Kind.PERSON,
                ["cce"] if "Drugs supply" in flags else ["cse"],
                given_names=given,
                family_name=family,
                aliases=aliases,
                police_flags=flags,
                person_age_group=age_group,
                sex="female" if given == "Stacey" else "male",
                date_of_birth=b.birth_date(16 if age_group == "child" else rng.randint(19, 38)) if given else None,
                description="Fictional demo person of concern.",
            )
        )

    # Children, in six clusters around a place and a group; each cluster is loosely linked inside.
    children: list[Subject] = []
    upper = panel.upper_age
    for i in range(36):
        girl = i % 3 != 1
        age = rng.randint(12, 17) if (upper == 18 or i % 9) else rng.randint(18, 22)
        status = Status.OPEN if i % 8 else rng.choice([Status.STEPPED_DOWN, Status.CLOSED])
        looked_after = "yes" if i % 7 == 0 else rng.choice(["no", "no", "no", "not_known"])
        main = rng.choice(["cse", "cse", "online"] if girl else ["cce", "county_lines", "serious_violence"])
        extra = rng.sample(
            ["online", "financial", "child_on_child", "trafficking", "serious_violence", "cce"], k=rng.randint(0, 2)
        )
        harm = list(dict.fromkeys([main, *extra]))
        child = b.subject(
            Kind.CHILD,
            harm,
            given_names=rng.choice(GIRLS if girl else BOYS),
            family_name=FAMILY[(i * 7 + len(key)) % len(FAMILY)],
            date_of_birth=b.birth_date(age),
            sex="female" if girl else "male",
            gender="girl" if girl else "boy",
            ethnicity=rng.choice(ETHNICITIES),
            send=rng.choice(["none", "none", "sen_support", "ehc_plan", "not_known"]),
            looked_after=looked_after,
            placing_authority=rng.choice(["Croydon", "Kent County Council", "Essex County Council"])
            if looked_after == "yes"
            else "",
            education_status=rng.choice(["mainstream", "mainstream", "alternative", "missing", "college"])
            if age < 18
            else rng.choice(["college", "employment", "neet"]),
            allocated_worker=rng.choice(WORKERS),
            risk_level=rng.choice(levels),
            status=status,
            status_reason="" if status == Status.OPEN else "Risk reduced; support continues through early help.",
            status_changed_at=None if status == Status.OPEN else timezone.now() - timedelta(days=rng.randint(5, 60)),
            for_next_meeting=i % 6 == 0 and status == Status.OPEN,
            description=rng.choice(CONCERNS),
        )
        children.append(child)
        # Risk history: an earlier decision, then the current level.
        first = levels[max(0, levels.index(child.risk_level) - 1)]
        RiskChange.objects.create(
            subject=child, level=first, decided_on=b.today - timedelta(days=90), reason="Initial panel decision.",
            created_by=actor, updated_by=actor,
        )  # fmt: skip
        if first != child.risk_level:
            RiskChange.objects.create(
                subject=child, level=child.risk_level, previous_level=first, decided_on=b.today - timedelta(days=20),
                reason="Reviewed at panel after new information.", created_by=actor, updated_by=actor,
            )  # fmt: skip

    for c, child in enumerate(children):
        cluster = c % 6
        b.link(child, locations[cluster], LinkType.SEEN_AT)
        if c % 2 == 0:
            b.link(child, groups[cluster % len(groups)], LinkType.MEMBER_OF)
        if c % 3 == 0:
            b.link(child, persons[cluster], LinkType.EXPLOITED_BY)
        if c % 4 == 0:
            b.link(child, themes[cluster % len(themes)], LinkType.THEME)
        if c >= 6:  # an associate in the same cluster
            b.link(children[c - 6], child, LinkType.ASSOCIATES)
    # Shared-context cases across clusters: two children seen at the cuckooed flat, and the group chat.
    b.link(children[7], locations[4], LinkType.SEEN_AT, days_ago=9)
    b.link(children[20], locations[4], LinkType.SEEN_AT, days_ago=30)
    b.link(children[13], locations[7], LinkType.SEEN_AT, days_ago=12)
    b.link(children[26], locations[7], LinkType.SEEN_AT, days_ago=3)
    for g, group in enumerate(groups):
        b.link(group, locations[g], LinkType.SEEN_AT)
    for p, person in enumerate(persons[:6]):
        b.link(person, locations[p], LinkType.SEEN_AT)
        b.link(person, groups[p % len(groups)], LinkType.MEMBER_OF)
    b.link(persons[0], persons[9], LinkType.ASSOCIATES)
    # The child causing harm is a child first: he has his own child record.
    young = persons[7]
    young.safeguarding_record = children[1]
    young.save(update_fields=["safeguarding_record"])
    # A likely duplicate: the same child recorded twice by two agencies.
    original = children[2]
    twin = b.subject(
        Kind.CHILD,
        ["cse"],
        given_names=original.given_names,
        family_name=original.family_name[:-1] if len(original.family_name) > 4 else original.family_name + "e",
        date_of_birth=original.date_of_birth,
        sex=original.sex,
        gender=original.gender,
        ethnicity=original.ethnicity,
        education_status="mainstream",
        description="Added by a second agency; may be the same child as another record. Fictional demo record.",
    )
    b.link(twin, locations[5], LinkType.SEEN_AT, days_ago=4)
    Link.objects.bulk_create(b.links)
    locations[4].case_opened_at = timezone.now() - timedelta(days=14)
    locations[4].case_reason = "Several children linked to a possibly cuckooed flat."
    locations[4].save(update_fields=["case_opened_at", "case_reason"])
    groups[2].case_opened_at = timezone.now() - timedelta(days=40)
    groups[2].case_reason = "Drug-supply line recruiting from two estates."
    groups[2].save(update_fields=["case_opened_at", "case_reason"])
    _review_most_alerts(b, keep=6)
    ctx.put(f"register:{key}", {"children": children, "locations": locations, "groups": groups, "persons": persons})
    ctx.log.append(
        f"{panel.name} register: {Subject.objects.filter(panel=panel).count()} records, "
        f"{Link.objects.filter(panel=panel).count()} links"
    )


def _review_most_alerts(b: _Builder, *, keep: int) -> None:
    """A working panel has already looked at most shared-context alerts; leave a few new ones."""
    ties: dict[int, set[int]] = {}
    direct: set[tuple[int, int]] = set()
    kinds = {s.pk: s.kind for s in Subject.objects.filter(panel=b.panel)}
    for link in b.links:
        if kinds[link.source_id] == Kind.CHILD and kinds[link.target_id] in (Kind.LOCATION, Kind.GROUP, Kind.PERSON):
            ties.setdefault(link.target_id, set()).add(link.source_id)
        if kinds[link.source_id] == Kind.CHILD and kinds[link.target_id] == Kind.CHILD:
            direct.add((min(link.source_id, link.target_id), max(link.source_id, link.target_id)))
    pairs = sorted(
        (a, c, context)
        for context, members in ties.items()
        for a in members
        for c in members
        if a < c and (a, c) not in direct
    )
    fresh = set(b.rng.sample(pairs, min(keep, len(pairs))))
    AlertReview.objects.bulk_create(
        AlertReview(
            panel=b.panel,
            first_child_id=a,
            second_child_id=c,
            context_id=context,
            note="Reviewed at panel: known peer group, no further link needed.",
            created_by=b.actor,
            updated_by=b.actor,
        )
        for a, c, context in pairs
        if (a, c, context) not in fresh
    )


def seed(ctx: DemoContext) -> None:
    for key in PANELS:
        if ctx.objects.get(f"panel:{key}") is not None:
            _seed_panel(ctx, key)
