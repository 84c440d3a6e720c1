"""VOLT register URLs. Each kind of record has its own path ("children/12/",
"persons-of-concern/3/"), so the permission matrix checks each one for every persona."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import record_views, views
from .common import KIND_PATHS
from .models import Kind

app_name = "subjects"

urlpatterns: list[URLPattern] = [
    path("register/", views.register_home, name="register_home"),
    path("panels/<int:panel_pk>/register/", views.register, name="register"),
    path("panels/<int:panel_pk>/register/search/", views.register_search, name="search"),
    path("panels/<int:panel_pk>/register/alerts/", views.alerts, name="alerts"),
    path("panels/<int:panel_pk>/register/alerts/review/", views.alert_review, name="alert_review"),
    path("panels/<int:panel_pk>/register/cases/", views.case_list, name="case_list"),
    path("panels/<int:panel_pk>/register/summary/", views.register_summary, name="summary"),
    path("panels/<int:panel_pk>/register/export/", views.register_export, name="export"),
    path("links/<int:link_pk>/end/", record_views.link_end, name="link_end"),
]

for kind, segment in KIND_PATHS.items():
    extra = {"kind": kind.value}
    urlpatterns += [
        path(f"panels/<int:panel_pk>/register/{segment}/", views.register_list, extra, name=f"{kind}_list"),
        path(
            f"panels/<int:panel_pk>/register/{segment}/new/", record_views.subject_create, extra, name=f"{kind}_create"
        ),
        path(f"{segment}/<int:pk>/", record_views.subject_detail, extra, name=f"{kind}_detail"),
        path(f"{segment}/<int:pk>/edit/", record_views.subject_edit, extra, name=f"{kind}_edit"),
        path(f"{segment}/<int:pk>/network/", record_views.subject_network, extra, name=f"{kind}_network"),
        path(f"{segment}/<int:pk>/links/new/", record_views.link_create, extra, name=f"{kind}_link"),
        path(f"{segment}/<int:pk>/status/", record_views.subject_status, extra, name=f"{kind}_status"),
    ]
    if kind in (Kind.CHILD, Kind.PERSON):
        urlpatterns.append(
            path(f"{segment}/<int:pk>/reveal/", record_views.subject_reveal, extra, name=f"{kind}_reveal")
        )
    if kind != Kind.THEME:
        urlpatterns.append(path(f"{segment}/<int:pk>/merge/", record_views.subject_merge, extra, name=f"{kind}_merge"))
    if kind == Kind.CHILD:
        urlpatterns.append(path(f"{segment}/<int:pk>/risk/", record_views.subject_risk, extra, name=f"{kind}_risk"))
    if kind in (Kind.LOCATION, Kind.GROUP):
        urlpatterns.append(path(f"{segment}/<int:pk>/case/", record_views.subject_case, extra, name=f"{kind}_case"))
