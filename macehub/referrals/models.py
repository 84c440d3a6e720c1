"""Referrals to a panel: about an individual child, a group, a location or a possible
perpetrator (R6), with the route into MACE (R8), context (R7), attachments, and the
screening decision — accepted, signposted or not meeting the criteria, always with a
reason (R10)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from macehub.core.models import TrackedModel
from macehub.subjects.models import Kind
from macehub.subjects.taxonomy import ETHNICITY_CHOICES, AgeBand, LocationType, PersonAgeGroup, Sex


class SubjectType(models.TextChoices):
    CHILD = "child", "An individual child or young person"
    GROUP = "group", "A group of children or young people"
    LOCATION = "location", "A location"
    PERSON = "person", "A possible perpetrator"


#: The register each kind of referral adds to when accepted.
KIND_FOR_TYPE = {
    SubjectType.CHILD: Kind.CHILD,
    SubjectType.GROUP: Kind.GROUP,
    SubjectType.LOCATION: Kind.LOCATION,
    SubjectType.PERSON: Kind.PERSON,
}


SHORT_TYPE = {
    SubjectType.CHILD: "Child",
    SubjectType.GROUP: "Group",
    SubjectType.LOCATION: "Location",
    SubjectType.PERSON: "Possible perpetrator",
}


class Route(models.TextChoices):
    FRONT_DOOR = "front_door", "Through the front door (MASH or integrated referral hub), with a referral form"
    STRATEGY = "strategy", "From a strategy discussion"
    POLICE = "police", "From a police report (for example a non-crime child exploitation report)"
    PRE_MACE = "pre_mace", "From pre-MACE triage"
    OTHER = "other", "Another route"


class ReferralStatus(models.TextChoices):
    SUBMITTED = "submitted", "Waiting for screening"
    ACCEPTED = "accepted", "Accepted to the panel"
    SIGNPOSTED = "signposted", "Signposted elsewhere"
    NOT_MET = "not_met", "Does not meet the criteria"
    WITHDRAWN = "withdrawn", "Withdrawn by the referrer"


SHORT_ROUTE = {
    Route.FRONT_DOOR: "Front door",
    Route.STRATEGY: "Strategy discussion",
    Route.POLICE: "Police report",
    Route.PRE_MACE: "Pre-MACE triage",
    Route.OTHER: "Other",
}

DECIDED = [ReferralStatus.ACCEPTED, ReferralStatus.SIGNPOSTED, ReferralStatus.NOT_MET]


class Referral(TrackedModel):
    past_dates = ("date_of_birth",)
    panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="referrals")
    number = models.PositiveIntegerField(editable=False)
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    subject_type = models.CharField(max_length=10, choices=SubjectType.choices)
    referrer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="referrals_made")
    referrer_agency = models.ForeignKey("organisations.Agency", on_delete=models.PROTECT, related_name="+")

    route = models.CharField(max_length=12, choices=Route.choices)
    route_reference = models.CharField(max_length=100, blank=True)
    front_door_screened = models.BooleanField(default=False)

    # Who or what it is about.
    given_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    aliases = models.CharField(max_length=300, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    ethnicity = models.CharField(max_length=30, choices=ETHNICITY_CHOICES, blank=True)
    person_age_group = models.CharField(max_length=10, choices=PersonAgeGroup.choices, blank=True)
    name = models.CharField(max_length=200, blank=True)
    location_type = models.CharField(max_length=12, choices=LocationType.choices, blank=True)
    ward = models.CharField(max_length=120, blank=True)

    harm_types = models.ManyToManyField("subjects.HarmType", related_name="referrals")
    concerns = models.TextField()
    associates = models.TextField(blank=True)
    locations = models.TextField(blank=True)
    school = models.CharField(max_length=200, blank=True)
    online = models.TextField(blank=True)

    status = models.CharField(max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.SUBMITTED)
    decision_reason = models.TextField(blank=True)
    signposted_to = models.CharField(max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    subjects = models.ManyToManyField("subjects.Subject", blank=True, related_name="referrals")

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "number"], name="referral_reference_unique_in_panel"),
            models.CheckConstraint(condition=Q(subject_type__in=SubjectType.values), name="referral_type_known"),
            models.CheckConstraint(condition=Q(route__in=Route.values), name="referral_route_known"),
            models.CheckConstraint(condition=Q(status__in=ReferralStatus.values), name="referral_status_known"),
            models.CheckConstraint(
                condition=~Q(status__in=DECIDED) | (~Q(decision_reason="") & Q(decided_at__isnull=False)),
                name="referral_decision_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status=ReferralStatus.SIGNPOSTED) | ~Q(signposted_to=""),
                name="referral_signposting_says_where",
            ),
        ]
        indexes = [models.Index(fields=["panel", "status", "created_at"])]

    def __str__(self) -> str:
        return self.reference

    @property
    def reference(self) -> str:
        return f"R-{self.number:04d}"

    @property
    def audit_label(self) -> str:
        return f"Referral {self.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.panel.partnership_id

    @property
    def kind(self) -> str:
        return KIND_FOR_TYPE[SubjectType(self.subject_type)]

    @property
    def short_type(self) -> str:
        return SHORT_TYPE[SubjectType(self.subject_type)]

    @property
    def short_route(self) -> str:
        return SHORT_ROUTE[Route(self.route)]

    @property
    def is_waiting(self) -> bool:
        return self.status == ReferralStatus.SUBMITTED

    @property
    def about(self) -> str:
        """Who or what it is about, for the people allowed to open the referral."""
        if self.subject_type in (SubjectType.CHILD, SubjectType.PERSON):
            return " ".join(p for p in (self.given_names, self.family_name) if p) or self.aliases or "Name not known"
        return self.name


class ReferralAttachment(models.Model):
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="attachments")
    file = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return str(self.file)
