"""Review URLs (mounted at /review/). Every one is in tests/permission_matrix/review.py."""

from __future__ import annotations

from django.urls import URLPattern, path

from .views import cycles, evidence, frameworks, governance, implementation, members, peer, returns

app_name = "review"

urlpatterns: list[URLPattern] = [
    path("", members.index, name="index"),
    # Frameworks
    path("frameworks/", frameworks.framework_list, name="framework_list"),
    path("frameworks/<int:pk>/new-version/", frameworks.version_new, name="version_new"),
    path("frameworks/versions/<int:pk>/", frameworks.version_detail, name="version_detail"),
    path("frameworks/versions/<int:pk>/edit/", frameworks.version_edit, name="version_edit"),
    path("frameworks/versions/<int:pk>/publish/", frameworks.version_publish, name="version_publish"),
    path("frameworks/versions/<int:pk>/export/", frameworks.version_export, name="version_export"),
    path("frameworks/versions/<int:pk>/sections/new/", frameworks.section_add, name="section_add"),
    path("frameworks/sections/<int:pk>/", frameworks.section_edit, name="section_edit"),
    path("frameworks/sections/<int:pk>/questions/new/", frameworks.question_add, name="question_add"),
    path("frameworks/questions/<int:pk>/", frameworks.question_edit, name="question_edit"),
    path("frameworks/questions/<int:pk>/remove/", frameworks.question_remove, name="question_remove"),
    # Cycles
    path("cycles/", cycles.cycle_list, name="cycle_list"),
    path("cycles/new/", cycles.cycle_create, name="cycle_create"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle_detail"),
    path("cycles/<int:pk>/edit/", cycles.cycle_edit, name="cycle_edit"),
    path("cycles/<int:pk>/remind/", cycles.cycle_remind, name="cycle_remind"),
    path("cycles/<int:pk>/results/", cycles.cycle_results, name="cycle_results"),
    path("cycles/<int:pk>/publish/", cycles.cycle_publish, name="cycle_publish"),
    path("cycles/<int:pk>/export/", cycles.cycle_export, name="cycle_export"),
    path("cycles/<int:pk>/evidence/", evidence.cycle_evidence_map, name="cycle_evidence_map"),
    # Returns
    path("returns/<int:pk>/", returns.return_detail, name="return_detail"),
    path("returns/<int:pk>/sections/<int:section_pk>/", returns.return_section, name="return_section"),
    path("returns/<int:pk>/carry-forward/", returns.return_carry_forward, name="return_carry_forward"),
    path("returns/<int:pk>/submit/", returns.return_submit, name="return_submit"),
    path("returns/<int:pk>/reopen/", returns.return_reopen, name="return_reopen"),
    path("returns/<int:pk>/results/", returns.return_results, name="return_results"),
    path("evidence/<int:pk>/", returns.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", returns.evidence_remove, name="evidence_remove"),
    # Peer review
    path("peer-review/", peer.round_list, name="round_list"),
    path("peer-review/new/", peer.round_create, name="round_create"),
    path("peer-review/<int:pk>/", peer.round_detail, name="round_detail"),
    path("peer-review/<int:pk>/edit/", peer.round_edit, name="round_edit"),
    path("peer-review/<int:pk>/publish/", peer.round_publish, name="round_publish"),
    path("peer-review/<int:pk>/report/", peer.round_report, name="round_report"),
    path("peer-review/<int:pk>/report.pdf", peer.round_report_pdf, name="round_report_pdf"),
    path("peer-review/<int:pk>/meetings/new/", peer.review_create, name="review_create"),
    path("peer-review/<int:pk>/findings/new/", peer.finding_create, name="finding_create"),
    path(
        "peer-review/<int:pk>/recommendations/new/",
        implementation.recommendation_create,
        name="recommendation_create",
    ),
    path("meetings/<int:pk>/", peer.review_detail, name="review_detail"),
    path("meetings/<int:pk>/plan/", peer.review_edit, name="review_edit"),
    path("meetings/<int:pk>/record/", peer.review_record, name="review_record"),
    path("meetings/<int:pk>/pack.pdf", peer.review_pack, name="review_pack"),
    path("meetings/<int:pk>/evidence/", evidence.review_evidence, name="review_evidence"),
    path("findings/<int:pk>/", peer.finding_detail, name="finding_detail"),
    path("findings/<int:pk>/edit/", peer.finding_edit, name="finding_edit"),
    # Recommendations and implementation
    path("recommendations/", implementation.recommendation_list, name="recommendation_list"),
    path("recommendations/<int:pk>/", implementation.recommendation_detail, name="recommendation_detail"),
    path("recommendations/<int:pk>/edit/", implementation.recommendation_edit, name="recommendation_edit"),
    path("recommendations/<int:pk>/actions/new/", implementation.action_create, name="action_create"),
    path("actions/<int:pk>/", implementation.action_detail, name="action_detail"),
    path("actions/<int:pk>/edit/", implementation.action_edit, name="action_edit"),
    path("actions/<int:pk>/progress/", implementation.action_progress, name="action_progress"),
    path("actions/<int:pk>/milestones/new/", implementation.action_milestone_add, name="action_milestone_add"),
    path("action-milestones/<int:pk>/done/", implementation.action_milestone_done, name="action_milestone_done"),
    path("actions/<int:pk>/close/", implementation.action_close, name="action_close"),
    path("actions/<int:pk>/approve/", implementation.action_approve, name="action_approve"),
    path("updates/<int:pk>/evidence/", implementation.update_evidence, name="update_evidence"),
    # Governance
    path("groups/", governance.group_list, name="group_list"),
    path("groups/new/", governance.group_create, name="group_create"),
    path("groups/<int:pk>/", governance.group_detail, name="group_detail"),
    path("groups/<int:pk>/edit/", governance.group_edit, name="group_edit"),
    path("groups/<int:pk>/members/new/", governance.group_member_add, name="group_member_add"),
    path(
        "groups/<int:pk>/members/<int:member_pk>/remove/",
        governance.group_member_remove,
        name="group_member_remove",
    ),
    path("groups/<int:pk>/meetings/new/", governance.group_meeting_create, name="group_meeting_create"),
    path("group-meetings/<int:pk>/", governance.group_meeting_detail, name="group_meeting_detail"),
    path("group-meetings/<int:pk>/edit/", governance.group_meeting_edit, name="group_meeting_edit"),
    path("timeline/", governance.timeline, name="timeline"),
    path("timeline/new/", governance.milestone_create, name="milestone_create"),
    path("timeline/<int:pk>/", governance.milestone_edit, name="milestone_edit"),
    # Members area
    path("members/", members.members_home, name="members_home"),
    path("members/directory/", members.directory, name="directory"),
    path("members/directory/me/", members.directory_me, name="directory_me"),
    path("members/news/new/", members.news_create, name="news_create"),
]
