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

from . import views

app_name = "casework"

urlpatterns: list[URLPattern] = [
    path("casework/", views.home, name="home"),
    path("casework/panels/<int:panel_pk>/", views.due, name="due"),
    path("casework/panels/<int:panel_pk>/plans/", views.panel_plans, name="panel_plans"),
    path("casework/panels/<int:panel_pk>/disruption/", views.panel_disruption, name="panel_disruption"),
    path("casework/panels/<int:panel_pk>/escalations/", views.panel_escalations, name="panel_escalations"),
    path("casework/panels/<int:panel_pk>/settings/", views.panel_settings, name="settings"),
    path("casework/records/<int:pk>/", views.record_casework, name="record"),
    path("casework/records/<int:pk>/plans/new/", views.plan_create, name="plan_create"),
    path("casework/records/<int:pk>/disruption/new/", views.disruption_create, name="disruption_create"),
    path("casework/records/<int:pk>/escalations/new/", views.escalation_create, name="escalation_create"),
    path("casework/children/<int:pk>/journey/", views.journey, name="journey"),
    path("casework/children/<int:pk>/journey/pdf/", views.journey_pdf, name="journey_pdf"),
    path("casework/children/<int:pk>/risk/", views.risk_history, name="risk_history"),
    path("casework/children/<int:pk>/risk/new/", views.assessment_create, name="assessment_create"),
    path("casework/children/<int:pk>/missing/new/", views.missing_create, name="missing_create"),
    path("casework/children/<int:pk>/nrm/new/", views.nrm_create, name="nrm_create"),
    path("casework/missing/<int:pk>/", views.missing_detail, name="missing_detail"),
    path("casework/missing/<int:pk>/edit/", views.missing_edit, name="missing_edit"),
    path("casework/missing/<int:pk>/interview/", views.interview, name="interview"),
    path("casework/nrm/<int:pk>/", views.nrm_detail, name="nrm_detail"),
    path("casework/nrm/<int:pk>/edit/", views.nrm_edit, name="nrm_edit"),
    path("casework/plans/<int:pk>/", views.plan_detail, name="plan_detail"),
    path("casework/plans/<int:pk>/review/", views.plan_review, name="plan_review"),
    path("casework/plans/<int:pk>/children/", views.plan_children, name="plan_children"),
    path("casework/disruption/<int:pk>/", views.disruption_detail, name="disruption_detail"),
    path("casework/disruption/<int:pk>/edit/", views.disruption_edit, name="disruption_edit"),
    path("casework/escalations/<int:pk>/", views.escalation_detail, name="escalation_detail"),
    path("casework/escalations/<int:pk>/edit/", views.escalation_edit, name="escalation_edit"),
]
