from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the service: the e-mail outbox, worker heartbeats and task leases, the health
    endpoint, the jobs page for system admins, and backups."""

    name = "macehub.operations"
    label = "operations"
    verbose_name = "Operations"

    def ready(self) -> None:
        # Imported here: these modules use models, which exist only once the app registry is ready.
        from macehub.core import email, navigation

        from . import outbox
        from .policies import policy

        email.register_outbox(outbox.write)
        navigation.register(
            navigation.NavItem(
                "Jobs",
                "operations:jobs",
                lambda u: policy.can(u, "view_jobs"),
                order=85,
                section="/operations/",
            )
        )
