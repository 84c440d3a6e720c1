"""VOLT register URLs, all under /register/ (so the menu shows where you are). A panel's
register is /register/<panel>/…; each kind of record has its own path
(/register/children/12/, /register/persons-of-concern/3/), so the permission matrix checks
each one for every persona."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import import_views, record_views, retention_views, views
from .common import KIND_PATHS
from .models import Kind

app_name = "subjects"

urlpatterns: list[URLPattern] = [
    path("register/", views.register_home, name="register_home"),
    path("register/<int:panel_pk>/", views.register, name="register"),
    path("register/<int:panel_pk>/search/", views.register_search, name="search"),
    path("register/<int:panel_pk>/alerts/", views.alerts, name="alerts"),
    path("register/<int:panel_pk>/alerts/review/", views.alert_review, name="alert_review"),
    path("register/<int:panel_pk>/cases/", views.case_list, name="case_list"),
    path("register/<int:panel_pk>/summary/", views.register_summary, name="summary"),
    path("register/<int:panel_pk>/export/", views.register_export, name="export"),
    path("register/links/<int:link_pk>/end/", record_views.link_end, name="link_end"),
]

for kind, segment in KIND_PATHS.items():
    extra = {"kind": kind.value}
    urlpatterns += [
        path(f"register/<int:panel_pk>/{segment}/", views.register_list, extra, name=f"{kind}_list"),
        path(f"register/<int:panel_pk>/{segment}/new/", record_views.subject_create, extra, name=f"{kind}_create"),
        path(f"register/{segment}/<int:pk>/", record_views.subject_detail, extra, name=f"{kind}_detail"),
        path(f"register/{segment}/<int:pk>/edit/", record_views.subject_edit, extra, name=f"{kind}_edit"),
        path(f"register/{segment}/<int:pk>/network/", record_views.subject_network, extra, name=f"{kind}_network"),
        path(f"register/{segment}/<int:pk>/links/new/", record_views.link_create, extra, name=f"{kind}_link"),
        path(f"register/{segment}/<int:pk>/status/", record_views.subject_status, extra, name=f"{kind}_status"),
        path(f"register/{segment}/<int:pk>/hold/", retention_views.subject_hold, extra, name=f"{kind}_hold"),
        path(
            f"register/{segment}/<int:pk>/access-export/",
            retention_views.subject_access_export,
            extra,
            name=f"{kind}_access_export",
        ),
    ]
    if kind in (Kind.CHILD, Kind.PERSON):
        urlpatterns.append(
            path(f"register/{segment}/<int:pk>/reveal/", record_views.subject_reveal, extra, name=f"{kind}_reveal")
        )
    if kind != Kind.THEME:
        urlpatterns.append(
            path(f"register/{segment}/<int:pk>/merge/", record_views.subject_merge, extra, name=f"{kind}_merge")
        )
    if kind == Kind.CHILD:
        urlpatterns.append(
            path(f"register/{segment}/<int:pk>/risk/", record_views.subject_risk, extra, name=f"{kind}_risk")
        )
    if kind in (Kind.LOCATION, Kind.GROUP):
        urlpatterns.append(
            path(f"register/{segment}/<int:pk>/case/", record_views.subject_case, extra, name=f"{kind}_case")
        )

urlpatterns += [
    path("register/<int:panel_pk>/import/", import_views.import_start, name="import_start"),
    path("register/<int:panel_pk>/import/<str:kind>/template/", import_views.import_template, name="import_template"),
    path("register/imports/<int:pk>/", import_views.import_preview, name="import_preview"),
    path("register/imports/<int:pk>/confirm/", import_views.import_confirm, name="import_confirm"),
    path("register/imports/<int:pk>/undo/", import_views.import_undo, name="import_undo"),
]
