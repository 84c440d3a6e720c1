"""Forms for adding and changing register records, one per kind. Errors say what to do; what
was typed is kept."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.organisations.models import LocalAuthority

from ..models import (
    HarmType,
    Kind,
    Subject,
)
from ..services.records import age_errors
from ..taxonomy import (
    ETHNICITY_GROUPS,
    AgeBand,
    Education,
    Gender,
    GroupType,
    LocationType,
    LookedAfter,
    PersonAgeGroup,
    Send,
    Sex,
)


class LinesField(forms.CharField):
    """A textarea read as a list: one entry per line, blanks dropped."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, list):
            return "\n".join(str(v) for v in value)
        return value

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value) or ""
        lines = [line.strip()[:150] for line in str(text).splitlines() if line.strip()]
        return list(dict.fromkeys(lines))[:30]


class HarmTypeChoiceField(forms.ModelMultipleChoiceField[HarmType]):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


def harm_type_field(**kwargs: Any) -> HarmTypeChoiceField:
    return HarmTypeChoiceField(
        label=kwargs.pop("label", "Harm types"),
        queryset=HarmType.objects.order_by("order"),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        required=kwargs.pop("required", False),
        **kwargs,
    )


def _blank(choices: Any, text: str) -> list[Any]:
    return [("", text), *choices]


IDENTITY = ("given_names", "family_name", "date_of_birth", "aliases", "agency_references")


class SubjectForm(GovukForm):
    """Base for the five kinds: the panel is needed for age rules and the risk scale."""

    kind: str = ""

    def __init__(
        self, *args: Any, panel: Any, instance: Subject | None = None, identity: bool = True, **kwargs: Any
    ) -> None:
        self.panel = panel
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {name: getattr(instance, name) for name in self.base_fields if hasattr(instance, name)}
            kwargs["initial"]["harm_types"] = list(instance.harm_types.all()) if instance.pk else []
        super().__init__(*args, **kwargs)
        if not identity:
            for name in IDENTITY:
                self.fields.pop(name, None)

    def values(self) -> dict[str, Any]:
        """The model fields this form sets (not harm types, version or submission id)."""
        skip = {"harm_types", "version", "submission_id", "child_record", "create_child_record"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class ChildForm(SubjectForm):
    kind = Kind.CHILD
    given_names = forms.CharField(label="First names", max_length=150, required=False)
    family_name = forms.CharField(label="Last name", max_length=150, required=False)
    aliases = LinesField(label="Other names or nicknames (optional)", help_text="One per line.")
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, help_text="For example, 27 3 2010. Leave blank if not known."
    )
    age_band = forms.ChoiceField(
        label="Age band, if the date of birth is not known",
        choices=_blank(AgeBand.choices, "Choose an age band"),
        required=False,
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(
        label="Ethnicity", choices=[("", "Choose an ethnic group"), *ETHNICITY_GROUPS], help_text="ONS categories."
    )
    send = forms.ChoiceField(
        label="Special educational needs or disabilities (SEND)", choices=Send.choices, widget=forms.RadioSelect
    )
    looked_after = forms.ChoiceField(label="Looked-after status", choices=LookedAfter.choices, widget=forms.RadioSelect)
    placing_authority = forms.CharField(
        label="Placing authority (if looked after)",
        max_length=120,
        required=False,
        help_text="The local authority that placed the child, for example ‘Croydon’.",
    )
    education_status = forms.ChoiceField(
        label="Education, employment or training", choices=_blank(Education.choices, "Choose one")
    )
    allocated_worker = forms.CharField(
        label="Allocated worker (optional)",
        max_length=150,
        required=False,
        help_text="Name and team, for example ‘Sam Green, Adolescent Safeguarding Team’.",
    )
    agency_references = LinesField(
        label="Agency references (optional)",
        help_text="Case or record numbers held by agencies, one per line, for example ‘CSC 204881’.",
    )
    harm_types = harm_type_field()
    description = forms.CharField(
        label="Summary of concerns",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="Use child-first language: describe what is happening to the child, not what they are ‘involved in’.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "age_band" in self.fields:
            allowed = [AgeBand.UNDER_10, AgeBand.AGE_10_13, AgeBand.AGE_14_15, AgeBand.AGE_16_17]
            if self.panel.upper_age == 25:
                allowed += [AgeBand.AGE_18_20, AgeBand.AGE_21_24]
            allowed.append(AgeBand.NOT_KNOWN)
            self.fields["age_band"].choices = _blank([(a.value, a.label) for a in allowed], "Choose an age band")  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "given_names" in self.fields and not (
            data.get("given_names") or data.get("family_name") or data.get("aliases")
        ):
            self.add_error("given_names", "Enter the child's name, or a name they are known by")
        if "date_of_birth" in self.fields and "date_of_birth" not in self.errors:
            dob = data.get("date_of_birth")
            if dob is None and not data.get("age_band"):
                self.add_error("age_band", "Enter a date of birth or choose an age band")
            problem = age_errors(self.panel, dob, data.get("age_band", ""))
            if problem:
                self.add_error("date_of_birth" if dob else "age_band", problem)
            if dob is not None:
                data["age_band"] = ""
        if data.get("looked_after") == LookedAfter.YES and not data.get("placing_authority", "").strip():
            self.add_error("placing_authority", "Enter the placing authority of a looked-after child")
        return data


class ChildCreateForm(SubmissionMixin, ChildForm):
    pass


class ChildEditForm(VersionedFormMixin, ChildForm):
    pass


class PersonForm(SubjectForm):
    kind = Kind.PERSON
    given_names = forms.CharField(label="First names", max_length=150, required=False)
    family_name = forms.CharField(label="Last name", max_length=150, required=False)
    aliases = LinesField(label="Aliases and street names (optional)", help_text="One per line.")
    date_of_birth = GovukDateField(label="Date of birth", required=False, help_text="Leave blank if not known.")
    person_age_group = forms.ChoiceField(
        label="Adult or child", choices=PersonAgeGroup.choices, widget=forms.RadioSelect
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(label="Ethnicity", choices=[("", "Not recorded"), *ETHNICITY_GROUPS], required=False)
    police_flags = LinesField(
        label="Police flags and warning markers (optional)",
        help_text="One per line, as recorded by the police, for example ‘Weapons’ or ‘Drugs supply’.",
    )
    agency_references = LinesField(
        label="Agency references (optional)",
        help_text="Record numbers held by agencies, one per line, for example a police crime reference.",
    )
    harm_types = harm_type_field(label="Harm they are thought to cause")
    description = forms.CharField(label="Summary", widget=forms.Textarea(attrs={"rows": 5}), required=False)
    safeguarding_record = forms.ModelChoiceField(
        label="Their own child record (for a child causing harm)",
        queryset=Subject.objects.none(),
        required=False,
        empty_label="None yet",
        help_text="A child who causes harm is also a child at risk and gets a safeguarding response first.",
    )
    create_child_record = forms.BooleanField(
        label="Also add them to the children's register (if a child and not there yet)", required=False
    )

    def __init__(self, *args: Any, children: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["safeguarding_record"]
        field.queryset = children if children is not None else Subject.objects.none()  # type: ignore[attr-defined]
        field.label_from_instance = lambda s: s.reference  # type: ignore[attr-defined]
        if self.instance is not None:
            self.fields.pop("create_child_record")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "given_names" in self.fields and not (
            data.get("given_names") or data.get("family_name") or data.get("aliases")
        ):
            self.add_error("given_names", "Enter their name, or an alias they are known by")
        adult = data.get("person_age_group") == PersonAgeGroup.ADULT
        if adult and (data.get("safeguarding_record") or data.get("create_child_record")):
            self.add_error(
                "person_age_group", "Only a child causing harm has a child record. Choose child or not known"
            )
        return data


class PersonCreateForm(SubmissionMixin, PersonForm):
    pass


class PersonEditForm(VersionedFormMixin, PersonForm):
    pass


class LocationForm(SubjectForm):
    kind = Kind.LOCATION
    name = forms.CharField(
        label="Name", max_length=200, help_text="How people refer to it, for example ‘Northgate bus station’."
    )
    location_type = forms.ChoiceField(label="Type of place", choices=_blank(LocationType.choices, "Choose a type"))
    description = forms.CharField(
        label="Description (optional)", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    ward = forms.CharField(label="Ward or area (optional)", max_length=120, required=False)
    authority = forms.ModelChoiceField(
        label="Local authority (optional)",
        queryset=LocalAuthority.objects.order_by("name"),
        required=False,
        empty_label="Not recorded or outside London",
    )
    latitude = forms.DecimalField(
        label="Latitude (optional)",
        max_digits=8,
        decimal_places=5,
        min_value=-90,
        max_value=90,
        required=False,
        help_text="For example 51.46250.",
    )
    longitude = forms.DecimalField(
        label="Longitude (optional)",
        max_digits=8,
        decimal_places=5,
        min_value=-180,
        max_value=180,
        required=False,
        help_text="For example -0.11470.",
    )
    hotspot_notes = forms.CharField(
        label="Hotspot notes (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="When and how it is used: times, days, what has been seen.",
    )
    harm_types = harm_type_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors.get("latitude"):
            self.add_error("longitude", "Enter both latitude and longitude, or neither")
        return data


class LocationCreateForm(SubmissionMixin, LocationForm):
    pass


class LocationEditForm(VersionedFormMixin, LocationForm):
    pass


class GroupForm(SubjectForm):
    kind = Kind.GROUP
    name = forms.CharField(
        label="Name",
        max_length=200,
        help_text="A description, not a child's name, for example ‘Year 10 boys, Park Road’.",
    )
    group_type = forms.ChoiceField(label="Type of group", choices=GroupType.choices, widget=forms.RadioSelect)
    aliases = LinesField(label="Other names it goes by (optional)", help_text="One per line.")
    description = forms.CharField(
        label="Description (optional)", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    harm_types = harm_type_field()


class GroupCreateForm(SubmissionMixin, GroupForm):
    pass


class GroupEditForm(VersionedFormMixin, GroupForm):
    pass


class ThemeForm(SubjectForm):
    kind = Kind.THEME
    name = forms.CharField(
        label="Theme",
        max_length=200,
        help_text="For example ‘Recruitment through gaming chats’.",
        error_messages={"required": "Enter the theme"},
    )
    description = forms.CharField(label="What the panel has seen", widget=forms.Textarea(attrs={"rows": 4}))
    period_start = GovukDateField(label="Seen since", required=False, help_text="For example, 1 9 2025.")
    period_end = GovukDateField(label="Seen until (leave blank if it continues)", required=False)
    evidence = forms.CharField(
        label="Evidence (optional)",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="Where this comes from: referrals, police intelligence, partner reports.",
    )
    harm_types = harm_type_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", "The end of the period must be the same as or after its start")
        return data


class ThemeCreateForm(SubmissionMixin, ThemeForm):
    pass


class ThemeEditForm(VersionedFormMixin, ThemeForm):
    pass


CREATE_FORMS: dict[str, type[SubjectForm]] = {
    Kind.CHILD: ChildCreateForm,
    Kind.PERSON: PersonCreateForm,
    Kind.LOCATION: LocationCreateForm,
    Kind.GROUP: GroupCreateForm,
    Kind.THEME: ThemeCreateForm,
}
EDIT_FORMS: dict[str, type[SubjectForm]] = {
    Kind.CHILD: ChildEditForm,
    Kind.PERSON: PersonEditForm,
    Kind.LOCATION: LocationEditForm,
    Kind.GROUP: GroupEditForm,
    Kind.THEME: ThemeEditForm,
}
