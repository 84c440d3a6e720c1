"""C34: nothing a client sends produces a server error.

For every URL in the permission matrix, a person allowed to use it opens the page; every form
the page offers (read from its HTML, so new forms are covered without a change here) is then
sent with hostile values — words for numbers, ids that do not exist, empty, huge, a NUL byte,
duplicated keys, files that are not what they claim — both for all fields at once and one
field at a time with the rest as the browser would send them; the form as it stands is posted
twice at the same moment from two connections (a double click, an autosave racing a save).
Every query parameter a page links to, filters by, or a view reads by name gets the same
treatment. Any 5xx, or an exception escaping a view, fails the test, listing each request.

The walk shares one world per app (built once, as the permission matrix does) and sends a
bounded set of values per field, so it costs the same every run.
"""

from __future__ import annotations

import re
import traceback
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from django.test import Client
from django.urls import Resolver404, resolve

from tests.factories.personas import PERSONAS, World, build_world, sign_in

from .hostile import (
    HOSTILE,
    NUMBER_HOSTILE,
    Form,
    forms_on,
    hostile_file,
    names_read_in_code,
    path_of,
    query_names,
    twice_at_once,
)
from .permission_matrix.outcomes import NOT_ALLOWED, OK, REDIRECT, Case
from .permission_matrix.probe import all_cases

CASES, MODULE_OF = all_cases()
MODULES = sorted(set(MODULE_OF.values()))
CODE_PARAMS = sorted(names_read_in_code(Path(__file__).resolve().parents[1] / "macehub"))
#: Server errors another change is fixing, each with why; ``always``: the walk fails once it
#: stops happening (remove it here). The others are races only PostgreSQL shows (SQLite runs
#: one writer at a time), so they may or may not happen in a run.
KNOWN: dict[str, tuple[str, bool]] = {}
#: Posting these would end the walker's own session: it would see only sign-in pages after.
SESSION_ENDING = ("/account/logout/", "/account/sessions/")
#: Personas tried first when several may use a URL: those with the widest reach in the world.
PREFERENCE = (
    "coordinator_a",
    "chair_a",
    "member_a",
    "borough_admin_a",
    "system_admin",
    "london_team",
    "lead_a",
    "analyst_a",
    "peer_reviewer",
    "member_a_education",
    "guest_a",
    "member_b",
    "borough_admin_b",
    "no_roles",
    "password_only",
    "anonymous",
)
assert set(PREFERENCE) == set(PERSONAS)


@dataclass
class Walk:
    world: World
    clients: dict[str, Client] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)
    #: what each failure was (method, path, variant), in the order of ``failures``
    failed: list[str] = field(default_factory=list)
    requests: int = 0

    def client(self, persona: str) -> Client:
        if persona not in self.clients:
            client = Client()
            if persona != "anonymous":
                sign_in(client, self.world.user(persona), mfa=persona != "password_only")
            self.clients[persona] = client
        return self.clients[persona]

    def send(self, persona: str, what: str, call: Callable[[Client], Any], client: Client | None = None) -> Any:
        self.requests += 1
        try:
            response = call(client or self.client(persona))
        except Exception as exc:  # the test client re-raises what the view raised: that is a 500
            frames = traceback.extract_tb(exc.__traceback__)
            frame = next((f for f in reversed(frames) if "/macehub/" in f.filename), frames[-1])
            self.failures.append(
                f"{what} as {persona}: {type(exc).__name__}: {str(exc)[:160]} at {frame.filename}:{frame.lineno}"
            )
            self.failed.append(what)
            return None
        if response.status_code >= 500:
            self.failures.append(f"{what} as {persona}: {response.status_code}")
            self.failed.append(what)
        return response

    def concurrently(self, persona: str, what: str, call: Callable[[Client], Any]) -> None:
        """The same request from two connections at once, as a double click or a retry does."""
        twice_at_once(self.client(persona), lambda twin: self.send(persona, f"{what} (twice at once)", call, twin))


def permitted(case: Case) -> str | None:
    """Someone the matrix says may open the URL (or, for a POST-only URL, post to it)."""
    for outcomes in (case.expect, case.extra.get("post_expect", {})):
        for persona in PREFERENCE:
            if outcomes.get(persona) == OK:
                return persona
    for persona in PREFERENCE:
        if case.extra.get("post_expect", {}).get(persona) == REDIRECT:
            return persona
    return None


def _body(form: Form, values: dict[str, list[str]], index: int) -> dict[str, Any]:
    data: dict[str, Any] = {k: v if len(v) != 1 else v[0] for k, v in values.items()}
    for position, name in enumerate(form.files):
        data[name] = hostile_file(index + position)
    return data


def _post(path: str, data: dict[str, Any], multipart: bool) -> Callable[[Client], Any]:
    if multipart or any(hasattr(v, "read") for v in data.values()):
        return lambda c: c.post(path, data)
    return lambda c: c.post(path, urlencode(data, doseq=True), content_type="application/x-www-form-urlencoded")


def attack_form(walk: Walk, persona: str, form: Form, button: tuple[str, str] | None) -> None:
    path = path_of(form.action)
    baseline = {k: list(v) for k, v in form.fields.items()}
    if button:
        baseline[button[0]] = [button[1]]
    label = f"POST {path}" + (f" [{button[0]}={button[1]}]" if button else "")
    names = [n for n in baseline if n != "csrfmiddlewaretoken"]

    walk.concurrently(persona, f"{label} as the page stands", _post(path, _body(form, baseline, 0), form.multipart))
    # Every key twice (the view sees "abc" where it reads one value), then all empty, then all
    # a number no column holds.
    doubled = {**baseline, **{n: [*baseline[n], "abc"] for n in names}}
    walk.send(persona, f"{label} every key twice", _post(path, _body(form, doubled, 1), form.multipart))
    for index, value in enumerate(("", "99999999999999999999999")):
        every = {**baseline, **{n: [value] for n in names}}
        what = f"{label} every field {value[:12]!r}"
        walk.send(persona, what, _post(path, _body(form, every, index), form.multipart))
    # One field at a time, the rest as the browser sends them, so a bad value is not hidden
    # behind another field's error (a date's three boxes count as one field). Which value a
    # field gets turns with the form: across the product every kind of value meets every
    # kind of field.
    offset = zlib.crc32(shape(path).encode())
    for index, group in enumerate(_groups(names)):
        name = group[(index + offset) % len(group)]
        numeric = NUMBER.fullmatch(form.fields.get(name, [""])[-1] or "0") and not form.options.get(name)
        choices = NUMBER_HOSTILE if numeric or DATE_PART.search(name) else HOSTILE
        value = choices[(index + offset) % len(choices)]
        one = {**baseline, name: [value]}
        walk.send(persona, f"{label} {name}={value[:12]!r}", _post(path, _body(form, one, index), form.multipart))


NUMBER = re.compile(r"-?\d+")
DATE_PART = re.compile(r"_(day|month|year)$")


def _groups(names: list[str]) -> list[list[str]]:
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(DATE_PART.sub("", name), []).append(name)
    return list(groups.values())


def attack_query(walk: Walk, persona: str, path: str, names: set[str]) -> None:
    """Every name as words (after a first, harmless value: a view reading one value sees the
    last), then each name one of the odd number-shaped values, turning with the page."""
    offset = zlib.crc32(shape(path).encode())
    ordered = sorted(names)
    variants = {
        "words": [(n, "1") for n in ordered] + [(n, "abc") for n in ordered],
        "odd": [(n, NUMBER_HOSTILE[(i + offset) % len(NUMBER_HOSTILE)]) for i, n in enumerate(ordered)],
    }
    for variant, pairs in variants.items():
        url = f"{path}?{urlencode(pairs)}"
        walk.send(persona, f"GET {path}?{variant}", lambda c, u=url: c.get(u))  # type: ignore[misc]  # mypy cannot type a default-argument lambda


def _view_of(path: str) -> str:
    """Forms on different records of one view are one form (the links form of a child and of a
    group); a form posting somewhere that is not a view of ours keeps its path."""
    try:
        return resolve(path).view_name
    except Resolver404:
        return path


def shape(path: str) -> str:
    """The URL with its ids taken out: /register/children/16/links/new/ and
    /register/groups/20/links/new/ are different forms, two links forms on two children are not."""
    return re.sub(r"/\d+/", "/N/", path)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("module", MODULES)
def test_no_hostile_request_gets_a_server_error(module: str) -> None:
    world = build_world()
    walk = Walk(world)
    cases = {name: case for name, case in CASES.items() if MODULE_OF[name] == module}
    seen_forms: dict[tuple[str, frozenset[str], tuple[str, str] | None], tuple[str, Form]] = {}
    params: dict[str, set[str]] = {}
    post_only: dict[str, str | None] = {}

    for case in cases.values():
        path = case.path(world)
        persona = permitted(case)
        if persona is None:
            continue
        response = walk.send(persona, f"GET {path}", lambda c, p=path: c.get(p))  # type: ignore[misc]  # mypy cannot type a default-argument lambda
        if response is None:
            continue
        if response.status_code == 405:
            post_only[path] = persona
            continue
        params.setdefault(path, set()).update(CODE_PARAMS)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        forms, links = forms_on(response.content.decode(errors="replace"), f"http://testserver{path}")
        for link in links:
            if path_of(link) == path:
                params[path].update(query_names(link))
        for form in forms:
            action = path_of(form.action)
            if form.method == "get":
                params.setdefault(action, set()).update(form.fields)
                continue
            if action.startswith(SESSION_ENDING):
                continue
            buttons: list[tuple[str, str] | None] = [*form.buttons] or [None]
            for button in buttons:
                key = (_view_of(action), frozenset(form.fields), button)
                seen_forms.setdefault(key, (persona, form))

    for path, names in params.items():
        persona = next((permitted(c) for c in cases.values() if c.path(world) == path), None)
        if persona:
            attack_query(walk, persona, path, names)

    for (_action, _fields, button), (persona, form) in seen_forms.items():
        attack_form(walk, persona, form, button)

    # POST-only URLs whose form no page showed in this walk: every name a view reads, hostile.
    posted = {path_of(form.action) for _p, form in seen_forms.values()}
    for path in sorted(set(post_only) - posted):
        persona = post_only[path] or "coordinator_a"
        bare = Form(method="post", action=path, multipart=False, fields={n: ["1"] for n in CODE_PARAMS})
        attack_form(walk, persona, bare, None)

    print(f"{module}: {walk.requests} requests, {len(seen_forms)} forms, {len(params)} pages with parameters")
    seen = {shape(what) for what in walk.failed}
    always = {k for k, (_why, required) in KNOWN.items() if required}
    expected_here = {k for k in always if shape(k.split(" ", 1)[1]).startswith(f"/{module}/")}
    assert not expected_here - seen, f"fixed at last: remove from KNOWN in this file: {sorted(expected_here - seen)}"
    unexpected = [f for f, what in zip(walk.failures, walk.failed, strict=True) if shape(what) not in KNOWN]
    assert not unexpected, f"{len(unexpected)} server errors:\n" + "\n".join(unexpected)


def test_the_walk_reaches_forms_on_every_app() -> None:
    """The parser finds what a browser would send: an oracle for the walk itself."""
    html = """
    <form method="post" action="/x/" enctype="multipart/form-data">
      <input type="hidden" name="version" value="3">
      <input name="title" value="Hello">
      <textarea name="notes">
Line</textarea>
      <select name="agency"><option value="">Choose</option><option value="7">Police</option></select>
      <input type="radio" name="level" value="low"><input type="radio" name="level" value="high" checked>
      <input type="checkbox" name="flag" value="yes">
      <input type="file" name="upload">
      <button name="decision" value="approve">Approve</button>
    </form>"""
    (form,), _links = forms_on(html, "http://testserver/page/")
    assert form.action == "http://testserver/x/"
    assert form.fields == {"version": ["3"], "title": ["Hello"], "notes": ["Line"], "agency": ["7"], "level": ["high"]}
    assert form.files == ["upload"]
    assert form.buttons == [("decision", "approve")]
    assert "page" in CODE_PARAMS and "agency" in CODE_PARAMS
    assert NOT_ALLOWED
