"""A child's risk history and recording a risk assessment."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.subjects.common import apply_errors
from macehub.subjects.policies import agency_on_panel
from macehub.subjects.selectors import risk_history as risk_changes_of

from .. import selectors
from ..forms.risk import AssessmentForm
from ..policies import policy
from ..services import common as casework_common
from ..services import risk as risk_services
from .common import child_for, form_page

# --- Risk ------------------------------------------------------------------------------------


@require_GET
def risk_history(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk)
    casework_common.viewed(actor=request.user, obj=child, page="risk history")
    assessments = list(selectors.assessments_visible_to(request.user).filter(child=child))
    changes = list(risk_changes_of(child))
    levels = list(child.panel.risk_levels)
    rows: list[dict[str, Any]] = [
        {"when": a.assessed_on, "kind": "assessment", "obj": a, "level": a.level} for a in assessments
    ] + [{"when": c.decided_on, "kind": "change", "obj": c, "level": c.level} for c in changes]
    rows.sort(key=lambda r: (r["when"], r["kind"] == "change", r["obj"].pk), reverse=True)
    for row in rows:
        level = row["level"]
        row["step"] = levels.index(level) + 1 if level in levels else 0
    return render(
        request,
        "casework/risk_history.html",
        {
            "subject": child,
            "panel": child.panel,
            "page": "risk",
            "rows": rows,
            "levels": levels,
            "scale": len(levels),
            "latest": assessments[0] if assessments else None,
            "can_record": policy.can(request.user, "record_child_casework", child),
        },
    )


@require_http_methods(["GET", "POST"])
@once
def assessment_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    child = child_for(request, pk)
    policy.require(request.user, "record_child_casework", child)
    can_set = policy.can(request.user, "set_risk_level", child)
    settings = selectors.settings_for(child.panel)
    initial = {
        "assessed_on": timezone.localdate(),
        "assessor_agency": agency_on_panel(request.user, child.panel_id),
        "assessor_name": getattr(request.user, "full_name", ""),
        "set_current_level": can_set,
        "child_version": child.version,
    }
    kwargs: dict[str, Any] = {"panel": child.panel, "settings": settings, "can_set_level": can_set, "initial": initial}
    form = AssessmentForm(request.POST or None, **kwargs)
    status = 200
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in risk_services.ASSESSMENT_FIELDS}
        try:
            assessment = risk_services.assessment_create(
                actor=request.user,
                child=child,
                values=values,
                set_current_level=bool(form.cleaned_data.get("set_current_level")),
                expected_child_version=form.cleaned_data.get("child_version") or child.version,
            )
        except ConcurrentEditError:
            # The level shown on the page may no longer be the child's: keep what was typed,
            # show the level now on record, and let a second save be a deliberate choice.
            child.refresh_from_db()
            fresh = request.POST.copy()
            fresh["child_version"] = str(child.version)
            form = AssessmentForm(fresh, **kwargs)
            form.is_valid()
            form.add_error(
                None,
                f"Someone changed {child.reference}'s record while you were writing this: its risk level is now "
                f"{child.risk_level or 'not decided'}. Your assessment is below but has not been saved. Check the "
                "level, then save again.",
            )
            status = 409
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            set_text = (
                f" {child.reference}'s risk level is now {assessment.level}." if assessment.set_current_level else ""
            )
            messages.success(request, f"Risk assessment recorded.{set_text}")
            return HttpResponseRedirect(reverse("casework:risk_history", args=[child.pk]))
    return form_page(
        request,
        {
            "subject": child,
            "form": form,
            "title": f"Risk assessment for {child.reference}",
            "heading": "Record a risk assessment",
            "intro": f"On {child.panel.name}'s scale: {' → '.join(child.panel.risk_levels)}. "
            f"The current level is {child.risk_level or 'not decided'}.",
            "button": "Save the assessment",
            "back_url": reverse("casework:risk_history", args=[child.pk]),
            "back_text": f"Back to the risk history of {child.reference}",
        },
        status=status,
    )
