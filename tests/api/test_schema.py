"""The OpenAPI schema: served to token holders at /api/v1/schema/ and to people signed in
to the site at /api/schema/, listing every endpoint with its query parameters."""

import pytest
import yaml
from django.core.management import call_command

from improvement import roles
from tests.api.test_authentication import ENDPOINTS
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


def test_the_schema_is_served_to_a_token_holder_and_lists_every_endpoint(api_as):
    response = api_as(user_with_role(roles.VIEWER)).get("schema/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.oai.openapi")
    schema = yaml.safe_load(response.content)
    assert schema["info"]["title"] == "Improvement tracker API"
    documented = {
        path.replace("{slug}", "some-plan").replace("{id}", "1") for path in schema["paths"]
    }
    assert documented == {f"/api/v1/{path}" for path in ENDPOINTS if path != "schema/"}
    assert set(schema["components"]["securitySchemes"]) == {"tokenAuth"}
    # Read-only: nothing but GET is described.
    assert {method for operations in schema["paths"].values() for method in operations} == {"get"}


def test_the_schema_describes_the_filters_and_the_statuses(api_as):
    schema = api_as(user_with_role(roles.VIEWER)).json("schema/", format="json")
    actions = schema["paths"]["/api/v1/actions/"]["get"]
    parameters = {p["name"] for p in actions["parameters"]}
    assert {"as_at", "plan", "status", "overdue", "page", "page_size", "format"} <= parameters
    assert schema["components"]["schemas"]["StatusEnum"]["enum"] == [
        "complete",
        "on_track",
        "at_risk",
        "off_track",
        "not_started",
    ]
    measure = schema["components"]["schemas"]["Measure"]["properties"]
    assert measure["latest_value"]["type"] == "string"
    assert measure["latest_value"]["format"] == "decimal"


def test_the_schema_wants_a_token_like_the_rest_of_the_api(client):
    assert client.get("/api/v1/schema/").status_code == 401


def test_people_signed_in_to_the_site_can_download_the_schema_from_the_api_page(client):
    client.force_login(user_with_role(roles.ACTION_OWNER))
    response = client.get("/api/schema/")
    assert response.status_code == 200
    assert "/api/v1/plans/" in yaml.safe_load(response.content)["paths"]


def test_the_schema_download_sends_anonymous_people_to_sign_in(client):
    response = client.get("/api/schema/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_the_schema_is_valid_openapi_and_drawn_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--file", str(target), "--fail-on-warn", "--validate")
    assert target.stat().st_size > 0
