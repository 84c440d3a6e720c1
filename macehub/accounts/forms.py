"""Registration, access requests and the admin forms that decide them."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from django import forms
from django.core.exceptions import ValidationError

from macehub.core.access import LONDON_ROLES, PANEL_SCOPED_ROLES, PARTNERSHIP_ROLES, Role
from macehub.core.forms import GovukForm
from macehub.core.submissions import SubmissionMixin
from macehub.organisations import selectors as org_selectors
from macehub.organisations.models import Agency, Panel

from .models import SignInProvider
from .services import _validate_scope, registration_complete

# System admin is granted by an operator (manage.py grant_role), never requested.
REQUESTABLE_ROLES = [(r.value, r.label) for r in Role if r != Role.SYSTEM_ADMIN]


def _grouped(items: list[tuple[str, int, str]], placeholder: str) -> list[Any]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for group, pk, label in items:
        groups.setdefault(group, []).append((str(pk), label))
    return [("", placeholder), *sorted(groups.items())]


class AccessChoiceMixin(GovukForm):
    """The role someone needs and where: shared by registration and later requests."""

    role = forms.ChoiceField(
        label="Role you need",
        choices=REQUESTABLE_ROLES,
        widget=forms.RadioSelect,
        help_text="Panel roles give access to one panel's records. Partnership roles give access to the "
        "partnership's panels and figures. London roles never include information about individual children.",
    )
    partnership = forms.ModelChoiceField(
        label="Safeguarding partnership",
        queryset=org_selectors.registration_partnerships(),
        required=False,
        empty_label="Choose a partnership",
        help_text="Leave empty only for London-wide roles.",
    )
    panel = forms.ChoiceField(label="Panel (for panel roles)", required=False)
    agency = forms.ChoiceField(label="Agency you work for", required=False)
    reason = forms.CharField(
        label="Why you need this access",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="For example ‘I am the designated safeguarding lead at a secondary school in Lambeth’. "
        "Your borough admin reads this.",
        error_messages={"required": "Say why you need this access."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = org_selectors.registration_partnerships()  # type: ignore[attr-defined]
        panels = [(p.partnership.short_name, p.pk, p.name) for p in org_selectors.registration_panels()]
        self.fields["panel"].choices = _grouped(panels, "Choose a panel")  # type: ignore[attr-defined]
        agencies = [
            (partnership, agency.pk, agency.name)
            for agency in org_selectors.registration_agencies()
            for partnership in agency.partnerships.all()
            if partnership.is_active
        ]
        by_partnership: dict[str, list[int]] = {}
        for partnership, pk, _name in agencies:
            by_partnership.setdefault(str(partnership.pk), []).append(pk)
        chosen = self._chosen_partnership_pk()
        agency_field = self.fields["agency"]
        if chosen is not None and chosen in by_partnership:
            # The list is filtered by the partnership chosen, on the server too: an agency from
            # elsewhere is not a choice, and the error says why (the page's script does the
            # same as soon as a partnership is picked; without it the grouped list is shown).
            in_partnership = sorted(
                ((str(pk), name) for partnership, pk, name in agencies if str(partnership.pk) == chosen),
                key=lambda choice: choice[1],
            )
            agency_field.choices = [("", "Choose an agency"), *in_partnership]  # type: ignore[attr-defined]
        else:
            agency_field.choices = _grouped(  # type: ignore[attr-defined]
                [(partnership.short_name, pk, name) for partnership, pk, name in agencies], "Choose an agency"
            )
        agency_field.error_messages["invalid_choice"] = "Choose an agency that works in the partnership you selected."
        agency_field.widget.attrs["data-agencies-by-partnership"] = json.dumps(by_partnership, separators=(",", ":"))
        self.fields["partnership"].widget.attrs["data-filters-agencies"] = "true"

    def _chosen_partnership_pk(self) -> str | None:
        value = self.data.get(self.add_prefix("partnership")) if self.is_bound else self.initial.get("partnership")
        if value in (None, ""):
            return None
        value = str(getattr(value, "pk", value))
        return value if value.isdigit() else None

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data

        role = data.get("role")
        panel = agency = None
        if data.get("panel"):
            panel = Panel.objects.filter(pk=data["panel"], is_active=True).select_related("partnership").first()
        if data.get("agency"):
            agency = Agency.objects.filter(pk=data["agency"], is_active=True).first()
        partnership = data.get("partnership")
        if role in PANEL_SCOPED_ROLES and panel is not None and partnership is None:
            partnership = panel.partnership
        if role in LONDON_ROLES:
            partnership = panel = None
        elif role in PARTNERSHIP_ROLES:
            panel = None
        data["partnership"], data["panel"], data["agency"] = partnership, panel, agency
        if role:
            try:
                _validate_scope(role=role, partnership=partnership, panel=panel, agency=agency)
            except ValidationError as exc:
                for field, errors in exc.error_dict.items():
                    self.add_error(field, errors)
        return data

    def access_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "role": data["role"],
            "partnership": data["partnership"],
            "panel": data["panel"],
            "agency": data["agency"],
            "reason": data["reason"],
        }


class RegistrationDetailsForm(AccessChoiceMixin):
    """Extra fields on allauth's sign-up form; ``signup`` runs once the account exists."""

    full_name = forms.CharField(label="Full name", max_length=150, error_messages={"required": "Enter your full name."})
    job_title = forms.CharField(label="Job title", max_length=150, error_messages={"required": "Enter your job title."})

    def signup(self, request: Any, user: Any) -> None:
        data = self.cleaned_data
        registration_complete(
            user=user,
            full_name=data["full_name"],
            job_title=data["job_title"],
            request_fields=self.access_fields(),
        )


class AccessRequestForm(SubmissionMixin, AccessChoiceMixin):
    pass


class DecisionForm(GovukForm):
    """Which button was pressed: anything else is a plain error, not a crash."""

    decision = forms.ChoiceField(
        choices=[("approve", "Approve"), ("decline", "Decline")],
        error_messages={
            "required": "Choose to approve or decline the request.",
            "invalid_choice": "Choose to approve or decline the request.",
        },
    )


class DecideRequestForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)


class DeclineRequestForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    decision_reason = forms.CharField(
        label="Reason for declining",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        help_text="The person will receive this reason by e-mail.",
        error_messages={"required": "Give a reason. The person will see it."},
    )


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=500,
        error_messages={"required": "Give a reason. It is kept in the audit trail."},
    )


class PeopleFilterForm(GovukForm):
    q = forms.CharField(label="Name or e-mail address", required=False, max_length=100)
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[
            ("", "Everyone"),
            ("active", "Active"),
            ("deactivated", "Deactivated"),
            ("pending", "Waiting for approval"),
        ],
    )


class ActingForm(GovukForm):
    partnership = forms.TypedChoiceField(label="Partnership", coerce=int, widget=forms.RadioSelect)

    def __init__(self, *args: Any, choices: tuple[tuple[int, str], ...] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partnership"].choices = list(choices)  # type: ignore[attr-defined]


# --- allauth's own forms, in MACE Hub's words and order ------------------------------------------
# Imported lazily by allauth (ACCOUNT_FORMS): its SignupForm is built from
# ACCOUNT_SIGNUP_FORM_CLASS above, so these classes only change presentation.

from allauth.account.forms import LoginForm, ResetPasswordForm, SignupForm  # noqa: E402

PASSWORD_HINT = "At least 12 characters. Three or more random words make a strong password that is easy to remember."  # noqa: S105 - hint text, not a password


class GovukLoginForm(LoginForm):  # type: ignore[misc]  # allauth is untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "E-mail address"
        self.fields["login"].widget.attrs.update({"autocomplete": "username", "spellcheck": "false"})
        self.fields["password"].help_text = ""
        self.fields.pop("remember", None)


class RegistrationForm(SignupForm):  # type: ignore[misc]  # allauth is untyped
    field_order = [
        "full_name",
        "job_title",
        "email",
        "password1",
        "password2",
        "role",
        "partnership",
        "panel",
        "agency",
        "reason",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.fields["email"].help_text = "Use your work e-mail address. We will send a link to confirm it."
        self.fields["email"].widget.attrs.update({"autocomplete": "email", "spellcheck": "false"})
        self.fields["password1"].label = "Create a password"
        self.fields["password1"].help_text = PASSWORD_HINT
        self.fields["password2"].label = "Confirm your password"
        self.fields["full_name"].widget.attrs["autocomplete"] = "name"
        self.fields["job_title"].widget.attrs["autocomplete"] = "organization-title"

    def try_save(self, request: Any) -> Any:
        """An address that already has an account gets the same answer as a new one (allauth
        sends its owner an e-mail instead). The time taken must not tell them apart either
        (C16): the known path also does a new account's work — the password hash, the
        account, its request and its audit event — and then undoes it."""
        if self.account_already_exists:
            self._rehearse_new_account(request)
        return super().try_save(request)

    def _rehearse_new_account(self, request: Any) -> None:
        import uuid

        from django.db import transaction

        real_email = self.cleaned_data.get("email")
        self.cleaned_data["email"] = f"rehearsal-{uuid.uuid4().hex}@rehearsal.invalid"
        self.account_already_exists = False
        try:
            with transaction.atomic():
                self.save(request)
                # Nothing of it is kept, and the e-mails it queued are never sent.
                transaction.set_rollback(True)
        finally:
            self.cleaned_data["email"] = real_email
            self.account_already_exists = True


class GovukResetPasswordForm(ResetPasswordForm):  # type: ignore[misc]  # allauth is untyped
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].label = "E-mail address"
        self.fields[
            "email"
        ].help_text = "If it belongs to a MACE Hub account, we will send a link to reset your password."


_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


class SignInProviderForm(SubmissionMixin, GovukForm):
    """A system admin sets up (or changes) an organisation's OpenID Connect provider."""

    name = forms.CharField(
        label="Name people will see",
        max_length=100,
        help_text='For example "Metropolitan Police". The sign-in page sends people to "Continue to" this name.',
        error_messages={"required": "Enter the name people will see."},
    )
    domains = forms.CharField(
        label="E-mail domains",
        widget=forms.Textarea(attrs={"rows": 3, "spellcheck": "false"}),
        max_length=2000,
        help_text="One per line, for example met.police.uk. Everyone whose work address ends in one of these "
        "signs in through this provider.",
        error_messages={"required": "Enter at least one e-mail domain."},
    )
    server_url = forms.URLField(
        label="Issuer address",
        max_length=300,
        assume_scheme="https",
        help_text="Your provider's issuer URL, for example https://login.microsoftonline.com/<tenant id>/v2.0. "
        "MACE Hub reads its settings from /.well-known/openid-configuration under it.",
        error_messages={
            "required": "Enter the issuer address.",
            "invalid": "Enter the issuer address as a web address.",
        },
    )
    client_id = forms.CharField(
        label="Client ID",
        max_length=200,
        help_text="From the app registration your identity team made for MACE Hub.",
        error_messages={"required": "Enter the client ID."},
    )
    client_secret = forms.CharField(
        label="Client secret",
        max_length=500,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
        help_text="Stored encrypted and never shown again.",
    )
    trust_provider_mfa = forms.BooleanField(
        label="Accept the provider's two-factor authentication when its ID token says it was done",
        required=False,
        help_text="MACE Hub checks the ID token's amr and acr claims at every sign-in. If they do not say two-factor "
        "was done, MACE Hub asks for its own code.",
    )
    mfa_amr_values = forms.CharField(
        label="amr values that mean two-factor was done",
        max_length=200,
        required=False,
        help_text='Separated by spaces. "mfa" is the standard value and Microsoft Entra ID sends it.',
    )
    mfa_acr_values = forms.CharField(
        label="acr values that mean two-factor was done",
        max_length=300,
        required=False,
        help_text="Separated by spaces. Leave empty unless your provider documents one.",
    )
    is_enabled = forms.BooleanField(
        label="Turned on",
        required=False,
        help_text="When off, people from these domains sign in with their MACE Hub password and code again.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        self.instance = instance
        bound = (args and args[0] is not None) or kwargs.get("data") is not None
        if instance is not None and not bound:
            kwargs["initial"] = {
                "name": instance.name,
                "domains": "\n".join(instance.domain_list),
                "server_url": instance.server_url,
                "client_id": instance.client_id,
                "trust_provider_mfa": instance.trust_provider_mfa,
                "mfa_amr_values": instance.mfa_amr_values,
                "mfa_acr_values": instance.mfa_acr_values,
                "is_enabled": instance.is_enabled,
                "version": instance.version,
            }
        super().__init__(*args, **kwargs)
        if instance is None:
            self.fields["client_secret"].required = True
            self.fields["client_secret"].error_messages["required"] = "Enter the client secret."
            self.initial.setdefault("is_enabled", True)
            self.initial.setdefault("mfa_amr_values", "mfa")
        else:
            self.fields["client_secret"].help_text = "Leave empty to keep the secret already stored. " + str(
                self.fields["client_secret"].help_text
            )

    def clean_domains(self) -> str:
        raw = self.cleaned_data["domains"]
        domains: list[str] = []
        for item in raw.replace(",", " ").split():
            domain = item.strip().lower().lstrip("@")
            if not _DOMAIN.match(domain):
                raise ValidationError(f"“{item[:60]}” is not an e-mail domain. Enter domains like met.police.uk.")
            if domain not in domains:
                domains.append(domain)
        if not domains:
            raise ValidationError("Enter at least one e-mail domain.")
        others = SignInProvider.objects.filter(is_enabled=True)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        for other in others:
            taken = sorted(set(domains) & set(other.domain_list))
            if taken:
                raise ValidationError(f"{', '.join(taken)} already signs in through {other.name}.")
        return "\n".join(domains)

    def clean_server_url(self) -> str:
        url = str(self.cleaned_data["server_url"]).rstrip("/")
        parts = urlsplit(url)
        if parts.scheme != "https" and parts.hostname not in _LOOPBACK:
            raise ValidationError("Enter an issuer address that starts with https://.")
        if parts.query or parts.fragment:
            raise ValidationError("Enter the issuer address without anything after ? or #.")
        return url

    def clean_mfa_amr_values(self) -> str:
        return " ".join(self.cleaned_data["mfa_amr_values"].split())

    def clean_mfa_acr_values(self) -> str:
        return " ".join(self.cleaned_data["mfa_acr_values"].split())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or self.cleaned_data
        if data.get("trust_provider_mfa") and not (data.get("mfa_amr_values") or data.get("mfa_acr_values")):
            self.add_error(
                "mfa_amr_values",
                "Enter the amr or acr values that mean two-factor was done, or do not accept the provider's two-factor.",
            )
        return data
