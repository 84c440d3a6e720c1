"""GOV.UK Design System forms for Django.

Every form renders through :class:`GovukFormRenderer`: labels, hints, error messages and
inputs in GOV.UK markup (templates in ``macehub/templates/forms/govuk/``), so a new form
needs no template work. :class:`VersionedFormMixin` carries the record version a user
started editing, for optimistic locking.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"


_DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])


class GovukForm(forms.Form):
    """A form whose "required" errors say what to do, in the field's own words
    ("Enter the panel name", "Choose how often the panel meets"), as the GOV.UK error
    message pattern asks, unless the field sets its own message."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if str(field.error_messages.get("required", "")) != _DJANGO_REQUIRED or not field.label:
                continue
            label = str(field.label)
            choosing = isinstance(field, forms.ChoiceField | forms.ModelChoiceField) or isinstance(
                field.widget, forms.CheckboxInput
            )
            verb = "Choose" if choosing else "Enter"
            if label.endswith("?"):  # "Choose how did the police…" would not be English
                field.error_messages["required"] = f"{verb} an answer to “{label}”"
            else:
                field.error_messages["required"] = f"{verb} {label[0].lower() + label[1:]}"


class VersionedFormMixin(forms.Form):
    """Adds a hidden ``version`` field: the version of the record when the page was opened."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial["version"] = instance.version


STALE_EDIT_MESSAGE = (
    "Someone else saved changes to this while you were editing it. Your changes are below but "
    "have not been saved. Check the current version, then save again to replace it."
)


def rebind_after_conflict[F: forms.Form](form_class: type[F], data: Any, *, current_version: int, **kwargs: Any) -> F:
    """The user's submitted values, re-bound against the record's current version and marked
    with a conflict error: nothing they typed is lost, and saving again is a deliberate choice."""
    fresh = data.copy()
    fresh["version"] = str(current_version)
    form = form_class(fresh, **kwargs)
    form.is_valid()
    form.add_error(None, STALE_EDIT_MESSAGE)
    return form


class GovukDateInput(forms.MultiWidget):
    """Three boxes — day, month, year — as in the GOV.UK date input pattern."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        numeric = {"inputmode": "numeric"}
        super().__init__(
            {"day": forms.TextInput(numeric), "month": forms.TextInput(numeric), "year": forms.TextInput(numeric)},
            attrs,
        )

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.Field):
    """A date typed as day, month and year, with the GOV.UK pattern's error messages."""

    widget = GovukDateInput

    def __init__(self, *args: Any, min_year: int = 1900, **kwargs: Any) -> None:
        self.min_year = min_year
        super().__init__(*args, **kwargs)

    def _name(self) -> str:
        label = str(self.label or "The date").removesuffix(" (optional)")
        return label[0].upper() + label[1:]

    def to_python(self, value: Any) -> date | None:
        if isinstance(value, date):
            return value
        parts = [str(p).strip() if p is not None else "" for p in (value or ["", "", ""])]
        day, month, year = ([*parts, "", "", ""])[:3]
        if not any(parts):
            return None
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{self._name()} must include a {' and '.join(missing)}", code="incomplete")
        if not (day.isdigit() and month.isdigit() and year.isdigit()):
            raise forms.ValidationError(f"{self._name()} must be a real date, in numbers", code="invalid")
        if len(year) != 4:
            raise forms.ValidationError("Year must include 4 numbers", code="invalid_year")
        try:
            result = date(int(year), int(month), int(day))
        except ValueError as exc:
            raise forms.ValidationError(f"{self._name()} must be a real date", code="invalid") from exc
        if result.year < self.min_year:
            raise forms.ValidationError(f"{self._name()} must be after {self.min_year}", code="too_early")
        return result

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def error_target(form: forms.BaseForm, name: str) -> str:
    """The id an error summary link moves focus to: the field, or its first box or option."""
    if name not in form.fields:
        return ""
    bound = form[name]
    widget = bound.field.widget
    if isinstance(widget, GovukDateInput):
        return f"{bound.auto_id}_day"  # the first box of a date
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{bound.auto_id}_0"  # the first option: GOV.UK's summary link focuses it
    return bound.id_for_label or bound.auto_id or ""
