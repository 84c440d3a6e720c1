"""URL configuration. Each app owns its URLs; every one is in the permission matrix test."""

from django.urls import include, path

from macehub.core import views as core_views
from macehub.operations import views as operations_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("", include("macehub.core.urls")),
    path("health/", operations_views.health, name="health"),
    path("operations/", include("macehub.operations.urls")),
    path("", include("macehub.accounts.urls")),
    path("account/", include("macehub.accounts.allauth_urls")),
    path("", include("macehub.organisations.urls")),
    path("audit/", include("macehub.audit.urls")),
    path("", include("macehub.subjects.urls")),
    path("", include("macehub.referrals.urls")),
    path("", include("macehub.meetings.urls")),
    path("", include("macehub.casework.urls")),
    path("known-elsewhere/", include("macehub.known_elsewhere.urls")),
    path("crossborder/", include("macehub.crossborder.urls")),
    path("oversight/", include("macehub.oversight.urls")),
    path("api/", include("macehub.oversight.api_urls")),
    path("review/", include("macehub.review.urls")),
    path("library/", include("macehub.library.urls")),
]

handler400 = "macehub.core.views.bad_request"
handler403 = "macehub.core.views.permission_denied"
handler404 = "macehub.core.views.page_not_found"
handler500 = "macehub.core.views.server_error"
