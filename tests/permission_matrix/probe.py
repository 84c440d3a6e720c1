"""Shared machinery: walk the URL conf and find what a persona actually gets."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from .outcomes import BAD, DENIED, HIDDEN, LOGIN, MFA, NOT_ALLOWED, OK, REDIRECT


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
