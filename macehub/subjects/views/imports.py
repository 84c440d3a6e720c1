"""Bringing a spreadsheet register in: templates, upload, column matching and preview,
confirmation and undo (see :mod:`macehub.subjects.services.imports`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.exports import xlsx_response
from macehub.core.forms import GovukForm
from macehub.core.submissions import SubmissionMixin, once
from macehub.core.uploads import UploadField
from macehub.organisations.selectors import get_panel_for

from ..models import ACTION_IMPORT, ATTENDANCE_IMPORT, IMPORT_KINDS, ImportStatus, RegisterImport
from ..policies import imports as import_policy
from ..policies import policy
from ..services import import_columns, import_rows, imports


class UploadForm(GovukForm):
    kind = forms.ChoiceField(label="Which register is in the file?", widget=forms.RadioSelect)
    spreadsheet = UploadField(
        label="Spreadsheet",
        help_text="An XLSX or CSV file. The first row names the columns; each row after it is one record.",
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind_field = self.fields["kind"]
        assert isinstance(kind_field, forms.ChoiceField)  # noqa: S101 - narrows the type
        kind_field.choices = [(k, IMPORT_KINDS[k]) for k in kinds]
        self.fields["kind"].error_messages["required"] = "Choose which register is in the file"

    def clean_spreadsheet(self) -> Any:
        upload = self.cleaned_data["spreadsheet"]
        if Path(upload.name or "").suffix.lower() not in (".xlsx", ".csv"):
            raise forms.ValidationError("Choose an XLSX or CSV file")
        return upload


class MappingForm(GovukForm):
    def __init__(self, *args: Any, imported: RegisterImport, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", "Leave this column out")] + [(c.name, c.label) for c in import_columns.COLUMNS[imported.kind]]
        for index, header in enumerate(imported.headers):
            self.fields[f"col_{index}"] = forms.ChoiceField(
                label=f"Column {index + 1}: “{header or '(no heading)'}”",
                choices=choices,
                required=False,
                initial=imported.mapping.get(str(index), ""),
            )

    def mapping(self) -> dict[str, str]:
        return {name.removeprefix("col_"): value for name, value in self.cleaned_data.items()}


class ConfirmForm(SubmissionMixin, GovukForm):
    leave_out_duplicates = forms.BooleanField(
        label="Leave out the rows that may already be on the register", required=False
    )


def _kinds_for(request: AuthenticatedHttpRequest, panel: Any) -> list[str]:
    return [k for k in IMPORT_KINDS if policy.can(request.user, import_columns.import_action(k), panel)]


def _import_panel(request: AuthenticatedHttpRequest, panel_pk: int) -> Any:
    panel = get_panel_for(request.user, panel_pk)
    policy.require(request.user, "import_register", panel)
    return panel


def _get_import(request: AuthenticatedHttpRequest, pk: int) -> RegisterImport:
    """The import (404 off the panel), for its coordinators (403 for its other roles); a
    spreadsheet still in preview only for the person who uploaded it (404 for anyone else)."""
    queryset = RegisterImport.objects.select_related("panel", "panel__partnership", "created_by")
    imported: RegisterImport = import_policy.get_or_404(request.user, pk, queryset=queryset)
    import_policy.require(request.user, "run", imported)
    if not import_policy.can(request.user, "see_cells", imported):
        raise Http404
    return imported


def preview_url(imported: RegisterImport) -> str:
    return reverse("subjects:import_preview", args=[imported.pk])


@require_http_methods(["GET", "POST"])
def import_start(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = _import_panel(request, panel_pk)
    kinds = _kinds_for(request, panel)
    form = UploadForm(
        request.POST or None, request.FILES or None, kinds=kinds, initial={"kind": request.GET.get("kind")}
    )
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        try:
            imported = imports.start_import(
                actor=request.user, panel=panel, kind=kind, upload=form.cleaned_data["spreadsheet"]
            )
        except import_columns.ImportRefused as exc:
            form.add_error("spreadsheet", str(exc))
        else:
            return HttpResponseRedirect(preview_url(imported))
    recent = RegisterImport.objects.filter(panel=panel, kind__in=kinds).exclude(status=ImportStatus.PREVIEW)[:20]
    return render(
        request,
        "subjects/import_start.html",
        {
            "panel": panel,
            "form": form,
            "templates": [(k, IMPORT_KINDS[k]) for k in kinds],
            "recent": recent,
            "undo_hours": int(import_columns.UNDO_WINDOW.total_seconds() // 3600),
        },
    )


@require_GET
def import_template(request: AuthenticatedHttpRequest, panel_pk: int, kind: str) -> HttpResponse:
    panel = _import_panel(request, panel_pk)
    if kind not in IMPORT_KINDS:
        raise Http404
    policy.require(request.user, import_columns.import_action(kind), panel)
    headers, rows = import_columns.template_rows(kind, panel)
    name = f"macehub-{IMPORT_KINDS[kind].lower().replace(' ', '-')}-template.xlsx"
    guidance = [
        [c.label, c.hint or ("required" if c.required else ""), "; ".join(label for _, label in c.choices)]
        for c in import_columns.COLUMNS[kind]
    ]
    return xlsx_response(
        name,
        [
            (IMPORT_KINDS[kind], headers, rows),
            ("How to fill it in", ["Column", "How to write it", "Choices (the words or their codes)"], guidance),
        ],
    )


@require_http_methods(["GET", "POST"])
def import_preview(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    imported = _get_import(request, pk)
    if imported.status != ImportStatus.PREVIEW:
        return render(request, "subjects/import_done.html", _done_context(imported))
    mapping_form = MappingForm(request.POST or None, imported=imported)
    if request.method == "POST" and mapping_form.is_valid():
        try:
            imports.set_mapping(actor=request.user, imported=imported, mapping=mapping_form.mapping())
        except import_columns.ImportRefused as exc:
            messages.error(request, str(exc))
        return HttpResponseRedirect(preview_url(imported) + "#preview")
    return _render_preview(request, imported, mapping_form, ConfirmForm())


def _render_preview(
    request: AuthenticatedHttpRequest,
    imported: RegisterImport,
    mapping_form: MappingForm,
    confirm_form: ConfirmForm,
    **extra: Any,
) -> HttpResponse:
    checked = import_rows.preview(request.user, imported)
    good = [r for r in checked.rows if r.ok]
    return render(
        request,
        "subjects/import_preview.html",
        {
            "panel": imported.panel,
            "imported": imported,
            "preview": checked,
            "mapping_form": mapping_form,
            "confirm_form": confirm_form,
            "sample": good[:20],
            "columns": [c for c in import_columns.COLUMNS[imported.kind] if c.name in imported.mapping.values()],
            **extra,
        },
    )


@require_POST
@once
def import_confirm(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    imported = _get_import(request, pk)
    form = ConfirmForm(request.POST)
    if not form.is_valid():  # pragma: no cover - a checkbox and a hidden id
        return _render_preview(request, imported, MappingForm(imported=imported), form)
    try:
        done = imports.confirm_import(
            actor=request.user, imported_pk=imported.pk, leave_out_duplicates=form.cleaned_data["leave_out_duplicates"]
        )
    except import_columns.ImportRefused as exc:
        if imported.status != ImportStatus.PREVIEW:
            messages.info(request, str(exc))
            return HttpResponseRedirect(preview_url(imported))
        form.add_error(None, str(exc))
        return _render_preview(request, imported, MappingForm(imported=imported), form)
    count = len(done.record_ids)
    messages.success(
        request,
        _added(done.kind, count),
    )
    return HttpResponseRedirect(preview_url(done))


def _added(kind: str, count: int) -> str:
    plural = "s" if count != 1 else ""
    if kind == ACTION_IMPORT:
        return f"{count} open action{plural} added to the action log"
    if kind == ATTENDANCE_IMPORT:
        return f"{count} attendance record{plural} added to the panel's past meetings"
    return f"{count} record{plural} added to the {IMPORT_KINDS[kind].lower()} register"


def _list_url(imported: RegisterImport) -> str:
    if imported.kind == ACTION_IMPORT:
        return reverse("meetings:panel_actions", args=[imported.panel_id])
    if imported.kind == ATTENDANCE_IMPORT:
        return reverse("meetings:panel_meetings", args=[imported.panel_id])
    return reverse(f"subjects:{imported.kind}_list", args=[imported.panel_id])


def _done_context(imported: RegisterImport) -> dict[str, Any]:
    return {
        "panel": imported.panel,
        "imported": imported,
        "blockers": imports.undo_blockers(imported),
        "undo_until": imported.imported_at + import_columns.UNDO_WINDOW if imported.imported_at else None,
        "list_url": _list_url(imported),
        "now": timezone.now(),
    }


@require_http_methods(["GET", "POST"])
def import_undo(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    imported = _get_import(request, pk)
    context = _done_context(imported)
    if request.method == "POST":
        try:
            imports.undo_import(actor=request.user, imported_pk=imported.pk)
        except import_columns.ImportRefused as exc:
            context["error"] = str(exc)
            return render(request, "subjects/import_undo.html", context, status=409)
        messages.success(request, f"The import was undone: {len(imported.record_ids)} records removed")
        return HttpResponseRedirect(reverse("subjects:import_start", args=[imported.panel_id]))
    return render(request, "subjects/import_undo.html", context)
