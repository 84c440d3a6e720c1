"""Template helpers for GOV.UK Design System markup (loaded as a builtin)."""

from __future__ import annotations

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString

from macehub.core.forms import GovukDateInput, error_target
from macehub.core.limits import TEXT_LIMIT

register = template.Library()

_INPUT_CLASSES = {
    "textarea": "govuk-textarea",
    "select": "govuk-select",
    "file": "govuk-file-upload",
    "input": "govuk-input",
}


@register.filter
def widget_kind(field: BoundField) -> str:
    widget = field.field.widget
    if isinstance(widget, forms.HiddenInput):
        return "hidden"
    if isinstance(widget, GovukDateInput):
        return "date"
    # CheckboxSelectMultiple is a subclass of RadioSelect: test it first.
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.Textarea):
        return "textarea"
    if isinstance(widget, forms.Select):
        return "select"
    if isinstance(widget, forms.ClearableFileInput | forms.FileInput):
        return "file"
    return "input"


def _described_by(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    if widget_kind(field) == "textarea" and getattr(field.field, "max_length", None):
        ids.append(f"{field.auto_id}-info")  # the character count's message
    return " ".join(ids)


@register.filter
def thousands(value: int) -> str:
    """20000 → "20,000"."""
    return f"{int(value):,}"


@register.simple_tag
def govuk_widget(field: BoundField, extra_classes: str = "") -> SafeString:
    """The field's input with GOV.UK classes, error state and aria-describedby."""
    kind = widget_kind(field)
    base = _INPUT_CLASSES.get(kind, "govuk-input")
    classes = [base]
    if field.errors:
        classes.append(f"{base}--error")
    existing = field.field.widget.attrs.get("class", "")
    if existing:
        classes.append(existing)
    if extra_classes:
        classes.append(extra_classes)
    # GOV.UK pattern: labels and hints, never placeholder text (it disappears as you type).
    field.field.widget.attrs.pop("placeholder", None)
    if kind == "textarea":
        # The character count says the limit; a browser's maxlength would cut a paste silently.
        field.field.widget.attrs.pop("maxlength", None)
    attrs: dict[str, Any] = {"class": " ".join(classes)}
    described = _described_by(field)
    if described:
        attrs["aria-describedby"] = described
    return SafeString(field.as_widget(attrs=attrs))


@register.filter
def described_by(field: BoundField) -> str:
    return _described_by(field)


@register.inclusion_tag("forms/govuk/error_summary.html")
def error_summary(*forms_: forms.BaseForm | None) -> dict[str, Any]:
    """One GOV.UK error summary for any number of forms on the page."""
    items: list[dict[str, str]] = []
    for form in forms_:
        if form is None or not form.errors:
            continue
        for error in form.non_field_errors():
            items.append({"text": str(error), "href": ""})
        # In the order of the fields on the page, whatever order the checks ran in.
        names = [n for n in form.fields if n in form.errors] + [n for n in form.errors if n not in form.fields]
        for name in names:
            if name == "__all__":
                continue
            for error in form.errors[name]:
                target = error_target(form, name)
                items.append({"text": str(error), "href": f"#{target}" if target else ""})
    return {"items": items}


@register.simple_tag
def tag(text: str, colour: str = "") -> SafeString:
    css = f"govuk-tag govuk-tag--{colour}" if colour else "govuk-tag"
    return format_html('<strong class="{}">{}</strong>', css, text)


@register.simple_tag
def date_parts(field: BoundField) -> dict[str, str]:
    """Day, month and year as typed (bound form) or as stored (initial value)."""
    value = field.value()
    if isinstance(value, list | tuple):
        parts = [("" if v is None else str(v)) for v in ([*list(value), "", "", ""])[:3]]
    elif hasattr(value, "day"):
        parts = [str(value.day), str(value.month), str(value.year)]
    else:
        parts = ["", "", ""]
    return dict(zip(("day", "month", "year"), parts, strict=True))


@register.simple_tag
def text_limit() -> str:
    """The limit of a free-text box (for a textarea a template writes out by hand)."""
    return f"{TEXT_LIMIT:,}"


@register.simple_tag
def submission_field() -> SafeString:
    """The hidden submission id for a create form written out by hand (see core.submissions)."""
    import uuid

    return format_html('<input type="hidden" name="submission_id" value="{}">', uuid.uuid4())
