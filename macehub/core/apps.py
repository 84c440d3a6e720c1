from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "macehub.core"
    label = "core"
    verbose_name = "MACE Hub core"
