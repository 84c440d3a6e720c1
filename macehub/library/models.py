"""Tools and templates library: shared documents, their versions and who uses them.

The London project aimed to "reduce the duplication in development of tools and
templates". A partnership (or the London project team) shares a document as a
:class:`LibraryItem`; each upload is an :class:`ItemVersion`; a partnership that uses it
records an :class:`Adoption` of a particular version, so take-up and duplication can be
measured. Nothing here holds identifiable data about a child: uploaders confirm it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from macehub.core.models import TrackedModel


class Kind(models.TextChoices):
    """What sort of document an item is."""

    TERMS_OF_REFERENCE = "terms_of_reference", "Terms of reference"
    AGENDA = "agenda", "Agenda template"
    REFERRAL_FORM = "referral_form", "Referral form"
    MINUTES = "minutes", "Minutes template"
    ACTION_LOG = "action_log", "Action log"
    SCREENING_TOOL = "screening_tool", "Screening tool"
    PRACTICE_GUIDE = "practice_guide", "Practice guide"
    TRAINING = "training", "Training material"
    OTHER = "other", "Other tool or template"


class Licence(models.TextChoices):
    """On what terms others may reuse an item."""

    OGL = "ogl_3", "Open Government Licence v3.0"
    CC_BY = "cc_by_4", "Creative Commons Attribution 4.0"
    CC_BY_SA = "cc_by_sa_4", "Creative Commons Attribution-ShareAlike 4.0"
    LONDON_MACE = "london_mace", "Free to use and adapt within London MACE arrangements"
    ASK_OWNER = "ask_owner", "Ask the owner before reusing it"


class ProtocolArea(models.Model):
    """An area of the London Child Exploitation Operating Protocol (2021) and the 2022 peer
    review's questions that a tool can support (reference data, loaded by a migration)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class Tag(models.Model):
    """A free word or phrase people search by ("VOLT", "county lines"). ``key`` is the
    lower-case form, so "VOLT" and "volt" are one tag."""

    name = models.CharField(max_length=40)
    key = models.CharField(max_length=40, unique=True)

    class Meta:
        ordering = ["key"]

    def __str__(self) -> str:
        return self.name


class LibraryItem(TrackedModel):
    """A shared document: owned by a partnership, or London-wide when ``owner`` is empty."""

    title = models.CharField(max_length=150)
    summary = models.TextField(max_length=2000)
    kind = models.CharField("type", max_length=30, choices=Kind.choices)
    owner = models.ForeignKey(
        "organisations.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="library_items",
        help_text="Empty for London-wide items, which the London project team looks after.",
    )
    licence = models.CharField(max_length=20, choices=Licence.choices, default=Licence.LONDON_MACE)
    tags = models.ManyToManyField(Tag, blank=True, related_name="items")
    protocol_areas = models.ManyToManyField(ProtocolArea, blank=True, related_name="items")
    protocol_clauses = models.CharField(
        "protocol clauses",
        max_length=200,
        blank=True,
        help_text="The parts of the protocol it supports, in the protocol's own words or numbering.",
    )
    #: The newest version; set by the service that adds a version.
    current_version = models.OneToOneField(
        "ItemVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="library_item_kind_known"),
            models.CheckConstraint(condition=Q(licence__in=Licence.values), name="library_item_licence_known"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def owner_label(self) -> str:
        return self.owner.short_name if self.owner_id and self.owner else "London-wide"

    @property
    def audit_label(self) -> str:
        return f"library item {self.title}"

    @property
    def audit_partnership_id(self) -> int | None:
        return self.owner_id


class ItemVersion(models.Model):
    """One uploaded file of an item, numbered 1, 2, 3… Old versions stay downloadable."""

    item = models.ForeignKey(LibraryItem, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    change_note = models.TextField(max_length=1000)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["item", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="library_version_number_unique_per_item"),
            models.CheckConstraint(condition=Q(number__gte=1), name="library_version_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.item} version {self.number}"

    @property
    def audit_label(self) -> str:
        return f"library item {self.item.title} version {self.number}"

    @property
    def audit_partnership_id(self) -> int | None:
        return self.item.owner_id


class Adoption(models.Model):
    """A partnership uses a version of an item. Moving to a newer version ends this record
    and starts another, and stopping ends it, so the history of take-up is kept."""

    item = models.ForeignKey(LibraryItem, on_delete=models.PROTECT, related_name="adoptions")
    partnership = models.ForeignKey(
        "organisations.Partnership", on_delete=models.PROTECT, related_name="library_adoptions"
    )
    version = models.ForeignKey(ItemVersion, on_delete=models.PROTECT, related_name="adoptions")
    adopted_at = models.DateTimeField(default=timezone.now)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-adopted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "partnership"],
                condition=Q(ended_at__isnull=True),
                name="library_one_current_adoption_per_partnership",
            ),
            models.CheckConstraint(
                condition=Q(ended_at__isnull=True) | Q(ended_at__gte=models.F("adopted_at")),
                name="library_adoption_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partnership} uses {self.item} version {self.version.number}"

    @property
    def is_current(self) -> bool:
        return self.ended_at is None

    @property
    def audit_label(self) -> str:
        return f"adoption of library item {self.item.title}"

    @property
    def audit_partnership_id(self) -> int:
        return self.partnership_id


class PendingUpload(models.Model):
    """A checked file someone chose, kept while they correct the form or decide about a
    possible duplicate, so they never have to choose it again. Only its uploader can use
    it; ``manage.py library_discard_pending`` removes ones left behind."""

    file = models.OneToOneField("core.StoredFile", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"pending upload {self.file.original_name}"

    @property
    def audit_label(self) -> str:
        return f"library upload awaiting confirmation: {self.file.original_name}"
