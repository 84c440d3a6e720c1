from django.apps import AppConfig


class LibraryConfig(AppConfig):
    name = "macehub.library"
    label = "library"
    verbose_name = "Tools and templates library"

    def ready(self) -> None:
        from macehub.core import reference

        from .reference import load_protocol_areas

        reference.register(
            "protocol_areas", lambda apps: load_protocol_areas(apps.get_model("library", "ProtocolArea"))
        )
        from macehub.core import home, navigation

        from .home import library_section
        from .policies import policy

        navigation.register(
            navigation.NavItem(
                "Library",
                "library:index",
                lambda u: policy.can(u, "view_library"),
                order=60,
                section="/library/",
            )
        )
        home.register(home.HomeSection("library", "library/home_library.html", library_section, order=60))
