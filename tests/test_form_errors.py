"""The GOV.UK error summary: every link moves focus to its field, in the order of the page."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.template import Context, Template

from macehub.core.forms import GovukDateField, GovukForm


class ManyKindsForm(GovukForm):
    name = forms.CharField(label="Full name")
    level = forms.ChoiceField(label="Risk level", choices=[("low", "Low"), ("high", "High")], widget=forms.RadioSelect)
    harms = forms.MultipleChoiceField(
        label="Harm types", choices=[("cce", "CCE"), ("cse", "CSE")], widget=forms.CheckboxSelectMultiple
    )
    review = GovukDateField(label="Next review (optional)", required=False)
    classified = forms.ChoiceField(
        label="How did the police classify it?", choices=[("missing", "Missing")], widget=forms.RadioSelect
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # A check across fields runs after every field's own: its error lands last in form.errors.
        self.add_error("name", "Give their full name as the police hold it")
        return data


def test_every_error_summary_link_moves_focus_to_its_field_in_page_order() -> None:
    form = ManyKindsForm(data={"name": "Ann", "review_day": "x", "review_month": "y", "review_year": "z"})
    assert not form.is_valid()
    page = Template("{% load govuk %}{% error_summary form %}{{ form }}").render(Context({"form": form}))
    targets = re.findall(r'<a href="#([^"]+)">', page)
    ids = set(re.findall(r' id="([^"]+)"', page))
    assert targets and all(t in ids for t in targets), f"links to ids not on the page: {set(targets) - ids}"
    assert targets == ["id_name", "id_level_0", "id_harms_0", "id_review_day", "id_classified_0"]


def test_messages_read_as_plain_english() -> None:
    form = ManyKindsForm(data={"name": "Ann", "review_day": "x", "review_month": "y", "review_year": "z"})
    assert not form.is_valid()
    assert form.errors["review"] == ["Next review must be a real date, in numbers"]  # no "(optional)" inside
    assert form.errors["classified"] == ["Choose an answer to “How did the police classify it?”"]
    assert form.errors["level"] == ["Choose risk level"]
