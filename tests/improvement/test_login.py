"""Signing in and out."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_sign_in_page_has_labelled_fields(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'<label class="govuk-label" for="id_username">\s*Username\s*</label>', html)
    assert 'autocomplete="current-password"' in html


def test_a_user_signs_in_and_lands_on_the_dashboard(client):
    UserFactory(username="sam", password="a-long-test-password")
    response = client.post(
        reverse("login"), {"username": "sam", "password": "a-long-test-password"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    assert response.context["user"].username == "sam"


def test_a_wrong_password_shows_the_problem_and_signs_nobody_in(client):
    UserFactory(username="sam", password="a-long-test-password")
    response = client.post(reverse("login"), {"username": "sam", "password": "wrong"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    assert "Please enter a correct username and password" in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_an_empty_sign_in_says_what_to_enter(client):
    html = client.post(reverse("login"), {}).content.decode()
    assert "<title>Error: Sign in" in html
    assert "Enter your username." in html and "Enter your password." in html
    assert 'href="#id_username"' in html and 'href="#id_password"' in html


def test_sign_out_is_a_post(signed_in):
    assert signed_in.get(reverse("logout")).status_code == 405
    response = signed_in.post(reverse("logout"))
    assert response.status_code == 302
    assert signed_in.get(reverse("plan-list")).status_code == 302
