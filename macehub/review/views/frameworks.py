"""Self-assessment frameworks: list, read, start a new version, change a draft, publish, export."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest
from macehub.audit.models import Action
from macehub.audit.services import record
from macehub.core.selectors import get_visible_or_404
from macehub.core.submissions import once

from .. import selectors
from ..forms.common import ConfirmForm
from ..forms.frameworks import QuestionEditForm, QuestionForm, SectionEditForm, SectionForm, VersionForm
from ..framework_files import framework_as_data
from ..models import Framework, FrameworkVersion, Question, Section
from ..policies import policy
from ..services import frameworks as services
from .common import handle, page, rebind


def _version(request: AuthenticatedHttpRequest, pk: int) -> FrameworkVersion:
    policy.require(request.user, "manage_review")
    return get_visible_or_404(selectors.versions_with_questions(), pk, user=request.user)


def _draft(version: FrameworkVersion) -> FrameworkVersion:
    """Only a draft version can be changed: returns answer the questions of published ones."""
    if not version.is_editable:
        raise PermissionDenied("published framework versions cannot be changed")
    return version


def _detail_url(version: FrameworkVersion) -> str:
    return reverse("review:version_detail", args=[version.pk])


@require_GET
def framework_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_review")
    versions = list(selectors.framework_versions().order_by("framework__name", "-number"))
    frameworks: dict[int, dict[str, object]] = {}
    for version in versions:
        entry = frameworks.setdefault(version.framework_id, {"framework": version.framework, "versions": []})
        entry["versions"].append(version)  # type: ignore[attr-defined]
    return render(request, "review/framework_list.html", {"frameworks": list(frameworks.values())})


@require_GET
def version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    return render(
        request,
        "review/version_detail.html",
        {
            "version": version,
            "sections": version.sections.all(),
            "question_total": sum(len(s.questions.all()) for s in version.sections.all()),
            "has_draft": version.framework.versions.filter(status=FrameworkVersion.Status.DRAFT).exists(),
        },
    )


@require_POST
def version_new(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_review")
    framework = get_visible_or_404(Framework.objects.all(), pk, user=request.user)
    try:
        draft = services.version_new_draft(actor=request.user, framework=framework)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        latest = framework.versions.order_by("-number").first()
        return HttpResponseRedirect(_detail_url(latest) if latest else reverse("review:framework_list"))
    messages.success(request, f"Version {draft.number} started as a draft. Change it, then publish it.")
    return HttpResponseRedirect(_detail_url(draft))


@require_http_methods(["GET", "POST"])
def version_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _draft(_version(request, pk))
    form = VersionForm(request.POST or None, version=version)
    return handle(
        request,
        form,
        lambda data: services.version_update(
            actor=request.user,
            version=version,
            expected_version=data["version"],
            notes=data["notes"],
            rating_scale=form.rating_scale(),
        ),
        success=_detail_url,
        message="Rating scale and notes saved.",
        conflict=lambda: rebind(VersionForm, request, _version(request, pk), version=_version(request, pk)),
        title="Rating scale and notes",
        caption=str(version),
        back=(_detail_url(version), f"Back to version {version.number}"),
    )


@require_http_methods(["GET", "POST"])
def version_publish(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _draft(_version(request, pk))
    form = ConfirmForm(request.POST or None, initial={"version": version.version})
    return handle(
        request,
        form,
        lambda data: services.version_publish(actor=request.user, version=version, expected_version=data["version"]),
        success=_detail_url,
        message=lambda v: f"Version {v.number} published. New cycles can use it.",
        conflict=lambda: rebind(ConfirmForm, request, _version(request, pk)),
        title=f"Publish version {version.number}",
        caption=version.framework.name,
        back=(_detail_url(version), f"Back to version {version.number}"),
        submit="Publish this version",
        template="review/confirm.html",
        warning="Once published, this version cannot be changed: returns will answer its questions. "
        "Older published versions are retired, and cycles already using them keep them.",
    )


@require_GET
def version_export(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    record(action=Action.EXPORT, actor=request.user, obj=version, detail={"format": "json"})
    response = HttpResponse(
        json.dumps(framework_as_data(version), indent=2, ensure_ascii=False), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="{version.framework.key}-v{version.number}.json"'
    return response


@require_http_methods(["GET", "POST"])
@once
def section_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = _draft(_version(request, pk))
    form = SectionForm(request.POST or None)
    return handle(
        request,
        form,
        lambda data: services.section_save(actor=request.user, version=version, section=None, **form.values()),
        success=lambda s: _detail_url(version),
        message=lambda s: f"Section {s.code} added.",
        title="Add a section",
        caption=str(version),
        back=(_detail_url(version), f"Back to version {version.number}"),
        submit="Add section",
    )


def _section(request: AuthenticatedHttpRequest, pk: int) -> Section:
    policy.require(request.user, "manage_review")
    return get_visible_or_404(Section.objects.select_related("framework_version__framework"), pk, user=request.user)


@require_http_methods(["GET", "POST"])
def section_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    _draft(section.framework_version)
    form = SectionEditForm(request.POST or None, instance=section)
    return handle(
        request,
        form,
        lambda data: services.section_save(
            actor=request.user,
            version=section.framework_version,
            section=section,
            expected_version=data["version"],
            **form.values(),
        ),
        success=lambda s: _detail_url(section.framework_version),
        message=lambda s: f"Section {s.code} saved.",
        conflict=lambda: rebind(SectionEditForm, request, _section(request, pk), instance=_section(request, pk)),
        title=f"Change section {section.code}",
        caption=str(section.framework_version),
        back=(_detail_url(section.framework_version), f"Back to version {section.framework_version.number}"),
    )


@require_http_methods(["GET", "POST"])
@once
def question_add(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    section = _section(request, pk)
    _draft(section.framework_version)
    form = QuestionForm(request.POST or None)
    return handle(
        request,
        form,
        lambda data: services.question_save(actor=request.user, section=section, question=None, **form.values()),
        success=lambda q: _detail_url(section.framework_version) + f"#question-{q.pk}",
        message=lambda q: f"Question {q.code} added.",
        title=f"Add a question to section {section.code}",
        caption=str(section.framework_version),
        back=(_detail_url(section.framework_version), f"Back to version {section.framework_version.number}"),
        submit="Add question",
    )


def _question(request: AuthenticatedHttpRequest, pk: int) -> Question:
    policy.require(request.user, "manage_review")
    return get_visible_or_404(
        Question.objects.select_related("section__framework_version__framework"), pk, user=request.user
    )


@require_http_methods(["GET", "POST"])
def question_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    version = _draft(question.section.framework_version)
    form = QuestionEditForm(request.POST or None, instance=question)
    return handle(
        request,
        form,
        lambda data: services.question_save(
            actor=request.user,
            section=question.section,
            question=question,
            expected_version=data["version"],
            **form.values(),
        ),
        success=lambda q: _detail_url(version) + f"#question-{q.pk}",
        message=lambda q: f"Question {q.code} saved.",
        conflict=lambda: rebind(QuestionEditForm, request, _question(request, pk), instance=_question(request, pk)),
        title=f"Change question {question.code}",
        caption=str(version),
        back=(_detail_url(version), f"Back to version {version.number}"),
    )


@require_http_methods(["GET", "POST"])
def question_remove(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    question = _question(request, pk)
    version = _draft(question.section.framework_version)
    form = ConfirmForm(request.POST or None, initial={"version": question.version})
    if request.method == "POST" and form.is_valid():
        try:
            services.question_remove(actor=request.user, question=question)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"Question {question.code} removed from the draft.")
            return HttpResponseRedirect(_detail_url(version))
    return page(
        request,
        form,
        title=f"Remove question {question.code}?",
        caption=str(version),
        back=(_detail_url(version), f"Back to version {version.number}"),
        submit="Remove question",
        intro=question.text,
        template="review/confirm.html",
        warning_button=True,
    )
