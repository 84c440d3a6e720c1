"""Registration, access requests and the admin forms that decide them."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from macehub.core.access import LONDON_ROLES, PANEL_SCOPED_ROLES, PARTNERSHIP_ROLES, Role
from macehub.core.forms import GovukForm
from macehub.core.submissions import SubmissionMixin
from macehub.organisations import selectors as org_selectors

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
            (partnership.short_name, agency.pk, agency.name)
            for agency in org_selectors.registration_agencies()
            for partnership in agency.partnerships.all()
            if partnership.is_active
        ]
        self.fields["agency"].choices = _grouped(agencies, "Choose an agency")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        from macehub.organisations.models import Agency, Panel

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
            from .services import _validate_scope

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
        from .services import registration_complete

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
