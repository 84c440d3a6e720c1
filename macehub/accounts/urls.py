from django.urls import path

from . import sso_views, views

app_name = "accounts"

urlpatterns = [
    path("account/two-factor/set-up/", views.mfa_setup, name="mfa_setup"),
    path("account/two-factor/security-key/", views.security_key, name="security_key"),
    path("account/session/", views.session_status, name="session_status"),
    path("account/you/", views.account, name="account"),
    path("account/access/request/", views.access_request_new, name="access_request_new"),
    path(
        "account/access/requests/<int:pk>/withdraw/",
        views.access_request_withdraw,
        name="access_request_withdraw",
    ),
    path("account/acting-for/", views.acting, name="acting"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/", views.approval_detail, name="approval_detail"),
    path("people/", views.people, name="people"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/deactivate/", views.person_deactivate, name="person_deactivate"),
    path("memberships/<int:pk>/end/", views.membership_end, name="membership_end"),
    path("sign-in-providers/", sso_views.providers, name="sign_in_providers"),
    path("sign-in-providers/new/", sso_views.provider_new, name="sign_in_provider_new"),
    path("sign-in-providers/<int:pk>/", sso_views.provider_edit, name="sign_in_provider"),
]
