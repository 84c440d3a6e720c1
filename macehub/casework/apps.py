from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "macehub.casework"
    label = "casework"
    verbose_name = "Casework records"
