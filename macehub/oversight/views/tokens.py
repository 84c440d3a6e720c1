"""API tokens: issuing and revoking them."""

from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from macehub.accounts.types import AuthenticatedHttpRequest

from .. import selectors, services
from ..forms import IssueTokenForm
from ..models import TokenScope
from ..policies import policy


@require_http_methods(["GET", "POST"])
def tokens(request: AuthenticatedHttpRequest) -> HttpResponse:
    policy.require(request.user, "manage_tokens")
    partnerships = list(selectors.token_partnerships(request.user))
    london_ok = policy.can(request.user, "issue_london_token")
    form = IssueTokenForm(request.POST or None, partnerships=partnerships, london=london_ok)
    secret = None
    issued = None
    if request.method == "POST" and form.is_valid():
        scope = form.cleaned_data["scope"]
        partnership = None
        if scope.startswith("partnership:"):
            partnership = next(p for p in partnerships if str(p.pk) == scope.split(":", 1)[1])
            scope = TokenScope.PARTNERSHIP
        expires = timezone.make_aware(datetime.combine(form.cleaned_data["expires_on"], time(23, 59)))
        try:
            issued, secret = services.issue_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                scope=scope,
                partnership=partnership,
                expires_at=expires,
            )
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form = IssueTokenForm(partnerships=partnerships, london=london_ok)
    return render(
        request,
        "oversight/tokens.html",
        {
            "form": form,
            "tokens": selectors.tokens_visible_to(request.user),
            "secret": secret,
            "issued": issued,
            "now": timezone.now(),
        },
    )


@require_POST
def token_revoke(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "manage_tokens")
    token = selectors.get_token_for(request.user, pk)
    services.revoke_token(actor=request.user, token=token)
    messages.success(request, f"The token ‘{token.name}’ was revoked. It no longer works.")
    return redirect("oversight:tokens")
