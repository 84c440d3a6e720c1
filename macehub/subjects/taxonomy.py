"""Reference vocabularies for the VOLT registers, written down once.

Everything here is project data, worded for practitioners (child first: children are at
risk of or experiencing exploitation, never "involved in" it). Changing a code breaks
stored records; change labels freely.
"""

from __future__ import annotations

from typing import Any

from django.db import models

# --- Harm types ---------------------------------------------------------------------------------

#: The harm-type taxonomy (requirement R3), as (code, label, short description). Loaded into
#: the ``HarmType`` table by a data migration so registers and referrals can be counted by it.
HARM_TYPES: list[tuple[str, str, str]] = [
    (
        "cse",
        "Child sexual exploitation",
        "A person or group uses an imbalance of power to coerce, manipulate or deceive a child into sexual "
        "activity, for something the child needs or wants or for the abuser's gain. It can happen online.",
    ),
    (
        "cce",
        "Child criminal exploitation",
        "A person or group uses an imbalance of power to coerce, control or deceive a child into crime — "
        "for example theft, shoplifting, cannabis cultivation or threatening other young people.",
    ),
    (
        "county_lines",
        "County lines",
        "A form of criminal exploitation: networks move illegal drugs between areas using dedicated phone "
        "lines, and use children to carry, store or sell them. Includes 'cuckooing' of homes.",
    ),
    (
        "trafficking",
        "Trafficking and modern slavery",
        "Moving, harbouring or controlling a child for exploitation. Children are always referred to the "
        "National Referral Mechanism; they do not have to consent.",
    ),
    (
        "online",
        "Online harm and exploitation",
        "Grooming, sexual extortion, coercion or recruitment through social media, messaging or gaming.",
    ),
    (
        "serious_violence",
        "Serious violence",
        "Serious youth violence, including knife and weapon-related harm, outside the home.",
    ),
    (
        "child_on_child",
        "Child-on-child abuse",
        "Abuse by other children, including harmful sexual behaviour and teenage relationship abuse.",
    ),
    (
        "financial",
        "Financial exploitation",
        "A child's bank account, identity or money used by others — for example as a 'money mule'.",
    ),
    (
        "radicalisation",
        "Radicalisation and extremism",
        "A child drawn towards extremist ideas or groups that could lead to harm.",
    ),
    ("other", "Other harm outside the home", "Any other extra-familial harm; say what in the summary."),
]

# --- People ------------------------------------------------------------------------------------


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    NOT_KNOWN = "not_known", "Not known"


class Gender(models.TextChoices):
    GIRL = "girl", "Girl or young woman"
    BOY = "boy", "Boy or young man"
    NON_BINARY = "non_binary", "Non-binary"
    ANOTHER_WAY = "another_way", "Describes their gender another way"
    NOT_KNOWN = "not_known", "Not known"


#: The Office for National Statistics' ethnic groups (2021 Census, England and Wales), so
#: counts can be compared with the borough's child population. Grouped as the ONS groups them.
ETHNICITY_GROUPS: list[tuple[str, list[tuple[str, str]]]] = [
    (
        "Asian, Asian British or Asian Welsh",
        [
            ("asian_bangladeshi", "Bangladeshi"),
            ("asian_chinese", "Chinese"),
            ("asian_indian", "Indian"),
            ("asian_pakistani", "Pakistani"),
            ("asian_other", "Any other Asian background"),
        ],
    ),
    (
        "Black, Black British, Black Welsh, Caribbean or African",
        [
            ("black_african", "African"),
            ("black_caribbean", "Caribbean"),
            ("black_other", "Any other Black, Black British or Caribbean background"),
        ],
    ),
    (
        "Mixed or multiple ethnic groups",
        [
            ("mixed_white_asian", "White and Asian"),
            ("mixed_white_black_african", "White and Black African"),
            ("mixed_white_black_caribbean", "White and Black Caribbean"),
            ("mixed_other", "Any other Mixed or multiple ethnic background"),
        ],
    ),
    (
        "White",
        [
            ("white_british", "English, Welsh, Scottish, Northern Irish or British"),
            ("white_irish", "Irish"),
            ("white_gypsy_traveller", "Gypsy or Irish Traveller"),
            ("white_roma", "Roma"),
            ("white_other", "Any other White background"),
        ],
    ),
    ("Other ethnic group", [("other_arab", "Arab"), ("other_any", "Any other ethnic group")]),
    ("Not recorded", [("not_known", "Not known"), ("refused", "Prefers not to say")]),
]
ETHNICITY_CHOICES: list[tuple[str, str]] = [choice for _, group in ETHNICITY_GROUPS for choice in group]
ETHNICITY_LABELS: dict[str, str] = dict(ETHNICITY_CHOICES)
ETHNICITY_GROUP_OF: dict[str, str] = {code: group for group, choices in ETHNICITY_GROUPS for code, _ in choices}


class Send(models.TextChoices):
    NONE = "none", "No special educational needs or disabilities"
    SEN_SUPPORT = "sen_support", "SEN support"
    EHC_PLAN = "ehc_plan", "Education, health and care plan"
    NOT_KNOWN = "not_known", "Not known"


class LookedAfter(models.TextChoices):
    NO = "no", "Not looked after"
    YES = "yes", "Looked after"
    CARE_LEAVER = "care_leaver", "Care leaver"
    NOT_KNOWN = "not_known", "Not known"


class Education(models.TextChoices):
    MAINSTREAM = "mainstream", "Mainstream school"
    ALTERNATIVE = "alternative", "Alternative provision or pupil referral unit"
    SPECIAL = "special", "Special school"
    COLLEGE = "college", "College or further education"
    HOME = "home", "Elective home education"
    MISSING = "missing", "Not in education (missing education)"
    EMPLOYMENT = "employment", "Employment or training"
    NEET = "neet", "Not in education, employment or training"
    NOT_KNOWN = "not_known", "Not known"


class AgeBand(models.TextChoices):
    UNDER_10 = "under_10", "Under 10"
    AGE_10_13 = "10_13", "10 to 13"
    AGE_14_15 = "14_15", "14 to 15"
    AGE_16_17 = "16_17", "16 to 17"
    AGE_18_20 = "18_20", "18 to 20"
    AGE_21_24 = "21_24", "21 to 24"
    ADULT = "adult", "25 or over"
    NOT_KNOWN = "not_known", "Not known"


def age_band_for(age: int) -> str:
    if age < 10:
        return AgeBand.UNDER_10
    if age < 14:
        return AgeBand.AGE_10_13
    if age < 16:
        return AgeBand.AGE_14_15
    if age < 18:
        return AgeBand.AGE_16_17
    if age < 21:
        return AgeBand.AGE_18_20
    if age < 25:
        return AgeBand.AGE_21_24
    return AgeBand.ADULT


class PersonAgeGroup(models.TextChoices):
    ADULT = "adult", "Adult (18 or over)"
    CHILD = "child", "Child (under 18)"
    NOT_KNOWN = "not_known", "Not known"


# --- Contexts ---------------------------------------------------------------------------------


class LocationType(models.TextChoices):
    PARK = "park", "Park or open space"
    SHOP = "shop", "Shop"
    FOOD = "food", "Takeaway, café or fast-food outlet"
    TRANSPORT = "transport", "Transport hub or route"
    SCHOOL = "school", "School or college"
    ADDRESS = "address", "Address (home, flat or hostel)"
    ESTATE = "estate", "Housing estate"
    LEISURE = "leisure", "Leisure venue or youth club"
    ONLINE = "online", "Online space (app, platform or group chat)"
    OTHER = "other", "Other place"


class GroupType(models.TextChoices):
    PEER = "peer", "Peer group"
    NETWORK = "network", "Exploitation or drug-supply network"
    ONLINE = "online", "Online group"
    OTHER = "other", "Other group"


def load_harm_types(harm_type_model: Any) -> None:
    """Create or update the harm-type taxonomy (migration 0002, and after a test flush)."""
    for order, (code, label, description) in enumerate(HARM_TYPES):
        harm_type_model.objects.update_or_create(
            code=code, defaults={"label": label, "description": description, "order": order}
        )
