from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "macehub.subjects"
    label = "subjects"
    verbose_name = "VOLT registers"
