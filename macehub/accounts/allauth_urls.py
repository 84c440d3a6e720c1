"""allauth's pages, listed rather than taken whole: single sign-on needs only the OpenID Connect
provider's two addresses and its error pages (no connections page, no legacy redirects), and
the sign-in page is MACE Hub's own (it sends configured domains to their provider)."""

# allauth's forms module imports our registration form while it loads, so ours loads first.
from . import forms  # noqa: F401

# isort: split
from allauth.socialaccount import views as socialaccount_views
from django.urls import URLPattern, URLResolver, include, path

from . import sso_login

urlpatterns: list[URLPattern | URLResolver] = [
    path("login/", sso_login.LoginView.as_view(), name="account_login"),
    path("", include("allauth.account.urls")),
    path("2fa/", include("allauth.mfa.urls")),
    path("3rdparty/login/cancelled/", socialaccount_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("3rdparty/login/error/", socialaccount_views.login_error, name="socialaccount_login_error"),
    path("", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("sessions/", include("allauth.usersessions.urls")),
]
