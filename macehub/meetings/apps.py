from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "macehub.meetings"
    label = "meetings"
    verbose_name = "Meetings and actions"

    def ready(self) -> None:
        from macehub.core import panel_links
        from macehub.core.access import watch_access

        # Who is invited to what (and whose agency attended) decides what they see of a meeting.
        watch_access("meetings.Invitation", "meetings.Attendance")

        from .policies import policy as meetings_policy

        panel_links.register(
            panel_links.PanelLink(
                "Meetings",
                "meetings:panel_meetings",
                lambda u, p: meetings_policy.can(u, "view_panel_meetings", p),
                order=30,
            )
        )
        panel_links.register(
            panel_links.PanelLink(
                "Action log",
                "meetings:panel_actions",
                lambda u, p: meetings_policy.can(u, "view_action_log", p),
                order=31,
            )
        )
        panel_links.register(
            panel_links.PanelLink(
                "Attendance and meeting quality",
                "meetings:quality",
                lambda u, p: meetings_policy.can(u, "view_quality", p),
                order=32,
            )
        )
        from macehub.core import home, navigation, timeline
        from macehub.subjects.services.merging import register_merge_hook

        from .home import actions_section, meetings_section
        from .journey import action_events, meeting_events
        from .policies import policy
        from .services.merging import carry_meeting_records_over

        register_merge_hook(carry_meeting_records_over)
        # The register's spreadsheet import brings in action logs and past attendance: meetings writes them.
        from macehub.subjects.services import import_kinds

        from .services.imports import ACTIONS, ATTENDANCE

        import_kinds.register(ACTIONS)
        import_kinds.register(ATTENDANCE)
        navigation.register(
            navigation.NavItem(
                "Meetings",
                "meetings:index",
                lambda u: policy.can(u, "use_meetings"),
                order=30,
                section="/meetings/",
            )
        )
        navigation.register(
            navigation.NavItem(
                "Actions",
                "meetings:my_actions",
                lambda u: policy.can(u, "use_actions"),
                order=31,
                section="/actions/",
            )
        )
        home.register(home.HomeSection("meetings", "meetings/home_meetings.html", meetings_section, order=23))
        home.register(home.HomeSection("actions", "meetings/home_actions.html", actions_section, order=24))
        timeline.register("meeting", "Meetings", meeting_events)
        timeline.register("action", "Actions", action_events)
