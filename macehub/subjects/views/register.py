"""Register-level pages: the register, its lists, search, shared-context alerts, context
cases, the pseudonymous export and the aggregate summary."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.acting import acting_partnership_id
from macehub.core.exports import xlsx_response
from macehub.core.submissions import once
from macehub.organisations.selectors import get_panel_for

from .. import selectors
from ..common import apply_errors, register_panel
from ..forms.links import AlertReviewForm
from ..forms.register import RegisterFilterForm, SearchForm
from ..models import CONTEXT_KINDS, PLURAL, Kind, Status
from ..policies import policy, registers
from ..services import links as link_services
from ..services import records as record_services


@require_GET
def register_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Register" in the menu: straight to the person's panel, or a choice of panels."""
    policy.require(request.user, "use_registers")
    panels = list(registers.visible(request.user).select_related("partnership"))
    if len(panels) == 1:
        return HttpResponseRedirect(reverse("subjects:register", args=[panels[0].pk]))
    acting = acting_partnership_id(request)
    panels.sort(key=lambda p: (p.partnership_id != acting, p.partnership.short_name, p.name))
    return render(request, "subjects/register_home.html", {"panels": panels})


@require_GET
def register(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = register_panel(request, panel_pk)
    counts = selectors.register_counts(request.user, panel)
    sees_persons = registers.can(request.user, "view_persons", panel)
    kinds = [
        {
            "kind": k,
            "label": PLURAL[k],
            "counts": counts[k],
            "list_url": reverse(f"subjects:{k}_list", args=[panel.pk]),
            "create_url": reverse(f"subjects:{k}_create", args=[panel.pk]),
        }
        for k in Kind
        if k != Kind.PERSON or sees_persons
    ]
    listed = (
        selectors.subjects_visible_to(request.user)
        .filter(panel=panel, for_next_meeting=True)
        .exclude(status=Status.MERGED)
        .order_by("kind", "number")[:100]
    )
    return render(
        request,
        "subjects/register.html",
        {
            "panel": panel,
            "kinds": kinds,
            "alert_count": selectors.alert_count(request.user, panel),
            "case_count": selectors.context_cases(request.user, panel).count(),
            "listed": listed,
            "search_form": SearchForm(),
            "can_export": policy.can(request.user, "export_register", panel),
        },
    )


@require_GET
def register_list(request: AuthenticatedHttpRequest, panel_pk: int, kind: str) -> HttpResponse:
    panel = register_panel(request, panel_pk, kind=kind)
    form = RegisterFilterForm(request.GET or None)
    qs = selectors.register_list(request.user, panel, kind)
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["harm_type"]:
            qs = qs.filter(harm_types=form.cleaned_data["harm_type"])
        if form.cleaned_data["next_meeting"]:
            qs = qs.filter(for_next_meeting=True)
    if status in (Status.OPEN, Status.STEPPED_DOWN, Status.CLOSED):
        qs = qs.filter(status=status)
    elif status != "all":
        qs = qs.filter(status__in=[Status.OPEN, Status.STEPPED_DOWN])
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "subjects/register_list.html",
        {
            "panel": panel,
            "kind": kind,
            "kind_label": PLURAL[Kind(kind)],
            "create_url": reverse(f"subjects:{kind}_create", args=[panel.pk]),
            "add_label": f"Add a {Kind(kind).label.lower()}",
            "form": form,
            "page": page,
        },
    )


@require_GET
def register_search(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = register_panel(request, panel_pk)
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = selectors.search(request.user, panel, form.cleaned_data["q"])
        record_services.record_search(actor=request.user, panel=panel, results=len(results))
    return render(request, "subjects/search.html", {"panel": panel, "form": form, "results": results})


@require_GET
def alerts(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = register_panel(request, panel_pk)
    return render(
        request,
        "subjects/alerts.html",
        {
            "panel": panel,
            "alerts": selectors.alerts_for_panel(request.user, panel),
            "can_review": policy.can(request.user, "review_alerts", panel),
        },
    )


@require_POST
@once
def alert_review(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = register_panel(request, panel_pk)
    policy.require(request.user, "review_alerts", panel)
    form = AlertReviewForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        first = selectors.get_any_subject_for(request.user, data["first"])
        second = selectors.get_any_subject_for(request.user, data["second"])
        context = selectors.get_any_subject_for(request.user, data["context"])
        same_panel = first.panel_id == second.panel_id == context.panel_id == panel.pk
        if not same_panel or first.kind != Kind.CHILD or second.kind != Kind.CHILD or context.kind not in CONTEXT_KINDS:
            form.add_error(None, "Choose an alert from this panel")
        else:
            try:
                link_services.alert_review(
                    actor=request.user, first=first, second=second, context=context, note=data["note"]
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, f"Alert for {first.reference} and {second.reference} marked as reviewed.")
                return HttpResponseRedirect(reverse("subjects:alerts", args=[panel.pk]))
    return render(
        request,
        "subjects/alerts.html",
        {
            "panel": panel,
            "alerts": selectors.alerts_for_panel(request.user, panel),
            "can_review": True,
            "review_form": form,
        },
        status=400,
    )


@require_GET
def case_list(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = register_panel(request, panel_pk)
    return render(
        request, "subjects/case_list.html", {"panel": panel, "cases": selectors.context_cases(request.user, panel)}
    )


@require_GET
def register_summary(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    """Counts only — what partnership analysts and strategic leads may see of a register."""
    panel = get_panel_for(request.user, panel_pk)
    policy.require(request.user, "view_summary", panel)
    on_panel = registers.can(request.user, "view", panel)
    include_persons = not on_panel or registers.can(request.user, "view_persons", panel)
    return render(
        request,
        "subjects/summary.html",
        {
            "panel": panel,
            "summary": selectors.register_summary(panel, include_persons=include_persons),
            "on_panel": on_panel,
        },
    )


@require_http_methods(["GET"])
def register_export(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    """The register as a spreadsheet: references, never names or dates of birth."""
    panel = register_panel(request, panel_pk)
    policy.require(request.user, "export_register", panel)
    visible = selectors.subjects_visible_to(request.user).filter(panel=panel).exclude(status=Status.MERGED)
    visible = visible.prefetch_related("harm_types").order_by("kind", "number")
    rows: dict[str, list[list[object]]] = {k: [] for k in Kind.values}
    for s in visible:
        harm = ", ".join(h.label for h in s.harm_types.all())
        common = [s.reference, s.get_status_display(), harm]
        if s.kind == Kind.CHILD:
            rows[s.kind].append(
                [
                    *common,
                    s.get_current_age_band_display(),
                    s.get_sex_display(),
                    s.get_gender_display(),
                    s.get_ethnicity_display(),
                    s.get_send_display(),
                    s.get_looked_after_display(),
                    s.get_education_status_display(),
                    s.risk_level,
                    "yes" if s.for_next_meeting else "",
                ]
            )
        elif s.kind == Kind.PERSON:
            rows[s.kind].append([*common, s.get_person_age_group_display(), s.get_sex_display()])
        elif s.kind == Kind.LOCATION:
            rows[s.kind].append([*common, s.name, s.get_location_type_display(), s.ward, "yes" if s.is_case else ""])
        elif s.kind == Kind.GROUP:
            rows[s.kind].append([*common, s.name, s.get_group_type_display(), "yes" if s.is_case else ""])
        else:
            rows[s.kind].append([*common, s.name, s.period_start, s.period_end])
    links = (
        selectors.links_visible_to(request.user)
        .filter(panel=panel)
        .select_related("source", "target", "source_agency")
        .order_by("pk")
    )
    link_rows: list[list[object]] = [
        [
            link.source.reference,
            link.get_link_type_display(),
            link.target.reference,
            link.known_from,
            link.ended_on,
            link.get_confidence_display(),
            link.source_agency.name if link.source_agency else "",
        ]
        for link in links
    ]
    common_header = ["Reference", "Status", "Harm types"]
    sheets = [
        (
            "Children",
            [
                *common_header,
                "Age band",
                "Sex",
                "Gender",
                "Ethnicity",
                "SEND",
                "Looked after",
                "Education",
                "Risk level",
                "Next meeting",
            ],
            rows[Kind.CHILD],
        ),
    ]
    if registers.can(request.user, "view_persons", panel):
        sheets.append(("Persons of concern", [*common_header, "Adult or child", "Sex"], rows[Kind.PERSON]))
    sheets += [
        ("Locations", [*common_header, "Name", "Type", "Ward", "Open as a case"], rows[Kind.LOCATION]),
        ("Groups", [*common_header, "Name", "Type", "Open as a case"], rows[Kind.GROUP]),
        ("Themes", [*common_header, "Theme", "Since", "Until"], rows[Kind.THEME]),
        ("Links", ["From", "Link", "To", "Known from", "Ended", "Confidence", "Source agency"], link_rows),
    ]
    record_services.register_exported(
        actor=request.user,
        panel=panel,
        sheets=[title for title, _, _ in sheets],
        rows=sum(len(r) for _, _, r in sheets),
    )
    return xlsx_response(f"register-{panel.pk}.xlsx", sheets)  # type: ignore[arg-type]
