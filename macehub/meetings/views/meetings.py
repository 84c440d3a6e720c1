"""Meetings: the list, scheduling, a meeting's page, changing and cancelling it, invitations,
the confidentiality acknowledgement, the pack (web and PDF), feedback and meeting quality."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.forms import rebind_after_conflict
from macehub.core.pdf import pdf_response
from macehub.core.services import ConcurrentEditError
from macehub.core.submissions import once
from macehub.organisations.types import Panel

from ..forms.meetings import AcknowledgeForm, CancelForm, FeedbackForm, InvitationsForm, MeetingEditForm, ScheduleForm
from ..models import FEEDBACK_QUESTIONS, Acknowledgement, Feedback, Invitation, Meeting, MeetingStatus
from ..policies import policy
from ..quality import quality_summary
from ..selectors.actions import outstanding_actions
from ..selectors.agenda import hidden_item_count, items_visible_to
from ..selectors.invitations import (
    invitations_of,
    panel_chair_users,
    panel_chairs,
    panel_people,
    partnership_agencies,
)
from ..selectors.meetings import meeting_panels, meetings_of_panel, meetings_visible_to
from ..selectors.minutes import readable_minutes
from ..selectors.pack import pack_items
from ..services import minutes as minutes_services
from ..services import scheduling
from .agenda import ACTIONS_MINUTES
from .common import apply_errors, item_page, meeting_for, meeting_url, panel_for, safe_next, sight_of


@require_GET
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Meetings" in the menu: the person's upcoming and recent meetings on every panel."""
    policy.require(request.user, "use_meetings")
    today = timezone.localdate()
    visible = meetings_visible_to(request.user)
    panels = meeting_panels(request.user)
    return render(
        request,
        "meetings/index.html",
        {
            "upcoming": list(visible.filter(date__gte=today, status=MeetingStatus.PLANNED).order_by("date")[:20]),
            "recent": list(visible.filter(date__lt=today).order_by("-date")[:10])
            + list(visible.filter(date__gte=today).exclude(status=MeetingStatus.PLANNED).order_by("-date")[:5]),
            "panels": [{"panel": p, "may_run": policy.can(request.user, "schedule", p)} for p in panels],
        },
    )


@require_GET
def panel_meetings(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = panel_for(request, panel_pk, "view_panel_meetings")
    today = timezone.localdate()
    meetings = meetings_of_panel(request.user, panel)
    return render(
        request,
        "meetings/panel_meetings.html",
        {
            "panel": panel,
            "upcoming": list(meetings.filter(date__gte=today).exclude(status=MeetingStatus.HELD).order_by("date")),
            "past": list(meetings.filter(date__lt=today).order_by("-date")[:60])
            + list(meetings.filter(date__gte=today, status=MeetingStatus.HELD).order_by("-date")),
            "can_schedule": policy.can(request.user, "schedule", panel),
            "can_see_log": policy.can(request.user, "view_action_log", panel),
            "can_see_quality": policy.can(request.user, "view_quality", panel),
        },
    )


def _next_meeting_day(panel: Panel) -> Any:
    last = Meeting.objects.filter(panel=panel).order_by("-date").values_list("date", flat=True).first()
    from ..services.common import next_dates

    today = timezone.localdate()
    if last and last >= today:
        return next_dates(panel.cadence, last, 2)[1]
    return today + timedelta(days=(3 - today.weekday()) % 7 or 7)  # next Thursday


@require_http_methods(["GET", "POST"])
@once
def schedule(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    panel = panel_for(request, panel_pk, "schedule")
    chairs = panel_chairs(panel)
    chair_qs = panel_chair_users(panel)
    day = _next_meeting_day(panel)
    initial = {
        "meeting_type": "operational",
        "date": day,
        "start_time": "10:00",
        "end_time": "12:00",
        "chairing": "co_chaired" if len(chairs) > 1 else "single",
        "chair": chairs[0].pk if chairs else None,
        "co_chair": chairs[1].pk if len(chairs) > 1 else None,
        "contributions_due": day - timedelta(days=2),
        "repeat": 1,
    }
    form = ScheduleForm(request.POST or None, initial=initial, chairs=chair_qs, cadence=panel.cadence)
    if request.method == "POST" and form.is_valid():
        try:
            meetings = scheduling.meeting_schedule(
                actor=request.user, panel=panel, values=form.values(), repeat=form.cleaned_data["repeat"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if len(meetings) == 1:
                messages.success(request, f"Meeting on {meetings[0].date:%-d %B %Y} scheduled. Now build its agenda.")
            else:
                messages.success(
                    request,
                    f"{len(meetings)} meetings scheduled, from {meetings[0].date:%-d %B %Y} to "
                    f"{meetings[-1].date:%-d %B %Y}. Build the first agenda now.",
                )
            return HttpResponseRedirect(reverse("meetings:agenda", args=[meetings[0].pk]))
    return render(request, "meetings/schedule.html", {"panel": panel, "form": form, "no_chairs": not chairs})


@require_GET
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    sight = sight_of(request, meeting)
    user = request.user
    items = list(items_visible_to(user, meeting))
    minutes = readable_minutes(user, meeting)
    acknowledged = Acknowledgement.objects.filter(meeting=meeting, user_id=user.pk or 0).exists()
    gave_feedback = Feedback.objects.filter(meeting=meeting, user_id=user.pk or 0).exists()
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "panel": meeting.panel,
            "sight": sight,
            "item_count": len(items),
            "minutes_allowed": sum(i.minutes_allowed for i in items),
            # The agenda gives the actions from earlier meetings their time too: say so here.
            "actions_minutes": ACTIONS_MINUTES if outstanding_actions(user, meeting) else 0,
            "minutes": minutes,
            "acknowledged": acknowledged,
            "can_plan": policy.can(user, "plan_meeting", meeting),
            "can_manage": policy.can(user, "manage_meeting", meeting),
            "can_contribute": policy.can(user, "contribute", meeting),
            "can_feedback": policy.can(user, "give_feedback", meeting) and not gave_feedback,
            "gave_feedback": gave_feedback,
        },
    )


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "plan_meeting")
    chairs = panel_chair_users(meeting.panel)
    initial = {
        "meeting_type": meeting.meeting_type,
        "date": meeting.date,
        "start_time": meeting.start_time,
        "end_time": meeting.end_time,
        "venue": meeting.venue,
        "online_link": meeting.online_link,
        "chairing": meeting.chairing,
        "chair": meeting.chair_id,
        "co_chair": meeting.co_chair_id,
        "contributions_due": meeting.contributions_due,
        "version": meeting.version,
    }
    form = MeetingEditForm(request.POST or None, initial=initial, chairs=chairs)
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.meeting_update(
                actor=request.user, meeting=meeting, expected_version=form.cleaned_data["version"], values=form.values()
            )
        except ConcurrentEditError:
            meeting.refresh_from_db()
            form = rebind_after_conflict(MeetingEditForm, request.POST, current_version=meeting.version, chairs=chairs)
            return render(request, "meetings/edit.html", {"meeting": meeting, "form": form}, status=409)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Meeting details saved.")
            return HttpResponseRedirect(meeting_url(meeting))
    return render(request, "meetings/edit.html", {"meeting": meeting, "panel": meeting.panel, "form": form})


@require_http_methods(["GET", "POST"])
def cancel(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "plan_meeting")
    form = CancelForm(request.POST or None, initial={"version": meeting.version})
    if request.method == "POST" and form.is_valid():
        try:
            scheduling.meeting_cancel(
                actor=request.user,
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
            )
        except ConcurrentEditError:
            form.add_error(None, "Someone else changed this meeting just now. Check it, then cancel it again.")
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Meeting cancelled.")
            return HttpResponseRedirect(meeting_url(meeting))
    return render(request, "meetings/cancel.html", {"meeting": meeting, "panel": meeting.panel, "form": form})


@require_http_methods(["GET", "POST"])
def invitations(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "plan_meeting")
    people = []
    seen: set[int] = set()
    for membership in panel_people(meeting.panel):
        if membership.user_id not in seen:
            seen.add(membership.user_id)
            people.append(membership)
    current = {i.user_id: i for i in invitations_of(meeting)}
    initial: dict[str, Any] = {"agencies": list(meeting.agencies.values_list("pk", flat=True))}
    for membership in people:
        invitation = current.get(membership.user_id)
        initial[f"scope_{membership.user_id}"] = invitation.scope if invitation else ""
    agencies = partnership_agencies(meeting.panel)
    form = InvitationsForm(request.POST or None, initial=initial, agencies=agencies, people=people)
    if request.method == "POST":
        if "send" in request.POST:
            sent = scheduling.invitations_send(actor=request.user, meeting=meeting)
            messages.success(
                request,
                f"Invitations and contribution requests sent to {sent} {'person' if sent == 1 else 'people'}."
                if sent
                else "Everyone invited has already been sent their invitation.",
            )
            return HttpResponseRedirect(reverse("meetings:invitations", args=[meeting.pk]))
        if form.is_valid():
            try:
                scheduling.invitations_set(
                    actor=request.user, meeting=meeting, agencies=form.cleaned_data["agencies"], scopes=form.scopes()
                )
            except ValidationError as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, "Invitations saved. Send them when the agenda is ready.")
                return HttpResponseRedirect(reverse("meetings:invitations", args=[meeting.pk]))
    rows = [
        {
            "membership": m,
            "invitation": current.get(m.user_id),
            "field": form[f"scope_{m.user_id}"],
            "items": len(current[m.user_id].items.all()) if m.user_id in current else 0,
        }
        for m in people
    ]
    unsent = [i for i in current.values() if i.sent_at is None and (i.scope == "whole" or i.items.all())]
    return render(
        request,
        "meetings/invitations.html",
        {"meeting": meeting, "panel": meeting.panel, "form": form, "rows": rows, "unsent": len(unsent)},
    )


@require_http_methods(["GET", "POST"])
def acknowledge(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "view_pack")
    target = safe_next(request, reverse("meetings:pack", args=[meeting.pk]))
    form = AcknowledgeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        scheduling.acknowledge(actor=request.user, meeting=meeting)
        return HttpResponseRedirect(target)
    return render(
        request, "meetings/acknowledge.html", {"meeting": meeting, "panel": meeting.panel, "form": form, "next": target}
    )


def _acknowledged(request: AuthenticatedHttpRequest, meeting: Any) -> bool:
    return Acknowledgement.objects.filter(meeting=meeting, user_id=request.user.pk or 0).exists()


def _pack_context(request: AuthenticatedHttpRequest, meeting: Any, *, paged: bool = False) -> dict[str, Any]:
    """What the pack shows. ``paged`` (the web page, not the PDF): a very large meeting's items
    a page at a time; the PDF always has every item."""
    visible = items_visible_to(request.user, meeting).order_by()
    summary = visible.aggregate(n=Count("pk"), minutes=Sum("minutes_allowed")) if paged else None
    page = item_page(request, summary["n"]) if summary else None
    items = pack_items(request.user, meeting, window=slice(page.start, page.end) if page else None)
    return {
        "meeting": meeting,
        "panel": meeting.panel,
        "sight": sight_of(request, meeting),
        "items": items,
        "page": page,
        "item_count": page.total if page else len(items),
        "groups": _group_pack(items),
        # Actions from earlier meetings open the pack: on its first page only.
        "outstanding": outstanding_actions(request.user, meeting) if not page or page.number == 1 else [],
        "minutes_allowed": (summary["minutes"] or 0)
        if page and summary
        else sum(p.item.minutes_allowed for p in items),
        "hidden_items": hidden_item_count(request.user, meeting),
    }


def _group_pack(items: list[Any]) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    for entry in items:
        if not groups or groups[-1]["strand"] != entry.item.strand:
            groups.append({"strand": entry.item.strand, "label": entry.item.get_strand_display(), "items": []})
        groups[-1]["items"].append(entry)
    return groups


@require_GET
def pack(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The meeting pack: agenda, a pseudonymous summary of each record, and the contributions.
    Opened only after the confidentiality acknowledgement (R23); every opening is audited."""
    meeting = meeting_for(request, pk, "view_pack")
    if not _acknowledged(request, meeting):
        return HttpResponseRedirect(
            f"{reverse('meetings:acknowledge', args=[meeting.pk])}?next={reverse('meetings:pack', args=[meeting.pk])}"
        )
    context = _pack_context(request, meeting, paged=True)
    minutes_services.pack_viewed(actor=request.user, meeting=meeting, items=len(context["items"]))
    return render(request, "meetings/pack.html", context)


@require_GET
def pack_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk, "view_pack")
    if not _acknowledged(request, meeting):
        return HttpResponseRedirect(
            f"{reverse('meetings:acknowledge', args=[meeting.pk])}?next={reverse('meetings:pack_pdf', args=[meeting.pk])}"
        )
    context = _pack_context(request, meeting)
    minutes_services.pack_viewed(actor=request.user, meeting=meeting, items=len(context["items"]), pdf=True)
    context.update({"marking": "OFFICIAL-SENSITIVE", "generated_at": timezone.now(), "title": "Meeting pack"})
    return pdf_response("meetings/pdf/pack.html", context, filename=f"meeting-pack-{meeting.date:%Y-%m-%d}.pdf")


@require_http_methods(["GET", "POST"])
@once
def feedback(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = meeting_for(request, pk)
    if not policy.can(request.user, "give_feedback", meeting):
        raise PermissionDenied("give_feedback")
    already = Feedback.objects.filter(meeting=meeting, user_id=request.user.pk or 0).exists()
    form = FeedbackForm(request.POST or None)
    if request.method == "POST" and not already and form.is_valid():
        data = form.cleaned_data
        try:
            minutes_services.feedback_give(
                actor=request.user,
                meeting=meeting,
                focused=data["focused"],
                clear_actions=data["clear_actions"],
                effective_chairing=data["effective_chairing"],
                comment=data["comment"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, "Thank you: your feedback goes to the chairs with everyone else's.")
            return HttpResponseRedirect(meeting_url(meeting))
    return render(
        request,
        "meetings/feedback.html",
        {"meeting": meeting, "panel": meeting.panel, "form": form, "already": already, "questions": FEEDBACK_QUESTIONS},
    )


@require_GET
def quality(request: AuthenticatedHttpRequest, panel_pk: int) -> HttpResponse:
    """Attendance, action completion and meeting quality: aggregates for the chairs, coordinators and
    the partnership (no records, no names)."""
    panel = panel_for(request, panel_pk, "view_quality")
    summary = quality_summary(panel, with_comments=policy.can(request.user, "view_action_log", panel))
    return render(request, "meetings/quality.html", {"panel": panel, "summary": summary})


_ = Invitation


@require_GET
def calendar_file(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The meeting as a calendar entry (.ics) for anyone who may see the meeting. It names no one."""
    from ..calendar import meeting_calendar

    meeting = meeting_for(request, pk)
    response = HttpResponse(
        meeting_calendar(meeting, method="PUBLISH", attendee=request.user), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="meeting-{meeting.date:%Y-%m-%d}.ics"'
    return response
