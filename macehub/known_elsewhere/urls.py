from django.urls import path

from . import views

app_name = "known_elsewhere"

urlpatterns = [
    path("", views.index, name="index"),
    path("records/<int:pk>/ask/", views.ask_record, name="ask_record"),
    path("enquiries/<int:pk>/", views.enquiry_detail, name="enquiry"),
    path("matches/<int:pk>/", views.match_detail, name="match"),
    path("matches/<int:pk>/request/", views.request_details, name="request_details"),
    path("shares/<int:pk>/", views.share_detail, name="share"),
    path("shares/<int:pk>/decide/", views.decide, name="decide"),
    path("shares/<int:pk>/link/", views.propose_link, name="propose_link"),
    path("links/<int:pk>/decide/", views.decide_link, name="decide_link"),
]
