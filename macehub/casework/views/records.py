"""A record's casework page, "Casework" in the menu, and a child's journey (and its PDF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.audit.services import record
from macehub.audit.types import Action
from macehub.core import timeline
from macehub.core.acting import acting_partnership_id
from macehub.core.pdf import pdf_response
from macehub.subjects.policies import registers
from macehub.subjects.types import Kind, Subject

from .. import selectors
from ..forms.journey import JourneyFilterForm
from ..models import PLAN_TYPES_FOR_KIND
from ..policies import policy
from ..services import common as casework_common
from ..services.disruption import DISRUPTION_TARGET_KINDS
from .common import PDF_MARKING, child_for, subject_for

# --- A record's casework ---------------------------------------------------------------------


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Casework" in the menu: the due-and-overdue list of the person's panel (or a choice)."""
    policy.require(request.user, "use_casework")
    panels = list(registers.visible(request.user).select_related("partnership"))
    if len(panels) == 1:
        return HttpResponseRedirect(reverse("casework:due", args=[panels[0].pk]))
    acting = acting_partnership_id(request)
    panels.sort(key=lambda p: (p.partnership_id != acting, p.partnership.short_name, p.name))
    return render(request, "casework/home.html", {"panels": panels})


@require_GET
def record_casework(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    subject = subject_for(request, pk)
    casework_common.viewed(actor=request.user, obj=subject, page="casework")
    user = request.user
    context: dict[str, Any] = {
        "subject": subject,
        "panel": subject.panel,
        "page": "casework",
        "can_record": policy.can(user, "record_casework", subject),
        "can_escalate": policy.can(user, "escalate", subject),
        "plan_types": PLAN_TYPES_FOR_KIND.get(subject.kind, []),
        "can_disrupt": subject.kind in DISRUPTION_TARGET_KINDS,
    }
    if subject.kind == Kind.CHILD:
        context["cw"] = selectors.child_casework(user, subject)
    else:
        context["plans"] = selectors.plans_for(user, subject)
        context["disruptions"] = selectors.disruptions_for(user, subject)
        context["escalations"] = list(
            selectors.escalations_visible_to(user).filter(subject=subject).order_by("-escalated_on", "-pk")
        )
        context["linked_children"] = list(selectors.children_linked_to(subject))
    return render(request, "casework/record.html", context)


# --- The child's journey ---------------------------------------------------------------------


def _journey(request: AuthenticatedHttpRequest, child: Subject) -> dict[str, Any]:
    kinds = timeline.kinds()
    form = JourneyFilterForm(request.GET or None, kinds=kinds)
    only, newest = form.chosen()
    events = timeline.events_for(request.user, child, only=only, newest_first=newest)
    labels = dict(kinds)
    return {
        "subject": child,
        "panel": child.panel,
        "page": "journey",
        "form": form,
        "events": events,
        "labels": labels,
        "filtered": [labels[k] for k in sorted(only)] if only else [],
        "newest_first": newest,
        "query": request.GET.urlencode(),
    }


@require_GET
def journey(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk)
    context = _journey(request, child)
    casework_common.viewed(actor=request.user, obj=child, page="journey")
    return render(request, "casework/journey.html", context)


@require_GET
def journey_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk)
    context = _journey(request, child)
    record(
        action=Action.EXPORT,
        actor=request.user,
        obj=child,
        detail={
            "format": "pdf",
            "report": "chronology",
            "events": len(context["events"]),
            "filter": context["filtered"],
        },
    )
    return pdf_response(
        "casework/pdf/chronology.html",
        {
            **context,
            "title": f"Chronology of {child.reference}",
            "marking": PDF_MARKING,
            "generated_at": timezone.now(),
            "generated_by": getattr(request.user, "full_name", "") or request.user.get_username(),
        },
        filename=f"chronology-{child.reference}.pdf",
    )
