from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "macehub.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        # Imported here: these modules use models, which exist only once the app registry is ready.
        from macehub.core import access, home, navigation

        from . import checks, receivers  # noqa: F401 - system checks; audit and session bookkeeping on sign-in
        from .home import access_section, approvals_section
        from .policies import policy
        from .selectors import grants_for_user

        access.register_loader(grants_for_user)
        # Who someone is and what they hold: a change empties the request's access answers.
        access.watch_access("accounts.User", "accounts.Membership")
        navigation.register(navigation.NavItem("Home", "home", lambda u: True, order=0, section="/"))
        navigation.register(
            navigation.NavItem(
                "Access requests",
                "accounts:approvals",
                lambda u: policy.can(u, "view_approvals"),
                order=60,
                section="/approvals/",
            )
        )
        navigation.register(
            navigation.NavItem(
                "People",
                "accounts:people",
                lambda u: policy.can(u, "view_people"),
                order=65,
                section="/people/",
            )
        )
        home.register(home.HomeSection("access", "accounts/home_access.html", access_section, order=5))
        home.register(home.HomeSection("approvals", "accounts/home_approvals.html", approvals_section, order=10))
