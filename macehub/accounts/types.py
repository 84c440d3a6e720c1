"""Types for code that handles signed-in people: views type their request, services their actor.

    def meeting_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse: ...

``LoginRequiredMiddleware`` sends anyone signed out to the sign-in page before a view runs
(views open to the public are marked ``login_not_required``), so a view's ``request.user``
is a :class:`~macehub.accounts.models.User`, never ``AnonymousUser``. Saying so lets
``mypy --strict`` check what views do with the user instead of seeing ``Any``.
"""

from __future__ import annotations

from django.http import HttpRequest

from .models import User

__all__ = ["AuthenticatedHttpRequest", "User"]


class AuthenticatedHttpRequest(HttpRequest):
    user: User
