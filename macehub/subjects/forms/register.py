"""Forms for the register's lists and search."""

from __future__ import annotations

from django import forms

from macehub.core.forms import GovukForm

from ..models import (
    HarmType,
)

# --- Lists --------------------------------------------------------------------------------------


class RegisterFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Status",
        choices=[
            ("", "Open and stepped down"),
            ("open", "Open"),
            ("stepped_down", "Stepped down"),
            ("closed", "Closed"),
            ("all", "All"),
        ],
        required=False,
    )
    harm_type = forms.ModelChoiceField(
        label="Harm type",
        queryset=HarmType.objects.order_by("order"),
        required=False,
        empty_label="Any",
        to_field_name="code",
    )
    next_meeting = forms.BooleanField(label="Only those listed for the next meeting", required=False)


class SearchForm(GovukForm):
    q = forms.CharField(
        label="Reference, name, alias or agency reference",
        max_length=100,
        help_text="For example C-0042, or a name. Results show references only.",
    )
