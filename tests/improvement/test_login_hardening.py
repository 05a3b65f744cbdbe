"""Sign-in hardening: lock-out by username and address together, password rules, cookies."""

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def axes_on(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    from axes.handlers.proxy import AxesProxyHandler

    AxesProxyHandler.implementation = None  # pick up the changed settings
    yield
    AxesProxyHandler.implementation = None


def sign_in(client, username, password, address):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_repeated_failures_lock_out_that_username_from_that_address_only(client, axes_on):
    UserFactory(username="sam", password="a-long-test-password")
    UserFactory(username="kim", password="a-long-test-password")
    for _ in range(3):
        sign_in(client, "sam", "wrong", "10.0.0.1")

    locked = sign_in(client, "sam", "a-long-test-password", "10.0.0.1")
    assert locked.status_code == 429
    assert "Too many attempts to sign in" in locked.content.decode()
    assert "_auth_user_id" not in client.session

    # Someone elsewhere cannot lock the real user out...
    elsewhere = sign_in(client, "sam", "a-long-test-password", "10.0.0.2")
    assert elsewhere.status_code == 302
    client.post(reverse("logout"))
    # ...and other people at the same address are not locked out either.
    assert sign_in(client, "kim", "a-long-test-password", "10.0.0.1").status_code == 302


@pytest.mark.parametrize("password", ["short", "password123", "12345678901234", "samuelsmith"])
def test_weak_passwords_are_refused(password):
    user = UserFactory.build(username="samuel", first_name="Samuel", last_name="Smith")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_cookies_are_secure_and_sign_out_is_a_post_when_not_in_debug(client, signed_in):
    assert not django_settings.DEBUG
    assert django_settings.SESSION_COOKIE_SECURE and django_settings.CSRF_COOKIE_SECURE
    assert django_settings.SESSION_COOKIE_HTTPONLY
    assert signed_in.get(reverse("logout")).status_code == 405
