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
from django.core.validators import MaxLengthValidator
from django.forms.renderers import TemplatesSetting

from . import limits


class GovukFormRenderer(TemplatesSetting):
    form_template_name = "forms/govuk/form.html"
    field_template_name = "forms/govuk/field.html"


_DJANGO_REQUIRED = str(forms.Field.default_error_messages["required"])


class GovukForm(forms.Form):
    """A form whose "required" errors say what to do, in the field's own words
    ("Enter the panel name", "Choose how often the panel meets"), as the GOV.UK error
    message pattern asks, unless the field sets its own message.

    Every free-text box has a limit, said next to it (:mod:`macehub.core.limits`), and a
    choice of records refuses ids no database column holds instead of failing on them."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            _limit_text(field)
            if isinstance(field, forms.ModelMultipleChoiceField):
                _refuse_impossible_ids(field)
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


def _field_name(field: forms.Field) -> str:
    label = str(field.label or "This").removesuffix(" (optional)")
    return label[0].upper() + label[1:]


def _limit_text(field: forms.Field) -> None:
    """A textarea without a limit gets :data:`limits.TEXT_LIMIT`; every limit's error says
    it in GOV.UK's words ("Notes must be 20,000 characters or fewer")."""
    if not isinstance(field, forms.CharField) or isinstance(field.widget, forms.HiddenInput):
        return
    if field.max_length is None:
        if not isinstance(field.widget, forms.Textarea):
            return
        field.max_length = limits.TEXT_LIMIT
        field.validators = [*field.validators, MaxLengthValidator(limits.TEXT_LIMIT)]
    message = f"{_field_name(field)} must be {field.max_length:,} characters or fewer"
    field.validators = [
        MaxLengthValidator(v.limit_value, message=message) if isinstance(v, MaxLengthValidator) else v
        for v in field.validators
    ]


#: The largest value a BigAutoField holds: an id beyond it cannot be a record.
_MAX_ID = 2**63 - 1


def _refuse_impossible_ids(field: forms.ModelMultipleChoiceField[Any]) -> None:
    """Django hands every submitted id to the database; one too large for the column fails
    there (an error on SQLite and PostgreSQL) instead of as a form error."""
    check = field._check_values  # type: ignore[attr-defined]  # Django's own step, kept after ours

    def checked(value: Any) -> Any:
        if field.to_field_name is None and isinstance(value, list | tuple):
            for item in value:
                text = str(item).strip()
                if text and (not text.lstrip("-").isdigit() or abs(int(text)) > _MAX_ID):
                    raise forms.ValidationError(
                        field.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": item}
                    )
        return check(value)

    field._check_values = checked  # type: ignore[attr-defined]


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

    def __init__(self, *args: Any, min_year: int = 1900, past: bool = False, **kwargs: Any) -> None:
        self.min_year = min_year
        #: A date something happened (a decision, a consent): not after today.
        self.past = past
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
        if len(day) > 2 or len(month) > 2:
            raise forms.ValidationError(f"{self._name()} must be a real date", code="invalid")
        try:
            result = date(int(year), int(month), int(day))
        except ValueError as exc:
            raise forms.ValidationError(f"{self._name()} must be a real date", code="invalid") from exc
        if result.year < self.min_year:
            raise forms.ValidationError(f"{self._name()} must be after {self.min_year}", code="too_early")
        problem = limits.date_problem(result, name=self._name(), past=self.past)
        if problem:
            raise forms.ValidationError(problem, code="out_of_range")
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
