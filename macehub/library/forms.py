"""Forms for sharing items, adding versions, changing details, adopting and searching."""

from __future__ import annotations

from typing import Any

from django import forms

from macehub.core.forms import GovukForm, VersionedFormMixin
from macehub.core.submissions import SubmissionMixin
from macehub.core.uploads import UploadField, max_upload_bytes

from .models import Kind, LibraryItem, Licence, PendingUpload, ProtocolArea
from .selectors import MAX_SEARCH_LENGTH, SORTS

MAX_TAGS = 10
NO_IDENTIFIABLE_DATA = (
    "I confirm this file contains no names or other details that could identify a child, a young person, "
    "a person of concern or a family"
)


def split_tags(value: str) -> list[str]:
    seen: dict[str, str] = {}
    for part in value.split(","):
        cleaned = " ".join(part.split())
        if cleaned and cleaned.lower() not in seen:
            seen[cleaned.lower()] = cleaned
    return list(seen.values())


class TagsField(forms.CharField):
    """Tags typed as a comma-separated list."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", "Tags (optional)")
        kwargs.setdefault(
            "help_text", "Words people might search for, separated by commas. For example: VOLT, county lines, health."
        )
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[str]:
        text = super().clean(value)
        tags = split_tags(text or "")
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"Enter {MAX_TAGS} tags or fewer")
        too_long = [t for t in tags if len(t) > 40]
        if too_long:
            raise forms.ValidationError("Each tag must be 40 characters or fewer")
        return tags


class ItemDetailsForm(GovukForm):
    """What an item is: the fields shared by "share an item" and "change details"."""

    title = forms.CharField(
        label="Title",
        max_length=150,
        help_text="Say what it is, for example ‘MACE meeting agenda template’.",
        error_messages={"required": "Enter a title"},
    )
    kind = forms.ChoiceField(
        label="Type",
        choices=[("", "Choose a type"), *Kind.choices],
        error_messages={"required": "Choose the type of document"},
    )
    summary = forms.CharField(
        label="Description",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What it is for, who made it and how you use it.",
        error_messages={"required": "Enter a description"},
    )
    tags = TagsField()
    protocol_areas = forms.ModelMultipleChoiceField(
        label="Which areas of the protocol it supports (optional)",
        queryset=ProtocolArea.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    protocol_clauses = forms.CharField(
        label="Protocol clauses (optional)",
        max_length=200,
        required=False,
        help_text="The parts of the London Child Exploitation Operating Protocol it supports, for example ‘Section 5: the MACE meeting’.",
    )
    licence = forms.ChoiceField(
        label="How others may reuse it",
        choices=Licence.choices,
        widget=forms.RadioSelect,
        initial=Licence.LONDON_MACE,
    )

    def clean_title(self) -> str:
        return " ".join(str(self.cleaned_data["title"]).split())

    def clean_summary(self) -> str:
        return str(self.cleaned_data["summary"]).strip()

    def detail_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "summary": data["summary"],
            "kind": data["kind"],
            "licence": data["licence"],
            "protocol_clauses": data["protocol_clauses"].strip(),
            "tags": data["tags"],
            "protocol_areas": list(data["protocol_areas"]),
        }


class UploadFormMixin(forms.Form):
    """A file, or the file the person already chose (kept while they fix the form or decide
    about a possible duplicate), and the no-identifiable-data confirmation."""

    file = UploadField(
        label="Upload a file",
        required=False,
        error_messages={"empty": "The selected file is empty.", "invalid": "The selected file could not be read."},
    )
    pending_upload = forms.IntegerField(widget=forms.HiddenInput, required=False)
    no_identifiable_data = forms.BooleanField(
        label=NO_IDENTIFIABLE_DATA,
        error_messages={"required": "Confirm the file contains no details that could identify a child or family"},
    )
    acknowledged_duplicates = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: Any = None, **kwargs: Any) -> None:
        self.user = user
        self.pending: PendingUpload | None = None
        super().__init__(*args, **kwargs)
        limit = max_upload_bytes()
        size = f"{limit / (1024 * 1024):.0f} MB" if limit >= 1024 * 1024 else f"{limit // 1024} KB"
        self.fields[
            "file"
        ].help_text = (
            f"PDF, Word (DOCX), Excel (XLSX), PowerPoint (PPTX), OpenDocument, text or CSV; smaller than {size}."
        )

    def clean_acknowledged_duplicates(self) -> list[int]:
        raw = str(self.cleaned_data.get("acknowledged_duplicates") or "")
        return sorted({int(p) for p in raw.split(",") if p.strip().isdigit()})

    def clean_file(self) -> Any:
        """A newly chosen file, or else the person's own kept one (checked here, in field
        order, so the error summary lists problems in the order of the page)."""
        from .selectors import pending_upload_for

        upload = self.cleaned_data.get("file")
        if upload is None:
            self.pending = pending_upload_for(self.user, self.data.get("pending_upload"))
            if self.pending is None:
                raise forms.ValidationError("Choose a file to upload", code="required")
        return upload


class ItemCreateForm(SubmissionMixin, UploadFormMixin, ItemDetailsForm):
    owner = forms.ChoiceField(label="Who it belongs to", widget=forms.RadioSelect)
    change_note = forms.CharField(
        label="About this version (optional)",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="For example ‘Agreed by the panel in March 2025’. Left empty, it says ‘First version’.",
    )

    field_order = [
        "owner",
        "title",
        "kind",
        "summary",
        "file",
        "change_note",
        "tags",
        "protocol_areas",
        "protocol_clauses",
        "licence",
        "no_identifiable_data",
    ]

    def __init__(self, *args: Any, owner_choices: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].choices = owner_choices or []  # type: ignore[attr-defined]
        if len(owner_choices or []) > 4:
            self.fields["owner"].widget = forms.Select()
            self.fields["owner"].choices = [("", "Choose who it belongs to"), *(owner_choices or [])]  # type: ignore[attr-defined]

    def change_note_value(self) -> str:
        return str(self.cleaned_data.get("change_note") or "").strip() or "First version"


class VersionForm(SubmissionMixin, VersionedFormMixin, UploadFormMixin, GovukForm):
    change_note = forms.CharField(
        label="What has changed",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example ‘Added a section for locations and themes’. People using an older version read this.",
        error_messages={"required": "Enter what has changed in this version"},
    )

    field_order = ["file", "change_note", "no_identifiable_data"]

    def __init__(self, *args: Any, item: LibraryItem | None = None, **kwargs: Any) -> None:
        self.instance = item
        super().__init__(*args, **kwargs)


class ItemEditForm(VersionedFormMixin, ItemDetailsForm):
    def __init__(self, *args: Any, instance: LibraryItem | None = None, **kwargs: Any) -> None:
        self.instance = instance
        if instance is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": instance.title,
                "kind": instance.kind,
                "summary": instance.summary,
                "tags": ", ".join(t.name for t in instance.tags.all()),
                "protocol_areas": list(instance.protocol_areas.all()),
                "protocol_clauses": instance.protocol_clauses,
                "licence": instance.licence,
            }
        super().__init__(*args, **kwargs)


class AdoptForm(GovukForm):
    partnership = forms.IntegerField(
        widget=forms.HiddenInput,
        error_messages={"required": "Choose the partnership that uses it"},
    )


class SearchForm(GovukForm):
    """The library's search box and filters (a GET form: every field optional)."""

    q = forms.CharField(label="Search the library", required=False, max_length=MAX_SEARCH_LENGTH)
    kind = forms.ChoiceField(label="Type", required=False, choices=[("", "Any type"), *Kind.choices])
    area = forms.ChoiceField(label="Protocol area", required=False)
    owner = forms.ChoiceField(label="Shared by", required=False)
    tag = forms.CharField(widget=forms.HiddenInput, required=False, max_length=40)
    sort = forms.ChoiceField(
        label="Order",
        required=False,
        choices=[(key, label) for key, (label, _) in SORTS.items()],
    )

    def __init__(
        self,
        *args: Any,
        areas: list[tuple[str, str]] | None = None,
        owners: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Any area"), *(areas or [])]  # type: ignore[attr-defined]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            ("", "Anyone"),
            ("london", "London-wide"),
            *(owners or []),
        ]

    def filters(self) -> dict[str, str]:
        """The valid filters (an unknown choice is reported and ignored, not the whole search)."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {k: str(v or "") for k, v in self.cleaned_data.items()}
