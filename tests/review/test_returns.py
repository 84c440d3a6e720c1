"""A partnership completes its return: save and resume, evidence, submit, locking, reopen, carry forward."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from macehub.audit.models import Action, AuditEvent
from macehub.review.models import Answer, Assessment, AssessmentSection, Cycle, Evidence, Question
from macehub.review.services import cycles as services

from .conftest import section_post


def _questions(section):
    return list(Question.objects.filter(section=section).order_by("order"))


def _state(assessment, section) -> int:
    return AssessmentSection.objects.get(assessment=assessment, section=section).version


def _rate_everything(assessment, rating: int = 3) -> None:
    for question in Question.objects.filter(section__framework_version=assessment.cycle.framework_version):
        Answer.objects.update_or_create(assessment=assessment, question=question, defaults={"rating": rating})


def test_the_london_team_opens_a_cycle_and_every_lead_is_told(world, client_as, django_capture_on_commit_callbacks):
    from macehub.review.framework_files import ensure_default_framework

    version = ensure_default_framework()
    client = client_as("london_team")
    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/review/cycles/new/",
            {
                "name": "2026 MACE self-assessment",
                "framework_version": version.pk,
                "opens_on_day": today.day,
                "opens_on_month": today.month,
                "opens_on_year": today.year,
                "deadline_day": "31",
                "deadline_month": "2",
                "deadline_year": str(today.year + 1),
                "partnerships": [world.partnership_a.pk, world.partnership_b.pk],
            },
        )
    html = response.content.decode()
    assert response.status_code == 200, "31 February is refused"
    assert "Deadline for returns must be a real date" in html and 'value="2026 MACE self-assessment"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/review/cycles/new/",
            {
                "name": "2026 MACE self-assessment",
                "framework_version": version.pk,
                "opens_on_day": today.day,
                "opens_on_month": today.month,
                "opens_on_year": today.year,
                "deadline_day": "28",
                "deadline_month": "2",
                "deadline_year": str(today.year + 1),
                "partnerships": [world.partnership_a.pk, world.partnership_b.pk],
            },
        )
    assert response.status_code == 302
    cycle = Cycle.objects.get(name="2026 MACE self-assessment")
    assert cycle.assessments.count() == 2
    assert AssessmentSection.objects.filter(assessment__cycle=cycle).count() == 12
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    assert recipients == [("admin.a@test.invalid", "lead.a@test.invalid"), ("admin.b@test.invalid",)]
    event = AuditEvent.objects.get(action=Action.CREATE, object_type="review.cycle")
    assert event.detail == {"event": "cycle_opened", "participating": 2}


def test_a_lead_saves_a_section_with_evidence_and_comes_back_to_it(rw, world, client_as) -> None:
    client = client_as("lead_a")
    questions = _questions(rw.section)
    url = f"/review/returns/{rw.return_a.pk}/sections/{rw.section.pk}/"
    data = section_post(rw.section, _state(rw.return_a, rw.section), {questions[0].pk: 3, questions[1].pk: 2})
    data[f"q{questions[0].pk}_comment"] = "Adopted by the board in March."
    data[f"q{questions[1].pk}_evidence"] = SimpleUploadedFile("leads.txt", b"Named leads, 2025.\n")
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == f"/review/returns/{rw.return_a.pk}/"
    first = Answer.objects.get(assessment=rw.return_a, question=questions[0])
    assert (first.rating, first.comment, first.carried_forward) == (3, "Adopted by the board in March.", False)
    evidence = Evidence.objects.get(answer__question=questions[1])
    assert evidence.file.original_name == "leads.txt" and evidence.file.partnership_id == world.partnership_a.pk
    event = AuditEvent.objects.filter(action=Action.UPDATE, detail__event="section_saved").latest("seq")
    assert event.changes[f"{questions[0].code} rating"] == [2, 3]
    assert event.changes[f"{questions[0].code} comment"] == ["(redacted)", "(redacted)"]
    assert event.detail["evidence_added"] == [{"question": questions[1].code, "file": "leads.txt"}]
    assert Assessment.objects.get(pk=rw.return_a.pk).status == "in_progress"

    # Coming back: the saved answers are there, and the task list counts them.
    page = client.get(url).content.decode()
    assert "Adopted by the board in March." in page and "leads.txt" in page
    assert "2 of 9 rated" in client.get(f"/review/returns/{rw.return_a.pk}/").content.decode()

    # The download is permission-checked and audited; another partnership cannot reach it.
    download = client.get(f"/review/evidence/{evidence.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"Named leads, 2025.\n"
    assert AuditEvent.objects.filter(action=Action.DOWNLOAD, object_type="review.evidence").exists()
    assert client_as("borough_admin_b").get(f"/review/evidence/{evidence.pk}/").status_code == 404


def test_evidence_of_the_wrong_type_is_refused_and_what_was_typed_is_kept(rw, client_as) -> None:
    client = client_as("analyst_a")
    questions = _questions(rw.section)
    data = section_post(rw.section, _state(rw.return_a, rw.section), {questions[2].pk: 4})
    data[f"q{questions[2].pk}_comment"] = "Words I do not want to lose"
    data[f"q{questions[2].pk}_evidence"] = SimpleUploadedFile("report.pdf", b"<html><body>not a pdf</body></html>")
    response = client.post(f"/review/returns/{rw.return_a.pk}/sections/{rw.section.pk}/", data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and f"{questions[2].code}: The selected file is not really a PDF file" in html
    assert "Words I do not want to lose" in html
    assert not Answer.objects.filter(assessment=rw.return_a, question=questions[2]).exists()


def test_two_colleagues_saving_the_same_section_do_not_overwrite_each_other(rw, client_as) -> None:
    questions = _questions(rw.section)
    opened_at = _state(rw.return_a, rw.section)
    url = f"/review/returns/{rw.return_a.pk}/sections/{rw.section.pk}/"
    assert client_as("lead_a").post(url, section_post(rw.section, opened_at, {questions[3].pk: 4})).status_code == 302
    stale = client_as("chair_a").post(url, section_post(rw.section, opened_at, {questions[3].pk: 1}))
    assert stale.status_code == 409
    assert "Someone else saved changes" in stale.content.decode()
    assert Answer.objects.get(assessment=rw.return_a, question=questions[3]).rating == 4


def test_colleagues_contribute_but_only_the_lead_submits(rw, client_as) -> None:
    assert client_as("analyst_a").get(f"/review/returns/{rw.return_a.pk}/submit/").status_code == 403
    assert client_as("chair_a").post(f"/review/returns/{rw.return_a.pk}/submit/", {}).status_code == 403
    assert client_as("lead_a").get(f"/review/returns/{rw.return_a.pk}/submit/").status_code == 200


def test_an_incomplete_return_cannot_be_submitted(rw, client_as) -> None:
    client = client_as("borough_admin_a")
    response = client.post(
        f"/review/returns/{rw.return_a.pk}/submit/", {"version": rw.return_a.version, "confirm": "on"}
    )
    html = response.content.decode()
    assert response.status_code == 200 and "Rate every question before you submit: 36 still to do" in html
    assert Assessment.objects.get(pk=rw.return_a.pk).status == "in_progress"
    missing_confirmation = client.post(f"/review/returns/{rw.return_a.pk}/submit/", {"version": rw.return_a.version})
    assert "Confirm that the statutory partners agree" in missing_confirmation.content.decode()


def test_a_submitted_return_is_read_only_even_from_a_stale_tab(rw, client_as, django_capture_on_commit_callbacks):
    client = client_as("lead_a")
    questions = _questions(rw.section)
    opened_at = _state(rw.return_a, rw.section)  # a tab opened before submission
    _rate_everything(rw.return_a, 3)
    assessment = Assessment.objects.get(pk=rw.return_a.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/review/returns/{assessment.pk}/submit/", {"version": assessment.version, "confirm": "on"}
        )
    assert response.status_code == 302
    assessment.refresh_from_db()
    assert (
        assessment.status == "submitted"
        and assessment.submitted_by == rw.return_a.partnership.memberships.get(role="strategic_lead").user
    )
    assert AuditEvent.objects.filter(action=Action.SUBMIT, detail__event="submitted").exists()
    assert any("submitted" in m.subject for m in mail.outbox)

    stale = client.post(
        f"/review/returns/{assessment.pk}/sections/{rw.section.pk}/",
        section_post(rw.section, opened_at, {questions[0].pk: 1}),
    )
    assert stale.status_code == 409
    stale_html = stale.content.decode()
    assert "This return has been submitted, so it can no longer be changed" in stale_html
    assert f'name="q{questions[0].pk}_rating" type="radio" value="1" checked' in stale_html, "what was typed is kept"
    assert Answer.objects.get(assessment=assessment, question=questions[0]).rating == 3
    other = client_as("member_a").post(
        f"/review/returns/{assessment.pk}/sections/{rw.section.pk}/",
        section_post(rw.section, opened_at, {questions[0].pk: 1}),
    )
    assert other.status_code == 404
    page = client.get(f"/review/returns/{assessment.pk}/sections/{rw.section.pk}/").content.decode()
    assert "<form" not in page.split("<main")[1].split("</main>")[0]

    # Even calling the service directly (a race between the check and the save) is refused.
    from macehub.review.services.cycles import ReturnLockedError

    assessment.status = "in_progress"  # what the stale tab believed
    with pytest.raises(ReturnLockedError, match="has been submitted"):
        services.assessment_save_section(
            actor=rw.return_a.partnership.memberships.get(role="strategic_lead").user,
            assessment=assessment,
            section=rw.section,
            expected_version=opened_at,
            answers={questions[0].pk: {"rating": 1, "comment": ""}},
        )


def test_a_stale_submit_page_is_refused_when_a_colleague_saved_since(rw, client_as) -> None:
    _rate_everything(rw.return_a)
    opened = Assessment.objects.get(pk=rw.return_a.pk).version
    questions = _questions(rw.section)
    assert (
        client_as("analyst_a")
        .post(
            f"/review/returns/{rw.return_a.pk}/sections/{rw.section.pk}/",
            section_post(rw.section, _state(rw.return_a, rw.section), {q.pk: 2 for q in questions}, comment="Checked."),
        )
        .status_code
        == 302
    )
    response = client_as("lead_a").post(
        f"/review/returns/{rw.return_a.pk}/submit/", {"version": opened, "confirm": "on"}
    )
    assert response.status_code == 409
    assert "Someone saved changes to this return after you opened this page" in response.content.decode()
    assert Assessment.objects.get(pk=rw.return_a.pk).status == "in_progress"


def test_the_london_team_reopens_a_submitted_return_with_a_reason(rw, client_as, django_capture_on_commit_callbacks):
    client = client_as("london_team")
    url = f"/review/returns/{rw.return_b.pk}/reopen/"
    response = client.post(url, {"version": rw.return_b.version, "reason": ""})
    assert "Enter why you are reopening the return" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"version": rw.return_b.version, "reason": "Section E was answered for 2021."})
    assert response.status_code == 302
    reopened = Assessment.objects.get(pk=rw.return_b.pk)
    assert (reopened.status, reopened.reopened_count) == ("in_progress", 1)
    event = AuditEvent.objects.get(detail__event="reopened")
    assert (
        event.detail["reason"] == "Section E was answered for 2021."
        and event.partnership_id == rw.return_b.partnership_id
    )
    assert mail.outbox[-1].to == ["admin.b@test.invalid"] and "reopened" in mail.outbox[-1].subject
    # The London team reads returns but never changes a partnership's answers.
    assert client.get(f"/review/returns/{rw.return_b.pk}/submit/").status_code == 403


def test_last_cycles_answers_carry_forward_and_must_be_checked_before_submitting(rw, world, client_as) -> None:
    london = world.user("london_team")
    Assessment.objects.filter(pk=rw.return_a.pk).update(status="submitted", submitted_at=timezone.now())
    _rate_everything(rw.return_a, 2)
    today = timezone.localdate()
    new_cycle = services.cycle_open(
        actor=london,
        name="Next cycle",
        framework_version=rw.version,
        opens_on=today,
        deadline=today + timedelta(days=30),
        partnerships=[world.partnership_a],
        previous=rw.cycle,
    )
    new_return = new_cycle.assessments.get()
    client = client_as("lead_a")
    assert "Carry forward last cycle" in client.get(f"/review/returns/{new_return.pk}/").content.decode()
    response = client.post(f"/review/returns/{new_return.pk}/carry-forward/")
    assert response.status_code == 302
    copied = Answer.objects.filter(assessment=new_return)
    assert copied.count() == 37 and all(a.carried_forward and a.rating for a in copied)
    carried_evidence = Evidence.objects.get(answer__assessment=new_return)
    assert carried_evidence.file_id == rw.evidence_a.file_id, "evidence travels with the answer, not copied on disk"
    assert Answer.objects.get(pk=rw.answer_a.pk).carried_forward is False, "the old return is untouched"

    new_return.refresh_from_db()
    blocked = client.post(f"/review/returns/{new_return.pk}/submit/", {"version": new_return.version, "confirm": "on"})
    assert "carried forward from the last cycle and have not been checked" in blocked.content.decode()
    # Saving each section confirms its carried answers.
    for section in new_return.cycle.framework_version.sections.all():
        questions = _questions(section)
        state = _state(new_return, section)
        assert (
            client.post(
                f"/review/returns/{new_return.pk}/sections/{section.pk}/",
                section_post(section, state, {q.pk: 3 for q in questions}, comment="Still right."),
            ).status_code
            == 302
        )
    new_return.refresh_from_db()
    done = client.post(f"/review/returns/{new_return.pk}/submit/", {"version": new_return.version, "confirm": "on"})
    assert done.status_code == 302
    assert AuditEvent.objects.filter(detail__event="carried_forward", detail__answers=37).exists()


def test_tracking_shows_who_has_returned_and_who_is_late(rw, client_as) -> None:
    client = client_as("london_team")
    html = client.get(f"/review/cycles/{rw.cycle.pk}/").content.decode()
    assert "1 of 2" in html and "Not yet returned (1)" in html
    Cycle.objects.filter(pk=rw.cycle.pk).update(deadline=timezone.localdate() - timedelta(days=1))
    html = client.get(f"/review/cycles/{rw.cycle.pk}/").content.decode()
    assert "Late (1)" in html and "Alpha" in html.split("Late (1)")[1][:200]


def test_reminders_are_sent_by_the_worker_to_late_partnerships_only(rw, client_as, django_capture_on_commit_callbacks):
    client = client_as("london_team")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/review/cycles/{rw.cycle.pk}/remind/")
    assert response.status_code == 302
    assert [sorted(m.to) for m in mail.outbox] == [["admin.a@test.invalid", "lead.a@test.invalid"]]
    assert "Reminder: Alpha self-assessment" in mail.outbox[0].subject
    reminded = Assessment.objects.get(pk=rw.return_a.pk)
    assert reminded.reminders_sent == 1 and reminded.last_reminded_at is not None
    assert Assessment.objects.get(pk=rw.return_b.pk).reminders_sent == 0
    assert AuditEvent.objects.filter(detail__event="reminders_requested").exists()
    assert AuditEvent.objects.filter(detail__event="reminders_sent", detail__returns=1).exists()


def test_a_reminder_task_run_twice_reminds_nobody_twice(rw) -> None:
    """A worker killed after the task committed is re-run after its lease (issue #11)."""
    from macehub.operations.models import OutboxMessage
    from macehub.review.services.cycles import send_reminders

    before = OutboxMessage.objects.count()
    requested_at = timezone.now()
    assert send_reminders(cycle_id=rw.cycle.pk, requested_at=requested_at) == 1
    assert send_reminders(cycle_id=rw.cycle.pk, requested_at=requested_at) == 0
    assert OutboxMessage.objects.count() == before + 1
    assert Assessment.objects.get(pk=rw.return_a.pk).reminders_sent == 1


def test_the_reminder_command_queues_reminders_for_cycles_due_soon(rw, django_capture_on_commit_callbacks) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", "--days", "3", stdout=out)
    assert "Reminders queued for 0 cycle(s)" in out.getvalue() and not mail.outbox
    with django_capture_on_commit_callbacks(execute=True):
        call_command("send_review_reminders", "--days", "30", stdout=out)
    assert "1 partnership(s)" in out.getvalue()
    assert len(mail.outbox) == 1 and "overdue" not in mail.outbox[0].subject.lower()
