"""Form fields shared by the meetings forms: a time of day typed as people write it, people and agencies by name.
Errors say what to do; what was typed is kept."""

from __future__ import annotations

import re
from datetime import time
from typing import Any

from django import forms

_TIME = re.compile(r"^\s*(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?\s*$", re.IGNORECASE)


class TimeOfDayField(forms.CharField):
    """A time typed as "10:00", "2pm" or "14.30"."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-5", "autocomplete": "off"}))
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, time):
            return value.strftime("%H:%M")
        return value

    def to_python(self, value: Any) -> time | None:  # type: ignore[override]
        if isinstance(value, time):
            return value
        text = str(value or "").strip()
        if not text:
            return None
        match = _TIME.match(text)
        if not match:
            raise forms.ValidationError(f"{self.label} must be a time, like 10:00 or 2:30pm")
        hour, minute, half = int(match.group(1)), int(match.group(2) or 0), (match.group(3) or "").lower()
        if half == "pm" and hour < 12:
            hour += 12
        if half == "am" and hour == 12:
            hour = 0
        if hour > 23 or minute > 59:
            raise forms.ValidationError(f"{self.label} must be a real time, like 10:00 or 2:30pm")
        return time(hour, minute)


class UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} ({obj.email})"


class AgencyChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)
