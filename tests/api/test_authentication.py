"""Who gets in: a valid token of an active user, and nobody else, on every endpoint; the
API only reads; a runaway client is slowed down."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from improvement import roles
from tests.api.conftest import V1
from tests.factories import DataPointFactory, PlanFactory, user_with_role

pytestmark = pytest.mark.django_db


def api_paths(resolver=None, prefix=""):
    """Every endpoint under /api/v1/, with its converters filled in."""
    for pattern in (resolver or get_resolver()).url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from api_paths(pattern, route)
        elif isinstance(pattern, URLPattern) and route.startswith("api/v1/"):
            yield "/" + route.replace("<slug:slug>", "some-plan").replace("<int:pk>", "1")


ENDPOINTS = [
    "plans/",
    "plans/some-plan/",
    "objectives/",
    "objectives/1/",
    "actions/",
    "actions/1/",
    "measures/",
    "measures/1/",
    "measures/1/data-points/",
    "data-points/",
    "schema/",
]


def test_the_list_of_endpoints_here_is_every_endpoint_there_is():
    assert sorted(api_paths()) == sorted(V1 + path for path in ENDPOINTS)


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_refuses_a_request_without_a_token(client, path):
    response = client.get(V1 + path)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


@pytest.mark.parametrize("path", ENDPOINTS)
def test_every_endpoint_refuses_a_made_up_token(client, path):
    response = client.get(V1 + path, headers={"Authorization": "Token " + "0" * 40})
    assert response.status_code == 401
    assert b"Invalid token." in response.content


def test_a_revoked_token_is_refused(client, api_as):
    api = api_as(user_with_role(roles.VIEWER))
    assert api.get("plans/").status_code == 200
    Token.objects.filter(user=api.user).delete()
    assert api.get("plans/").status_code == 401


def test_the_token_of_someone_no_longer_active_is_refused(api_as):
    api = api_as(user_with_role(roles.VIEWER))
    # Deactivated without the model's save (so the token is not revoked): DRF's own check.
    type(api.user).objects.filter(pk=api.user.pk).update(is_active=False)
    response = api.get("plans/")
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}
    # Deactivated through the model, the token itself is revoked: test_token_revocation.py.


def test_being_signed_in_to_the_site_is_not_enough(client):
    # No session authentication on the API, so a page in another tab cannot make the
    # browser read it with the user's cookie.
    PlanFactory()
    client.force_login(user_with_role(roles.VIEWER))
    response = client.get(V1 + "plans/")
    assert response.status_code == 401


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete", "options"])
@pytest.mark.parametrize("path", ["plans/", "plans/some-plan/", "actions/", "data-points/"])
def test_the_api_only_reads(api_as, method, path):
    api = api_as(user_with_role(roles.ADMINISTRATOR))
    PlanFactory(slug="some-plan")
    response = getattr(api.client, method)(
        V1 + path,
        data="{}",
        content_type="application/json",
        headers={"Authorization": f"Token {api.key}"},
    )
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_head_is_answered_like_get(api_as):
    api = api_as(user_with_role(roles.VIEWER))
    response = api.client.head(V1 + "plans/", headers={"Authorization": f"Token {api.key}"})
    assert response.status_code == 200


def test_a_client_asking_too_often_is_told_to_wait(api_as, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"user": "3/minute"},
    }
    DataPointFactory()
    api = api_as(user_with_role(roles.VIEWER))
    other = api_as(user_with_role(roles.VIEWER))
    assert [api.get("plans/").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("data-points/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    # The limit is each person's own.
    assert other.get("plans/").status_code == 200


def test_answers_are_not_kept_by_caches(api_as):
    api = api_as(user_with_role(roles.VIEWER))
    for params in [{}, {"format": "csv"}]:
        response = api.get("plans/", **params)
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
