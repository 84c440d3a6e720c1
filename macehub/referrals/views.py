"""Referral pages: your referrals, making one, a referral's page (audited), the triage queue,
and the screening decisions."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from rapidfuzz import fuzz

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.audit.services import record
from macehub.audit.types import Action
from macehub.core import uploads
from macehub.core.services import ConcurrentEditError
from macehub.organisations.selectors import agencies_by_pk, get_panel_for
from macehub.subjects.common import apply_errors, unconfirmed
from macehub.subjects.matching import possible_duplicates
from macehub.subjects.policies import agencies_on_panel, registers
from macehub.subjects.selectors import subjects_visible_to
from macehub.subjects.services.records import DuplicateSubmission, Warning, age_warnings
from macehub.subjects.types import Kind, Status, normalise

from . import selectors, services
from .forms import AcceptForm, DeclineForm, QueueFilterForm, ReferralForm, StartForm, WithdrawForm
from .models import Referral, ReferralStatus, SubjectType
from .policies import panels as panel_policy
from .policies import policy


def _detail_url(referral: Referral) -> str:
    return reverse("referrals:detail", args=[referral.pk])


@require_GET
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The referrals you made, with what happened to them; links to the queues you screen."""
    if not (policy.can(request.user, "make_referral") or policy.can(request.user, "use_queues")):
        raise PermissionDenied
    queues = panel_policy.visible(request.user, "screen").order_by("name")
    return render(
        request,
        "referrals/mine.html",
        {
            "referrals": selectors.own_referrals(request.user)[:200],
            "queues": queues,
            "can_refer": policy.can(request.user, "make_referral"),
        },
    )


def _referring_panels(request: AuthenticatedHttpRequest) -> Any:
    return panel_policy.visible(request.user, "refer").filter(is_active=True).order_by("name")


@require_GET
def start(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "make_referral")
    panels = _referring_panels(request)
    form = StartForm(request.GET or None, panels=panels)
    if request.GET and form.is_valid():
        url = reverse("referrals:create", args=[form.cleaned_data["subject_type"]])
        return HttpResponseRedirect(f"{url}?panel={form.cleaned_data['panel'].pk}")
    return render(request, "referrals/start.html", {"form": form})


def _own_similar_referrals(
    request: AuthenticatedHttpRequest, panel: Any, subject_type: str, values: dict[str, Any]
) -> list[Warning]:
    """Has this person already referred the same child (or place) and is it still waiting?"""
    name = normalise(" ".join(str(values.get(k, "")) for k in ("given_names", "family_name", "name")))
    if not name:
        return []
    warnings = []
    waiting = selectors.own_referrals(request.user).filter(
        panel=panel, subject_type=subject_type, status=ReferralStatus.SUBMITTED
    )
    for earlier in waiting[:50]:
        theirs = normalise(f"{earlier.given_names} {earlier.family_name} {earlier.name}")
        same_dob = values.get("date_of_birth") and earlier.date_of_birth == values.get("date_of_birth")
        if fuzz.token_sort_ratio(name, theirs) >= 85 or (same_dob and fuzz.token_sort_ratio(name, theirs) >= 60):
            warnings.append(
                Warning(
                    f"ref{earlier.pk}",
                    f"You already referred {earlier.about} on {earlier.created_at:%-d %B %Y} ({earlier.reference}), and "
                    "it is still waiting for screening. Add to that referral by contacting the coordinator instead of "
                    "referring again, unless this is a different concern.",
                )
            )
    return warnings


@require_http_methods(["GET", "POST"])
def create(request: AuthenticatedHttpRequest, subject_type: str) -> HttpResponse:
    if subject_type not in SubjectType.values:
        raise Http404
    policy.require(request.user, "make_referral")
    panels = _referring_panels(request)
    panel_pk = request.POST.get("panel") or request.GET.get("panel")
    if not panel_pk and len(panels) == 1:
        panel = panels[0]
    else:
        wanted = str(panel_pk or "")
        plain = wanted.isascii() and wanted.isdigit() and len(wanted) < 19
        chosen = panels.filter(pk=int(wanted)).first() if plain else None
        if chosen is None:
            return HttpResponseRedirect(reverse("referrals:start"))
        panel = chosen
    agency_ids = agencies_on_panel(request.user, panel.pk)
    agencies = agencies_by_pk(agency_ids)
    form = ReferralForm(
        request.POST or None,
        request.FILES or None,
        subject_type=subject_type,
        panel=panel,
        agencies=agencies,
        initial={"route": "front_door"},
    )
    warnings: list[Warning] = []
    if request.method == "POST" and form.is_valid():
        submission_id = form.cleaned_data["submission_id"]
        earlier = Referral.objects.filter(submission_id=submission_id).first() if submission_id else None
        if earlier is not None:
            messages.info(request, f"You had already sent this referral: it is {earlier.reference}.")
            return HttpResponseRedirect(_detail_url(earlier))
        values = form.values()
        if subject_type == SubjectType.CHILD:
            warnings += age_warnings(panel, values.get("date_of_birth"), values.get("age_band", ""))
        warnings += _own_similar_referrals(request, panel, subject_type, values)
        if not unconfirmed(request, warnings):
            attachment = form.cleaned_data.get("attachment")
            try:
                referral = services.referral_create(
                    actor=request.user,
                    panel=panel,
                    subject_type=subject_type,
                    referrer_agency=form.cleaned_data["referrer_agency"],
                    values=values,
                    harm_types=form.cleaned_data["harm_types"],
                    attachments=[attachment] if attachment else [],
                    submission_id=form.cleaned_data["submission_id"],
                )
            except DuplicateSubmission as exc:
                messages.info(request, f"You had already sent this referral: it is {exc.existing.reference}.")
                return HttpResponseRedirect(_detail_url(exc.existing))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Referral {referral.reference} sent to {panel.name}. The coordinator will screen it; "
                    "you can see what happens to it here.",
                )
                return HttpResponseRedirect(_detail_url(referral))
    return render(
        request,
        "referrals/referral_form.html",
        {
            "form": form,
            "panel": panel,
            "subject_type": SubjectType(subject_type),
            "warnings": warnings,
            "warning_keys": ",".join(w.key for w in warnings),
        },
    )


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, pk)
    record(action=Action.VIEW, actor=request.user, obj=referral, detail={"page": "referral"})
    subjects = list(subjects_visible_to(request.user).filter(referrals=referral).order_by("kind", "number"))
    can_decide = policy.can(request.user, "decide_referral", referral)
    return render(
        request,
        "referrals/detail.html",
        {
            "referral": referral,
            "harm_types": list(referral.harm_types.all()),
            "attachments": list(referral.attachments.select_related("file")),
            "subjects": subjects,
            "can_decide": can_decide,
            "can_withdraw": policy.can(request.user, "withdraw_referral", referral),
            "is_referrer": referral.referrer_id == request.user.pk,
            "waiting_days": (timezone.now() - referral.created_at).days,
            "withdraw_form": WithdrawForm(initial={"version": referral.version}),
        },
    )


@require_GET
def attachment(request: AuthenticatedHttpRequest, pk: int, attachment_pk: int) -> HttpResponseBase:
    referral = selectors.get_referral_for(request.user, pk)
    item = referral.attachments.select_related("file").filter(pk=attachment_pk).first()
    if item is None:
        raise Http404
    return uploads.serve(item.file, actor=request.user, obj=referral)


@require_POST
def withdraw(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, pk)
    policy.require(request.user, "withdraw_referral", referral)
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.referral_withdraw(
                actor=request.user,
                referral=referral,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ConcurrentEditError:
            messages.error(request, "This referral changed while you were looking at it. Check it again.")
        else:
            messages.success(request, f"Referral {referral.reference} withdrawn.")
    return HttpResponseRedirect(_detail_url(referral))


@require_GET
def queue(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    """The triage queue: waiting referrals oldest first, with how long each has waited."""
    panel = get_panel_for(request.user, panel_pk)
    policy.require(request.user, "view_queue", panel)
    form = QueueFilterForm(request.GET or None)
    status = (form.cleaned_data.get("status") if form.is_valid() else "") or ReferralStatus.SUBMITTED
    referrals = list(selectors.queue(request.user, panel, status=status)[:300])
    now = timezone.now()
    rows = [{"referral": r, "days": (now - r.created_at).days} for r in referrals]
    return render(
        request,
        "referrals/queue.html",
        {
            "panel": panel,
            "rows": rows,
            "form": form,
            "status": status,
            "hides_persons": not registers.can(request.user, "view_persons", panel),
        },
    )


def _accept_choices(request: AuthenticatedHttpRequest, referral: Referral) -> tuple[list[Any], list[Any]]:
    visible = (
        subjects_visible_to(request.user)
        .filter(panel=referral.panel)
        .exclude(status=Status.MERGED)
        .only("id", "panel", "kind", "number", "name", "status")
        .order_by("kind", "number")
    )
    kind = referral.kind
    same_kind = [s for s in visible if s.kind == kind]
    if kind == Kind.CHILD:
        other_kinds = {Kind.PERSON, Kind.LOCATION, Kind.GROUP, Kind.THEME}
    elif kind == Kind.PERSON:
        other_kinds = {Kind.CHILD, Kind.LOCATION, Kind.GROUP, Kind.THEME}
    else:
        other_kinds = {Kind.LOCATION, Kind.GROUP, Kind.THEME, Kind.PERSON} - {kind}
    others = [s for s in visible if s.kind in other_kinds]
    return same_kind, others


def _mentioned(referral: Referral, others: list[Any]) -> list[int]:
    """Places, groups and themes the referral names (roughly) are ticked to start with."""
    text = normalise(" ".join((referral.locations, referral.associates, referral.online, referral.concerns)))
    if not text:
        return []
    return [s.pk for s in others if s.name and fuzz.partial_ratio(normalise(s.name), text) >= 90]


@require_http_methods(["GET", "POST"])
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, pk)
    policy.require(request.user, "decide_referral", referral)
    if request.method == "GET":
        record(action=Action.VIEW, actor=request.user, obj=referral, detail={"page": "accept"})
    same_kind, others = _accept_choices(request, referral)
    ask_screened = (
        referral.panel.front_door_screening_required
        and referral.subject_type == SubjectType.CHILD
        and not referral.front_door_screened
    )
    form = AcceptForm(
        request.POST or None,
        same_kind=same_kind,
        others=others,
        ask_screened=ask_screened,
        initial={"record": "new", "version": referral.version, "link_to": _mentioned(referral, others)},
    )
    duplicates = possible_duplicates(
        request.user,
        panel=referral.panel,
        kind=referral.kind,
        given_names=referral.given_names,
        family_name=referral.family_name,
        date_of_birth=referral.date_of_birth,
        aliases=[a.strip() for a in referral.aliases.split(",") if a.strip()],
        name=referral.name,
    )
    warnings = [Warning(f"dup{m.subject.pk}", m.subject.reference) for m in duplicates]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        new = data["record"] == "new"
        if new and unconfirmed(request, warnings):
            form.add_error(
                "record",
                "This may already be on the register. Tick the box to confirm it is different, or choose the record "
                "already on the register",
            )
        else:
            by_pk = {s.pk: s for s in [*same_kind, *others]}
            existing = None if new else by_pk.get(data["existing"])
            try:
                subject = services.referral_accept(
                    actor=request.user,
                    referral=referral,
                    expected_version=data["version"],
                    reason=data["reason"],
                    existing=existing,
                    link_to=[by_pk[i] for i in data.get("link_to", []) if i in by_pk],
                    screened_now=data.get("screened", False),
                )
            except ConcurrentEditError:
                messages.error(
                    request, "Someone else changed this referral while you were screening it. Check it again."
                )
                return HttpResponseRedirect(_detail_url(referral))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(
                    request,
                    f"Referral {referral.reference} accepted. {subject.reference} is on the register and listed for the "
                    "next meeting.",
                )
                return HttpResponseRedirect(reverse(f"subjects:{subject.kind}_detail", args=[subject.pk]))
    return render(
        request,
        "referrals/accept.html",
        {
            "referral": referral,
            "form": form,
            "duplicates": duplicates,
            "warning_keys": ",".join(w.key for w in warnings),
        },
    )


@require_http_methods(["GET", "POST"])
def decline(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    referral = selectors.get_referral_for(request.user, pk)
    policy.require(request.user, "decide_referral", referral)
    form = DeclineForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.referral_decline(
                actor=request.user,
                referral=referral,
                expected_version=data["version"],
                outcome=data["outcome"],
                reason=data["reason"],
                signposted_to=data["signposted_to"],
            )
        except ConcurrentEditError:
            messages.error(request, "Someone else changed this referral while you were screening it. Check it again.")
            return HttpResponseRedirect(_detail_url(referral))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Referral {referral.reference}: {referral.get_status_display().lower()}.")
            return HttpResponseRedirect(reverse("referrals:queue", args=[referral.panel_id]))
    return render(request, "referrals/decline.html", {"referral": referral, "form": form})
