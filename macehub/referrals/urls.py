"""Referral URLs."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "referrals"

urlpatterns: list[URLPattern] = [
    path("referrals/", views.mine, name="mine"),
    path("referrals/new/", views.start, name="start"),
    path("referrals/new/<str:subject_type>/", views.create, name="create"),
    path("referrals/<int:pk>/", views.detail, name="detail"),
    path("referrals/<int:pk>/attachments/<int:attachment_pk>/", views.attachment, name="attachment"),
    path("referrals/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("referrals/<int:pk>/accept/", views.accept, name="accept"),
    path("referrals/<int:pk>/decline/", views.decline, name="decline"),
    path("referrals/queue/<int:panel_pk>/", views.queue, name="queue"),
]
