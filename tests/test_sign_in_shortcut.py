"""The tests' sign-in shortcut (``sign_in``: a session made directly) leaves the session the
sign-in pages leave (``sign_in_through_forms``), so tests that use it test what a person who
signed in would see. If the sign-in flow starts to keep something else in the session, this
test fails and the shortcut must learn it."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from macehub.audit.models import Action, AuditEvent
from tests.factories.personas import World, sign_in, sign_in_through_forms

#: Values that differ between two sign-ins by nature: clocks, the session's password hash
#: (stable, but compared below), the authenticator's id (compared below).
_CLOCKS = {"macehub_auth_at", "macehub_seen_at", "macehub_mfa_at"}


def _shape(session: dict[str, Any]) -> dict[str, Any]:
    shape: dict[str, Any] = {}
    for key, value in session.items():
        if key in _CLOCKS:
            shape[key] = "a time"
        elif key == "account_authentication_methods":
            shape[key] = [{k: ("a time" if k == "at" else v) for k, v in entry.items()} for entry in value]
        else:
            shape[key] = value
    return shape


@pytest.mark.parametrize("persona", ["member_a", "password_only", "system_admin", "no_roles"])
def test_the_shortcut_leaves_the_session_the_pages_leave(world: World, persona: str) -> None:
    user = world.user(persona)
    through_pages = sign_in_through_forms(Client(), user)
    logins_after_pages = AuditEvent.objects.filter(action=Action.LOGIN, actor_id=user.pk).count()
    shortcut = sign_in(Client(), user)

    assert _shape(dict(shortcut.session)) == _shape(dict(through_pages.session))
    # The sign-in is audited either way (the signal fires), so audit-trail tests see it.
    assert AuditEvent.objects.filter(action=Action.LOGIN, actor_id=user.pk).count() == logins_after_pages + 1
    # And the application treats both sessions alike: the same answer on the home page and on
    # a page behind the two-factor check.
    for path in ("/", "/account/email/"):
        a, b = through_pages.get(path), shortcut.get(path)
        assert (a.status_code, a.get("Location")) == (b.status_code, b.get("Location")), path
