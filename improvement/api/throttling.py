"""A per-user request rate for the API, so one runaway BI refresh slows down itself and
not the app for everyone (REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["user"])."""

from rest_framework import throttling
from rest_framework.settings import api_settings


class UserRateThrottle(throttling.UserRateThrottle):
    def get_rate(self) -> str | None:
        # DRF copies the rates into a class attribute at import; read them when asked
        # instead, so a changed setting (a test, a new API_RATE_PER_USER) takes effect.
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
