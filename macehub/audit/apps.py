from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "macehub.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        from macehub.core import navigation

        from .policies import policy

        navigation.register(
            navigation.NavItem(
                "Audit",
                "audit:event_list",
                lambda u: policy.can(u, "view_events"),
                order=80,
                section="/audit/",
            )
        )
