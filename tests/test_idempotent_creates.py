"""C35: every create form, sent twice, creates one record — one after the other and at once.

Each view wrapped in ``core.submissions.once`` is found through the permission matrix and
opened by someone allowed to use it. Its form is filled in as a person would (every box
answered, the first choice taken) with a few answers a form needs to be valid given below,
and sent: that must create something. The same body again must create nothing (a double
click, the back button, a retry after a timeout), and a freshly opened form sent twice at
the same moment from two connections must create exactly what one sending does.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any, Literal
from urllib.parse import urlencode

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from macehub.core.submissions import ALREADY_SAVED, IDEMPOTENT_VIEWS
from tests.factories.personas import World, build_world, sign_in

from .hostile import Form, forms_on, path_of, twice_at_once
from .permission_matrix.probe import all_cases
from .subjects.factories import make_link, make_subject, register_for
from .test_hostile_input import PREFERENCE

CASES, _MODULES = all_cases()

#: Answers a form needs beyond "something in every box", by URL name.
FILL: dict[str, Callable[[World, Form], dict[str, str]]] = {
    # Missing from 10:00 two days ago, back by 10:00 yesterday.
    "casework:missing_create": lambda w, f: {
        **_date("started_on", timezone.localdate() - timedelta(days=2)),
        **_date("returned_on", timezone.localdate() - timedelta(days=1)),
    },
    # No decisions yet: their dates stay empty.
    "casework:nrm_create": lambda w, f: {**_date("rg_decided_on", None), **_date("cg_decided_on", None)},
    # The owner represents the owning agency.
    "meetings:action_create": lambda w, f: {
        _named(f, "owner_agency"): str(w.agencies["police_a"].pk),
        _named(f, "owner"): str(w.user("member_a").pk),
    },
    # Single sign-on: a real domain, an https issuer and a secret.
    "accounts:sign_in_provider_new": lambda w, f: {
        "domains": "idempotent.example.test",
        "server_url": "https://idp.example.test",
        "client_secret": "written-secret",
    },
    # A different reviewer for each sector.
    "review:review_create": lambda w, f: dict(
        zip(
            ("reviewer_health", "reviewer_police", "reviewer_local_authority"),
            [o for o in f.options.get("reviewer_health", []) if o],
            strict=False,
        )
    ),
}
#: Create views whose form is on another page: URL name → (that page, who opens it).
FORM_ON: dict[str, tuple[Callable[[World], str], str]] = {
    "meetings:action_create": (lambda w: CASES["meetings:record"].path(w), "coordinator_a"),
    "subjects:alert_review": (lambda w: _fresh_alert(w) and CASES["subjects:alerts"].path(w), "coordinator_a"),
    # Confirming an import: the button is on the import's preview page.
    "subjects:import_confirm": (lambda w: CASES["subjects:import_preview"].path(w), "coordinator_a"),
}


def _fresh_alert(world: World) -> Literal[True]:
    """Two children seen at a new location, not linked to each other: an alert to review."""
    from macehub.subjects.models import Kind

    register_for(world)
    place = make_subject(world.panel_a, Kind.LOCATION, name="Riverside car park")
    for child in (make_subject(world.panel_a, Kind.CHILD), make_subject(world.panel_a, Kind.CHILD)):
        make_link(child, place, "seen_at")
    return True


def _date(name: str, day: Any) -> dict[str, str]:
    parts = ("", "", "") if day is None else (str(day.day), str(day.month), str(day.year))
    return dict(zip((f"{name}_day", f"{name}_month", f"{name}_year"), parts, strict=True))


def _named(form: Form, suffix: str) -> str:
    """A field's name on the page, whatever prefix the form has."""
    return next(n for n in form.fields if n == suffix or n.endswith(f"-{suffix}"))


def _fingerprint() -> dict[str, tuple[int, int]]:
    """Rows in every MACE Hub table but the audit trail and the submissions themselves, in
    one query."""
    tables = [
        m._meta.db_table
        for m in apps.get_models()
        if m.__module__.startswith("macehub.")
        and m._meta.label not in ("audit.AuditEvent", "audit.ChainHead", "core.Submission")
    ]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(f'(SELECT COUNT(*) FROM "{t}")' for t in tables))  # noqa: S608 - our table names
        counts = cursor.fetchone()
    return {t: (int(c), 0) for t, c in zip(tables, counts, strict=True)}


def _delta(before: dict[str, tuple[int, int]], after: dict[str, tuple[int, int]]) -> dict[str, int]:
    return {k: after[k][0] - before[k][0] for k in after if after[k][0] != before[k][0]}


def _create_urls() -> list[str]:
    names = []
    for name in CASES:
        if name.startswith(("api:", "allauth")) or ":" not in name:
            continue
        names.append(name)
    return sorted(names)


def _persona(name: str) -> str | None:
    expect = CASES[name].expect
    return next((p for p in PREFERENCE if expect.get(p) == "200"), None)


FUTURE = ("next_review", "review", "due", "deadline", "expires", "contributions")


def _filled(form: Form, extra: dict[str, str]) -> dict[str, Any]:
    """Every box answered as a person would: today's date (a month ahead for reviews and
    deadlines), the first choice, the first box ticked, and words or a number elsewhere."""
    today = timezone.localdate()
    data: dict[str, Any] = {}
    for name in [*form.fields, *(n for n in form.options if n not in form.fields)]:
        values = form.fields.get(name, [])
        value = values[-1] if values else ""
        if not value and name not in form.hidden:
            day = today + timedelta(days=30) if any(word in name for word in FUTURE) else today
            if name.endswith("_day"):
                value = str(day.day)
            elif name.endswith("_month"):
                value = str(day.month)
            elif name.endswith("_year"):
                value = str(day.year)
            elif name.endswith("time"):
                value = "10:00"
            elif form.options.get(name):
                value = next((o for o in form.options[name] if o), "")
            elif "link" in name or "url" in name:
                value = "https://meet.example.org/abc"
            elif name in ("order", "number", "position"):
                value = "1"
            elif name in ("code", "reference"):
                value = "T9"
            else:
                value = "Written for the test"
        data[name] = value
    for name in form.files:
        data[name] = FILE
    data.update(extra)
    return data


#: A small, real file for upload boxes (each sending gets its own copy).
FILE = ("notes.txt", b"Notes from the meeting.\nSecond line.\n")


def _post(client: Client, path: str, data: dict[str, Any], multipart: bool) -> Any:
    if multipart or FILE in data.values():
        # Each sending's file is new (the library warns about a file it already holds).
        content = FILE[1] + str(uuid.uuid4()).encode()
        body = {k: (SimpleUploadedFile(v[0], content, "text/plain") if v is FILE else v) for k, v in data.items()}
        return client.post(path, body)
    return client.post(path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


def _open(client: Client, page: str, path: str) -> Form | None:
    """The create form for ``path`` as ``page`` shows it."""
    response = client.get(page)
    if response.status_code != 200:
        return None
    forms = [
        f
        for f in forms_on(response.content.decode(), f"http://testserver{page}")[0]
        if f.method == "post" and path_of(f.action) == path and any(n.endswith("submission_id") for n in f.fields)
    ]
    return forms[0] if forms else None


def _wrapped(path: str) -> bool:
    return resolve(path.split("?")[0])._func_path in IDEMPOTENT_VIEWS


@pytest.mark.django_db(transaction=True)
def test_every_create_form_sent_twice_creates_once() -> None:
    world = build_world()
    clients: dict[str, Client] = {}
    problems: list[str] = []
    checked = []
    for name in _create_urls():
        path = CASES[name].path(world)
        if not _wrapped(path):
            continue
        persona = _persona(name)
        page = path
        if name in FORM_ON:
            page, persona = FORM_ON[name][0](world), FORM_ON[name][1]
        if persona is None:
            problems.append(f"{name}: nobody opens it (the form is on another page): add it to FORM_ON")
            continue
        if persona not in clients:
            clients[persona] = sign_in(Client(), world.user(persona))
        client = clients[persona]
        form = _open(client, page, path)
        if form is None:
            problems.append(f"{name}: {path} shows no form that carries a submission id")
            continue
        data = _filled(form, FILL[name](world, form) if name in FILL else {})

        # What one sending creates, measured and then undone.
        with transaction.atomic():
            before = _fingerprint()
            key = next(n for n in data if n.endswith("submission_id"))
            once = _post(client, path, {**data, key: str(uuid.uuid4())}, form.multipart)
            single = _delta(before, _fingerprint())
            transaction.set_rollback(True)
        if once.status_code != 302 or not single:
            html = once.content.decode()
            errors = re.findall(r'govuk-error-message">.*?</span>\s*(.*?)</p>', html, re.S)
            errors += re.findall(r'<li><a href="#[^"]*">(.*?)</a></li>', html)
            problems.append(
                f"{name}: the filled-in form did not save ({once.status_code}: {errors}); add answers to FILL"
            )
            continue

        # The same form sent twice at the same moment, from two connections.
        before = _fingerprint()
        statuses = [
            r.status_code
            for r in twice_at_once(
                client,
                lambda twin, path=path, data=data, multipart=form.multipart: _post(twin, path, data, multipart),  # type: ignore[misc]  # a default-argument lambda
            )
        ]
        at_once = _delta(before, _fingerprint())
        if sorted(statuses) != [302, 302] or at_once != single:
            problems.append(f"{name}: sent twice at once: {statuses}, created {at_once} (one sending: {single})")

        # And once more, later (the back button, a retry): nothing more, and it says so.
        again = _post(client, path, data, form.multipart)
        if _delta(before, _fingerprint()) != at_once:
            problems.append(f"{name}: sending the same form again created more")
        elif again.status_code != 302 or ALREADY_SAVED not in client.get(again["Location"]).content.decode():
            problems.append(f"{name}: sending it again did not lead to what was saved ({again.status_code})")
        checked.append(name)
    print(f"{len(checked)} create forms sent twice: {checked}")
    assert not problems, "\n".join(problems)
    assert len(checked) >= 30, "the create views are found through the permission matrix"


#: Create URLs that keep their own guard instead of core.submissions.once, and why.
OWN_GUARD = {
    # The register and referral forms carry a submission id stored on the record itself.
    "referrals:create": "Referral.submission_id",
    "subjects:child_create": "Subject.submission_id",
    "subjects:person_create": "Subject.submission_id",
    "subjects:location_create": "Subject.submission_id",
    "subjects:group_create": "Subject.submission_id",
    "subjects:theme_create": "Subject.submission_id",
    # Starting a new framework version: the service refuses a second draft.
    "review:version_new": "one draft per framework",
    # A choice of what to refer, not a create.
    "referrals:start": "chooser page",
}


def test_every_create_url_is_guarded() -> None:
    """A new create view fails here until it is wrapped in core.submissions.once (or says why not)."""
    creates = [n for n in CASES if ":" in n and re.search(r"(create|_new|new_|_add|add_|schedule)", n.split(":")[-1])]
    assert len(creates) > 30, creates
    unguarded = []
    for name in creates:
        if name in OWN_GUARD:
            continue
        view = resolve_name(name)
        if view not in IDEMPOTENT_VIEWS:
            unguarded.append(name)
    assert not unguarded, f"create views not wrapped in core.submissions.once: {unguarded}"


def resolve_name(name: str) -> str:
    from django.urls import get_resolver

    namespace, _, url_name = name.rpartition(":")
    resolver = get_resolver()
    for part in namespace.split(":"):
        resolver = resolver.namespace_dict[part][1]
    for pattern in resolver.url_patterns:
        if getattr(pattern, "name", None) == url_name:
            return str(pattern.lookup_str)
    raise AssertionError(name)
