from collections.abc import Callable
from typing import Any

from .outcomes import NOT_ALLOWED, OK, REDIRECT, Case, everyone, only, signed_in

MISSING = "00000000-0000-4000-8000-000000000000"


def _with_a_worker(path: str) -> Callable[[Any], str]:
    """The health endpoint answers 200 only while a worker is beating."""

    def make(world: Any) -> str:
        from macehub.operations.leases import beat

        beat("permission-matrix-worker")
        return path

    return make


RETRY: dict[str, Any] = {
    "post": True,
    "extra": {"post_expect": only(("system_admin",), REDIRECT)},
    "notes": "POST only; a job or e-mail that no longer needs retrying redirects back with a message.",
}

CASES = {
    "health": Case(_with_a_worker("/health/"), everyone(OK), notes="Public: no personal data."),
    "operations:jobs": Case(lambda w: "/operations/jobs/", only(("system_admin",))),
    "operations:retry_task": Case(
        lambda w: f"/operations/jobs/tasks/{MISSING}/retry/", signed_in(NOT_ALLOWED), **RETRY
    ),
    "operations:retry_email": Case(
        lambda w: f"/operations/jobs/emails/{MISSING}/retry/", signed_in(NOT_ALLOWED), **RETRY
    ),
}
