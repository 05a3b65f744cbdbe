"""A NUL character in a web address's query string is refused with the 400 page before any
view runs: no page uses one, and PostgreSQL cannot compare text with one (the admin's list
filters, third-party apps' included, would otherwise fail with a 500)."""

import pytest

from improvement import roles
from tests.factories import user_with_role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "/admin/axes/accessattempt/?path_info=%00",
        "/admin/improvement/progressupdate/?status__exact=%00",
        "/dashboard/?as_at=%00",
        "/actions/?q%00=1",
    ],
)
def test_a_nul_in_the_address_is_a_bad_request(client, address):
    client.force_login(user_with_role(roles.ADMINISTRATOR, is_superuser=True))
    response = client.get(address)
    assert response.status_code == 400
    assert "there is a problem with your request" in response.content.decode()


def test_an_ordinary_address_is_served(client):
    client.force_login(user_with_role(roles.ADMINISTRATOR, is_superuser=True))
    assert (
        client.get("/admin/improvement/progressupdate/?status__exact=on_track").status_code == 200
    )
