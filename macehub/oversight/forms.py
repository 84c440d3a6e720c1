"""Oversight forms: the period picker, preparing a release, publishing London, API tokens."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from macehub.core.disclosure import DEFAULT_THRESHOLD
from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin

from .models import TokenScope
from .periods import Period, last_complete_quarter, parse_period, recent_months, recent_quarters
from .services import ALLOWED_THRESHOLDS


def period_choices(*, quarters_only: bool = False, complete_only: bool = False) -> list[Any]:
    today = timezone.localdate()
    quarters = [(q.key, q.long_label) for q in recent_quarters(9) if not complete_only or q.is_complete(today)]
    if quarters_only:
        return quarters
    months = [(m.key, m.label) for m in recent_months(13)]
    return [("Quarters (financial year)", quarters), ("Months", months)]


class PeriodForm(GovukForm):
    """Choose a quarter or a month, or type two dates."""

    period = forms.ChoiceField(label="Period", required=False)
    start = GovukDateField(label="From", required=False, help_text="For example, 1 4 2025")
    end = GovukDateField(label="To", required=False, help_text="For example, 30 6 2025")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices()  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if (start is None) != (end is None) and not self.errors:
            self.add_error("end" if end is None else "start", "Enter both dates, or neither")
        if start and end:
            if end < start:
                self.add_error("end", "The end date must be the same as or after the start date")
            elif (end - start).days > 366 * 5:
                self.add_error("end", "Choose a period of up to five years")
        return data

    def chosen(self) -> Period:
        """The chosen period, or the last complete quarter."""
        if self.is_bound and self.is_valid():
            start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
            if start and end:
                return Period(start, end, "custom")
            parsed = parse_period(self.cleaned_data.get("period"))
            if parsed is not None:
                return parsed
        return last_complete_quarter()


def resolve_period(query: Any) -> tuple[PeriodForm, Period]:
    """The period a dashboard URL asks for (``?period=2025-q1`` or ``?start_*=…&end_*=…``)."""
    parsed = parse_period(query.get("period"))
    if any(k.startswith(("start", "end")) for k in query):
        form = PeriodForm(query)
        return form, form.chosen()
    period = parsed or last_complete_quarter()
    form = PeriodForm(initial={"period": period.key})
    if period.kind == "custom":
        form = PeriodForm(initial={"start": period.start, "end": period.end})
    return form, period


class PrepareReleaseForm(GovukForm):
    period = forms.ChoiceField(label="Quarter")
    threshold = forms.TypedChoiceField(
        label="Smallest count to publish",
        coerce=int,
        choices=[(t, f"{t} (counts from 1 to {t - 1} are shown as c)") for t in ALLOWED_THRESHOLDS],
        initial=5,
        help_text="5 is the London standard. A higher threshold hides more.",
    )
    correction_reason = forms.CharField(
        label="Why does the signed-off release need correcting? (only for a correction)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(quarters_only=True, complete_only=True)  # type: ignore[attr-defined]

    def chosen(self) -> Period:
        parsed = parse_period(self.cleaned_data["period"])
        return parsed if parsed is not None else last_complete_quarter()


class PreviewReleaseForm(GovukForm):
    """The preview's ``?period=…&threshold=…``: wrong or unknown values get a plain error, not a crash."""

    period = forms.ChoiceField(
        label="Quarter to preview", required=False, error_messages={"invalid_choice": "Choose a quarter that has ended"}
    )
    threshold = forms.TypedChoiceField(
        label="Threshold to preview",
        coerce=int,
        required=False,
        choices=[(t, f"{t} (counts from 1 to {t - 1} are shown as c)") for t in ALLOWED_THRESHOLDS],
        error_messages={"invalid_choice": "Choose a threshold from the list"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(quarters_only=True, complete_only=True)  # type: ignore[attr-defined]

    def chosen(self) -> tuple[Period, int]:
        """The quarter and threshold asked for, or the last complete quarter and 5 where they are wrong."""
        data: dict[str, Any] = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data  # fields that are right keep their value when another is wrong
        period = parse_period(data.get("period") or "") or last_complete_quarter()
        return period, int(data.get("threshold") or DEFAULT_THRESHOLD)


class SignOffForm(VersionedFormMixin, GovukForm):
    confirm = forms.BooleanField(
        label="I have checked these figures and confirm they may be released to the London layer",
        error_messages={"required": "Confirm that you have checked the figures"},
    )


class PublishLondonForm(GovukForm):
    note = forms.CharField(
        label="Note to publish with the dataset (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class IssueTokenForm(GovukForm):
    name = forms.CharField(label="What is the token for?", max_length=100, help_text="For example, ‘Power BI refresh’")
    scope = forms.ChoiceField(label="What may it read?", widget=forms.RadioSelect)
    expires_on = GovukDateField(label="Expiry date", help_text="At most a year from today. For example, 31 3 2027")

    def __init__(self, *args: Any, partnerships: list[Any], london: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [
            (f"partnership:{p.pk}", f"{p.short_name}: its released figures and its own measures") for p in partnerships
        ]
        if london:
            choices.append(
                (TokenScope.LONDON.value, "London: every partnership's released figures and the London datasets")
            )
        self.fields["scope"].choices = choices  # type: ignore[attr-defined]
        self.fields["expires_on"].error_messages["required"] = "Enter the expiry date"

    def clean_expires_on(self) -> date:
        value: date = self.cleaned_data["expires_on"]
        today = timezone.localdate()
        if value <= today:
            raise forms.ValidationError("The expiry date must be in the future")
        if value > today + timedelta(days=366):
            raise forms.ValidationError("The expiry date must be within a year")
        return value


class WithdrawForm(GovukForm):
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why it is being withdrawn"},
        help_text="For example, ‘the intruder audit found figures that can be worked out’. This is recorded.",
    )
