from django.apps import AppConfig


class SubjectsConfig(AppConfig):
    name = "macehub.subjects"
    label = "subjects"
    verbose_name = "VOLT registers"

    def ready(self) -> None:
        from macehub.core import panel_links

        from .policies import policy as register_policy

        panel_links.register(
            panel_links.PanelLink(
                "VOLT register", "subjects:register", lambda u, p: register_policy.can(u, "view_register", p), order=10
            )
        )
        panel_links.register(
            panel_links.PanelLink(
                "Register summary (counts only)",
                "subjects:summary",
                lambda u, p: register_policy.can(u, "view_summary", p),
                order=11,
            )
        )
        from macehub.core import reference

        from .taxonomy import load_harm_types

        reference.register("harm_types", lambda apps: load_harm_types(apps.get_model("subjects", "HarmType")))
        from macehub.core import home, navigation

        from .home import register_section
        from .policies import policy

        navigation.register(
            navigation.NavItem(
                "Register",
                "subjects:register_home",
                lambda u: policy.can(u, "use_registers"),
                order=25,
                section="/register/",
            )
        )
        home.register(home.HomeSection("registers", "subjects/home_register.html", register_section, order=25))
