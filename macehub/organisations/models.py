"""London authorities, safeguarding partnerships, agencies and MACE panels."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from macehub.core.models import TrackedModel


class LocalAuthority(models.Model):
    """One of the 33 London local authorities (reference data, loaded by a migration)."""

    gss_code = models.CharField("GSS code", max_length=9, unique=True)
    name = models.CharField(max_length=100, unique=True)
    police_force = models.CharField(max_length=100)
    met_bcu = models.CharField("Met Basic Command Unit", max_length=100, blank=True)
    integrated_care_board = models.CharField(max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "local authorities"

    def __str__(self) -> str:
        return self.name


class Partnership(TrackedModel):
    """A safeguarding children partnership: one or more local authorities."""

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=100, unique=True, help_text="Shown in the header, for example ‘Lambeth’.")
    authorities = models.ManyToManyField(LocalAuthority, related_name="partnerships")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["short_name"]

    def __str__(self) -> str:
        return self.short_name

    @property
    def audit_partnership_id(self) -> int:
        return self.pk


class AgencyType(models.TextChoices):
    POLICE = "police", "Police"
    CHILDRENS_SOCIAL_CARE = "childrens_social_care", "Children's social care"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    YOUTH_JUSTICE = "youth_justice", "Youth justice"
    PROBATION = "probation", "Probation"
    COMMUNITY_SAFETY = "community_safety", "Community safety"
    HOUSING = "housing", "Housing"
    VOLUNTARY_COMMUNITY = "voluntary_community", "Voluntary and community sector"
    PLACEMENT_PROVIDER = "placement_provider", "Placement provider"
    BRITISH_TRANSPORT_POLICE = "british_transport_police", "British Transport Police"
    OTHER = "other", "Other"


#: The three statutory safeguarding partners; the default quoracy rule needs all three.
STATUTORY_PARTNER_TYPES = [
    AgencyType.POLICE.value,
    AgencyType.CHILDRENS_SOCIAL_CARE.value,
    AgencyType.HEALTH.value,
]


class Agency(TrackedModel):
    """An organisation that sends representatives to panels (a police BCU, a school, an ICB…).

    Some agencies serve several partnerships (a Met BCU covers two to four boroughs)."""

    name = models.CharField(max_length=200, unique=True)
    agency_type = models.CharField(max_length=40, choices=AgencyType.choices)
    partnerships = models.ManyToManyField(Partnership, related_name="agencies")
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(condition=models.Q(agency_type__in=AgencyType.values), name="agency_type_known")
        ]

    def __str__(self) -> str:
        return self.name


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    FORTNIGHTLY = "fortnightly", "Fortnightly"
    EVERY_FOUR_WEEKS = "every_four_weeks", "Every four weeks"
    MONTHLY = "monthly", "Monthly"
    SIX_WEEKLY = "six_weekly", "Every six weeks"
    QUARTERLY = "quarterly", "Quarterly"


UPPER_AGE_CHOICES = [(18, "Up to 18th birthday"), (25, "Up to 25th birthday (young adults)")]

#: Risk scales panels commonly use; a panel may also define its own.
RISK_SCALE_PRESETS: dict[str, list[str]] = {
    "low_medium_high": ["Low", "Medium", "High"],
    "emerging_significant_experiencing": ["Emerging", "Significant", "Experiencing exploitation"],
    "low_medium_high_very_high": ["Low", "Medium", "High", "Very high"],
}
DEFAULT_RISK_LEVELS = RISK_SCALE_PRESETS["low_medium_high"]


def default_quorum() -> list[str]:
    return list(STATUTORY_PARTNER_TYPES)


def default_risk_levels() -> list[str]:
    return list(DEFAULT_RISK_LEVELS)


def validate_risk_levels(value: object) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValidationError("Risk levels must be a list of names.")
    cleaned = [v.strip() for v in value]
    if not 2 <= len(cleaned) <= 6:
        raise ValidationError("A risk scale needs between 2 and 6 levels.")
    if any(not v or len(v) > 40 for v in cleaned):
        raise ValidationError("Each risk level needs a name of up to 40 characters.")
    if len({v.lower() for v in cleaned}) != len(cleaned):
        raise ValidationError("Each risk level must have a different name.")


#: Panel roles that may be given sight of persons of concern (the panel decides which).
POC_ROLE_CHOICES = [
    ("panel_chair", "Panel chairs"),
    ("coordinator", "MACE coordinators"),
    ("panel_member", "All panel members"),
]
#: By default only the chair, and representatives of the police, see persons of concern.
DEFAULT_POC_ROLES = ["panel_chair"]
DEFAULT_POC_AGENCY_TYPES = [AgencyType.POLICE.value]


def default_poc_roles() -> list[str]:
    return list(DEFAULT_POC_ROLES)


def default_poc_agency_types() -> list[str]:
    return list(DEFAULT_POC_AGENCY_TYPES)


def validate_poc_roles(value: object) -> None:
    known = {key for key, _ in POC_ROLE_CHOICES}
    if not isinstance(value, list) or any(v not in known for v in value):
        raise ValidationError("Choose panel roles from the list.")


def validate_agency_types(value: object) -> None:
    if not isinstance(value, list) or any(v not in AgencyType.values for v in value):
        raise ValidationError("Choose agency types from the list.")


def validate_quorum(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("Choose at least one agency type that must attend.")
    unknown = [v for v in value if v not in AgencyType.values]
    if unknown:
        raise ValidationError(f"Unknown agency type: {', '.join(map(str, unknown))}.")


class Panel(TrackedModel):
    """A MACE panel (locally MARVE, MAVE, MASE…) and its settings (R1–R4)."""

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="panels")
    name = models.CharField(max_length=120, help_text="The name people use, for example ‘Lambeth MAVE’.")
    full_title = models.CharField(
        max_length=200,
        blank=True,
        help_text="What the name stands for, for example ‘Multi-Agency Violence and Exploitation panel’.",
    )
    upper_age = models.PositiveSmallIntegerField(choices=UPPER_AGE_CHOICES, default=18)
    cadence = models.CharField(max_length=20, choices=Cadence.choices, default=Cadence.MONTHLY)
    quorum_agency_types = models.JSONField(default=default_quorum, validators=[validate_quorum])
    risk_levels = models.JSONField(default=default_risk_levels, validators=[validate_risk_levels])
    #: Who may see persons of concern: anyone on the panel holding one of these roles, or
    #: representing an agency of one of these types (R13; journeys: "only police and the chairs").
    poc_visible_roles = models.JSONField(default=default_poc_roles, blank=True, validators=[validate_poc_roles])
    poc_visible_agency_types = models.JSONField(
        default=default_poc_agency_types, blank=True, validators=[validate_agency_types]
    )
    #: R9: an individual child is only accepted to the panel after front-door (MASH) screening.
    front_door_screening_required = models.BooleanField(default=False)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["partnership__short_name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["partnership", "name"], name="panel_name_unique_in_partnership"),
            models.CheckConstraint(condition=models.Q(upper_age__in=[18, 25]), name="panel_upper_age_18_or_25"),
            models.CheckConstraint(condition=models.Q(cadence__in=Cadence.values), name="panel_cadence_known"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def audit_partnership_id(self) -> int:
        return self.partnership_id

    def quorum_labels(self) -> list[str]:
        labels = dict(AgencyType.choices)
        return [str(labels.get(t, t)) for t in self.quorum_agency_types]

    def poc_audience_labels(self) -> list[str]:
        """Who may see persons of concern, in words, for the settings summary."""
        roles = dict(POC_ROLE_CHOICES)
        agencies = dict(AgencyType.choices)
        return [str(roles.get(r, r)) for r in self.poc_visible_roles] + [
            f"{agencies.get(t, t)} representatives" for t in self.poc_visible_agency_types
        ]

    def clean(self) -> None:
        super().clean()
        if not self.poc_visible_roles and not self.poc_visible_agency_types:
            raise ValidationError(
                {"poc_visible_roles": "Choose at least one role or agency that may see persons of concern."}
            )
