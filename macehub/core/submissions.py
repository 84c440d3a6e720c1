"""Every create is idempotent (C35): the same submission saves once.

A create form carries a hidden ``submission_id`` (:class:`SubmissionMixin`), new each time
the empty form is shown. A create view wrapped in :func:`once` runs in one transaction that
first claims that id (:class:`macehub.core.models.Submission`, unique):

* the first sending runs the view; if it succeeds (a redirect) the id keeps where it led,
  otherwise (errors on the form) the claim is dropped so the corrected form can be sent;
* the same id again — a double click, the back button, a client retrying after a timeout —
  goes where the first one went, with "This was already saved", and creates nothing;
* two sendings at the same moment: the database makes the second wait for the first's
  transaction (a unique key on PostgreSQL, the write lock on SQLite), then it sees the id
  taken and goes where the first went.

Without an id (an old page, a script) the view runs as before. Register and referral forms
keep their own ids on the record (``Subject.submission_id``, ``Referral.submission_id``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme

from .models import Submission

ALREADY_SAVED = "This was already saved. Sending the same form again does not save it twice."

#: Every view wrapped in :func:`once`, for the test that posts each twice.
IDEMPOTENT_VIEWS: set[str] = set()


class SubmissionMixin(forms.Form):
    """A hidden id for one sending of the form, so pressing "Save" twice saves once."""

    submission_id = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_id", uuid.uuid4())


class _KeyForm(forms.Form):
    submission_id = forms.UUIDField(required=False)


def submission_key(request: HttpRequest) -> uuid.UUID | None:
    """The form's submission id (a form with a prefix sends ``<prefix>-submission_id``)."""
    names = [k for k in request.POST if k == "submission_id" or k.endswith("-submission_id")]
    for name in names[:1]:
        form = _KeyForm({"submission_id": request.POST.get(name)})
        if form.is_valid():
            key: uuid.UUID | None = form.cleaned_data["submission_id"]
            return key
    return None


def _already_saved(request: HttpRequest, earlier: Submission | None) -> HttpResponse:
    user_id = getattr(request.user, "pk", None)
    if earlier is None or earlier.user_id != user_id or not earlier.location:
        # Someone else's id, or one still being saved elsewhere: nothing to show but this.
        return HttpResponse("This form was already sent. Go back, reload the page and try again.", status=409)
    messages.info(request, ALREADY_SAVED)
    return HttpResponseRedirect(earlier.location)


def once[V: Callable[..., HttpResponse]](view: V) -> V:
    """Wrap a create view so that one submission of its form creates one record."""
    IDEMPOTENT_VIEWS.add(f"{view.__module__}.{view.__qualname__}")

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key = submission_key(request) if request.method == "POST" else None
        if key is None:
            return view(request, *args, **kwargs)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    receipt = Submission.objects.create(
                        key=key, user_id=getattr(request.user, "pk", None), path=request.path[:500]
                    )
            except IntegrityError:
                return _already_saved(request, Submission.objects.filter(key=key).first())
            response = view(request, *args, **kwargs)
            location = response.get("Location", "") if response.status_code in (301, 302, 303) else ""
            if location and url_has_allowed_host_and_scheme(location, allowed_hosts={request.get_host()}):
                receipt.location = location[:500]
                receipt.save(update_fields=["location"])
            else:
                receipt.delete()  # not saved (errors on the form): the corrected form may be sent
            return response

    return wrapper  # type: ignore[return-value]
