from django.urls import path

from . import views

app_name = "library"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.item_create, name="item_create"),
    path("take-up/", views.take_up, name="take_up"),
    path("take-up.xlsx", views.take_up_export, name="take_up_export"),
    path("<int:pk>/", views.item_detail, name="item_detail"),
    path("<int:pk>/edit/", views.item_edit, name="item_edit"),
    path("<int:pk>/versions/new/", views.version_create, name="version_create"),
    path("<int:pk>/versions/<int:number>/download/", views.version_download, name="version_download"),
    path("<int:pk>/adopt/", views.adopt, name="adopt"),
    path("adoptions/<int:pk>/stop/", views.end_adoption, name="end_adoption"),
]
