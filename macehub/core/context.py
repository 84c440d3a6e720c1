"""The request a piece of code is running for: who, from where, and its correlation id.

Set by :class:`macehub.core.middleware.RequestContextMiddleware`; read by the audit service
and the log formatter so neither needs the request passed down through every call.
Background tasks and management commands run with an empty context.
"""

from __future__ import annotations

import contextvars
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    ip_address: str | None = None
    user_agent: str = ""


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar(
    "macehub_request_context",
    default=RequestContext(),  # noqa: B039 - frozen dataclass, never mutated
)


def current() -> RequestContext:
    return _current.get()


def activate(context: RequestContext) -> contextvars.Token[RequestContext]:
    return _current.set(context)


def deactivate(token: contextvars.Token[RequestContext]) -> None:
    _current.reset(token)


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the socket peer, or the address our own trusted proxies saw.

    Only the last ``TRUSTED_PROXY_COUNT`` entries of X-Forwarded-For were written by our
    proxies; anything before them is client-supplied and could be forged.
    """
    candidate = request.META.get("REMOTE_ADDR", "")
    hops = settings.TRUSTED_PROXY_COUNT
    if hops > 0:
        forwarded = [p.strip() for p in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if p.strip()]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None
