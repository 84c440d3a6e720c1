"""The oversight API's URLs, mounted at /api/ by one line in config/urls.py.

Every API view is exempt from the sign-in redirect (``login_not_required``): a caller with a
token has no session, and an unauthenticated call gets 401 from the API itself. Sessions still
pass through the two-factor middleware like any page."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.urls import URLPattern

from .api import api

_patterns, _, _namespace = api.urls
app_name = _namespace
urlpatterns: list[Any] = []
for _pattern in _patterns:
    if isinstance(_pattern, URLPattern):
        login_not_required(_pattern.callback)
    urlpatterns.append(_pattern)
