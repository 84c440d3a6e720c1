"""Filtering a child's journey."""

from __future__ import annotations

from typing import Any

from django import forms

# --- The journey filter ----------------------------------------------------------------------


class JourneyFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(label="Show", required=False, widget=forms.CheckboxSelectMultiple)
    order = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[("oldest", "Oldest first"), ("newest", "Newest first")],
        widget=forms.RadioSelect(attrs={"small": True}),
    )

    def __init__(self, *args: Any, kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kinds  # type: ignore[attr-defined]

    def chosen(self) -> tuple[set[str] | None, bool]:
        if not self.is_valid():
            return None, False
        kinds = set(self.cleaned_data.get("kind") or []) or None
        return kinds, self.cleaned_data.get("order") == "newest"
