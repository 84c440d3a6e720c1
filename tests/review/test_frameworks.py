"""Self-assessment frameworks are versioned data; a new version never changes old answers."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from macehub.audit.models import Action, AuditEvent
from macehub.review.framework_files import DEFAULT_FRAMEWORK_FILE, check_framework_data, framework_as_data
from macehub.review.models import Answer, FrameworkVersion, Question, ReviewArea, Section
from macehub.review.services import frameworks as services


def test_the_default_framework_for_the_2021_protocol_is_loaded_by_migration(db) -> None:
    version = FrameworkVersion.objects.get(framework__key="london-protocol-2021", number=1)
    assert version.status == "published"
    questions = Question.objects.filter(section__framework_version=version)
    assert 25 <= questions.count() <= 40
    assert [level["label"] for level in version.rating_scale] == [
        "Not yet in place",
        "Developing",
        "Established",
        "Embedded and improving",
    ]
    # Every review question is tested, and every question says what it tests and what to attach.
    assert set(Section.objects.filter(framework_version=version).values_list("area", flat=True)) == set(
        ReviewArea.values
    )
    for question in questions:
        assert question.protocol_reference and question.evidence_prompt and question.key
    focuses = set(questions.values_list("focus", flat=True))
    assert {"Agenda", "Attendance", "Partner contributions", "Chairing", "Data", "Strategy", "Impact"} <= focuses


def test_a_new_version_is_a_draft_copy_and_changing_it_leaves_answers_to_the_old_one_alone(rw, world) -> None:
    london = world.user("london_team")
    old_question = rw.answer_a.question
    draft = rw.draft
    copy = Question.objects.get(section__framework_version=draft, key=old_question.key)
    assert copy.pk != old_question.pk and copy.text == old_question.text

    services.question_save(
        actor=london,
        section=copy.section,
        question=copy,
        expected_version=copy.version,
        code=copy.code,
        text="Reworded for the new protocol.",
        focus=copy.focus,
        protocol_reference=copy.protocol_reference,
        guidance="",
        evidence_prompt=copy.evidence_prompt,
        allows_comment=True,
        order=copy.order,
    )
    answer = Answer.objects.get(pk=rw.answer_a.pk)
    assert answer.question_id == old_question.pk
    assert answer.question.text == old_question.text != "Reworded for the new protocol."

    services.version_publish(actor=london, version=draft, expected_version=draft.version)
    assert FrameworkVersion.objects.get(pk=rw.version.pk).status == "retired"
    assert FrameworkVersion.objects.get(pk=draft.pk).status == "published"
    assert AuditEvent.objects.filter(action=Action.PUBLISH, detail__event="published").exists()


def test_a_published_version_cannot_be_changed(rw, world, client_as) -> None:
    london = world.user("london_team")
    question = Question.objects.filter(section__framework_version=rw.version).first()
    assert question is not None
    with pytest.raises(ValidationError):
        services.question_remove(actor=london, question=question)
    client = client_as("london_team")
    assert client.get(f"/review/frameworks/questions/{question.pk}/").status_code == 403
    assert client.get(f"/review/frameworks/versions/{rw.version.pk}/edit/").status_code == 403


def test_the_london_team_edits_a_draft_question_with_govuk_errors_and_keeps_what_was_typed(rw, client_as) -> None:
    client = client_as("london_team")
    url = f"/review/frameworks/questions/{rw.draft_question.pk}/"
    response = client.post(
        url,
        {
            "version": rw.draft_question.version,
            "code": "A1",
            "text": "A new wording I typed",
            "protocol_reference": "",
            "evidence_prompt": "",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert "Enter protocol clause or review question it tests" in html
    assert "A new wording I typed" in html
    assert Question.objects.get(pk=rw.draft_question.pk).text != "A new wording I typed"


def test_a_stale_question_form_is_refused_with_409(rw, client_as) -> None:
    client = client_as("london_team")
    question = rw.draft_question
    data = {
        "code": question.code,
        "text": "First change",
        "protocol_reference": question.protocol_reference,
        "evidence_prompt": question.evidence_prompt,
        "allows_comment": "on",
        "version": question.version,
    }
    url = f"/review/frameworks/questions/{question.pk}/"
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "text": "Second change"})
    assert stale.status_code == 409
    assert "Second change" in stale.content.decode()
    assert Question.objects.get(pk=question.pk).text == "First change"


def test_the_london_team_can_start_only_one_draft_at_a_time(rw, world) -> None:
    with pytest.raises(ValidationError):
        services.version_new_draft(actor=world.user("london_team"), framework=rw.version.framework)


def test_a_framework_file_loads_as_a_new_version_and_bad_files_are_refused(db, tmp_path: Path) -> None:
    data = json.loads(DEFAULT_FRAMEWORK_FILE.read_text())
    data["version_notes"] = "Adds a question about online spaces."
    data["sections"][1]["questions"].append(
        {
            "key": "online-spaces",
            "code": "B8",
            "text": "Online spaces of concern are recorded and acted on.",
            "protocol_reference": "Section 4; appendix H",
            "evidence_prompt": "Examples of online disruption.",
        }
    )
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(data))
    out = StringIO()
    call_command("load_review_framework", str(path), stdout=out)
    assert "version 2" in out.getvalue() and "38 questions" in out.getvalue()
    new = FrameworkVersion.objects.get(framework__key="london-protocol-2021", number=2)
    assert new.status == "published"
    assert FrameworkVersion.objects.get(framework__key="london-protocol-2021", number=1).status == "retired"
    assert AuditEvent.objects.filter(detail__event="framework_loaded").exists()

    data["sections"][0]["questions"][0]["code"] = "A2"  # two questions numbered A2
    path.write_text(json.dumps(data))
    with pytest.raises(CommandError, match="used twice"):
        call_command("load_review_framework", str(path))


def test_a_version_exports_in_the_file_format_it_is_loaded_from(rw, client_as) -> None:
    response = client_as("london_team").get(f"/review/frameworks/versions/{rw.version.pk}/export/")
    data = json.loads(response.content)
    check_framework_data(data)
    assert data == framework_as_data(rw.version)
    assert AuditEvent.objects.filter(action=Action.EXPORT, object_type="review.frameworkversion").exists()


def test_the_london_team_adds_to_a_draft_and_answers_carry_forward_into_the_new_version(rw, world, client_as) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from macehub.review.models import Assessment
    from macehub.review.services import cycles

    client = client_as("london_team")
    response = client.post(
        f"/review/frameworks/versions/{rw.draft.pk}/sections/new/",
        {"code": "g", "title": "Children who move", "area": "protocol"},
    )
    assert response.status_code == 302
    section = Section.objects.get(framework_version=rw.draft, code="G")
    response = client.post(
        f"/review/frameworks/sections/{section.pk}/questions/new/",
        {
            "code": "G1",
            "text": "Placing and host authorities agree a safety plan before a move.",
            "focus": "Children who move",
            "protocol_reference": "Section 9",
            "evidence_prompt": "The notification template.",
            "allows_comment": "on",
        },
    )
    assert response.status_code == 302
    clash = client.post(
        f"/review/frameworks/sections/{section.pk}/questions/new/",
        {"code": "G1", "text": "Again", "protocol_reference": "Section 9", "evidence_prompt": "x"},
    )
    assert "Another question in this version already has this number." in clash.content.decode()
    assert (
        client.post(f"/review/frameworks/versions/{rw.draft.pk}/publish/", {"version": rw.draft.version}).status_code
        == 302
    )
    assert FrameworkVersion.objects.get(pk=rw.draft.pk).status == "published"

    # Bravo's submitted answers to version 1 carry into a cycle on version 2, matched by key.
    today = timezone.localdate()
    cycle = cycles.cycle_open(
        actor=world.user("london_team"),
        name="Version 2 cycle",
        framework_version=FrameworkVersion.objects.get(pk=rw.draft.pk),
        opens_on=today,
        deadline=today + timedelta(days=9),
        partnerships=[world.partnership_b],
        previous=rw.cycle,
    )
    new_return = cycle.assessments.get()
    copied = cycles.assessment_carry_forward(
        actor=world.user("borough_admin_b"), assessment=new_return, previous=Assessment.objects.get(pk=rw.return_b.pk)
    )
    assert copied == 37
    assert all(
        a.question.section.framework_version_id == rw.draft.pk for a in Answer.objects.filter(assessment=new_return)
    )
    assert not Answer.objects.filter(assessment=new_return, question__code="G1").exists(), (
        "the new question is unanswered"
    )
