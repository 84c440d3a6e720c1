"""Forms for panel settings, panels, partnerships and agencies."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin

from .models import (
    POC_ROLE_CHOICES,
    RISK_SCALE_PRESETS,
    UPPER_AGE_CHOICES,
    Agency,
    AgencyType,
    Cadence,
    LocalAuthority,
    Panel,
    Partnership,
    validate_risk_levels,
)

CUSTOM = "custom"
RISK_PRESET_CHOICES = [(key, " / ".join(levels)) for key, levels in RISK_SCALE_PRESETS.items()] + [
    (CUSTOM, "Our own scale (type the levels below)")
]


class PanelSettingsForm(GovukForm):
    """A panel's settings (R1–R4): name, age range, cadence, quoracy rule and risk scale."""

    name = forms.CharField(
        label="Panel name",
        max_length=120,
        help_text="The name people use, for example ‘Lambeth MAVE’ or ‘Hackney MACE’.",
    )
    full_title = forms.CharField(
        label="What the name stands for (optional)",
        max_length=200,
        required=False,
        help_text="For example ‘Multi-Agency Violence and Exploitation panel’.",
    )
    upper_age = forms.TypedChoiceField(
        label="Who the panel considers",
        choices=UPPER_AGE_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        help_text="Panels that include young adults consider people up to their 25th birthday.",
    )
    cadence = forms.ChoiceField(label="How often the panel meets", choices=Cadence.choices, widget=forms.RadioSelect)
    quorum_agency_types = forms.MultipleChoiceField(
        label="Agencies that must attend for the meeting to be quorate",
        choices=AgencyType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="The default is the three statutory safeguarding partners: police, children's social care and health.",
        error_messages={"required": "Choose at least one agency type that must attend."},
    )
    risk_scale = forms.ChoiceField(label="Risk scale", choices=RISK_PRESET_CHOICES, widget=forms.RadioSelect)
    custom_risk_levels = forms.CharField(
        label="Your risk levels (if you chose your own scale)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One level per line, lowest risk first. Between 2 and 6 levels.",
    )
    poc_visible_roles = forms.MultipleChoiceField(
        label="Who may see persons of concern: panel roles",
        choices=POC_ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Persons of concern are people suspected of causing harm. By default only the chair and police "
        "representatives see them. Everyone else on the panel never sees them, their links or their referrals.",
    )
    poc_visible_agency_types = forms.MultipleChoiceField(
        label="Who may see persons of concern: representatives of these agencies",
        choices=AgencyType.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    front_door_screening_required = forms.BooleanField(
        label="Only accept a child after front-door (MASH) screening",
        required=False,
        help_text="When ticked, a referral about an individual child cannot be accepted to the panel until it "
        "has been through the front door.",
    )

    def __init__(self, *args: Any, panel: Panel | None = None, **kwargs: Any) -> None:
        self.instance = panel
        if panel is not None and "initial" not in kwargs:
            preset = next((k for k, v in RISK_SCALE_PRESETS.items() if v == panel.risk_levels), CUSTOM)
            kwargs["initial"] = {
                "name": panel.name,
                "full_title": panel.full_title,
                "upper_age": panel.upper_age,
                "cadence": panel.cadence,
                "quorum_agency_types": panel.quorum_agency_types,
                "risk_scale": preset,
                "custom_risk_levels": "\n".join(panel.risk_levels) if preset == CUSTOM else "",
                "poc_visible_roles": panel.poc_visible_roles,
                "poc_visible_agency_types": panel.poc_visible_agency_types,
                "front_door_screening_required": panel.front_door_screening_required,
            }
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        scale = data.get("risk_scale")
        if scale == CUSTOM:
            levels = [line.strip() for line in (data.get("custom_risk_levels") or "").splitlines() if line.strip()]
            try:
                validate_risk_levels(levels)
            except forms.ValidationError as exc:
                self.add_error("custom_risk_levels", exc)
            data["risk_levels"] = levels
        elif scale:
            data["risk_levels"] = list(RISK_SCALE_PRESETS[scale])
        if (
            "poc_visible_roles" in data
            and "poc_visible_agency_types" in data
            and not data["poc_visible_roles"]
            and not data["poc_visible_agency_types"]
        ):
            self.add_error("poc_visible_roles", "Choose at least one role or agency that may see persons of concern.")
        return data

    def settings_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"].strip(),
            "full_title": data["full_title"].strip(),
            "upper_age": data["upper_age"],
            "cadence": data["cadence"],
            "quorum_agency_types": list(data["quorum_agency_types"]),
            "risk_levels": data["risk_levels"],
            "poc_visible_roles": list(data["poc_visible_roles"]),
            "poc_visible_agency_types": list(data["poc_visible_agency_types"]),
            "front_door_screening_required": data["front_door_screening_required"],
        }


class PanelSettingsEditForm(VersionedFormMixin, PanelSettingsForm):
    pass


class PanelCreateForm(SubmissionMixin, PanelSettingsForm):
    partnership = forms.ModelChoiceField(
        label="Safeguarding partnership",
        queryset=Partnership.objects.none(),
        empty_label="Choose a partnership",
    )

    field_order = ["partnership"]

    def __init__(self, *args: Any, partnerships: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if partnerships is not None:
            self.fields["partnership"].queryset = partnerships  # type: ignore[attr-defined]
        self.order_fields(["partnership", *[f for f in self.fields if f != "partnership"]])


class PartnershipForm(SubmissionMixin, GovukForm):
    name = forms.CharField(
        label="Full name",
        max_length=200,
        help_text="For example ‘City and Hackney Safeguarding Children Partnership’.",
    )
    short_name = forms.CharField(
        label="Short name",
        max_length=100,
        help_text="Shown in the header, for example ‘City and Hackney’.",
    )
    authorities = forms.ModelMultipleChoiceField(
        label="Local authorities it covers",
        queryset=LocalAuthority.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one local authority."},
    )
    is_active = forms.BooleanField(
        label="Active (people can register and be given roles in it)", required=False, initial=True
    )

    def __init__(self, *args: Any, instance: Partnership | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "short_name": instance.short_name,
                "authorities": list(instance.authorities.all()),
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)

    def _unique(self, field: str) -> str:
        value: str = self.cleaned_data[field].strip()
        clash = Partnership.objects.filter(**{f"{field}__iexact": value})
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another partnership already has this name.")
        return value

    def clean_name(self) -> str:
        return self._unique("name")

    def clean_short_name(self) -> str:
        return self._unique("short_name")


class PartnershipEditForm(VersionedFormMixin, PartnershipForm):
    pass


class AgencyForm(SubmissionMixin, GovukForm):
    name = forms.CharField(
        label="Agency name",
        max_length=200,
        help_text="For example ‘Lambeth Youth Justice Service’.",
    )
    agency_type = forms.ChoiceField(label="Type of agency", choices=[("", "Choose a type"), *AgencyType.choices])
    partnerships = forms.ModelMultipleChoiceField(
        label="Partnerships it works in",
        queryset=Partnership.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one partnership."},
    )
    is_active = forms.BooleanField(
        label="Active (people can choose it when they register)", required=False, initial=True
    )

    def __init__(self, *args: Any, instance: Agency | None = None, partnerships: Any = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "name": instance.name,
                "agency_type": instance.agency_type,
                "partnerships": list(instance.partnerships.all()),
                "is_active": instance.is_active,
            }
        super().__init__(*args, **kwargs)
        if partnerships is not None:
            self.fields["partnerships"].queryset = partnerships  # type: ignore[attr-defined]

    def clean_name(self) -> str:
        value: str = self.cleaned_data["name"].strip()
        clash = Agency.objects.filter(name__iexact=value)
        if self.instance is not None:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("Another agency already has this name.")
        return value


class AgencyEditForm(VersionedFormMixin, AgencyForm):
    pass
