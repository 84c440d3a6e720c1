"""VOLT register URLs, all under /register/ (so the menu shows where you are). A panel's
register is /register/<panel>/…; each kind of record has its own path
(/register/children/12/, /register/persons-of-concern/3/), so the permission matrix checks
each one for every persona."""

from __future__ import annotations

from django.urls import URLPattern, path

from .common import KIND_PATHS
from .models import Kind
from .views import imports, links, records, register, retention

app_name = "subjects"

urlpatterns: list[URLPattern] = [
    path("register/", register.register_home, name="register_home"),
    path("register/<int:panel_pk>/", register.register, name="register"),
    path("register/<int:panel_pk>/search/", register.register_search, name="search"),
    path("register/<int:panel_pk>/alerts/", register.alerts, name="alerts"),
    path("register/<int:panel_pk>/alerts/review/", register.alert_review, name="alert_review"),
    path("register/<int:panel_pk>/cases/", register.case_list, name="case_list"),
    path("register/<int:panel_pk>/summary/", register.register_summary, name="summary"),
    path("register/<int:panel_pk>/export/", register.register_export, name="export"),
    path("register/links/<int:link_pk>/end/", links.link_end, name="link_end"),
]

for kind, segment in KIND_PATHS.items():
    extra = {"kind": kind.value}
    urlpatterns += [
        path(f"register/<int:panel_pk>/{segment}/", register.register_list, extra, name=f"{kind}_list"),
        path(f"register/<int:panel_pk>/{segment}/new/", records.subject_create, extra, name=f"{kind}_create"),
        path(f"register/{segment}/<int:pk>/", records.subject_detail, extra, name=f"{kind}_detail"),
        path(f"register/{segment}/<int:pk>/edit/", records.subject_edit, extra, name=f"{kind}_edit"),
        path(f"register/{segment}/<int:pk>/network/", links.subject_network, extra, name=f"{kind}_network"),
        path(f"register/{segment}/<int:pk>/links/new/", links.link_create, extra, name=f"{kind}_link"),
        path(f"register/{segment}/<int:pk>/status/", records.subject_status, extra, name=f"{kind}_status"),
        path(f"register/{segment}/<int:pk>/hold/", retention.subject_hold, extra, name=f"{kind}_hold"),
        path(
            f"register/{segment}/<int:pk>/access-export/",
            retention.subject_access_export,
            extra,
            name=f"{kind}_access_export",
        ),
    ]
    if kind in (Kind.CHILD, Kind.PERSON):
        urlpatterns.append(
            path(f"register/{segment}/<int:pk>/reveal/", records.subject_reveal, extra, name=f"{kind}_reveal")
        )
    if kind != Kind.THEME:
        urlpatterns.append(
            path(f"register/{segment}/<int:pk>/merge/", records.subject_merge, extra, name=f"{kind}_merge")
        )
    if kind == Kind.CHILD:
        urlpatterns.append(path(f"register/{segment}/<int:pk>/risk/", records.subject_risk, extra, name=f"{kind}_risk"))
    if kind in (Kind.LOCATION, Kind.GROUP):
        urlpatterns.append(path(f"register/{segment}/<int:pk>/case/", records.subject_case, extra, name=f"{kind}_case"))

urlpatterns += [
    path("register/<int:panel_pk>/import/", imports.import_start, name="import_start"),
    path("register/<int:panel_pk>/import/<str:kind>/template/", imports.import_template, name="import_template"),
    path("register/imports/<int:pk>/", imports.import_preview, name="import_preview"),
    path("register/imports/<int:pk>/confirm/", imports.import_confirm, name="import_confirm"),
    path("register/imports/<int:pk>/undo/", imports.import_undo, name="import_undo"),
]
