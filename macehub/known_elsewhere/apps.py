from django.apps import AppConfig


class KnownElsewhereConfig(AppConfig):
    name = "macehub.known_elsewhere"
    label = "known_elsewhere"
    verbose_name = "Known elsewhere?"

    def ready(self) -> None:
        from macehub.core import home
        from macehub.subjects import extensions

        from .home import section
        from .policies import asks_from_record, record_ask_url
        from .services import network_nodes, refresh_record_prints

        extensions.register_saved_hook(refresh_record_prints)
        extensions.register_record_action(
            extensions.RecordAction("Known elsewhere?", record_ask_url, asks_from_record, order=60)
        )
        extensions.register_network_source(network_nodes)
        home.register(home.HomeSection("known_elsewhere", "known_elsewhere/home_section.html", section, order=40))
