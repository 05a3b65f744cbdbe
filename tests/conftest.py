"""Shared test set-up: fast password hashing, plain static storage (no collectstatic
in tests), and signed-in users."""

import pytest

from improvement import roles
from tests.factories import UserFactory, user_with_role


@pytest.fixture(autouse=True)
def _test_settings(settings):
    # A deliberately slow hasher protects real passwords; tests create hundreds of users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Sign-in lock-out is tested on its own (test_login_hardening); elsewhere it is off.
    settings.AXES_ENABLED = False
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    # Each test starts with an empty cache of its own (the shared database cache is
    # tested on its own in tests/config/test_cache.py): a cached state or row of one
    # test's plan must never be read by another's plan that got the same id.
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests",
        }
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def user(db):
    """A director: reads every plan (the Viewer role)."""
    return user_with_role(roles.VIEWER)


@pytest.fixture
def outsider(db):
    """Signed in, but with no role and nothing to look after."""
    return UserFactory()


@pytest.fixture
def staff_user(db):
    return UserFactory(is_staff=True, is_superuser=True)


@pytest.fixture
def signed_in(client, user):
    client.force_login(user)
    return client


@pytest.fixture(scope="session")
def django_db_setup(
    request, django_test_environment, django_db_blocker, django_db_modify_db_settings
):
    """pytest-django's set-up, but each worker's database is a copy of a template migrated
    once (tests/database_template.py) instead of migrated from nothing."""
    import os

    from django.db import connections
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    from tests.database_template import prepare_worker_database, remove_worker_database

    verbosity = request.config.option.verbose
    with django_db_blocker.unblock():
        prepare_worker_database(os.environ.get("PYTEST_XDIST_WORKER", "master"))
        aliases, serialized_aliases = _get_databases_for_setup(request.session.items)
        db_cfg = setup_databases(
            verbosity=verbosity,
            interactive=False,
            aliases=aliases,
            serialized_aliases=serialized_aliases,
            keepdb=True,
        )
        test_database = connections["default"].settings_dict["NAME"]
    yield
    with django_db_blocker.unblock():
        teardown_databases(db_cfg, verbosity=verbosity, keepdb=True)
        remove_worker_database(test_database)
