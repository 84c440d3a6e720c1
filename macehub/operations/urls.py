from django.urls import path

from . import views

app_name = "operations"

urlpatterns = [
    path("jobs/", views.jobs, name="jobs"),
    path("jobs/tasks/<str:task_id>/retry/", views.retry_task, name="retry_task"),
    path("jobs/emails/<str:message_id>/retry/", views.retry_email, name="retry_email"),
]
