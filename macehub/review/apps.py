from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "macehub.review"
    label = "review"
    verbose_name = "Review and improvement"
