from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "macehub.organisations"
    label = "organisations"
    verbose_name = "Organisations"

    def ready(self) -> None:
        # Imported here: these modules use models, which exist only once the app registry is ready.
        from macehub.core import access, reference

        # Panel settings (who may see persons of concern), agency types and whether a partnership
        # is active decide access.
        access.watch_access("organisations.Panel", "organisations.Agency", "organisations.Partnership")

        from .reference import load_london_authorities

        reference.register(
            "london_authorities",
            lambda apps: load_london_authorities(apps.get_model("organisations", "LocalAuthority")),
        )
        from macehub.core import home, navigation

        from .home import london_section, panels_section
        from .policies import policy

        navigation.register(
            navigation.NavItem(
                "Panels",
                "organisations:panel_list",
                lambda u: policy.can(u, "view_panels"),
                order=20,
                section="/panels/",
            )
        )
        navigation.register(
            navigation.NavItem(
                "Partnerships",
                "organisations:partnership_list",
                lambda u: policy.can(u, "view_partnerships"),
                order=70,
                section="/partnerships/",
            )
        )
        navigation.register(
            navigation.NavItem(
                "Agencies",
                "organisations:agency_list",
                lambda u: policy.can(u, "manage_agencies"),
                order=75,
                section="/agencies/",
            )
        )
        home.register(home.HomeSection("panels", "organisations/home_panels.html", panels_section, order=20))
        home.register(home.HomeSection("london", "organisations/home_london.html", london_section, order=90))
