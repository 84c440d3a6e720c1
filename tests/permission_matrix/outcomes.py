"""Outcome vocabulary for the permission matrix."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.factories.personas import PERSONAS, World

OK = "200"
LOGIN = "login"  # redirected to sign in
MFA = "mfa"  # redirected to set up two-factor authentication
DENIED = "403"
HIDDEN = "404"  # missing and not-yours look the same
REDIRECT = "302"  # any other redirect (e.g. allauth sends signed-in people away from sign-up)
NOT_ALLOWED = "405"
BAD = "400"

SIGNED_IN = tuple(p for p in PERSONAS if p not in {"anonymous", "password_only"})


@dataclass(frozen=True)
class Case:
    """How to reach a URL, and what each persona must get from it."""

    path: Callable[[World], str]
    expect: dict[str, str]
    #: Also POST (with no data) as each persona that must not get in, and check nothing changed.
    post: bool = False
    notes: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def everyone(outcome: str, **overrides: str) -> dict[str, str]:
    return {p: overrides.get(p, outcome) for p in PERSONAS}


def signed_in(outcome: str = OK, **overrides: str) -> dict[str, str]:
    """Anonymous → sign in; password only → set up MFA; everyone else ``outcome`` unless overridden."""
    base = {"anonymous": LOGIN, "password_only": MFA}
    return {p: overrides.get(p, base.get(p, outcome)) for p in PERSONAS}


def only(
    allowed: tuple[str, ...] | list[str], outcome: str = OK, refused: str = DENIED, **overrides: str
) -> dict[str, str]:
    """Signed-in personas in ``allowed`` get ``outcome``; other signed-in personas get ``refused``."""
    result = signed_in(refused)
    for p in allowed:
        result[p] = outcome
    result.update(overrides)
    return result
