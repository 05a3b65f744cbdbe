"""The site itself as an app, so its system checks (config.checks) are registered when
Django starts."""

from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "config"
    label = "site"
    verbose_name = "Site"

    def ready(self):
        from config import accessibility, checks  # noqa: F401  registers the checks
