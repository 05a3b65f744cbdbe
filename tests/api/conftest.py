"""The API's tests talk to it as a BI tool does: a real token in the Authorization
header (never `force_authenticate`), so authentication is tested on every request."""

import csv
import io

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token

V1 = "/api/v1/"


class Api:
    """The API as one token holder sees it."""

    def __init__(self, client, user):
        self.client = client
        self.user = user
        self.key = Token.objects.get_or_create(user=user)[0].key

    def get(self, path: str, **params):
        return self.client.get(V1 + path, params, headers={"Authorization": f"Token {self.key}"})

    def json(self, path: str, **params):
        response = self.get(path, **params)
        assert response.status_code == 200, (response.status_code, response.content[:500])
        return response.json()

    def results(self, path: str, **params) -> list[dict]:
        return self.json(path, **params)["results"]

    def csv(self, path: str, **params) -> list[dict]:
        response = self.get(path, format="csv", **params)
        assert response.status_code == 200, response.status_code
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        body = b"".join(response.streaming_content) if response.streaming else response.content
        return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


@pytest.fixture
def api_as(client):
    return lambda user: Api(client, user)


@pytest.fixture(autouse=True)
def _fresh_throttle():
    # The per-user rate counts in the cache; each test starts with none used.
    cache.clear()
    yield
    cache.clear()
