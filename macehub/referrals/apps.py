from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "macehub.referrals"
    label = "referrals"
    verbose_name = "Referrals"

    def ready(self) -> None:
        from macehub.core import panel_links

        from .policies import policy as referral_policy

        panel_links.register(
            panel_links.PanelLink(
                "Triage queue", "referrals:queue", lambda u, p: referral_policy.can(u, "view_queue", p), order=20
            )
        )
        from macehub.core import home, navigation
        from macehub.subjects.services.merging import register_merge_hook

        from .home import referrals_section
        from .policies import policy
        from .services import carry_referrals_over

        register_merge_hook(carry_referrals_over)
        navigation.register(
            navigation.NavItem(
                "Referrals",
                "referrals:mine",
                lambda u: policy.can(u, "make_referral") or policy.can(u, "use_queues"),
                order=22,
                section="/referrals/",
            )
        )
        home.register(home.HomeSection("referrals", "referrals/home_referrals.html", referrals_section, order=22))
