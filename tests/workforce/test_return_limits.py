"""A return's date and figures within what a return can sensibly hold
(`workforce.models`): refused with a message at entry, in the admin's form and the CSV
import alike; and the workforce pages never fail for odd returns already stored (dated
in year 1 or 9999, negative, huge, all alike)."""

import datetime
from decimal import Decimal

import pytest

from improvement import roles
from tests.factories import user_with_role
from tests.workforce.factories import TeamFactory, WorkforceReturnFactory, indicator_measure
from tests.workforce.test_admin import ADD, form_data
from tests.workforce.test_import import csv, line, run
from tests.workforce.test_import import teams as teams  # noqa: F401 - the fixture
from workforce.indicators import twelve_months_before
from workforce.models import WorkforceReturn
from workforce.services import indicator_measures_refresh

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.mark.parametrize(
    ("as_at", "message"),
    [
        ("31/03/0001", "A return date cannot be before 1 January 2000."),
        ("31/12/9999", "A return date cannot be after 31 December 2099."),
    ],
)
def test_the_admin_refuses_a_return_date_outside_the_range(admin_client, as_at, message):
    response = admin_client.post(ADD, form_data(TeamFactory(), as_at=as_at))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["as_at"] == [message]
    assert not WorkforceReturn.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("permanent_fte", "100000.01", "Directly employed staff in post (FTE)"),
        ("sickness_days", "1000000.1", "Working days lost to sickness"),
        ("cases", "10000001", "Cases held"),
    ],
)
def test_the_admin_refuses_a_figure_beyond_its_limit(admin_client, field, value, message):
    response = admin_client.post(ADD, form_data(TeamFactory(), **{field: value}))
    [error] = response.context["adminform"].form.errors[field]
    assert error.startswith(message) and "cannot be more than" in error
    assert not WorkforceReturn.objects.exists()


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"as_at": "0001-03-31"}, "as_at"),
        ({"as_at": "31/12/9999"}, "as_at"),
        ({"establishment_fte": "9999999.99"}, "establishment_fte"),
        ({"students": "2147483647"}, "students"),
    ],
)
def test_the_csv_import_refuses_a_date_or_figure_out_of_range(teams, changes, column):  # noqa: F811
    outcome = run(csv(line(**changes)), dry_run=True)
    assert [p.column for p in outcome.problems] == [column]
    assert not WorkforceReturn.objects.exists()


def test_there_is_no_year_before_year_one():
    assert twelve_months_before(D(1, 3, 31)) == D.min
    assert twelve_months_before(D(9999, 12, 31)) == D(9998, 12, 31)


def odd_return(team, as_at, **figures):
    """Stored without the checks, as data from before them may be."""
    return WorkforceReturn.objects.bulk_create(
        [WorkforceReturnFactory.build(team=team, as_at=as_at, **figures)]
    )


def test_the_workforce_page_and_measures_survive_odd_returns_already_stored(client):
    team = TeamFactory()
    odd_return(team, D(1, 3, 31))
    odd_return(team, D(1, 12, 31), permanent_fte=Decimal("-5"), cases=0)
    odd_return(team, D(2025, 3, 31), permanent_fte=Decimal("0.01"), cases=2_000_000_000)
    odd_return(team, D(9999, 12, 31), permanent_fte=Decimal("9999999.99"), agency_fte=5)
    measure = indicator_measure("caseload")
    indicator_measures_refresh()
    assert measure.data_points.count() == 4
    client.force_login(user_with_role(roles.VIEWER))
    for scope in ("all", f"team-{team.pk}"):
        response = client.get("/workforce/", {"scope": scope})
        assert response.status_code == 200
    assert client.get(measure.get_absolute_url()).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["as_at=%00", "as_at=garbage", "as_at=99999-01-01", "as_at__year=99999", "p=-1", "p=%00"],
)
def test_the_returns_list_in_the_admin_takes_any_filter_without_failing(admin_client, query):
    WorkforceReturnFactory()
    response = admin_client.get(f"/admin/workforce/workforcereturn/?{query}", follow=True)
    # A NUL byte anywhere in the address is refused before the admin sees it.
    assert response.status_code == (400 if "%00" in query else 200)
