"""The /api/ page: how to use the API, and where a signed-in person creates, replaces or
revokes their own token (one per person, DRF's `authtoken`).

A new token is shown once, on the page that answers the button press, and never again:
the page afterwards only says when the current one was created. Creating a token
replaces any earlier one, so a leaked token is dealt with by creating a new one (or
revoking it). The token sees what its owner sees, no more.
"""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from drf_spectacular.views import SpectacularAPIView
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.settings import api_settings

logger = logging.getLogger(__name__)


@transaction.atomic
def api_token_create(*, user) -> Token:
    """A new token for `user`, replacing (and so revoking) any earlier one."""
    Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    logger.info("API token created for user %s", user.pk)
    return token


def api_token_revoke(*, user) -> bool:
    """Revoke `user`'s token; False when they had none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    if deleted:
        logger.info("API token revoked for user %s", user.pk)
    return bool(deleted)


def rate_in_words() -> str:
    """The per-user rate as a sentence ends: "1,000 times an hour"."""
    rate = api_settings.DEFAULT_THROTTLE_RATES.get("user")
    if not rate:
        return ""
    count, period = rate.split("/")
    # DRF reads only the period's first letter ("h", "hour", "hours" are all an hour).
    period = {"s": "second", "m": "minute", "h": "hour", "d": "day"}[period[0]]
    return f"{int(count):,} times {'an' if period == 'hour' else 'a'} {period}"


def _page(request: HttpRequest, *, new_token: Token | None = None) -> HttpResponse:
    token = new_token or Token.objects.filter(user=request.user).first()
    base = request.build_absolute_uri("/api/v1/")
    return render(
        request,
        "improvement/api/token.html",
        {
            "token": token,
            "new_key": new_token.key if new_token else None,
            "base": base,
            "example_as_at": "2025-03-31",
            "rate": rate_in_words(),
        },
    )


@require_GET
@never_cache
def api_page(request: HttpRequest) -> HttpResponse:
    return _page(request)


@require_POST
@never_cache
def create_token(request: HttpRequest) -> HttpResponse:
    # Answered with the page itself rather than a redirect, so the key is in this one
    # response and stored nowhere else (no session, no message); `never_cache` keeps it
    # out of the browser's and any proxy's cache.
    return _page(request, new_token=api_token_create(user=request.user))


@require_POST
def revoke_token(request: HttpRequest) -> HttpResponse:
    if api_token_revoke(user=request.user):
        messages.success(request, "Your API token is revoked. Anything using it is refused.")
    return redirect("api")


# The OpenAPI schema for people signed in to the site, linked from the page (the API's
# own copy, /api/v1/schema/, wants a token like the rest of the API). Signing in through
# the page's session is enough: the schema describes the API, it holds no data.
schema_download = login_required(
    SpectacularAPIView.as_view(authentication_classes=[SessionAuthentication])
)
