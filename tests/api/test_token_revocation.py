"""A password change or reset, an unusable password or a deactivated account revokes the
person's API token (a review found an administrator's reset left it working)."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from rest_framework.authtoken.models import Token

from improvement import roles
from tests.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db


class QuickPBKDF2(PBKDF2PasswordHasher):
    """The default algorithm with few iterations: a sign-in re-hashes an MD5 password."""

    iterations = 2


@pytest.fixture
def holder():
    user = UserFactory(password="the-old-password-1")
    Token.objects.create(user=user)
    return user


def _has_token(user) -> bool:
    return Token.objects.filter(user=user).exists()


def test_an_administrator_resetting_the_password_in_the_admin_revokes_it(client, holder):
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    response = client.post(
        f"/admin/auth/user/{holder.pk}/password/",
        {
            "usable_password": "true",
            "password1": "Brand-new-pass-2026",
            "password2": "Brand-new-pass-2026",
        },
    )
    assert response.status_code == 302, response.content[:2000]
    holder.refresh_from_db()
    assert holder.check_password("Brand-new-pass-2026")
    assert not _has_token(holder)


def test_the_old_token_is_refused_by_the_api_after_a_reset(client, holder):
    key = Token.objects.get(user=holder).key
    headers = {"Authorization": f"Token {key}"}
    assert client.get("/api/v1/plans/", headers=headers).status_code == 200
    holder.set_password("Brand-new-pass-2026")
    holder.save()
    assert client.get("/api/v1/plans/", headers=headers).status_code == 401


def test_changing_ones_own_password_revokes_it(client):
    admin = user_with_role(roles.ADMINISTRATOR, password="the-old-password-1")
    Token.objects.create(user=admin)
    client.force_login(admin)
    response = client.post(
        "/admin/password_change/",
        {
            "old_password": "the-old-password-1",
            "new_password1": "Brand-new-pass-2026",
            "new_password2": "Brand-new-pass-2026",
        },
    )
    assert response.status_code == 302
    assert not _has_token(admin)


@pytest.mark.parametrize(
    "change",
    [
        lambda user: user.set_password("Brand-new-pass-2026"),
        lambda user: user.set_unusable_password(),
        lambda user: setattr(user, "is_active", False),
    ],
    ids=["set_password", "set_unusable_password", "deactivated"],
)
def test_a_change_saved_on_the_user_revokes_it(holder, change):
    change(holder)
    holder.save()
    assert not _has_token(holder)


def test_saving_only_the_changed_field_revokes_it(holder):
    holder.set_password("Brand-new-pass-2026")
    holder.save(update_fields=["password"])
    assert not _has_token(holder)


def test_other_changes_and_signing_in_keep_it(client, holder):
    holder.first_name = "Renamed"
    holder.save()
    holder.is_active = True
    holder.save()
    assert client.login(username=holder.username, password="the-old-password-1")
    assert _has_token(holder)


def test_a_sign_in_re_hashing_the_same_password_keeps_it(settings, holder):
    settings.PASSWORD_HASHERS = [
        f"{__name__}.QuickPBKDF2",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    before = holder.password
    assert holder.check_password("the-old-password-1")  # re-hashed and saved
    holder.refresh_from_db()
    assert holder.password != before and holder.password.startswith("pbkdf2_sha256$")
    assert _has_token(holder)


def test_a_new_hash_assigned_directly_revokes_it(holder):
    holder.password = make_password("Brand-new-pass-2026")
    holder.save()
    assert not _has_token(holder)
