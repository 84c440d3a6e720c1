"""Forms for the minutes: editing the draft, approving and correcting.
Errors say what to do; what was typed is kept."""

from __future__ import annotations

from django import forms

from macehub.core.forms import GovukForm, VersionedFormMixin


class MinuteForm(VersionedFormMixin, GovukForm):
    text = forms.CharField(label="Minute", required=False, widget=forms.Textarea(attrs={"rows": 6}))


class OpeningForm(VersionedFormMixin, GovukForm):
    opening = forms.CharField(
        label="Opening and general business", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ApproveForm(VersionedFormMixin, GovukForm):
    pass


class CorrectionForm(GovukForm):
    reason = forms.CharField(
        label="What needs correcting, and why?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter what needs correcting and why"},
        help_text="The approved minutes stay in force until a chair approves the correction.",
    )
