"""Governance groups (members, terms of reference, meetings) and the project timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.core.submissions import once

from .. import selectors
from ..forms.common import ConfirmForm
from ..forms.governance import (
    GroupEditForm,
    GroupForm,
    GroupMeetingEditForm,
    GroupMeetingForm,
    GroupMemberForm,
    MilestoneEditForm,
    MilestoneForm,
)
from ..models import ImplementationAction, Milestone
from ..policies import policy
from ..services import governance as services
from .common import handle, page, rebind


def _group_url(group: Any) -> str:
    return reverse("review:group_detail", args=[group.pk])


@require_GET
def group_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_members_area")
    return render(
        request,
        "review/group_list.html",
        {"groups": selectors.groups_visible_to(request.user), "can_manage": policy.can(request.user, "manage_review")},
    )


@require_http_methods(["GET", "POST"])
@once
def group_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_review")
    form = GroupForm(request.POST or None)
    return handle(
        request,
        form,
        lambda data: services.group_save(actor=request.user, group=None, **form.values()),
        success=_group_url,
        message=lambda g: f"{g.name} created. Add its members next.",
        title="Add a group",
        caption="Governance",
        back=(reverse("review:group_list"), "All groups"),
        submit="Add the group",
    )


@require_GET
def group_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for(request.user, pk)
    members = group.memberships.select_related("user")
    is_member = policy.can(request.user, "view_group_meeting", group)
    recommendations = selectors.recommendations_visible_to(request.user).filter(owner_group=group)
    actions = (
        selectors.actions_visible_to(request.user)
        .filter(recommendation__owner_group=group)
        .exclude(status=ImplementationAction.Status.CLOSED)
    )
    return render(
        request,
        "review/group_detail.html",
        {
            "group": group,
            "members": members,
            "meetings": group.meetings.all() if is_member else [],
            "is_member": is_member,
            "recommendations": recommendations,
            "open_actions": actions,
            "milestones": group.milestones.all(),
            "can_manage": policy.can(request.user, "manage_review"),
            "can_record": policy.can(request.user, "record_group_meeting", group),
        },
    )


@require_http_methods(["GET", "POST"])
def group_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    group = selectors.get_group_for(request.user, pk)
    form = GroupEditForm(request.POST or None, instance=group)
    return handle(
        request,
        form,
        lambda data: services.group_save(
            actor=request.user, group=group, expected_version=data["version"], **form.values()
        ),
        success=_group_url,
        message=lambda g: f"{g.name} saved.",
        conflict=lambda: rebind(
            GroupEditForm,
            request,
            selectors.get_group_for(request.user, pk),
            instance=selectors.get_group_for(request.user, pk),
        ),
        title="Change the group",
        caption=group.name,
        back=(_group_url(group), f"Back to {group.name}"),
    )


@require_http_methods(["GET", "POST"])
@once
def group_member_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    group = selectors.get_group_for(request.user, pk)
    form = GroupMemberForm(request.POST or None, initial={"role": "member"})
    return handle(
        request,
        form,
        lambda data: services.group_member_add(
            actor=request.user, group=group, user=data["user"], role=data["role"], represents=data["represents"]
        ),
        success=lambda m: _group_url(group),
        message=lambda m: f"{m.user.full_name} added to {group.name}.",
        title="Add a member",
        caption=group.name,
        back=(_group_url(group), f"Back to {group.name}"),
        submit="Add the member",
    )


@require_http_methods(["GET", "POST"])
def group_member_remove(request: AuthenticatedHttpRequest, pk: int, member_pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    group = selectors.get_group_for(request.user, pk)
    membership = selectors.get_group_membership(group, member_pk, user=request.user)
    form = ConfirmForm(request.POST or None, initial={"version": membership.version})
    if request.method == "POST" and form.is_valid():
        services.group_member_remove(actor=request.user, membership=membership)
        messages.success(request, f"{membership.user.full_name} removed from {group.name}.")
        return HttpResponseRedirect(_group_url(group))
    return page(
        request,
        form,
        title=f"Remove {membership.user.full_name} from {group.name}?",
        caption=group.name,
        back=(_group_url(group), f"Back to {group.name}"),
        submit="Remove from the group",
        template="review/confirm.html",
        warning_button=True,
    )


@require_http_methods(["GET", "POST"])
@once
def group_meeting_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    group = selectors.get_group_for(request.user, pk)
    policy.require(request.user, "record_group_meeting", group)
    form = GroupMeetingForm(request.POST or None)
    return handle(
        request,
        form,
        lambda data: services.group_meeting_save(actor=request.user, group=group, meeting=None, **form.values()),
        success=lambda m: reverse("review:group_meeting_detail", args=[m.pk]),
        message="Meeting recorded.",
        title="Add a meeting",
        caption=group.name,
        back=(_group_url(group), f"Back to {group.name}"),
        submit="Save the meeting",
        intro="Add a future meeting now and its notes and decisions afterwards.",
    )


@require_GET
def group_meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_group_meeting_for(request.user, pk)
    return render(
        request,
        "review/group_meeting_detail.html",
        {"meeting": meeting, "can_record": policy.can(request.user, "record_group_meeting", meeting.group)},
    )


@require_http_methods(["GET", "POST"])
def group_meeting_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_group_meeting_for(request.user, pk)
    policy.require(request.user, "record_group_meeting", meeting.group)
    form = GroupMeetingEditForm(request.POST or None, instance=meeting)
    return handle(
        request,
        form,
        lambda data: services.group_meeting_save(
            actor=request.user,
            group=meeting.group,
            meeting=meeting,
            expected_version=data["version"],
            **form.values(),
        ),
        success=lambda m: reverse("review:group_meeting_detail", args=[m.pk]),
        message="Meeting saved.",
        conflict=lambda: rebind(
            GroupMeetingEditForm,
            request,
            selectors.get_group_meeting_for(request.user, pk),
            instance=selectors.get_group_meeting_for(request.user, pk),
        ),
        title="Notes and decisions",
        caption=f"{meeting.group.name}: {meeting.title}",
        back=(reverse("review:group_meeting_detail", args=[meeting.pk]), "Back to the meeting"),
    )


@require_GET
def timeline(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "use_members_area")
    return render(
        request,
        "review/timeline.html",
        {"milestones": selectors.milestones(), "can_manage": policy.can(request.user, "manage_review")},
    )


@require_http_methods(["GET", "POST"])
@once
def milestone_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_review")
    form = MilestoneForm(request.POST or None, initial={"status": Milestone.Status.PLANNED})
    return handle(
        request,
        form,
        lambda data: services.milestone_save(actor=request.user, milestone=None, **form.values()),
        success=lambda m: reverse("review:timeline") + f"#milestone-{m.pk}",
        message=lambda m: f"Milestone ‘{m.title}’ added.",
        title="Add a milestone",
        caption="Project timeline",
        back=(reverse("review:timeline"), "Back to the timeline"),
        submit="Add the milestone",
    )


@require_http_methods(["GET", "POST"])
def milestone_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    from macehub.core.selectors import get_visible_or_404

    milestone = get_visible_or_404(selectors.milestones(), pk, user=request.user)
    form = MilestoneEditForm(request.POST or None, instance=milestone)
    return handle(
        request,
        form,
        lambda data: services.milestone_save(
            actor=request.user, milestone=milestone, expected_version=data["version"], **form.values()
        ),
        success=lambda m: reverse("review:timeline") + f"#milestone-{m.pk}",
        message=lambda m: f"Milestone ‘{m.title}’ saved.",
        conflict=lambda: rebind(
            MilestoneEditForm,
            request,
            get_visible_or_404(selectors.milestones(), pk, user=request.user),
            instance=get_visible_or_404(selectors.milestones(), pk, user=request.user),
        ),
        title="Change the milestone",
        caption="Project timeline",
        back=(reverse("review:timeline"), "Back to the timeline"),
    )
