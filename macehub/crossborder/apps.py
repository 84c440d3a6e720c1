from django.apps import AppConfig


class CrossborderConfig(AppConfig):
    name = "macehub.crossborder"
    label = "crossborder"
    verbose_name = "Cross-border working"

    def ready(self) -> None:
        from . import registrations

        registrations.register_all()
