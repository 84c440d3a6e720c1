"""Casework URLs, all under /casework/ (so the menu shows where you are).

* /casework/panels/<panel>/… — a panel's due-and-overdue list, plans, disruption, escalations, settings;
* /casework/records/<record>/… — any register record's casework (plans, disruption, escalations);
* /casework/children/<child>/… — a child's journey and chronology, risk history, and new
  assessments, missing episodes and NRM referrals;
* /casework/<kind>/<pk>/… — one casework record.

Every URL is listed for every persona in tests/permission_matrix/casework.py.
"""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import disruption, escalations, missing, nrm, panel, plans, records, risk

app_name = "casework"

urlpatterns: list[URLPattern] = [
    path("casework/", records.home, name="home"),
    path("casework/panels/<int:panel_pk>/", panel.due, name="due"),
    path("casework/panels/<int:panel_pk>/plans/", panel.panel_plans, name="panel_plans"),
    path("casework/panels/<int:panel_pk>/disruption/", panel.panel_disruption, name="panel_disruption"),
    path("casework/panels/<int:panel_pk>/escalations/", panel.panel_escalations, name="panel_escalations"),
    path("casework/panels/<int:panel_pk>/settings/", panel.panel_settings, name="settings"),
    path("casework/records/<int:pk>/", records.record_casework, name="record"),
    path("casework/records/<int:pk>/plans/new/", plans.plan_create, name="plan_create"),
    path("casework/records/<int:pk>/disruption/new/", disruption.disruption_create, name="disruption_create"),
    path("casework/records/<int:pk>/escalations/new/", escalations.escalation_create, name="escalation_create"),
    path("casework/children/<int:pk>/journey/", records.journey, name="journey"),
    path("casework/children/<int:pk>/journey/pdf/", records.journey_pdf, name="journey_pdf"),
    path("casework/children/<int:pk>/risk/", risk.risk_history, name="risk_history"),
    path("casework/children/<int:pk>/risk/new/", risk.assessment_create, name="assessment_create"),
    path("casework/children/<int:pk>/missing/new/", missing.missing_create, name="missing_create"),
    path("casework/children/<int:pk>/nrm/new/", nrm.nrm_create, name="nrm_create"),
    path("casework/missing/<int:pk>/", missing.missing_detail, name="missing_detail"),
    path("casework/missing/<int:pk>/edit/", missing.missing_edit, name="missing_edit"),
    path("casework/missing/<int:pk>/interview/", missing.interview, name="interview"),
    path("casework/nrm/<int:pk>/", nrm.nrm_detail, name="nrm_detail"),
    path("casework/nrm/<int:pk>/edit/", nrm.nrm_edit, name="nrm_edit"),
    path("casework/plans/<int:pk>/", plans.plan_detail, name="plan_detail"),
    path("casework/plans/<int:pk>/review/", plans.plan_review, name="plan_review"),
    path("casework/plans/<int:pk>/children/", plans.plan_children, name="plan_children"),
    path("casework/disruption/<int:pk>/", disruption.disruption_detail, name="disruption_detail"),
    path("casework/disruption/<int:pk>/edit/", disruption.disruption_edit, name="disruption_edit"),
    path("casework/escalations/<int:pk>/", escalations.escalation_detail, name="escalation_detail"),
    path("casework/escalations/<int:pk>/edit/", escalations.escalation_edit, name="escalation_edit"),
]
