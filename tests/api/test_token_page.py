"""The /api/ page: a signed-in person creates their token (shown once), replaces it or
revokes it; the page explains how to use the API."""

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token

from improvement import roles
from tests.factories import PlanFactory, user_with_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = user_with_role(roles.ACTION_OWNER)
    client.force_login(user)
    return user


def test_the_page_needs_a_signed_in_person(client):
    for name in ["api", "api-token-create", "api-token-revoke"]:
        response = client.get(reverse(name))
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name
    response = client.post(reverse("api-token-create"))
    assert response.status_code == 302
    assert not Token.objects.exists()


def test_the_page_explains_the_api_with_examples(client, person):
    html = client.get(reverse("api")).content.decode()
    assert "You have no token." in html
    assert "Create a token" in html
    assert 'curl -H "Authorization: Token YOUR_TOKEN" "http://testserver/api/v1/plans/"' in html
    assert "format=csv" in html and "as_at=" in html
    assert "1,000 times an hour" in html
    assert reverse("api-schema") in html


def test_creating_a_token_shows_it_once(client, person):
    response = client.post(reverse("api-token-create"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = Token.objects.get(user=person).key
    html = response.content.decode()
    assert f'<code id="new-token" class="app-token">{key}</code>' in html
    assert "it will not be shown again" in html
    assert f"Authorization: Token {key}" in html  # the examples use it

    later = client.get(reverse("api")).content.decode()
    assert key not in later
    assert "You have a token, created on" in later


def test_the_new_token_reads_the_api_as_its_owner(client, person):
    PlanFactory(slug="open")
    PlanFactory(slug="hidden", restricted=True)
    client.post(reverse("api-token-create"))
    key = Token.objects.get(user=person).key
    client.logout()
    response = client.get("/api/v1/plans/", headers={"Authorization": f"Token {key}"})
    assert [p["slug"] for p in response.json()["results"]] == ["open"]


def test_a_new_token_replaces_the_old_one(client, person):
    client.post(reverse("api-token-create"))
    old = Token.objects.get(user=person).key
    client.post(reverse("api-token-create"))
    new = Token.objects.get(user=person).key
    assert new != old
    assert Token.objects.filter(user=person).count() == 1
    refused = client.get("/api/v1/plans/", headers={"Authorization": f"Token {old}"})
    assert refused.status_code == 401


def test_revoking_the_token_stops_it_working(client, person):
    client.post(reverse("api-token-create"))
    key = Token.objects.get(user=person).key
    response = client.post(reverse("api-token-revoke"), follow=True)
    assert response.redirect_chain == [(reverse("api"), 302)]
    html = response.content.decode()
    assert "Your API token is revoked." in html
    assert "You have no token." in html
    assert not Token.objects.filter(user=person).exists()
    client.logout()
    refused = client.get("/api/v1/plans/", headers={"Authorization": f"Token {key}"})
    assert refused.status_code == 401


def test_nobody_touches_anyone_elses_token(client, person):
    other = user_with_role(roles.VIEWER)
    theirs = Token.objects.create(user=other)
    client.post(reverse("api-token-create"))
    client.post(reverse("api-token-revoke"))
    assert Token.objects.get(user=other) == theirs


def test_the_buttons_need_a_post_with_the_csrf_token(person):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(person)
    assert strict.post(reverse("api-token-create")).status_code == 403
    assert strict.get(reverse("api-token-create")).status_code == 405
    assert not Token.objects.exists()
