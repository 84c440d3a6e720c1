"""Oversight URLs, all under /oversight/ (every one is in tests/permission_matrix/oversight.py)."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import api_docs, dashboards, london, releases, tokens

app_name = "oversight"

urlpatterns: list[URLPattern] = [
    path("", dashboards.index, name="index"),
    path("measures/", dashboards.measures_page, name="measures"),
    path("partnerships/<int:partnership_pk>/", dashboards.dashboard, name="dashboard"),
    path("partnerships/<int:partnership_pk>/sections/<slug:section>/", dashboards.section, name="section"),
    path("partnerships/<int:partnership_pk>/tables/<slug:key>/records/", dashboards.drill, name="drill"),
    path(
        "partnerships/<int:partnership_pk>/tables/<slug:key>/export.<str:fmt>",
        dashboards.table_export,
        name="table_export",
    ),
    path("partnerships/<int:partnership_pk>/report.pdf", dashboards.report_pdf, name="report_pdf"),
    path("partnerships/<int:partnership_pk>/releases/", releases.releases, name="releases"),
    path("partnerships/<int:partnership_pk>/releases/prepare/", releases.release_prepare, name="release_prepare"),
    path("releases/<int:pk>/", releases.release_detail, name="release_detail"),
    path("releases/<int:pk>/sign-off/", releases.release_sign_off, name="release_sign_off"),
    path("releases/<int:pk>/export.<str:fmt>", releases.release_export, name="release_export"),
    path("releases/<int:pk>/withdraw/", releases.release_withdraw, name="release_withdraw"),
    path("london/", london.london, name="london"),
    path("london/publish/", london.london_publish, name="london_publish"),
    path("london/published/<int:pk>/", london.london_published, name="london_published"),
    path("london/published/<int:pk>/withdraw/", london.london_withdraw, name="london_withdraw"),
    path("london/published/<int:pk>/export.<str:fmt>", london.london_published_export, name="london_published_export"),
    path("tokens/", tokens.tokens, name="tokens"),
    path("api/", api_docs.api_docs, name="api_docs"),
    path("tokens/<int:pk>/revoke/", tokens.token_revoke, name="token_revoke"),
]
