"""The VOLT registers: children, persons of concern, locations, groups and themes, and the
typed, dated links between them.

All five kinds live in one table (:class:`Subject`, with a ``kind``), so a link is simply a
pair of subjects and a panel's network can be walked with a few joins. Each kind also has a
proxy model (:class:`Child`, :class:`PersonOfConcern`, …) that only sees its own rows, so
audit events name the kind ("subjects.child") and views fetch the kind the URL promised.

Children and persons of concern are shown by their pseudonymous reference ("C-0042"); names
and dates of birth are revealed only on request, with a purpose that is audited.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from macehub.core.models import TrackedModel

from .taxonomy import (
    ETHNICITY_CHOICES,
    AgeBand,
    Education,
    Gender,
    GroupType,
    LocationType,
    LookedAfter,
    PersonAgeGroup,
    Send,
    Sex,
    age_band_for,
)


class Kind(models.TextChoices):
    CHILD = "child", "Child"
    PERSON = "person", "Person of concern"
    LOCATION = "location", "Location"
    GROUP = "group", "Group"
    THEME = "theme", "Theme"


#: Reference prefixes: C-0042, P-0007, L-0003, G-0002, T-0001.
PREFIX = {Kind.CHILD: "C", Kind.PERSON: "P", Kind.LOCATION: "L", Kind.GROUP: "G", Kind.THEME: "T"}
KIND_BY_PREFIX = {v: k for k, v in PREFIX.items()}
PLURAL = {
    Kind.CHILD: "Children",
    Kind.PERSON: "Persons of concern",
    Kind.LOCATION: "Locations",
    Kind.GROUP: "Groups",
    Kind.THEME: "Themes",
}
PEOPLE_KINDS = frozenset({Kind.CHILD, Kind.PERSON})
#: Contexts two children can share (R11); persons of concern count only for people allowed to see them.
CONTEXT_KINDS = (Kind.LOCATION, Kind.GROUP, Kind.PERSON)
#: Links are stored with the lower-ranked kind as their source, so "every child linked to this
#: location" is always ``Link.source`` (child) → ``Link.target`` (location).
KIND_RANK = {Kind.CHILD: 0, Kind.PERSON: 1, Kind.GROUP: 2, Kind.LOCATION: 3, Kind.THEME: 4}


class Status(models.TextChoices):
    OPEN = "open", "Open to the panel"
    STEPPED_DOWN = "stepped_down", "Stepped down"
    CLOSED = "closed", "Closed"
    MERGED = "merged", "Merged into another record"


class HarmType(models.Model):
    """One entry of the harm-type taxonomy (loaded by a migration from ``taxonomy.HARM_TYPES``)."""

    code = models.SlugField(max_length=40, unique=True)
    label = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order"]

    def __str__(self) -> str:
        return self.label


def normalise(text: str) -> str:
    """Lower case, accents removed, letters, digits and single spaces only: for matching."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", " ", plain).strip()


def age_on(birth: date, on: date) -> int:
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


class Subject(TrackedModel):
    """One record on a panel's VOLT register. Which fields apply depends on ``kind``:

    * people (children and persons of concern): names, date of birth, aliases, agency references;
    * children: age band, sex, gender, ethnicity, SEND, looked-after status, education,
      allocated worker, risk level (history in :class:`RiskChange`);
    * persons of concern: adult or child, police flags, and for a child causing harm the child
      record that gives them a safeguarding response first;
    * locations: type, ward, authority, optional coordinates, hotspot notes;
    * groups: type; themes: period and evidence.
    """

    past_dates = ("date_of_birth",)

    panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="subjects")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    number = models.PositiveIntegerField(editable=False)
    #: Set from the form that created the record, so submitting the same form twice creates one record.
    submission_id = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    # People: identifying details (shown only on request).
    given_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=150, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    aliases = models.JSONField(default=list, blank=True)
    agency_references = models.JSONField(default=list, blank=True)
    search_key = models.TextField(blank=True, editable=False)

    # Children (and, where known, persons of concern).
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, blank=True)
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(max_length=30, choices=ETHNICITY_CHOICES, blank=True)
    send = models.CharField("SEND", max_length=12, choices=Send.choices, blank=True)
    looked_after = models.CharField(max_length=12, choices=LookedAfter.choices, blank=True)
    placing_authority = models.CharField(max_length=120, blank=True)
    education_status = models.CharField(max_length=12, choices=Education.choices, blank=True)
    allocated_worker = models.CharField(max_length=150, blank=True)
    risk_level = models.CharField(max_length=40, blank=True)

    # Persons of concern.
    person_age_group = models.CharField(max_length=10, choices=PersonAgeGroup.choices, blank=True)
    police_flags = models.JSONField(default=list, blank=True)
    safeguarding_record = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="causing_harm_records",
        help_text="For a child causing harm: their own child record (a safeguarding response first).",
    )

    # Locations, groups and themes.
    name = models.CharField(max_length=200, blank=True)
    location_type = models.CharField(max_length=12, choices=LocationType.choices, blank=True)
    ward = models.CharField(max_length=120, blank=True)
    authority = models.ForeignKey(
        "organisations.LocalAuthority", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    latitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=8,
        decimal_places=5,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    hotspot_notes = models.TextField(blank=True)
    group_type = models.CharField(max_length=10, choices=GroupType.choices, blank=True)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    evidence = models.TextField(blank=True)

    # Every kind.
    description = models.TextField(blank=True)
    harm_types = models.ManyToManyField(HarmType, blank=True, related_name="subjects")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    status_reason = models.TextField(blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    #: A location or group opened as a case of its own (contextual safeguarding, R39).
    case_opened_at = models.DateTimeField(null=True, blank=True)
    case_reason = models.TextField(blank=True)
    #: Accepted from a referral (or chosen by the coordinator) for the next meeting's agenda.
    for_next_meeting = models.BooleanField(default=False)
    #: Legal hold (an inquiry, a claim, a serious case review): the retention job keeps the
    #: record, whatever its age, until the hold is released.
    legal_hold_reason = models.TextField(blank=True)
    legal_hold_since = models.DateTimeField(null=True, blank=True)
    #: When the retention job anonymised the record (names and free text removed).
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["panel", "kind", "number"], name="subject_reference_unique_in_panel"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="subject_kind_known"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="subject_status_known"),
            models.CheckConstraint(
                condition=Q(status__in=[Status.OPEN, Status.MERGED]) | ~Q(status_reason=""),
                name="subject_stepped_down_or_closed_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(status=Status.MERGED, merged_into__isnull=False)
                | (~Q(status=Status.MERGED) & Q(merged_into__isnull=True)),
                name="subject_merged_names_survivor",
            ),
            models.CheckConstraint(
                condition=Q(case_opened_at__isnull=True) | Q(kind__in=[Kind.LOCATION, Kind.GROUP]),
                name="subject_only_contexts_open_as_cases",
            ),
            models.CheckConstraint(
                condition=Q(period_start__isnull=True)
                | Q(period_end__isnull=True)
                | Q(period_end__gte=F("period_start")),
                name="subject_theme_period_in_order",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="subject_coordinates_both_or_neither",
            ),
        ]
        indexes = [models.Index(fields=["panel", "kind", "status"])]

    def __str__(self) -> str:
        return self.reference

    # --- Labels that never identify anyone.

    @property
    def reference(self) -> str:
        return f"{PREFIX[Kind(self.kind)]}-{self.number:04d}"

    @property
    def audit_label(self) -> str:
        return f"{Kind(self.kind).label} {self.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.panel.partnership_id

    @property
    def is_person(self) -> bool:
        return self.kind in PEOPLE_KINDS

    @property
    def is_context(self) -> bool:
        return self.kind in (Kind.LOCATION, Kind.GROUP)

    @property
    def kind_label(self) -> str:
        return str(Kind(self.kind).label)

    @property
    def safe_label(self) -> str:
        """What lists show: the reference, and the name only for locations, groups and themes."""
        if self.is_person or not self.name:
            return self.reference
        return f"{self.reference} {self.name}"

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.given_names, self.family_name) if p)

    def age(self, on: date | None = None) -> int | None:
        if self.date_of_birth is None:
            return None
        return age_on(self.date_of_birth, on or timezone.localdate())

    @property
    def current_age_band(self) -> str:
        """From the date of birth when known (it changes as the child grows), else as recorded."""
        age = self.age()
        return age_band_for(age) if age is not None else self.age_band

    def get_current_age_band_display(self) -> str:
        band = self.current_age_band
        return str(AgeBand(band).label) if band else "Not recorded"

    @property
    def is_open(self) -> bool:
        return self.status == Status.OPEN

    @property
    def is_case(self) -> bool:
        return self.case_opened_at is not None

    # --- Matching.

    def compute_search_key(self) -> str:
        parts = [self.full_name, self.name, *self.aliases, *self.agency_references]
        return " | ".join(normalise(p) for p in parts if p and normalise(p))

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = "Date of birth must be in the past"
        if self.kind in PEOPLE_KINDS and not (self.given_names or self.family_name or self.aliases):
            errors["given_names"] = "Enter a name, or a name they are known by"
        if self.kind not in PEOPLE_KINDS and not self.name.strip():
            errors["name"] = "Enter a name"
        if self.kind == Kind.CHILD and self.looked_after == LookedAfter.YES and not self.placing_authority.strip():
            errors["placing_authority"] = "Enter the placing authority of a looked-after child"
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = "The end of the period must be the same as or after its start"
        if (self.latitude is None) != (self.longitude is None):
            errors["longitude"] = "Enter both latitude and longitude, or neither"
        if self.risk_level and self.panel_id and self.risk_level not in self.panel.risk_levels:
            errors["risk_level"] = "Choose a level from the panel's risk scale"
        if self.status in (Status.STEPPED_DOWN, Status.CLOSED) and not self.status_reason.strip():
            errors["status_reason"] = "Enter the reason"
        if errors:
            raise ValidationError(errors)
        self.search_key = self.compute_search_key()

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_key = self.compute_search_key()
        super().save(*args, **kwargs)


class _KindManager(models.Manager[Subject]):
    def __init__(self, kind: str) -> None:
        super().__init__()
        self.kind = kind

    def get_queryset(self) -> models.QuerySet[Subject]:
        return super().get_queryset().filter(kind=self.kind)


class Child(Subject):
    """A child (or young adult, where the panel's range allows) at risk of or experiencing exploitation."""

    objects: ClassVar[_KindManager] = _KindManager(Kind.CHILD)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name_plural = "children"


class PersonOfConcern(Subject):
    """Someone suspected of causing harm. Seen only by the roles the panel allows."""

    objects: ClassVar[_KindManager] = _KindManager(Kind.PERSON)  # type: ignore[assignment]

    class Meta:
        proxy = True
        verbose_name = "person of concern"
        verbose_name_plural = "persons of concern"


class Location(Subject):
    objects: ClassVar[_KindManager] = _KindManager(Kind.LOCATION)  # type: ignore[assignment]

    class Meta:
        proxy = True


class Group(Subject):
    objects: ClassVar[_KindManager] = _KindManager(Kind.GROUP)  # type: ignore[assignment]

    class Meta:
        proxy = True


class Theme(Subject):
    objects: ClassVar[_KindManager] = _KindManager(Kind.THEME)  # type: ignore[assignment]

    class Meta:
        proxy = True


MODEL_FOR_KIND: dict[str, type[Subject]] = {
    Kind.CHILD: Child,
    Kind.PERSON: PersonOfConcern,
    Kind.LOCATION: Location,
    Kind.GROUP: Group,
    Kind.THEME: Theme,
}


class LinkType(models.TextChoices):
    ASSOCIATES = "associates", "associates with"
    FAMILY = "family", "is family of"
    EXPLOITED_BY = "exploited_by", "is thought to be exploited by"
    MEMBER_OF = "member_of", "is part of"
    LIVES_AT = "lives_at", "lives or stays at"
    SEEN_AT = "seen_at", "is seen at"
    THEME = "theme", "is part of the theme"
    OTHER = "other", "is linked to"


#: How a link type reads when chosen from its target's side (on the link form).
REVERSE_CHOICE = {
    LinkType.EXPLOITED_BY: "is thought to exploit",
    LinkType.MEMBER_OF: "includes",
    LinkType.LIVES_AT: "is where someone lives or stays",
    LinkType.SEEN_AT: "is where someone, or a group, is seen",
    LinkType.THEME: "covers",
}
_PEOPLE = {Kind.CHILD, Kind.PERSON}
_ANY = set(Kind.values) - {Kind.THEME}
#: Which (source kind, target kind) pairs each link type allows, in stored (ranked) order.
ALLOWED_PAIRS: dict[str, set[tuple[str, str]]] = {
    LinkType.ASSOCIATES: {(a, b) for a in _PEOPLE for b in _PEOPLE if KIND_RANK[Kind(a)] <= KIND_RANK[Kind(b)]},
    LinkType.FAMILY: {(a, b) for a in _PEOPLE for b in _PEOPLE if KIND_RANK[Kind(a)] <= KIND_RANK[Kind(b)]},
    LinkType.EXPLOITED_BY: {(Kind.CHILD, Kind.PERSON)},
    LinkType.MEMBER_OF: {(Kind.CHILD, Kind.GROUP), (Kind.PERSON, Kind.GROUP)},
    LinkType.LIVES_AT: {(Kind.CHILD, Kind.LOCATION), (Kind.PERSON, Kind.LOCATION)},
    LinkType.SEEN_AT: {(Kind.CHILD, Kind.LOCATION), (Kind.PERSON, Kind.LOCATION), (Kind.GROUP, Kind.LOCATION)},
    LinkType.THEME: {(k, Kind.THEME) for k in _ANY},
    LinkType.OTHER: {(a, b) for a in Kind.values for b in Kind.values if KIND_RANK[Kind(a)] <= KIND_RANK[Kind(b)]},
}
SYMMETRIC = frozenset({LinkType.ASSOCIATES, LinkType.FAMILY, LinkType.OTHER})


class Confidence(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed"
    LIKELY = "likely", "Likely"
    POSSIBLE = "possible", "Possible (not yet checked)"


class Link(TrackedModel):
    """A typed, dated connection between two records on the same panel's register, with the
    agency the information came from and how sure it is. Ending a link keeps it on record."""

    past_dates = ("known_from", "ended_on")

    panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="links")
    source = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="links_in")
    link_type = models.CharField(max_length=20, choices=LinkType.choices)
    known_from = models.DateField("Date known")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.CharField(max_length=300, blank=True)
    source_agency = models.ForeignKey(
        "organisations.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confidence = models.CharField(max_length=10, choices=Confidence.choices)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-known_from", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(source=F("target")), name="link_not_to_itself"),
            models.CheckConstraint(condition=Q(link_type__in=LinkType.values), name="link_type_known"),
            models.CheckConstraint(condition=Q(confidence__in=Confidence.values), name="link_confidence_known"),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("known_from")), name="link_ends_after_it_starts"
            ),
        ]
        indexes = [
            models.Index(fields=["source", "ended_on"]),
            models.Index(fields=["target", "ended_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.get_link_type_display()} {self.target}"

    @property
    def audit_label(self) -> str:
        return f"Link {self.source.reference} – {self.target.reference}"

    @property
    def audit_partnership_id(self) -> int:
        return self.panel.partnership_id

    @property
    def is_active(self) -> bool:
        return self.ended_on is None

    def other_end(self, subject_id: int) -> Subject:
        return self.target if subject_id == self.source_id else self.source


class RiskChange(TrackedModel):
    """One decision about a child's risk level on the panel's scale; the history is kept."""

    past_dates = ("decided_on",)

    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="risk_changes")
    level = models.CharField(max_length=40)
    previous_level = models.CharField(max_length=40, blank=True)
    decided_on = models.DateField()
    reason = models.TextField()

    class Meta:
        ordering = ["-decided_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.subject} {self.previous_level or '—'} → {self.level}"

    @property
    def audit_label(self) -> str:
        return f"Risk level of {self.subject.reference}"


class AlertReview(TrackedModel):
    """The panel looked at a shared-context alert (two unlinked children sharing a context)
    and decided it needs no link, so it stops appearing."""

    panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="+")
    first_child = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    second_child = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    context = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="+")
    note = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["first_child", "second_child", "context"], name="alert_reviewed_once"),
            models.CheckConstraint(condition=Q(first_child__lt=F("second_child")), name="alert_pair_in_order"),
        ]

    def __str__(self) -> str:
        return f"{self.first_child} and {self.second_child} at {self.context}"

    @property
    def audit_label(self) -> str:
        return (
            f"Shared-context alert {self.first_child.reference}/{self.second_child.reference}/{self.context.reference}"
        )

    @property
    def audit_partnership_id(self) -> int:
        return self.panel.partnership_id


#: What a spreadsheet can bring in: the five registers, and the panel's open actions.
ACTION_IMPORT = "action"
ATTENDANCE_IMPORT = "attendance"
IMPORT_KINDS: dict[str, str] = {
    **{k.value: PLURAL[k] for k in Kind},
    ACTION_IMPORT: "Open actions",
    ATTENDANCE_IMPORT: "Past meetings' attendance",
}


class ImportStatus(models.TextChoices):
    PREVIEW = "preview", "Checked, not yet imported"
    IMPORTED = "imported", "Imported"
    UNDONE = "undone", "Undone"


class RegisterImport(TrackedModel):
    """A spreadsheet brought into a panel's register: read and checked (``preview``), written
    when the coordinator confirms (``imported``), and possibly undone as a whole (``undone``).

    The spreadsheet's cells are kept only while the import waits for confirmation: once it is
    imported (or undone) the records themselves are the data, and ``rows`` is emptied."""

    panel = models.ForeignKey("organisations.Panel", on_delete=models.PROTECT, related_name="imports")
    kind = models.CharField(
        max_length=10,
        choices=[*Kind.choices, (ACTION_IMPORT, "Open action"), (ATTENDANCE_IMPORT, "Past meeting attendance")],
    )
    file_name = models.CharField(max_length=255)
    headers = models.JSONField(default=list)
    rows = models.JSONField(default=list)
    #: Column position (as text) → field name, "" for a column left out.
    mapping = models.JSONField(default=dict)
    row_count = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEW)
    imported_at = models.DateTimeField(null=True, blank=True)
    record_ids = models.JSONField(default=list, blank=True)
    #: Past meetings an attendance import created (undo removes them too).
    created_meeting_ids = models.JSONField(default=list, blank=True)
    undone_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=ImportStatus.values), name="import_status_known"),
        ]

    def __str__(self) -> str:
        return self.audit_label

    @property
    def audit_label(self) -> str:
        return f"Register import {self.pk} ({IMPORT_KINDS[self.kind].lower()})"

    @property
    def audit_partnership_id(self) -> int:
        return self.panel.partnership_id

    @property
    def kind_plural(self) -> str:
        return IMPORT_KINDS[self.kind]
