from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class AuditConfig(AppConfig):
    name = "macehub.audit"
    label = "audit"
    verbose_name = "Audit"

    def ready(self) -> None:
        # Imported here: these modules use models, which exist only once the app registry is ready.
        from macehub.core import auditing, navigation

        from .models import Action
        from .policies import policy
        from .services import record

        unknown = auditing.ACTIONS - set(Action.values)
        if unknown:
            raise ImproperlyConfigured(f"core raises audit actions the audit app does not know: {sorted(unknown)}")
        auditing.register(record)

        navigation.register(
            navigation.NavItem(
                "Audit",
                "audit:event_list",
                lambda u: policy.can(u, "view_events"),
                order=80,
                section="/audit/",
            )
        )
