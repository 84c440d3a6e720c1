"""Pages of the tools and templates library."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.audit.services import record
from macehub.audit.types import Action
from macehub.core.acting import acting_partnership_id
from macehub.core.exports import xlsx_response
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.organisations.types import Partnership

from . import selectors, services
from .duplicates import Match, describe, likely_duplicate_pairs, possible_duplicates
from .forms import AdoptForm, ItemCreateForm, ItemEditForm, SearchForm, VersionForm
from .models import LibraryItem
from .policies import policy

PAGE_SIZE = 20


def _apply_errors(form: Any, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _keep_upload(request: AuthenticatedHttpRequest, form: Any, *, partnership_id: int | None) -> QueryDict | None:
    """If the person chose a file that passed its checks, keep it and return the submitted
    data pointing at the kept file, so the form can be shown again without choosing it again."""
    upload = form.cleaned_data.get("file") if hasattr(form, "cleaned_data") else None
    if not isinstance(upload, UploadedFile):
        return None
    pending = services.upload_keep(actor=request.user, upload=upload, partnership_id=partnership_id)
    data = request.POST.copy()
    data["pending_upload"] = str(pending.pk)
    return data


def _resubmission(data: Any, matches: list[Match], already: list[int]) -> list[tuple[str, str]]:
    """The submitted values as (name, value) pairs for hidden inputs, with the warned-about
    items (and any acknowledged before) marked as acknowledged."""
    pairs = [
        (name, value)
        for name, values in data.lists()
        if name not in {"csrfmiddlewaretoken", "acknowledged_duplicates", "file"}
        for value in values
    ]
    ids = sorted({*already, *(m.item.pk for m in matches)})
    pairs.append(("acknowledged_duplicates", ",".join(str(pk) for pk in ids)))
    return pairs


def _warnings(matches: list[Match], user: Any) -> list[dict[str, Any]]:
    return [
        {"item": m.item, "why": describe(m), "can_add_version": policy.can(user, "manage_item", m.item)}
        for m in matches
    ]


# --- Browse and search ----------------------------------------------------------------------


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "view_library")
    form = SearchForm(
        request.GET or None,
        areas=[(a.code, a.name) for a in selectors.protocol_areas()],
        owners=[(str(p.pk), p.short_name) for p in selectors.owner_partnerships()],
    )
    filters = form.filters()
    items = selectors.search_items(
        request.user,
        q=filters.get("q", ""),
        kind=filters.get("kind", ""),
        tag=filters.get("tag", ""),
        area=filters.get("area", ""),
        owner=filters.get("owner", ""),
        sort=filters.get("sort", "") or "used",
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    searching = any(filters.get(k) for k in ("q", "kind", "tag", "area", "owner"))
    return render(
        request,
        "library/index.html",
        {
            "form": form,
            "page": page,
            "searching": searching,
            "tag": filters.get("tag", ""),
            "can_create": policy.can(request.user, "create_item"),
        },
    )


@require_GET
def item_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "view_library")
    item = selectors.item_detail_for(request.user, pk)
    return _render_detail(request, item)


def _render_detail(
    request: AuthenticatedHttpRequest, item: LibraryItem, *, adopt_form: Any = None, status: int = 200
) -> HttpResponse:
    adoptions = list(item.current_adoptions)  # type: ignore[attr-defined]
    by_partnership = {a.partnership_id: a for a in adoptions}
    acting = acting_partnership_id(request)
    stewarded = sorted(selectors.partnerships_user_stewards(request.user), key=lambda p: p.pk != acting)
    yours = [{"partnership": p, "adoption": by_partnership.get(p.pk)} for p in stewarded]
    versions = list(item.versions.all())
    return render(
        request,
        "library/item_detail.html",
        {
            "item": item,
            "versions": versions,
            "adoptions": adoptions,
            "on_latest": sum(1 for a in adoptions if a.version_id == item.current_version_id),
            "yours": yours,
            "adopt_form": adopt_form,
            "can_manage": policy.can(request.user, "manage_item", item),
        },
        status=status,
    )


@require_GET
def version_download(request: AuthenticatedHttpRequest, pk: int, number: int) -> FileResponse:
    policy.require(request.user, "download")
    version = selectors.get_version_for(request.user, pk, number)
    return services.version_download(actor=request.user, version=version)


# --- Adoption -------------------------------------------------------------------------------


@require_POST
def adopt(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "view_library")
    item = selectors.get_item_for(request.user, pk)
    policy.require(request.user, "adopt")
    form = AdoptForm(request.POST)
    if form.is_valid():
        partnership = selectors.stewarded_partnership(request.user, form.cleaned_data["partnership"])
        policy.require(request.user, "adopt_for", partnership)
        assert partnership is not None  # noqa: S101 - the policy refuses a missing partnership
        try:
            adoption = services.adopt(actor=request.user, item=item, partnership=partnership)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(
                request, f"{partnership.short_name} now uses version {adoption.version.number} of {item.title}."
            )
            return HttpResponseRedirect(reverse("library:item_detail", args=[item.pk]))
    return _render_detail(request, selectors.item_detail_for(request.user, pk), adopt_form=form)


@require_http_methods(["GET", "POST"])
def end_adoption(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "view_library")
    adoption = selectors.get_current_adoption_for(request.user, pk)
    policy.require(request.user, "end_adoption", adoption)
    error = ""
    if request.method == "POST":
        try:
            services.end_adoption(actor=request.user, adoption=adoption)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, f"{adoption.partnership.short_name} no longer uses {adoption.item.title}.")
            return HttpResponseRedirect(reverse("library:item_detail", args=[adoption.item_id]))
    return render(request, "library/end_adoption.html", {"adoption": adoption, "error": error})


# --- Sharing an item, new versions, details -------------------------------------------------


def _owner_from(request: AuthenticatedHttpRequest, value: str) -> Partnership | None:
    """The owner chosen on the form (its choices are the partnerships the person stewards)."""
    if value == "london":
        return None
    owner = selectors.stewarded_partnership(request.user, value)
    if owner is None:  # the form offers only theirs: anything else is refused, never "London-wide"
        raise PermissionDenied("share_as")
    return owner


@require_http_methods(["GET", "POST"])
@once
def item_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "create_item")
    owner_choices = selectors.owner_choices_for(request.user)
    kwargs: dict[str, Any] = {"user": request.user, "owner_choices": owner_choices}
    if request.method != "POST":
        acting = str(acting_partnership_id(request))
        values = [value for value, _ in owner_choices]
        initial = {"owner": acting if acting in values else values[0] if len(values) == 1 else ""}
        return render(request, "library/item_create.html", {"form": ItemCreateForm(initial=initial, **kwargs)})

    form = ItemCreateForm(request.POST, request.FILES, **kwargs)
    valid = form.is_valid()
    owner_value = form.cleaned_data.get("owner", "") if hasattr(form, "cleaned_data") else ""
    owner_id = int(owner_value) if str(owner_value).isdigit() else None
    kept = _keep_upload(request, form, partnership_id=owner_id)
    if kept is not None:
        form = ItemCreateForm(kept, **kwargs)
        valid = form.is_valid()
    if not valid or request.POST.get("action") == "change":
        return render(request, "library/item_create.html", {"form": form})

    data = form.cleaned_data
    pending = form.pending
    assert pending is not None  # noqa: S101 - the form requires a file or a kept one
    matches = [
        m
        for m in possible_duplicates(
            kind=data["kind"], title=data["title"], filename=pending.file.original_name, sha256=pending.file.sha256
        )
        if m.item.pk not in data["acknowledged_duplicates"]
    ]
    if matches:
        return render(
            request,
            "library/duplicate_warning.html",
            {
                "warnings": _warnings(matches, request.user),
                "pending": pending,
                "resubmit": _resubmission(form.data, matches, data["acknowledged_duplicates"]),
                "action": reverse("library:item_create"),
                "title": data["title"],
                "creating": True,
            },
        )
    try:
        details = form.detail_values()
        item = services.item_create(
            actor=request.user,
            owner=_owner_from(request, data["owner"]),
            pending=pending,
            change_note=form.change_note_value(),
            duplicates_acknowledged=data["acknowledged_duplicates"],
            **details,
        )
    except ValidationError as exc:
        _apply_errors(form, exc)
        return render(request, "library/item_create.html", {"form": form})
    messages.success(request, f"{item.title} is now in the library.")
    return HttpResponseRedirect(reverse("library:item_detail", args=[item.pk]))


@require_http_methods(["GET", "POST"])
@once
def version_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "view_library")
    item = selectors.get_item_for(request.user, pk)
    policy.require(request.user, "manage_item", item)
    kwargs: dict[str, Any] = {"user": request.user, "item": item}
    context: dict[str, Any] = {"item": item}
    if request.method != "POST":
        form = VersionForm(initial={"pending_upload": request.GET.get("upload", "")}, **kwargs)
        form.pending = selectors.pending_upload_for(request.user, request.GET.get("upload"))
        return render(request, "library/version_create.html", {**context, "form": form})

    form = VersionForm(request.POST, request.FILES, **kwargs)
    valid = form.is_valid()
    kept = _keep_upload(request, form, partnership_id=item.owner_id)
    if kept is not None:
        form = VersionForm(kept, **kwargs)
        valid = form.is_valid()
    if not valid or request.POST.get("action") == "change":
        return render(request, "library/version_create.html", {**context, "form": form})

    data = form.cleaned_data
    pending = form.pending
    assert pending is not None  # noqa: S101 - the form requires a file or a kept one
    matches = [
        m
        for m in possible_duplicates(
            kind=item.kind, title="", filename="", sha256=pending.file.sha256, exclude_item_id=item.pk
        )
        if m.item.pk not in data["acknowledged_duplicates"]
    ]
    if matches:
        return render(
            request,
            "library/duplicate_warning.html",
            {
                "warnings": _warnings(matches, request.user),
                "pending": pending,
                "resubmit": _resubmission(form.data, matches, data["acknowledged_duplicates"]),
                "action": reverse("library:version_create", args=[item.pk]),
                "title": item.title,
                "item": item,
            },
        )
    try:
        version = services.version_add(
            actor=request.user,
            item=item,
            pending=pending,
            change_note=data["change_note"],
            expected_version=data["version"],
            duplicates_acknowledged=data["acknowledged_duplicates"],
        )
    except ConcurrentEditError:
        current = selectors.item_detail_for(request.user, pk)
        form = rebind_after_conflict(
            VersionForm, form.data, current_version=current.version, **{**kwargs, "item": current}
        )
        return render(
            request,
            "library/version_create.html",
            {**context, "item": current, "form": form, "conflict": True},
            status=409,
        )
    except ValidationError as exc:
        _apply_errors(form, exc)
        return render(request, "library/version_create.html", {**context, "form": form})
    messages.success(request, f"Version {version.number} of {item.title} is now the latest.")
    return HttpResponseRedirect(reverse("library:item_detail", args=[item.pk]))


@require_http_methods(["GET", "POST"])
def item_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "view_library")
    item = selectors.item_detail_for(request.user, pk)
    policy.require(request.user, "manage_item", item)
    form = ItemEditForm(request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        values = form.detail_values()
        try:
            services.item_update(actor=request.user, item=item, expected_version=form.cleaned_data["version"], **values)
        except ConcurrentEditError:
            current = selectors.item_detail_for(request.user, pk)
            form = rebind_after_conflict(ItemEditForm, request.POST, current_version=current.version, instance=current)
            return render(
                request, "library/item_edit.html", {"item": current, "form": form, "conflict": True}, status=409
            )
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Details of {item.title} saved.")
            return HttpResponseRedirect(reverse("library:item_detail", args=[item.pk]))
    return render(request, "library/item_edit.html", {"item": item, "form": form})


# --- Take-up --------------------------------------------------------------------------------


@require_GET
def take_up(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "view_take_up")
    figures = selectors.take_up_for(request.user)
    return render(
        request,
        "library/take_up.html",
        {"figures": figures, "pairs": likely_duplicate_pairs(figures.items)},
    )


@require_GET
def take_up_export(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "view_take_up")
    figures = selectors.take_up_for(request.user)
    pairs = likely_duplicate_pairs(figures.items)
    record(action=Action.EXPORT, actor=request.user, detail={"export": "library take-up"})
    stamp = timezone.now().strftime("%Y%m%d")
    return xlsx_response(
        f"macehub-library-take-up-{stamp}.xlsx",
        [
            (
                "Items",
                ["Item", "Type", "Shared by", "Latest version", "Partnerships using it", "On the latest version"],
                (
                    [
                        i.title,
                        i.get_kind_display(),
                        i.owner_label,
                        i.current_version.number if i.current_version else "",
                        i.used_by,  # type: ignore[attr-defined]
                        i.on_latest,  # type: ignore[attr-defined]
                    ]
                    for i in figures.items
                ),
            ),
            (
                "Older versions",
                ["Partnership", "Item", "Version used", "Latest version", "Using it since"],
                (
                    [
                        a.partnership.short_name,
                        a.item.title,
                        a.version.number,
                        a.item.current_version.number if a.item.current_version else "",
                        a.adopted_at.date().isoformat(),
                    ]
                    for a in figures.outdated
                ),
            ),
            (
                "Possible duplicates",
                ["Item", "Shared by", "Looks like", "Shared by", "Why"],
                ([p.first.title, p.first.owner_label, p.second.title, p.second.owner_label, p.reason] for p in pairs),
            ),
        ],
    )
