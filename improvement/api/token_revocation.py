"""An API token does not outlive the password or the account it was created under.

When a person's password changes (the admin's password form, a password change page,
`manage.py changepassword`, any `set_password()` then `save()`), their password is made
unusable, or their account is deactivated, their API token is revoked: whoever had reason
to reset the password may also hold the token. Checked on the user model's save, so every
route is covered; a sign-in's automatic re-hash of the same password (Django does it when
the hashing settings change) is not a change and keeps the token.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import get_hasher, identify_hasher, is_password_usable
from django.db.models.signals import post_save, pre_save
from django.dispatch import receiver

_WATCHED = {"password", "is_active"}


def _is_rehash(old: str) -> bool:
    """Whether Django would re-hash `old` on the next sign-in (so a new hash may be the
    same password): an old algorithm, or the current one with outdated parameters."""
    try:
        hasher = identify_hasher(old)
    except ValueError:
        return False
    return hasher.algorithm != get_hasher().algorithm or hasher.must_update(old)


def revokes_token(*, before: dict, user) -> bool:
    """Whether saving `user` over the stored `before` (password, is_active) revokes."""
    if before["is_active"] and not user.is_active:
        return True
    if getattr(user, "_password", None) is not None:  # set_password() since the last save
        return True
    if before["password"] == user.password:
        return False
    if is_password_usable(before["password"]) and not is_password_usable(user.password):
        return True
    return not _is_rehash(before["password"])


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tracker-api-token-check")
def _note_revocation(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._revoke_api_token = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not _WATCHED & set(update_fields):
        return
    before = sender._base_manager.filter(pk=instance.pk).values("password", "is_active").first()
    if before is not None:
        instance._revoke_api_token = revokes_token(before=before, user=instance)


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="tracker-api-token-revoke")
def _revoke(sender, instance, raw=False, **kwargs):
    # After the save, so a save that fails revokes nothing.
    if getattr(instance, "_revoke_api_token", False):
        from improvement.api.token_page import api_token_revoke  # DRF only when needed

        instance._revoke_api_token = False
        api_token_revoke(user=instance)
