"""Small pieces shared by the review forms."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from macehub.core.forms import GovukForm, VersionedFormMixin


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


def people() -> QuerySet[Any]:
    """Active people holding at least one role: who can be a reviewer, member or action lead."""
    from macehub.accounts.models import User

    return User.objects.filter(is_active=True, memberships__ended_at__isnull=True).distinct().order_by("full_name")


class PersonChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.job_title})" if obj.job_title else str(obj.full_name)


class ConfirmForm(VersionedFormMixin, GovukForm):
    """A button that acts on a record: carries only the version the person saw."""


def apply_errors(form: forms.Form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form (field errors on their fields)."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)
