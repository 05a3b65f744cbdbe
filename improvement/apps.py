"""App configuration."""

from django.apps import AppConfig


class ImprovementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "improvement"

    def ready(self):
        from django.contrib import admin
        from django.db.models.signals import post_migrate

        from improvement import (
            permissions,  # noqa: F401  registers the rules
            plan_versions,
            status_timeline,
        )
        from improvement.admin import guard_change_lists
        from improvement.api import token_revocation  # noqa: F401  password change revokes
        from improvement.roles import sync_roles_after_migrate

        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="tracker-sync-roles")
        plan_versions.connect()
        status_timeline.connect()
        # The admin (listed first in INSTALLED_APPS) has registered every model by now.
        guard_change_lists(admin.site)
