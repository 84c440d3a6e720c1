"""Peer review: plan, record, find, recommend, assign, act, close — and the reports."""

from __future__ import annotations

from io import BytesIO

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfReader

from macehub.audit.models import Action, AuditEvent
from macehub.review.models import (
    Finding,
    GovernanceGroup,
    ImplementationAction,
    PeerReview,
    ProgressUpdate,
    Recommendation,
    ReviewRound,
)


def _pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    text = " ".join((page.extract_text() or "") for page in PdfReader(BytesIO(response.content)).pages)
    return " ".join(text.split())


def test_the_london_team_plans_a_meeting_with_reviewers_from_three_sectors(rw, world, client_as) -> None:
    from tests.factories.personas import grant, make_user

    health = grant(make_user("nurse@test.invalid", "Nia Nurse"), "peer_reviewer").user
    client = client_as("london_team")
    url = f"/review/peer-review/{rw.review_round.pk}/meetings/new/"
    bad = client.post(url, {"title": "Meeting 2", "meeting_link": "not a link"})
    html = bad.content.decode()
    assert "Choose at least one partnership to review." in html and "Enter meeting date" in html
    assert "Choose at least one reviewer" in html and 'value="Meeting 2"' in html
    response = client.post(
        url,
        {
            "title": "Meeting 2: Bravo",
            "partnerships": [world.partnership_b.pk],
            "meeting_date_day": "3",
            "meeting_date_month": "3",
            "meeting_date_year": "2027",
            "meeting_link": "https://meet.example.org/bravo",
            "reviewer_health": health.pk,
            "reviewer_police": world.user("peer_reviewer").pk,
        },
    )
    assert response.status_code == 302
    review = PeerReview.objects.get(title="Meeting 2: Bravo")
    assert sorted(review.reviewer_assignments.values_list("sector", flat=True)) == ["health", "police"]
    assert AuditEvent.objects.filter(
        action=Action.CREATE, object_type="review.peerreview", object_id=str(review.pk)
    ).exists()
    # The reviewer now sees Bravo's return too, but still not the round's other business.
    reviewer = client_as("peer_reviewer")
    assert reviewer.get(f"/review/returns/{rw.return_b.pk}/").status_code == 200
    nurse = client_as("anonymous")
    from tests.factories.personas import sign_in

    sign_in(nurse, health)
    assert nurse.get(f"/review/returns/{rw.return_b.pk}/").status_code == 200
    assert nurse.get(f"/review/returns/{rw.return_a.pk}/").status_code == 404, "only the partnerships they review"
    assert nurse.get(f"/review/findings/{rw.finding.pk}/").status_code == 404, "a finding about Alpha, unpublished"


def test_a_reviewer_records_the_meeting_and_a_finding_linked_to_the_evidence(rw, world, client_as) -> None:
    client = client_as("peer_reviewer")
    url = f"/review/meetings/{rw.peer_review.pk}/record/"
    incomplete = client.post(url, {"version": rw.peer_review.version, "status": "held", "attendees": ""})
    assert "Record who attended" in incomplete.content.decode()
    response = client.post(
        url,
        {
            "version": rw.peer_review.version,
            "status": "held",
            "attendees": "Alpha chair\nAlpha lead",
            "notes_volt": "Locations are rarely discussed.",
            "notes_protocol": rw.note.notes,
            "strengths": "Chairing",
            "areas_for_development": "Locations",
        },
    )
    assert response.status_code == 302
    assert rw.peer_review.notes.filter(area="volt").exists()
    question = rw.answer_a.question
    note = rw.peer_review.notes.get(area="volt")
    response = client.post(
        f"/review/peer-review/{rw.review_round.pk}/findings/new/",
        {
            "theme": "volt",
            "title": "Locations get too little time",
            "summary": "Both the return and the meeting say so.",
            "partnerships": [world.partnership_a.pk],
            "questions": [question.pk],
            "notes": [note.pk],
            "source_review": rw.peer_review.pk,
        },
    )
    assert response.status_code == 302
    finding = Finding.objects.get(title="Locations get too little time")
    assert list(finding.evidence_notes.all()) == [note]
    assert [a.pk for a in finding.evidence_answers.all()] == [], "Alpha's return is not submitted: no evidence yet"
    page = client.get(f"/review/findings/{finding.pk}/").content.decode()
    assert "Locations are rarely discussed." in page
    # A reviewer cannot pick a partnership they do not review.
    refused = client.post(
        f"/review/peer-review/{rw.review_round.pk}/findings/new/",
        {"theme": "volt", "title": "X", "summary": "Y", "partnerships": [world.partnership_b.pk], "notes": [note.pk]},
    )
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()


def test_a_recommendation_is_assigned_to_a_task_and_finish_group_and_its_chair_is_told(
    rw, world, client_as, django_capture_on_commit_callbacks
) -> None:
    group = GovernanceGroup.objects.create(name="Tools T&F", kind="task_and_finish")
    group.memberships.create(user=world.user("chair_a"), role="chair")
    client = client_as("london_team")
    data = {
        "reference": "r2",
        "title": "Share one agenda template",
        "findings": [rw.finding.pk],
        "scope": "london",
        "owner_kind": "group",
        "status": "proposed",
    }
    missing_owner = client.post(f"/review/peer-review/{rw.review_round.pk}/recommendations/new/", data)
    assert "Choose who owns this recommendation" in missing_owner.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/review/peer-review/{rw.review_round.pk}/recommendations/new/", {**data, "owner_group": group.pk}
        )
    assert response.status_code == 302
    rec = Recommendation.objects.get(reference="R2")
    assert (rec.owner_group, rec.status) == (group, "accepted"), "assigning an owner accepts it"
    assert mail.outbox[-1].to == ["chair.a@test.invalid"] and "R2" in mail.outbox[-1].subject
    assert AuditEvent.objects.filter(object_type="review.recommendation", detail__event="owner_assigned").exists()
    # The chain back to the evidence is on the recommendation's page.
    page = client.get(f"/review/recommendations/{rec.pk}/").content.decode()
    assert rw.finding.title in page and "1 self-assessment answer" in page and "1 meeting note" in page
    # The group's chair sees it (group owner) and can plan actions.
    assert client_as("chair_a").get(f"/review/recommendations/{rec.pk}/actions/new/").status_code == 200


def test_progress_with_evidence_then_closure_approved_by_someone_other_than_who_asked(rw, world, client_as) -> None:
    owner = client_as("peer_reviewer")  # chairs the owning group
    action = rw.action
    response = owner.post(
        f"/review/actions/{action.pk}/progress/",
        {
            "version": action.version,
            "text": "Paragraph published.",
            "status": "on_track",
            "evidence": SimpleUploadedFile("paragraph.txt", b"Model paragraph.\n"),
        },
    )
    assert response.status_code == 302
    action.refresh_from_db()
    response = owner.post(
        f"/review/actions/{action.pk}/close/",
        {"version": action.version, "text": "Done: every partnership has the paragraph."},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.status == "awaiting_closure"
    # The owning group's only chair asked for the closure, so may not approve it (C32): the
    # London project team decides instead.
    assert owner.get(f"/review/actions/{action.pk}/approve/").status_code == 403
    london = client_as("london_team")
    back = london.post(f"/review/actions/{action.pk}/approve/", {"version": action.version, "decision": "return"})
    assert "Enter what still needs to be done" in back.content.decode()
    approve = london.post(f"/review/actions/{action.pk}/approve/", {"version": action.version, "decision": "approve"})
    assert approve.status_code == 302
    action.refresh_from_db()
    assert action.status == "closed" and action.closed_by == world.user("london_team")
    assert AuditEvent.objects.filter(action=Action.APPROVED, object_type="review.implementationaction").exists()
    assert Recommendation.objects.get(pk=rw.recommendation.pk).status == "in_progress", "another action is open"
    other = rw.action_awaiting
    london.post(f"/review/actions/{other.pk}/approve/", {"version": other.version, "decision": "approve"})
    assert Recommendation.objects.get(pk=rw.recommendation.pk).status == "implemented"
    kinds = list(ProgressUpdate.objects.filter(action=action).values_list("kind", flat=True))
    assert kinds == ["closure_approved", "closure_requested", "progress", "progress"]
    evidence_update = ProgressUpdate.objects.filter(action=action, evidence__original_name="paragraph.txt").get()
    download = owner.get(f"/review/updates/{evidence_update.pk}/evidence/")
    assert download.status_code == 200
    assert client_as("member_b").get(f"/review/updates/{evidence_update.pk}/evidence/").status_code == 404


def test_a_closed_action_cannot_be_updated(rw, client_as) -> None:
    ImplementationAction.objects.filter(pk=rw.action.pk).update(
        status="closed", closed_at=rw.action.created_at, closed_by=rw.action.created_by
    )
    assert client_as("peer_reviewer").get(f"/review/actions/{rw.action.pk}/progress/").status_code == 403


def test_the_findings_report_is_a_web_page_and_a_pdf(rw, client_as) -> None:
    client = client_as("london_team")
    page = client.get(f"/review/peer-review/{rw.review_round.pk}/report/").content.decode()
    assert rw.finding.title in page and "R1" in page and "Not yet published" in page
    text = _pdf_text(client.get(f"/review/peer-review/{rw.review_round.pk}/report.pdf"))
    assert "Findings report" in text and "Local procedures do not yet point" in text
    assert "Every partnership links its procedures" in text and "Data and oversight Task and Finish group" in text
    assert "1 of 2 participating partnerships returned" in text
    assert AuditEvent.objects.filter(action=Action.EXPORT, detail__report="findings").exists()


def test_the_pre_reading_pack_is_generated_from_the_self_assessment(rw, client_as) -> None:
    response = client_as("peer_reviewer").get(f"/review/meetings/{rw.peer_review.pk}/pack.pdf")
    text = _pdf_text(response)
    assert "Pre-reading pack" in text and "Alpha Safeguarding Children Partnership" in text
    assert rw.answer_a.question.text[:40] in text
    assert "2 – Developing" in text and "terms-of-reference.txt" in text
    assert "Rae Reviewer (Police)" in text


def test_publishing_the_findings_opens_them_to_every_member(rw, client_as) -> None:
    member = client_as("member_b")
    assert member.get(f"/review/peer-review/{rw.review_round.pk}/report/").status_code == 404
    assert member.get(f"/review/recommendations/{rw.recommendation.pk}/").status_code == 404
    response = client_as("london_team").post(
        f"/review/peer-review/{rw.review_round.pk}/publish/", {"version": rw.review_round.version}
    )
    assert response.status_code == 302 and ReviewRound.objects.get(pk=rw.review_round.pk).is_published
    assert member.get(f"/review/peer-review/{rw.review_round.pk}/report/").status_code == 200
    assert member.get(f"/review/recommendations/{rw.recommendation.pk}/").status_code == 200
    assert member.get(f"/review/findings/{rw.finding.pk}/").status_code == 200
    # Published findings can no longer be changed, even by the reviewers.
    assert client_as("peer_reviewer").get(f"/review/findings/{rw.finding.pk}/edit/").status_code == 403
