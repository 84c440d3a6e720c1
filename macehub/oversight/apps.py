from django.apps import AppConfig


class OversightConfig(AppConfig):
    name = "macehub.oversight"
    label = "oversight"
    verbose_name = "Oversight data"

    def ready(self) -> None:
        from macehub.core import home, navigation

        from .home import oversight_section
        from .policies import policy

        navigation.register(
            navigation.NavItem(
                "Oversight data",
                "oversight:index",
                lambda u: policy.can(u, "use_oversight"),
                order=70,
                section="/oversight/",
            )
        )
        home.register(home.HomeSection("oversight", "oversight/home_oversight.html", oversight_section, order=55))
