"""Shared view helpers: the generic form and confirmation pages most review pages use."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError

from ..forms.common import apply_errors


def page(
    request: AuthenticatedHttpRequest,
    form: Any,
    *,
    title: str,
    caption: str = "",
    back: tuple[str, str] | None = None,
    submit: str = "Save",
    intro: str = "",
    template: str = "review/form.html",
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    """A GOV.UK question page: error summary, heading, the form, a button and a cancel link."""
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "caption": caption,
            "back_url": back[0] if back else "",
            "back_text": back[1] if back else "",
            "submit": submit,
            "intro": intro,
            "multipart": any(getattr(f.widget, "needs_multipart_form", False) for f in form.fields.values()),
            **extra,
        },
        status=status,
    )


def handle(
    request: AuthenticatedHttpRequest,
    form: Any,
    save: Callable[[dict[str, Any]], Any],
    *,
    success: Callable[[Any], str],
    message: Callable[[Any], str] | str,
    conflict: Callable[[], Any] | None = None,
    **page_kwargs: Any,
) -> HttpResponse:
    """POST handling shared by most forms: validate, call the service, redirect with a message;
    on a service's ValidationError keep what was typed; on a stale version re-bind (409)."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ConcurrentEditError:
            if conflict is None:
                raise
            return page(request, conflict(), status=409, **page_kwargs)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, message(result) if callable(message) else message)
            return HttpResponseRedirect(success(result))
    return page(request, form, **page_kwargs)


def rebind(form_class: Any, request: AuthenticatedHttpRequest, current: Any, **kwargs: Any) -> Any:
    return rebind_after_conflict(form_class, request.POST, current_version=current.version, **kwargs)
