"""Pages for a record's links (add, end) and the network view."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import rebind_after_conflict
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.organisations.selectors import active_agencies_of

from .. import selectors
from ..common import (
    apply_errors,
    subject_url,
)
from ..extensions import network_extras
from ..forms.links import LinkEndForm, LinkForm
from ..models import Kind, Status
from ..policies import agency_on_panel, policy, registers
from ..services import links as link_services
from ..services import records as record_services

# --- Links ----------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@once
def link_create(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    subject = selectors.get_subject_for(request.user, pk, kind)
    policy.require(request.user, "link_record", subject)
    panel = subject.panel
    candidates = (
        selectors.subjects_visible_to(request.user)
        .filter(panel=panel)
        .exclude(status=Status.MERGED)
        .only("id", "panel", "kind", "number", "name", "status", "date_of_birth", "age_band", "sex", "person_age_group")
        .order_by("kind", "number")
    )
    agencies = active_agencies_of(panel.partnership_id)
    initial = {"known_from": timezone.localdate(), "source_agency": agency_on_panel(request.user, panel.pk)}
    if request.GET.get("with", "").isdigit():
        initial["other"] = int(request.GET["with"])
    visible_kinds = (
        set(Kind.values) if registers.can(request.user, "view_persons", panel) else set(Kind.values) - {Kind.PERSON}
    )
    form = LinkForm(
        request.POST or None,
        subject=subject,
        candidates=candidates,
        agencies=agencies,
        visible_kinds=visible_kinds,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        other = selectors.get_any_subject_for(request.user, data["other"])
        link_type, reverse = form.link_type_and_direction()
        one, two = (other, subject) if reverse else (subject, other)
        try:
            link = link_services.link_create(
                actor=request.user,
                one=one,
                other=two,
                link_type=link_type,
                known_from=data["known_from"],
                confidence=data["confidence"],
                source_agency=data["source_agency"],
                notes=data["notes"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, f"Link saved: {link.source.reference} {link.get_link_type_display()} {link.target.reference}."
            )
            children = [s for s in (link.source, link.target) if s.kind == Kind.CHILD]
            for child in children:
                alerts = selectors.alerts_for_child(request.user, child)
                if alerts:
                    messages.warning(
                        request,
                        f"Shared-context alert: {child.reference} shares a context with "
                        + ", ".join(sorted({a.second.reference for a in alerts}))
                        + " but they are not linked to each other.",
                    )
            return HttpResponseRedirect(subject_url(subject))
    return render(request, "subjects/link_form.html", {"subject": subject, "panel": panel, "form": form})


@require_http_methods(["GET", "POST"])
def link_end(request: AuthenticatedHttpRequest, link_pk: int) -> HttpResponse:
    link = selectors.get_link_for(request.user, link_pk)
    policy.require(request.user, "link_record", link.source)
    policy.require(request.user, "link_record", link.target)
    back = request.GET.get("from") or request.POST.get("from")
    subject = link.target if back == str(link.target_id) else link.source
    form = LinkEndForm(request.POST or None, initial={"ended_on": timezone.localdate(), "version": link.version})
    if request.method == "POST" and form.is_valid():
        try:
            link_services.link_end(
                actor=request.user,
                link=link,
                expected_version=form.cleaned_data["version"],
                ended_on=form.cleaned_data["ended_on"],
                reason=form.cleaned_data["reason"],
            )
        except ConcurrentEditError:
            current = selectors.get_link_for(request.user, link_pk)
            form = rebind_after_conflict(LinkEndForm, request.POST, current_version=current.version)
            return render(
                request,
                "subjects/link_end.html",
                {"link": current, "subject": subject, "panel": link.panel, "form": form},
                status=409,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Link ended. It stays on the record as a past link.")
            return HttpResponseRedirect(subject_url(subject))
    return render(
        request, "subjects/link_end.html", {"link": link, "subject": subject, "panel": link.panel, "form": form}
    )


# --- Network --------------------------------------------------------------------------------


@require_GET
def subject_network(request: AuthenticatedHttpRequest, pk: int, kind: str) -> HttpResponse:
    """A record's neighbourhood two links out, drawn with cytoscape.js and listed in a table."""
    subject = selectors.get_subject_for(request.user, pk, kind)
    record_services.record_viewed(actor=request.user, subject=subject, page="network")
    hood = selectors.neighbourhood(request.user, subject)
    nodes = [
        {
            "data": {
                "id": str(s.pk),
                "label": s.reference if s.is_person else f"{s.reference}\n{s.name[:30]}",
                "kind": s.kind,
                "step": hood.steps[s.pk],
                "url": subject_url(s),
            }
        }
        for s in hood.subjects.values()
    ]
    edges = [
        {
            "data": {
                "id": f"e{link.pk}",
                "source": str(link.source_id),
                "target": str(link.target_id),
                "label": link.get_link_type_display(),
                "confidence": link.confidence,
            }
        }
        for link in hood.links
    ]
    by_id = hood.subjects
    rows: list[dict[str, Any]] = []
    for link in hood.links:
        source, target = by_id.get(link.source_id), by_id.get(link.target_id)
        if source is None or target is None:
            continue
        step = max(hood.steps.get(link.source_id, 2), hood.steps.get(link.target_id, 2))
        rows.append({"link": link, "source": source, "target": target, "step": step})
    rows.sort(key=lambda r: (r["step"], r["source"].kind, r["source"].number, r["target"].number))
    # Records other partnerships hold, linked across borders once both agreed: "held by X", no details.
    elsewhere = [extra for extra in network_extras(request.user, list(by_id)) if extra.linked_to in by_id]
    for extra in elsewhere:
        nodes.append({"data": {"id": extra.key, "label": extra.label, "kind": "elsewhere", "step": 1, "url": ""}})
        edges.append(
            {
                "data": {
                    "id": f"e{extra.key}",
                    "source": str(extra.linked_to),
                    "target": extra.key,
                    "label": extra.link_label,
                }
            }
        )
    return render(
        request,
        "subjects/network.html",
        {
            "subject": subject,
            "panel": subject.panel,
            "graph": {"nodes": nodes, "edges": edges, "centre": str(subject.pk)},
            "rows": rows,
            "elsewhere": [{"extra": extra, "record": by_id[extra.linked_to]} for extra in elsewhere],
            "hood": hood,
            "step_one": hood.at_step(1),
            "step_two": hood.at_step(2),
            "sees_persons": registers.can(request.user, "view_persons", subject.panel),
        },
    )
