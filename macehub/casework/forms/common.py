"""What casework forms share: London times, yes/no choices, agencies, forms over a model instance.

Date-times are typed as a date (day, month, year) and a time on a London clock; the form turns
them into one UTC moment (``<name>_at``) and refuses a time the clocks skipped."""

from __future__ import annotations

from datetime import time
from typing import Any

from django import forms

from macehub.core.forms import GovukForm
from macehub.organisations.models import Agency

from ..times import TimeError, london_datetime, london_parts, parse_time

YES_NO = [("yes", "Yes"), ("no", "No")]
DATE_HINT = "For example, 27 3 2025."


def textarea(rows: int = 4) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows})


class TimeField(forms.CharField):
    """A time of day on a London clock, typed as "21:30" or "9:30pm"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("help_text", "Use the 24-hour clock, for example 21:30, or am and pm, for example 9:30pm.")
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def clean(self, value: Any) -> time | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return parse_time(text)
        except TimeError as exc:
            raise forms.ValidationError(str(exc)) from exc


def combine_moment(form: forms.Form, name: str, *, what: str, required: bool) -> None:
    """Turn ``<name>_on`` and ``<name>_time`` into ``cleaned_data["<name>_at"]`` (UTC)."""
    data = form.cleaned_data
    day_field, time_field = f"{name}_on", f"{name}_time"
    day, at = data.get(day_field), data.get(time_field)
    data[f"{name}_at"] = None
    if day_field in form.errors or time_field in form.errors:
        return
    if day is None and at is None:
        if required:
            form.add_error(day_field, f"Enter the date {what}")
        return
    if day is None:
        form.add_error(day_field, f"Enter the date {what}")
        return
    if at is None:
        form.add_error(time_field, f"Enter the time {what}")
        return
    try:
        data[f"{name}_at"] = london_datetime(day, at)
    except TimeError as exc:
        form.add_error(time_field, str(exc))


def initial_moment(initial: dict[str, Any], name: str, moment: Any) -> None:
    day, at = london_parts(moment)
    initial[f"{name}_on"] = day
    initial[f"{name}_time"] = at


def agencies_for(panel: Any) -> Any:
    return Agency.objects.filter(partnerships=panel.partnership_id, is_active=True).order_by("name")


class AgencyField(forms.ModelChoiceField[Agency]):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("queryset", Agency.objects.none())
        kwargs.setdefault("empty_label", "Choose an agency")
        super().__init__(*args, **kwargs)


class InstanceForm(GovukForm):
    """A form that may edit a record: ``instance`` fills the initial values."""

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(instance)
        super().__init__(*args, **kwargs)

    def initial_from(self, instance: Any) -> dict[str, Any]:
        return {name: getattr(instance, name) for name in self.base_fields if hasattr(instance, name)}
