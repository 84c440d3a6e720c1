"""Shared machinery: walk the URL conf and find what a persona actually gets."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module
from pkgutil import iter_modules
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .outcomes import BAD, DENIED, HIDDEN, LOGIN, MFA, NOT_ALLOWED, OK, REDIRECT, Case


def all_url_names() -> list[str]:
    def walk(patterns: Any, namespace: str | None = None) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = namespace
                if pattern.namespace:
                    ns = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern.url_patterns, ns)
            elif isinstance(pattern, URLPattern):
                if not pattern.name:
                    raise AssertionError(
                        f"URL pattern {pattern.pattern} has no name: every URL needs one for the matrix"
                    )
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    return sorted(set(walk(get_resolver().url_patterns)))


def outcome_of(response: Any) -> str:
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = response["Location"]
        if location.startswith("/account/login/"):
            return LOGIN
        if location.startswith("/account/two-factor/set-up/"):
            return MFA
        return REDIRECT
    return {200: OK, 403: DENIED, 404: HIDDEN, 405: NOT_ALLOWED, 400: BAD}.get(status, str(status))


def fetch(client: Client, method: str, path: str) -> Any:
    if method == "GET":
        return client.get(path)
    return client.post(path, {})


def all_cases() -> tuple[dict[str, Case], dict[str, str]]:
    """Every URL's entry from tests/permission_matrix/<app>.py, and the app module it is in."""
    from tests import permission_matrix

    cases: dict[str, Case] = {}
    module_of: dict[str, str] = {}
    for module in iter_modules(permission_matrix.__path__):
        if module.name in {"outcomes", "probe"}:
            continue
        for name, case in import_module(f"{permission_matrix.__name__}.{module.name}").CASES.items():
            assert name not in cases, f"{name} is listed twice in the permission matrix"
            cases[name] = case
            module_of[name] = module.name
    return cases, module_of
