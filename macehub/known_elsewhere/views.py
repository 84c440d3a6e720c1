"""Pages of "known elsewhere?": ask, the answer, asking for details, deciding, cross-border links."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.subjects.selectors import get_any_subject_for, subjects_visible_to

from . import selectors, services
from .fingerprints import record_prints
from .forms import AskForm, DecisionForm, DetailsRequestForm, LinkDecisionForm, LinkForm, ReasonForm
from .policies import cross_links, matches, policy, shares


def _form_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@require_http_methods(["GET", "POST"])
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Ask by typing an identifier; the person's enquiries; what others asked about us."""
    policy.require(request.user, "ask")
    panels = selectors.asking_panels(request.user)
    form = AskForm(request.POST or None, panels=panels)
    if request.method == "POST" and form.is_valid():
        panel_pk = int(form.cleaned_data["panel"])
        panel = next(p for p in selectors.asking_panel_objects(request.user) if p.pk == panel_pk)
        try:
            enquiry = services.ask(
                actor=request.user,
                panel=panel,
                kind=form.cleaned_data["kind"],
                prints=form.prints,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("known_elsewhere:enquiry", args=[enquiry.pk]))
    return render(
        request,
        "known_elsewhere/index.html",
        {
            "form": form,
            "enquiries": list(selectors.enquiries_for(request.user)[:50]),
            "asked_of_us": list(selectors.asked_of_us(request.user)[:50]),
            "waiting": list(selectors.waiting_for_decision(request.user)),
            "links": list(selectors.links_for(request.user)[:50]),
        },
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
def ask_record(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Ask from a register record: its fingerprints are asked about, never its details."""
    subject = get_any_subject_for(request.user, pk)
    policy.require(request.user, "ask_from_record", subject)
    form = ReasonForm(request.POST or None)
    prints = record_prints(subject)
    if request.method == "POST" and form.is_valid():
        try:
            enquiry = services.ask(
                actor=request.user,
                panel=subject.panel,
                kind=prints[0].kind if prints else subject.kind,
                prints=prints,
                reason=form.cleaned_data["reason"],
                subject=subject,
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("known_elsewhere:enquiry", args=[enquiry.pk]))
    return render(
        request,
        "known_elsewhere/ask_record.html",
        {"subject": subject, "form": form, "can_match": bool(prints)},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def enquiry_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The answer: the other partnerships that hold a match, and who to contact. Nothing else."""
    enquiry = selectors.get_enquiry_for(request.user, pk)
    found = selectors.answer_for(enquiry)
    return render(request, "known_elsewhere/enquiry.html", {"enquiry": enquiry, "matches": found})


@require_http_methods(["GET", "POST"])
def request_details(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    match = selectors.get_match_for(request.user, pk)
    matches.require(request.user, "request_details", match)
    form = DetailsRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            share = services.request_details(actor=request.user, match=match, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, f"Your request was sent to {match.holder.name}.")
            return HttpResponseRedirect(reverse("known_elsewhere:share", args=[share.pk]))
    return render(
        request,
        "known_elsewhere/request_details.html",
        {"match": match, "form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def match_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The holder's side of a match: who asked, when, and whether they asked for details."""
    match = selectors.get_match_for(request.user, pk, "view_as_holder")
    share = getattr(match, "share_request", None)
    return render(request, "known_elsewhere/match.html", {"match": match, "share": share})


def share_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    share = selectors.get_share_for(request.user, pk)
    sees_details = shares.can(request.user, "see_details", share)
    if sees_details:
        services.details_viewed(actor=request.user, share=share)
    link = getattr(share, "cross_link", None)
    return render(
        request,
        "known_elsewhere/share.html",
        {
            "share": share,
            "sees_details": sees_details,
            "is_holder": matches.can(request.user, "view_as_holder", share.match),
            "can_decide": shares.can(request.user, "decide", share),
            "can_link": shares.can(request.user, "propose_link", share)
            and link is None
            and share.holder_record is not None
            and share.holder_record.kind in ("person", "group"),
            "link": link,
            "can_decide_link": link is not None and cross_links.can(request.user, "decide", link),
        },
    )


@require_http_methods(["GET", "POST"])
def decide(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    share = selectors.get_share_for(request.user, pk)
    shares.require(request.user, "decide", share)
    records = services.holder_records(request.user, share)
    form = DecisionForm(request.POST or None, records=records)
    if request.method == "POST" and form.is_valid():
        agree = form.cleaned_data["decision"] == "agree"
        try:
            services.decide_share(
                actor=request.user,
                share=share,
                agree=agree,
                holder_record=form.records.get(form.cleaned_data.get("holder_record") or ""),
                lawful_basis=form.cleaned_data.get("lawful_basis", ""),
                purpose=form.cleaned_data.get("purpose", ""),
                fields=form.cleaned_data.get("details") or [],
                decline_reason=form.cleaned_data.get("decline_reason", ""),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, "Details shared." if agree else "You declined to share details.")
            return HttpResponseRedirect(reverse("known_elsewhere:share", args=[share.pk]))
    return render(
        request,
        "known_elsewhere/decide.html",
        {"share": share, "form": form, "records": records},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
def propose_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    share = selectors.get_share_for(request.user, pk)
    shares.require(request.user, "propose_link", share)
    locations = list(
        subjects_visible_to(request.user)
        .filter(kind="location", panel__partnership_id=share.match.enquiry.partnership_id)
        .exclude(status="merged")
        .select_related("panel")
        .order_by("number")[:200]
    )
    form = LinkForm(request.POST or None, locations=locations)
    if request.method == "POST" and form.is_valid():
        try:
            services.propose_link(
                actor=request.user,
                share=share,
                location=form.locations[form.cleaned_data["location"]],
                note=form.cleaned_data.get("note", ""),
            )
        except (ValidationError, PermissionDenied) as error:
            if isinstance(error, PermissionDenied):
                raise
            _form_errors(form, error)
        else:
            messages.success(request, "Link proposed. It takes effect when the other partnership agrees.")
            return HttpResponseRedirect(reverse("known_elsewhere:share", args=[share.pk]))
    return render(
        request,
        "known_elsewhere/link_form.html",
        {"share": share, "form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


@require_http_methods(["GET", "POST"])
def decide_link(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    link = selectors.get_link_for(request.user, pk)
    cross_links.require(request.user, "decide", link)
    form = LinkDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.decide_link(actor=request.user, link=link, agree=form.cleaned_data["decision"] == "agree")
        except ValidationError as error:
            _form_errors(form, error)
        else:
            return HttpResponseRedirect(reverse("known_elsewhere:share", args=[link.share_id]))
    return render(
        request,
        "known_elsewhere/link_decide.html",
        {"link": link, "form": form},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )
