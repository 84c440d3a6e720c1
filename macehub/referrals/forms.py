"""Forms for making and screening referrals."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukDateField, GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.core.uploads import UploadField
from macehub.organisations.models import Agency, Panel
from macehub.subjects.forms.links import record_choices
from macehub.subjects.forms.records import harm_type_field
from macehub.subjects.models import Subject
from macehub.subjects.services.records import age_errors
from macehub.subjects.taxonomy import ETHNICITY_GROUPS, AgeBand, LocationType, PersonAgeGroup, Sex

from .models import ReferralStatus, Route, SubjectType
from .services import COMMON_FIELDS, FIELDS_BY_TYPE


class StartForm(GovukForm):
    subject_type = forms.ChoiceField(
        label="Who or what is the referral about?",
        choices=SubjectType.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose who or what the referral is about"},
    )
    panel = forms.ModelChoiceField(label="Panel", queryset=Panel.objects.none(), empty_label="Choose a panel")

    def __init__(self, *args: Any, panels: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["panel"].queryset = panels  # type: ignore[attr-defined]
        if len(panels) == 1:
            self.fields["panel"].widget = forms.HiddenInput()
            self.initial.setdefault("panel", panels[0].pk)


class ReferralForm(SubmissionMixin, GovukForm):
    """One form for the four kinds of referral; fields that do not apply are removed."""

    # About a child or a possible perpetrator.
    given_names = forms.CharField(
        label="First names",
        max_length=150,
        required=False,
        help_text="Give at least one name: first, last, or a name they are known by. Leave out any you do not know.",
    )
    family_name = forms.CharField(label="Last name", max_length=150, required=False)
    aliases = forms.CharField(
        label="Other names, nicknames or street names (optional)",
        max_length=300,
        required=False,
        help_text="Separate them with commas.",
    )
    date_of_birth = GovukDateField(
        past=True, label="Date of birth", required=False, help_text="For example, 27 3 2010. Leave blank if not known."
    )
    age_band = forms.ChoiceField(
        label="Age band, if you do not know the date of birth",
        choices=[("", "Choose an age band")],
        required=False,
    )
    person_age_group = forms.ChoiceField(
        label="Adult or child", choices=PersonAgeGroup.choices, widget=forms.RadioSelect
    )
    sex = forms.ChoiceField(label="Sex", choices=Sex.choices, widget=forms.RadioSelect)
    ethnicity = forms.ChoiceField(
        label="Ethnicity (optional)", choices=[("", "Not known"), *ETHNICITY_GROUPS], required=False
    )
    school = forms.CharField(label="School, college or education setting (optional)", max_length=200, required=False)
    # About a group or a location.
    name = forms.CharField(label="Name or description", max_length=200)
    location_type = forms.ChoiceField(label="Type of place", choices=[("", "Choose a type"), *LocationType.choices])
    ward = forms.CharField(label="Ward or area (optional)", max_length=120, required=False)
    # Every referral.
    route = forms.ChoiceField(
        label="How has this come to the panel?",
        choices=Route.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose how the referral has come to the panel"},
    )
    route_reference = forms.CharField(
        label="Reference (optional for some routes)",
        max_length=100,
        required=False,
        help_text="The MASH, police report or strategy discussion reference. Needed for a police report or strategy discussion.",
    )
    front_door_screened = forms.BooleanField(
        label="The front door (MASH) has already screened this concern", required=False
    )
    harm_types = harm_type_field(
        label="What harm are you worried about?",
        required=True,
        error_messages={"required": "Choose at least one type of harm, or ‘Other harm outside the home’"},
    )
    concerns = forms.CharField(
        label="What are you worried about?",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter what you are worried about"},
        help_text="What has happened, what you have seen or been told, and what has been done so far. Describe what is "
        "happening to the child, not what they are ‘involved in’.",
    )
    associates = forms.CharField(
        label="Associates and peers (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Who they spend time with: friends, older people, groups.",
    )
    locations = forms.CharField(
        label="Places (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Where they go or are seen: addresses, parks, shops, transport.",
    )
    online = forms.CharField(
        label="Online (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="Apps, platforms, group chats or games of concern.",
    )
    attachment = UploadField(
        label="Attach a document (optional)",
        required=False,
        help_text="For example the multi-agency referral form. PDF, Word, Excel, text or image, up to 10 MB.",
    )
    referrer_agency = forms.ModelChoiceField(
        label="Agency you are referring for", queryset=Agency.objects.none(), empty_label="Choose an agency"
    )

    def __init__(self, *args: Any, subject_type: str, panel: Any, agencies: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.subject_type = subject_type
        self.panel = panel
        keep = (
            set(FIELDS_BY_TYPE[subject_type])
            | set(COMMON_FIELDS)
            | {
                "harm_types",
                "attachment",
                "referrer_agency",
                "submission_id",
            }
        )
        if subject_type != SubjectType.CHILD:
            keep.discard("front_door_screened")
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        self.only_agency = agencies[0] if len(agencies) == 1 else None
        if self.only_agency is not None:
            del self.fields["referrer_agency"]
        else:
            self.fields["referrer_agency"].queryset = agencies  # type: ignore[attr-defined]
        if "age_band" in self.fields:
            bands = [AgeBand.UNDER_10, AgeBand.AGE_10_13, AgeBand.AGE_14_15, AgeBand.AGE_16_17]
            if panel.upper_age == 25:
                bands += [AgeBand.AGE_18_20, AgeBand.AGE_21_24]
            bands.append(AgeBand.NOT_KNOWN)
            self.fields["age_band"].choices = [("", "Choose an age band"), *[(b.value, b.label) for b in bands]]  # type: ignore[attr-defined]
        if subject_type == SubjectType.GROUP:
            self.fields["name"].label = "Describe the group"
            self.fields[
                "name"
            ].help_text = "Not a child's name: for example ‘Year 9 girls seen with older males at the station’."
        if subject_type == SubjectType.LOCATION:
            self.fields["name"].label = "Name of the place"
            self.fields[
                "name"
            ].help_text = "For example ‘Northgate bus station’ or ‘Flat above the chicken shop, High Road’."
        self.order_fields(
            [
                "given_names",
                "family_name",
                "aliases",
                "date_of_birth",
                "age_band",
                "person_age_group",
                "sex",
                "ethnicity",
                "school",
                "name",
                "location_type",
                "ward",
                "harm_types",
                "concerns",
                "associates",
                "locations",
                "online",
                "route",
                "route_reference",
                "front_door_screened",
                "attachment",
                "referrer_agency",
            ]
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.only_agency is not None:
            data["referrer_agency"] = self.only_agency
        if self.subject_type in (SubjectType.CHILD, SubjectType.PERSON) and not (
            data.get("given_names") or data.get("family_name") or data.get("aliases")
        ):
            self.add_error("given_names", "Enter a name, or a name they are known by")
        if self.subject_type == SubjectType.CHILD and "date_of_birth" not in self.errors:
            dob = data.get("date_of_birth")
            if dob is None and not data.get("age_band"):
                self.add_error("age_band", "Enter a date of birth or choose an age band")
            problem = age_errors(self.panel, dob, data.get("age_band", ""))
            if problem:
                self.add_error("date_of_birth" if dob else "age_band", problem)
            if dob is not None:
                data["age_band"] = ""
        if data.get("route") in (Route.POLICE, Route.STRATEGY) and not data.get("route_reference", "").strip():
            self.add_error("route_reference", "Enter the police report or strategy discussion reference")
        return data

    def values(self) -> dict[str, Any]:
        skip = {"harm_types", "attachment", "referrer_agency", "submission_id"}
        return {k: v for k, v in self.cleaned_data.items() if k not in skip}


class AcceptForm(VersionedFormMixin, GovukForm):
    record = forms.ChoiceField(
        label="Add to the register",
        choices=[
            ("new", "Add a new record from this referral"),
            ("existing", "It is already on the register: use that record"),
        ],
        widget=forms.RadioSelect,
    )
    existing = forms.TypedChoiceField(label="Record already on the register", coerce=int, required=False)
    link_to = forms.TypedMultipleChoiceField(
        label="Link it to these records (optional)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Places, groups, people and themes on the register. Those the referral mentions are ticked "
        "already. Links are saved as ‘possible’, from the referrer's agency.",
    )
    screened = forms.BooleanField(label="The front door (MASH) has screened this child", required=False)
    reason = forms.CharField(
        label="Why does it meet the panel's criteria?",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter why the referral meets the panel's criteria"},
    )

    def __init__(
        self, *args: Any, same_kind: list[Subject], others: list[Subject], ask_screened: bool, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        existing = self.fields["existing"]
        existing.choices = record_choices(same_kind, exclude_pk=0)  # type: ignore[attr-defined]
        self.fields["link_to"].choices = [(s.pk, f"{s.safe_label} ({s.kind_label.lower()})") for s in others]  # type: ignore[attr-defined]
        if not others:
            del self.fields["link_to"]
        if not ask_screened:
            del self.fields["screened"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("record") == "existing" and not data.get("existing"):
            self.add_error("existing", "Choose the record already on the register")
        return data


class DeclineForm(VersionedFormMixin, GovukForm):
    outcome = forms.ChoiceField(
        label="Decision",
        choices=[
            (ReferralStatus.SIGNPOSTED.value, "Signpost to another service"),
            (ReferralStatus.NOT_MET.value, "Does not meet the panel's criteria"),
        ],
        widget=forms.RadioSelect,
    )
    signposted_to = forms.CharField(
        label="Signposted to (if signposting)",
        max_length=200,
        required=False,
        help_text="For example ‘MASH’, ‘Early help’ or ‘Adult social care’.",
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the reason for the decision"},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("outcome") == ReferralStatus.SIGNPOSTED and not data.get("signposted_to", "").strip():
            self.add_error("signposted_to", "Enter where the referral has been signposted to")
        return data


class WithdrawForm(VersionedFormMixin, GovukForm):
    reason = forms.CharField(label="Why are you withdrawing it? (optional)", max_length=300, required=False)


class QueueFilterForm(GovukForm):
    status = forms.ChoiceField(
        label="Show",
        choices=[("submitted", "Waiting for screening"), ("decided", "Screened"), ("all", "All")],
        required=False,
    )
