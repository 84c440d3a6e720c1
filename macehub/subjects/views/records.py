"""Pages for one record: add, view (audited), change, reveal identity, status, risk level,
open as a case, and merge a duplicate."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core import record_sections
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once

from .. import matching, selectors
from ..common import (
    KIND_PATHS,
    apply_errors,
    is_revealed,
    register_panel,
    remember_reveal,
    subject_url,
    unconfirmed,
)
from ..extensions import record_actions_for
from ..forms.decisions import CaseForm, RevealForm, RiskForm, StatusForm
from ..forms.links import MergeForm
from ..forms.records import CREATE_FORMS, EDIT_FORMS
from ..models import PLURAL, Kind, Link, Status, Subject
from ..policies import policy
from ..services import merging as merge_services
from ..services import records as record_services
from ..services.records import Warning


def _children_choices(user: Any, panel: Any) -> Any:
    return selectors.subjects_visible_to(user).filter(panel=panel, kind=Kind.CHILD).exclude(status=Status.MERGED)


def _form_kwargs(request: AuthenticatedHttpRequest, panel: Any, kind: str) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"panel": panel}
    if kind == Kind.PERSON:
        kwargs["children"] = _children_choices(request.user, panel).order_by("number")
    return kwargs


def _duplicates_of(request: AuthenticatedHttpRequest, subject: Subject) -> list[matching.Match]:
    """Other records of the register that may be the same as this one."""
    values = {
        name: getattr(subject, name)
        for name in ("given_names", "family_name", "date_of_birth", "aliases", "agency_references", "name")
    }
    return _duplicates(request, subject.panel, subject.kind, values, exclude_pk=subject.pk)


def _duplicates(
    request: AuthenticatedHttpRequest, panel: Any, kind: str, values: dict[str, Any], exclude_pk: int | None = None
) -> list[matching.Match]:
    if kind == Kind.THEME:
        return []
    return matching.possible_duplicates(
        request.user,
        panel=panel,
        kind=kind,
        given_names=values.get("given_names", ""),
        family_name=values.get("family_name", ""),
        date_of_birth=values.get("date_of_birth"),
        aliases=values.get("aliases") or [],
        agency_references=values.get("agency_references") or [],
        name=values.get("name", ""),
        exclude_pk=exclude_pk,
    )


def _warnings(panel: Any, kind: str, values: dict[str, Any], duplicates: list[matching.Match]) -> list[Warning]:
    warnings = [Warning(f"dup{m.subject.pk}", f"{m.subject.reference}: {', '.join(m.reasons)}") for m in duplicates]
    if kind == Kind.CHILD and ("date_of_birth" in values or "age_band" in values):
        warnings += record_services.age_warnings(panel, values.get("date_of_birth"), values.get("age_band", ""))
    return warnings


@require_http_methods(["GET", "POST"])
def subject_create(request: AuthenticatedHttpRequest, panel_pk: int, kind: str) -> HttpResponse:
    panel = register_panel(request, panel_pk, kind=kind)
    policy.require(request.user, "add_person" if kind == Kind.PERSON else "add_record", panel)
    form = CREATE_FORMS[kind](request.POST or None, **_form_kwargs(request, panel, kind))
    duplicates: list[matching.Match] = []
    warnings: list[Warning] = []
    if request.method == "POST" and form.is_valid():
        earlier = record_services.already_submitted(form.cleaned_data["submission_id"])
        if earlier is not None:
            messages.info(request, f"This was already saved as {earlier.reference}.")
            return HttpResponseRedirect(subject_url(earlier))
        values = form.values()
        duplicates = _duplicates(request, panel, kind, values)
        warnings = _warnings(panel, kind, values, duplicates)
        if not unconfirmed(request, warnings):
            try:
                if kind == Kind.PERSON:
                    subject = record_services.person_create(
                        actor=request.user,
                        panel=panel,
                        values=values,
                        harm_types=form.cleaned_data["harm_types"],
                        submission_id=form.cleaned_data["submission_id"],
                        create_child_record=form.cleaned_data.get("create_child_record", False),
                    )
                else:
                    subject = record_services.subject_create(
                        actor=request.user,
                        panel=panel,
                        kind=kind,
                        values=values,
                        harm_types=form.cleaned_data["harm_types"],
                        submission_id=form.cleaned_data["submission_id"],
                    )
            except record_services.DuplicateSubmission as exc:
                messages.info(request, f"This was already saved as {exc.existing.reference}.")
                return HttpResponseRedirect(subject_url(exc.existing))
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{subject.reference} added to the register.")
                return HttpResponseRedirect(subject_url(subject))
    return render(
        request,
        "subjects/subject_form.html",
        {
            "panel": panel,
            "kind": kind,
            "kind_label": f"a {Kind(kind).label.lower()}",
            "list_url": reverse(f"subjects:{kind}_list", args=[panel.pk]),
            "form": form,
            "duplicates": duplicates,
            "warnings": [w for w in warnings if not w.key.startswith("dup")],
            "warning_keys": ",".join(w.key for w in warnings),
            "creating": True,
        },
    )


def _link_rows(subject: Subject, links: list[Link]) -> list[dict[str, Any]]:
    return [
        {"link": link, "other": link.other_end(subject.pk), "outgoing": link.source_id == subject.pk} for link in links
    ]


@require_GET
def subject_detail(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    revealed = subject.is_person and is_revealed(request, subject)
    record_services.record_viewed(
        actor=request.user, subject=subject, page="record with identity" if revealed else "record"
    )
    merged = subject.status == Status.MERGED
    links = selectors.links_of(request.user, subject)
    context: dict[str, Any] = {
        "subject": subject,
        "panel": subject.panel,
        "kind_path": KIND_PATHS[Kind(subject.kind)],
        "kind_plural": PLURAL[Kind(subject.kind)],
        "revealed": revealed,
        "harm_types": list(subject.harm_types.all()),
        "current_links": _link_rows(subject, [link for link in links if link.is_active]),
        "past_links": _link_rows(subject, [link for link in links if not link.is_active]),
        "merged_from": list(Subject.objects.filter(merged_into=subject).order_by("number")),
        "can_edit": policy.can(request.user, "edit_record", subject),
        "can_link": policy.can(request.user, "link_record", subject),
        "can_decide": policy.can(request.user, "decide_record", subject),
        "can_merge": policy.can(request.user, "merge_record", subject) and kind != Kind.THEME,
        "can_manage_retention": policy.can(request.user, "manage_retention", subject),
        "other_actions": [] if merged else record_actions_for(request.user, subject),
        # What the apps above the registers add (crossborder: where a child who moved is held now).
        "record_sections": record_sections.sections_for(request.user, subject),
    }
    if kind in (Kind.LOCATION, Kind.GROUP, Kind.PERSON):
        # Children are listed in their own table (the context as a case); the rest below it.
        context["linked_children"] = selectors.children_linked_to(request.user, subject)
        for key in ("current_links", "past_links"):
            context[key] = [row for row in context[key] if row["other"].kind != Kind.CHILD]
    if kind == Kind.CHILD and not merged:
        context["alerts"] = selectors.alerts_for_child(request.user, subject)
        context["alert_children"] = len({a.second.pk for a in context["alerts"]})
        context["risk_history"] = list(selectors.risk_history(subject))
    if kind == Kind.PERSON and subject.safeguarding_record_id:
        # Scoped like every read: the linked child shows only to someone who may see that record.
        context["child_record"] = (
            selectors.subjects_visible_to(request.user).filter(pk=subject.safeguarding_record_id).first()
        )
    if kind != Kind.THEME and not merged:
        context["duplicates"] = _duplicates_of(request, subject)
    return render(request, "subjects/subject_detail.html", context)


@require_http_methods(["GET", "POST"])
def subject_edit(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    policy.require(request.user, "edit_record", subject)
    identity = not subject.is_person or is_revealed(request, subject)
    form_class = EDIT_FORMS[kind]
    kwargs = {**_form_kwargs(request, subject.panel, kind), "instance": subject, "identity": identity}
    form = form_class(request.POST or None, **kwargs)
    if request.method == "GET":
        record_services.record_viewed(actor=request.user, subject=subject, page="edit form")
    warnings: list[Warning] = []
    if request.method == "POST" and form.is_valid():
        values = form.values()
        warnings = _warnings(subject.panel, kind, values, []) if identity else []
        if not unconfirmed(request, warnings):
            try:
                record_services.subject_update(
                    actor=request.user,
                    subject=subject,
                    expected_version=form.cleaned_data["version"],
                    values=values,
                    harm_types=form.cleaned_data["harm_types"],
                )
            except ConcurrentEditError:
                current = selectors.get_subject_for(request.user, pk, kind)
                form = rebind_after_conflict(
                    form_class, request.POST, current_version=current.version, **{**kwargs, "instance": current}
                )
                return render(
                    request,
                    "subjects/subject_form.html",
                    {"subject": current, "panel": current.panel, "kind": kind, "form": form, "conflict": True},
                    status=409,
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"{subject.reference} saved.")
                return HttpResponseRedirect(subject_url(subject))
    return render(
        request,
        "subjects/subject_form.html",
        {
            "subject": subject,
            "panel": subject.panel,
            "kind": kind,
            "kind_label": Kind(kind).label,
            "form": form,
            "identity_hidden": not identity,
            "warnings": warnings,
            "warning_keys": ",".join(w.key for w in warnings),
        },
    )


@require_http_methods(["GET", "POST"])
def subject_reveal(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    form = RevealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record_services.record_revealed(actor=request.user, subject=subject, purpose=form.purpose_text())
        remember_reveal(request, subject)
        return HttpResponseRedirect(subject_url(subject) + "#identity")
    return render(request, "subjects/reveal.html", {"subject": subject, "panel": subject.panel, "form": form})


def _decision_page(
    request: AuthenticatedHttpRequest,
    subject: Subject,
    form: Any,
    *,
    template: str,
    status: int = 200,
    **extra: Any,
) -> HttpResponse:
    return render(request, template, {"subject": subject, "panel": subject.panel, "form": form, **extra}, status=status)


@require_http_methods(["GET", "POST"])
def subject_status(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    policy.require(request.user, "decide_record", subject)
    form = StatusForm(request.POST or None, initial={"status": subject.status, "version": subject.version})
    if request.method == "POST" and form.is_valid():
        try:
            record_services.subject_set_status(
                actor=request.user,
                subject=subject,
                expected_version=form.cleaned_data["version"],
                status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )
        except ConcurrentEditError:
            current = selectors.get_subject_for(request.user, pk, kind)
            form = rebind_after_conflict(StatusForm, request.POST, current_version=current.version)
            return _decision_page(request, current, form, template="subjects/status.html", status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{subject.reference} is now: {subject.get_status_display().lower()}.")
            return HttpResponseRedirect(subject_url(subject))
    return _decision_page(request, subject, form, template="subjects/status.html")


@require_http_methods(["GET", "POST"])
@once
def subject_risk(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    policy.require(request.user, "decide_record", subject)
    initial = {"level": subject.risk_level, "decided_on": timezone.localdate(), "version": subject.version}
    form = RiskForm(request.POST or None, panel=subject.panel, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            record_services.subject_set_risk(
                actor=request.user,
                subject=subject,
                expected_version=form.cleaned_data["version"],
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                decided_on=form.cleaned_data["decided_on"],
            )
        except ConcurrentEditError:
            current = selectors.get_subject_for(request.user, pk, kind)
            form = rebind_after_conflict(RiskForm, request.POST, current_version=current.version, panel=current.panel)
            return _decision_page(request, current, form, template="subjects/risk.html", status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"Risk level for {subject.reference} recorded.")
            return HttpResponseRedirect(subject_url(subject))
    return _decision_page(request, subject, form, template="subjects/risk.html")


@require_http_methods(["GET", "POST"])
def subject_case(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Open a location or group as a case of its own, or close the case."""
    subject = selectors.get_subject_for(request.user, pk, kind)
    policy.require(request.user, "decide_record", subject)
    form = CaseForm(request.POST or None, initial={"version": subject.version})
    if request.method == "POST" and form.is_valid():
        try:
            record_services.context_case_set(
                actor=request.user,
                subject=subject,
                expected_version=form.cleaned_data["version"],
                opened=not subject.is_case,
                reason=form.cleaned_data["reason"],
            )
        except ConcurrentEditError:
            current = selectors.get_subject_for(request.user, pk, kind)
            form = rebind_after_conflict(CaseForm, request.POST, current_version=current.version)
            return _decision_page(request, current, form, template="subjects/case.html", status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            opened = "opened as a case" if subject.is_case else "case closed"
            messages.success(request, f"{subject.reference} {opened}.")
            return HttpResponseRedirect(subject_url(subject))
    return _decision_page(request, subject, form, template="subjects/case.html")


@require_http_methods(["GET", "POST"])
def subject_merge(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """Compare a record with a possible duplicate, and merge them (coordinators)."""
    subject = selectors.get_subject_for(request.user, pk, kind)
    policy.require(request.user, "merge_record", subject)
    other_pk = request.POST.get("with") or request.GET.get("with")
    reference = request.GET.get("reference", "").strip()
    not_found = False
    if not other_pk and reference:
        found = selectors.find_by_reference(request.user, subject.panel, reference)
        if found is not None and found.kind == kind and found.pk != subject.pk:
            return HttpResponseRedirect(f"{request.path}?with={found.pk}")
        not_found = True
    if not other_pk:
        duplicates = _duplicates_of(request, subject)
        return render(
            request,
            "subjects/merge_choose.html",
            {
                "subject": subject,
                "panel": subject.panel,
                "duplicates": duplicates,
                "reference": reference,
                "not_found": not_found,
            },
        )
    try:
        other = selectors.get_subject_for(request.user, int(other_pk), kind)
    except ValueError as exc:
        raise Http404 from exc
    if other.pk == subject.pk or other.panel_id != subject.panel_id or other.status == Status.MERGED:
        raise Http404
    form = MergeForm(request.POST or None, this=subject, other=other)
    if request.method == "GET":
        for record in (subject, other):
            if record.is_person:
                record_services.record_revealed(
                    actor=request.user, subject=record, purpose="Checking whether two records are the same person"
                )
            else:
                record_services.record_viewed(actor=request.user, subject=record, page="merge comparison")
    if request.method == "POST" and form.is_valid():
        keep, merged = (subject, other) if form.cleaned_data["keep"] == "this" else (other, subject)
        keep_version, merged_version = (
            (form.cleaned_data["this_version"], form.cleaned_data["other_version"])
            if keep is subject
            else (form.cleaned_data["other_version"], form.cleaned_data["this_version"])
        )
        try:
            merge_services.merge_records(
                actor=request.user,
                keep=keep,
                merged=merged,
                keep_version=keep_version,
                merged_version=merged_version,
                reason=form.cleaned_data["reason"],
            )
        except ConcurrentEditError:
            subject = selectors.get_subject_for(request.user, pk, kind)
            other = selectors.get_subject_for(request.user, other.pk, kind)
            data = request.POST.copy()
            data["this_version"], data["other_version"] = str(subject.version), str(other.version)
            form = MergeForm(data, this=subject, other=other)
            form.is_valid()
            form.add_error(
                None, "One of these records was changed while you were comparing them. Check them again before merging."
            )
            return render(
                request,
                "subjects/merge.html",
                {"subject": subject, "other": other, "panel": subject.panel, "form": form},
                status=409,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, f"{merged.reference} merged into {keep.reference}. Nothing was lost.")
            return HttpResponseRedirect(subject_url(keep))
    links = selectors.links_visible_to(request.user).filter(ended_on__isnull=True)
    counts = {
        "this": links.filter(Q(source=subject) | Q(target=subject)).count(),
        "other": links.filter(Q(source=other) | Q(target=other)).count(),
    }
    return render(
        request,
        "subjects/merge.html",
        {"subject": subject, "other": other, "panel": subject.panel, "form": form, "link_counts": counts},
    )
