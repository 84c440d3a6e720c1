"""Meetings and actions URLs. A panel's meetings are under /panels/<panel>/meetings/, one
meeting under /meetings/<pk>/, its items under /meetings/items/<pk>/, actions under /actions/.
Every one is in tests/permission_matrix/meetings.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import actions, agenda, contributions, meetings, minutes, recording

app_name = "meetings"

urlpatterns: list[URLPattern] = [
    path("meetings/", meetings.index, name="index"),
    path("panels/<int:panel_pk>/meetings/", meetings.panel_meetings, name="panel_meetings"),
    path("panels/<int:panel_pk>/meetings/new/", meetings.schedule, name="schedule"),
    path("panels/<int:panel_pk>/meetings/quality/", meetings.quality, name="quality"),
    path("panels/<int:panel_pk>/actions/", actions.panel_actions, name="panel_actions"),
    # One meeting
    path("meetings/<int:pk>/", meetings.detail, name="detail"),
    path("meetings/<int:pk>/edit/", meetings.edit, name="edit"),
    path("meetings/<int:pk>/cancel/", meetings.cancel, name="cancel"),
    path("meetings/<int:pk>/invitations/", meetings.invitations, name="invitations"),
    path("meetings/<int:pk>/acknowledge/", meetings.acknowledge, name="acknowledge"),
    path("meetings/<int:pk>/pack/", meetings.pack, name="pack"),
    path("meetings/<int:pk>/pack.pdf", meetings.pack_pdf, name="pack_pdf"),
    path("meetings/<int:pk>/meeting.ics", meetings.calendar_file, name="calendar_file"),
    path("meetings/<int:pk>/feedback/", meetings.feedback, name="feedback"),
    # The agenda
    path("meetings/<int:pk>/agenda/", agenda.agenda, name="agenda"),
    path("meetings/<int:pk>/agenda/add/", agenda.agenda_add, name="agenda_add"),
    path("meetings/<int:pk>/agenda/reorder/", agenda.agenda_reorder, name="agenda_reorder"),
    path("meetings/items/<int:pk>/", agenda.item_edit, name="item_edit"),
    path("meetings/items/<int:pk>/move/", agenda.item_move, name="item_move"),
    path("meetings/items/<int:pk>/remove/", agenda.item_remove, name="item_remove"),
    # Contributions
    path("meetings/<int:pk>/contributions/", contributions.grid, name="contributions"),
    path("meetings/<int:pk>/contributions/chase/", contributions.chase, name="chase"),
    path("meetings/<int:pk>/contribute/", contributions.contribute, name="contribute"),
    path("meetings/items/<int:pk>/contribution/", contributions.contribute_item, name="contribute_item"),
    # During the meeting
    path("meetings/<int:pk>/attendance/", recording.attendance, name="attendance"),
    path("meetings/<int:pk>/record/", recording.record_page, name="record"),
    path("meetings/items/<int:pk>/record/", recording.item_save, name="item_save"),
    path("meetings/items/<int:pk>/actions/new/", recording.action_create, name="action_create"),
    path("meetings/<int:pk>/actions/<int:action_pk>/review/", recording.action_review, name="action_review"),
    path("meetings/<int:pk>/close/", recording.close, name="close"),
    # Minutes
    path("meetings/<int:pk>/minutes/", minutes.minutes_page, name="minutes"),
    path("meetings/<int:pk>/minutes.pdf", minutes.minutes_pdf, name="minutes_pdf"),
    path("meetings/<int:pk>/minutes/edit/", minutes.minutes_edit, name="minutes_edit"),
    path("meetings/<int:pk>/minutes/approve/", minutes.minutes_approve, name="minutes_approve"),
    path("meetings/<int:pk>/minutes/correct/", minutes.minutes_correct, name="minutes_correct"),
    path("meetings/<int:pk>/minutes/distribute/", minutes.minutes_distribute, name="minutes_distribute"),
    # Actions
    path("actions/", actions.my_actions, name="my_actions"),
    path("actions/agency/", actions.agency_actions, name="agency_actions"),
    path("actions/<int:pk>/", actions.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", actions.action_edit, name="action_edit"),
]
