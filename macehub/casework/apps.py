from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "macehub.casework"
    label = "casework"
    verbose_name = "Casework records"

    def ready(self) -> None:
        from macehub.core import panel_links

        from .policies import policy as casework_policy

        panel_links.register(
            panel_links.PanelLink(
                "Casework due and overdue",
                "casework:due",
                lambda u, p: casework_policy.can(u, "view_panel_casework", p),
                order=40,
            )
        )
        panel_links.register(
            panel_links.PanelLink(
                "Casework settings",
                "casework:settings",
                lambda u, p: casework_policy.can(u, "manage_settings", p),
                order=41,
            )
        )
        from macehub.core import home, navigation
        from macehub.subjects.services.merging import register_merge_hook

        from .home import casework_section
        from .journey import register_sources
        from .policies import policy
        from .services.merging import carry_casework_over

        register_merge_hook(carry_casework_over)
        register_sources()
        navigation.register(
            navigation.NavItem(
                "Casework",
                "casework:home",
                lambda u: policy.can(u, "use_casework"),
                order=27,
                section="/casework/",
            )
        )
        home.register(home.HomeSection("casework", "casework/home_casework.html", casework_section, order=27))
