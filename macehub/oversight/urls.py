"""Oversight URLs, all under /oversight/ (every one is in tests/permission_matrix/oversight.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import api_docs, views

app_name = "oversight"

urlpatterns: list[URLPattern] = [
    path("", views.index, name="index"),
    path("measures/", views.measures_page, name="measures"),
    path("partnerships/<int:partnership_pk>/", views.dashboard, name="dashboard"),
    path("partnerships/<int:partnership_pk>/sections/<slug:section>/", views.section, name="section"),
    path("partnerships/<int:partnership_pk>/tables/<slug:key>/records/", views.drill, name="drill"),
    path(
        "partnerships/<int:partnership_pk>/tables/<slug:key>/export.<str:fmt>", views.table_export, name="table_export"
    ),
    path("partnerships/<int:partnership_pk>/report.pdf", views.report_pdf, name="report_pdf"),
    path("partnerships/<int:partnership_pk>/releases/", views.releases, name="releases"),
    path("partnerships/<int:partnership_pk>/releases/prepare/", views.release_prepare, name="release_prepare"),
    path("releases/<int:pk>/", views.release_detail, name="release_detail"),
    path("releases/<int:pk>/sign-off/", views.release_sign_off, name="release_sign_off"),
    path("releases/<int:pk>/export.<str:fmt>", views.release_export, name="release_export"),
    path("releases/<int:pk>/withdraw/", views.release_withdraw, name="release_withdraw"),
    path("london/", views.london, name="london"),
    path("london/publish/", views.london_publish, name="london_publish"),
    path("london/published/<int:pk>/", views.london_published, name="london_published"),
    path("london/published/<int:pk>/withdraw/", views.london_withdraw, name="london_withdraw"),
    path("london/published/<int:pk>/export.<str:fmt>", views.london_published_export, name="london_published_export"),
    path("tokens/", views.tokens, name="tokens"),
    path("api/", api_docs.api_docs, name="api_docs"),
    path("tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
