"""Shared test set-up: fast password hashing, plain static storage (no collectstatic
in tests), and signed-in users."""

import pytest

from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A deliberately slow hasher protects real passwords; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client
