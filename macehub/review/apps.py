from django.apps import AppConfig


class ReviewConfig(AppConfig):
    name = "macehub.review"
    label = "review"
    verbose_name = "Review and improvement"

    def ready(self) -> None:
        from macehub.core import reference

        from .framework_files import load_default_framework

        reference.register(
            "review_default_framework",
            lambda apps: load_default_framework(
                framework_model=apps.get_model("review", "Framework"),
                version_model=apps.get_model("review", "FrameworkVersion"),
                section_model=apps.get_model("review", "Section"),
                question_model=apps.get_model("review", "Question"),
            ),
        )
        from macehub.core import home, navigation
        from macehub.core.access import watch_access

        from .home import review_section
        from .policies import REVIEW_ACCESS_MODELS, policy

        # Reviewer assignments and group memberships open records: a change forgets the
        # request's access answers (policies.review_profile).
        watch_access(*REVIEW_ACCESS_MODELS)

        # One entry per person: those taking part in the review land on the review overview
        # (the members area is inside it); every other approved member on the members area.
        navigation.register(
            navigation.NavItem(
                "MACE review",
                "review:index",
                lambda u: policy.can(u, "view_review"),
                order=80,
                section="/review/",
            )
        )
        navigation.register(
            navigation.NavItem(
                "Members area",
                "review:members_home",
                lambda u: policy.can(u, "use_members_area") and not policy.can(u, "view_review"),
                order=81,
                section="/review/",
            )
        )
        home.register(home.HomeSection("review", "review/home_review.html", review_section, order=60))
