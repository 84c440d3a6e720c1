"""People, their memberships (roles in a panel, a partnership or London-wide) and access requests."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.utils import timezone

from macehub.core.access import LONDON_ROLES, PANEL_SCOPED_ROLES, PARTNERSHIP_ROLES, Role
from macehub.core.models import TrackedModel


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user


# Skipped when greeting someone by their first name.
TITLES = frozenset({"dr", "mr", "mrs", "ms", "miss", "mx", "prof", "professor", "sir", "dame", "rev", "revd", "cllr"})


class User(AbstractBaseUser):
    """A person who signs in. What they may see comes only from their active memberships."""

    email = models.EmailField("E-mail address", unique=True)
    full_name = models.CharField(max_length=150)
    job_title = models.CharField(max_length=150, blank=True)
    is_active = models.BooleanField(default=True, help_text="Deactivated people cannot sign in and their sessions end.")
    date_joined = models.DateTimeField(default=timezone.now)
    #: Created by ``seed_demo``; only these accounts' one-time codes can be printed.
    is_demo = models.BooleanField(default=False, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def audit_label(self) -> str:
        return self.email

    # Django's auth helpers expect these; MACE Hub never uses Django's admin site.
    is_staff = False
    is_superuser = False

    def get_full_name(self) -> str:
        return self.full_name

    def get_short_name(self) -> str:
        """The name to greet someone by: "Dr Lena Novak" → "Lena" (titles are skipped)."""
        words = [w for w in self.full_name.split() if w.rstrip(".").lower() not in TITLES]
        return words[0] if words else (self.full_name.strip() or self.email)


_PANEL_SCOPED = Q(
    role__in=sorted(r.value for r in PANEL_SCOPED_ROLES),
    panel__isnull=False,
    partnership__isnull=False,
    agency__isnull=False,
)
_PARTNERSHIP_SCOPED = Q(
    role__in=sorted(r.value for r in PARTNERSHIP_ROLES), panel__isnull=True, partnership__isnull=False
)
_LONDON_SCOPED = Q(role__in=sorted(r.value for r in LONDON_ROLES), panel__isnull=True, partnership__isnull=True)


class Membership(TrackedModel):
    """A role someone holds: in a panel (with the agency they represent), in a partnership,
    or London-wide. Ending a membership keeps the record (``ended_at``) for the audit trail."""

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=40, choices=Role.choices)
    partnership = models.ForeignKey(
        "organisations.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    panel = models.ForeignKey(
        "organisations.Panel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    access_request = models.OneToOneField(
        "AccessRequest", null=True, blank=True, on_delete=models.PROTECT, related_name="membership"
    )
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(
                condition=_PANEL_SCOPED | _PARTNERSHIP_SCOPED | _LONDON_SCOPED,
                name="membership_scope_matches_role",
            ),
            # One active membership per person, role and place (three cases: NULLs never compare equal).
            models.UniqueConstraint(
                fields=["user", "role", "panel"],
                condition=Q(ended_at__isnull=True, panel__isnull=False),
                name="membership_unique_active_panel_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "partnership"],
                condition=Q(ended_at__isnull=True, panel__isnull=True, partnership__isnull=False),
                name="membership_unique_active_partnership_role",
            ),
            models.UniqueConstraint(
                fields=["user", "role"],
                condition=Q(ended_at__isnull=True, partnership__isnull=True),
                name="membership_unique_active_london_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} — {self.scope_label}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None

    @property
    def scope_label(self) -> str:
        if self.panel_id:
            return str(self.panel)
        if self.partnership_id:
            return str(self.partnership)
        return "London"

    @property
    def audit_partnership_id(self) -> int | None:
        return self.partnership_id

    @property
    def audit_label(self) -> str:
        return f"{self.user.email}: {self.get_role_display()} ({self.scope_label})"


class AccessRequest(TrackedModel):
    """Someone asking for a role. Borough admins of the partnership (system admins for
    London-wide roles) approve it, which creates the membership, or decline it with a reason."""

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for approval"
        APPROVED = "approved", "Approved"
        DECLINED = "declined", "Declined"
        WITHDRAWN = "withdrawn", "Withdrawn"

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_requests")
    role = models.CharField(max_length=40, choices=Role.choices)
    partnership = models.ForeignKey(
        "organisations.Partnership",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_requests",
    )
    panel = models.ForeignKey(
        "organisations.Panel",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_requests",
    )
    agency = models.ForeignKey(
        "organisations.Agency",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="access_requests",
    )
    reason = models.TextField(help_text="Why you need this access.")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=_PANEL_SCOPED | _PARTNERSHIP_SCOPED | _LONDON_SCOPED,
                name="access_request_scope_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "declined", "withdrawn"]),
                name="access_request_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="access_request_decline_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} asks to be {self.get_role_display()} ({self.scope_label})"

    @property
    def scope_label(self) -> str:
        if self.panel_id:
            return str(self.panel)
        if self.partnership_id:
            return str(self.partnership)
        return "London"

    @property
    def audit_partnership_id(self) -> int | None:
        return self.partnership_id

    @property
    def audit_label(self) -> str:
        return f"request #{self.pk} by {self.user.email}"


class SignInProvider(TrackedModel):
    """An organisation's own identity provider (OpenID Connect), used for the e-mail domains
    listed. It proves who someone is; what they may see still comes only from MACE Hub's own
    approved memberships. The client secret is stored encrypted and never shown again."""

    name = models.CharField(
        "Name people will see",
        max_length=100,
        help_text='For example "Metropolitan Police". The sign-in page says "Continue to …" with this name.',
    )
    domains = models.TextField(
        "E-mail domains",
        help_text="One per line, for example met.police.uk. Everyone whose address ends in one of these signs in here.",
    )
    server_url = models.URLField(
        "Issuer address",
        max_length=300,
        help_text="The provider's issuer URL: MACE Hub reads /.well-known/openid-configuration under it.",
    )
    client_id = models.CharField("Client ID", max_length=200)
    client_secret_encrypted = models.TextField(blank=True, editable=False)
    trust_provider_mfa = models.BooleanField(
        "Accept the provider's two-factor authentication",
        default=False,
        help_text="Only when the ID token says it was done (the amr or acr claim). Otherwise MACE Hub asks for its own code.",
    )
    mfa_amr_values = models.CharField(
        "amr values that mean two-factor was done",
        max_length=200,
        blank=True,
        default="mfa",
        help_text='Separated by spaces. "mfa" is the standard value (RFC 8176); Microsoft Entra ID sends it too.',
    )
    mfa_acr_values = models.CharField(
        "acr values that mean two-factor was done",
        max_length=300,
        blank=True,
        help_text="Separated by spaces. Leave blank unless your provider documents an acr value for two-factor.",
    )
    is_enabled = models.BooleanField("Turned on", default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def provider_id(self) -> str:
        """allauth's id for this provider, used in the callback address."""
        return f"sso-{self.pk}"

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower().lstrip("@") for d in self.domains.split() if d.strip()]

    @property
    def audit_partnership_id(self) -> None:
        return None

    @property
    def audit_label(self) -> str:
        return f"sign-in provider {self.name}"


class KeptDraft(models.Model):
    """A form someone sent after their session had ended, kept for them alone until they sign
    in again and come back to it (drafts.py). The fields are encrypted; the row is deleted when
    shown, and by ``apply_retention`` once past ``expires_at`` (24 hours by default)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="kept_drafts")
    path = models.CharField(max_length=500)
    #: Fernet-encrypted JSON list of [name, value] pairs, without the CSRF token.
    data = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["user", "path"], name="kept_draft_user_path")]

    def __str__(self) -> str:
        return f"Kept draft for {self.path}"
