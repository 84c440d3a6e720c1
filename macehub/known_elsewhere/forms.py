"""Forms for asking "known elsewhere?", asking for details, and deciding on them."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from macehub.core.forms import GovukDateField, GovukForm

from .fingerprints import IdentifierKind, Print, typed_prints
from .models import SHAREABLE_FIELDS

TYPED_KINDS = [
    (IdentifierKind.PERSON.value, "A person of concern (their name)"),
    (IdentifierKind.PHONE.value, "A phone number"),
    (IdentifierKind.VEHICLE.value, "A vehicle registration"),
    (IdentifierKind.ADDRESS.value, "An address (with its postcode)"),
    (IdentifierKind.GROUP.value, "A group (its name)"),
]

REASON_HELP = "Recorded with your name in both partnerships' audit trails."


class AskForm(GovukForm):
    """Typing an identifier: the value is fingerprinted here and never stored."""

    panel = forms.ChoiceField(label="Asking for", error_messages={"required": "Choose the panel you are asking for"})
    kind = forms.ChoiceField(
        label="What are you asking about?",
        choices=TYPED_KINDS,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what you are asking about"},
    )
    value = forms.CharField(
        label="Name, number, registration, address or group name",
        max_length=300,
        help_text="It is turned into a fingerprint on this server and not kept. Nicknames are not matched.",
        error_messages={"required": "Enter what you are asking about"},
    )
    date_of_birth = GovukDateField(label="Date of birth (optional, for a person)", required=False, past=True)
    reason = forms.CharField(
        label="Why are you asking?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
        error_messages={"required": "Enter why you are asking"},
    )

    def __init__(self, *args: Any, panels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["panel"]).choices = [(str(pk), name) for pk, name in panels]
        if len(panels) == 1:
            self.fields["panel"].initial = str(panels[0][0])
        self.prints: list[Print] = []

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, value = data.get("kind"), data.get("value", "")
        if kind and value:
            self.prints = typed_prints(kind, value, data.get("date_of_birth"))
            if not self.prints:
                messages = {
                    IdentifierKind.PHONE: "Enter a UK phone number, like 07700 900123 or +44 20 7946 0000",
                    IdentifierKind.VEHICLE: "Enter a vehicle registration, like LB07 SEO",
                    IdentifierKind.ADDRESS: "Enter an address with its postcode, like 12 Acre Lane, SW2 5SG",
                }
                self.add_error("value", messages.get(kind, "Enter a name with letters in it"))
        return data


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Why are you asking?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=REASON_HELP,
        error_messages={"required": "Enter why you are asking"},
    )


class DetailsRequestForm(GovukForm):
    reason = forms.CharField(
        label="Why do you need the details?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The other partnership's coordinator reads this before deciding.",
        error_messages={"required": "Enter why you need the details"},
    )


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Will you share details?",
        choices=[("agree", "Yes, share the details I choose"), ("decline", "No, do not share")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you will share details"},
    )
    holder_record = forms.ChoiceField(label="Which of your records do the details come from?", required=False)
    details = forms.MultipleChoiceField(
        label="Details to share",
        choices=list(SHAREABLE_FIELDS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Share only what the other partnership needs.",
    )
    lawful_basis = forms.CharField(
        label="Lawful basis for sharing",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example: Children Act 1989 s.47; Crime and Disorder Act 1998 s.115; UK GDPR Article 6(1)(e).",
    )
    purpose = forms.CharField(
        label="Purpose of sharing", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    decline_reason = forms.CharField(
        label="Why are you not sharing?", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, records: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.records = {str(r.pk): r for r in records}
        cast(forms.ChoiceField, self.fields["holder_record"]).choices = [("", "Choose a record")] + [
            (str(r.pk), f"{r.reference} ({r.panel.name})") for r in records
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "agree":
            if not data.get("holder_record"):
                self.add_error("holder_record", "Choose the record the details come from")
            elif data["holder_record"] not in self.records:
                self.add_error("holder_record", "Choose one of your records")
            if not data.get("details"):
                self.add_error("details", "Choose at least one detail to share")
            if not data.get("lawful_basis", "").strip():
                self.add_error("lawful_basis", "Enter the lawful basis for sharing")
            if not data.get("purpose", "").strip():
                self.add_error("purpose", "Enter the purpose of sharing")
        elif data.get("decision") == "decline" and not data.get("decline_reason", "").strip():
            self.add_error("decline_reason", "Enter why you are not sharing")
        return data


class LinkForm(GovukForm):
    location = forms.ChoiceField(label="Which of your locations is it linked to?")
    note = forms.CharField(
        label="Note (optional)", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, locations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.locations = {str(s.pk): s for s in locations}
        cast(forms.ChoiceField, self.fields["location"]).choices = [("", "Choose a location")] + [
            (k, s.safe_label) for k, s in self.locations.items()
        ]
        self.fields["location"].error_messages = {
            "required": "Choose a location",
            "invalid_choice": "Choose a location",
        }


class LinkDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you agree to the link?",
        choices=[("agree", "Yes, link them"), ("decline", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you agree"},
    )
