"""Cross-border URLs, all under /crossborder/. Every URL is listed for every persona in
tests/permission_matrix/crossborder.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from . import views

app_name = "crossborder"

urlpatterns: list[URLPattern] = [
    path("", views.home, name="home"),
    path("children/<int:pk>/move/", views.move_create, name="move_create"),
    path("handovers/<int:pk>/", views.handover_detail, name="handover"),
    path("handovers/<int:pk>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("handovers/<int:pk>/decide/", views.decide, name="decide"),
    path("handovers/<int:pk>/summary/", views.placement_summary, name="placement_summary"),
    path("found/<int:pk>/acknowledge/", views.found_acknowledge, name="found_acknowledge"),
    path("partnerships/<int:pk>/found-places/", views.found_places, name="found_places"),
]
