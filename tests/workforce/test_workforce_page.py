"""The workforce page: indicators by team, service area and the whole service at the
latest return date, and over time with charts that have text alternatives; readable by
anyone with a role, in a fixed number of queries."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement import roles
from tests.factories import user_with_role
from tests.workforce.factories import (
    QUARTERS,
    ServiceAreaFactory,
    TeamFactory,
    WorkforceReturnFactory,
)
from workforce.models import ServiceArea, Team

pytestmark = pytest.mark.django_db

URL = "/workforce/"


def test_the_page_is_at_the_workforce_url():
    assert reverse("workforce") == URL


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_someone_signed_in_without_a_role_is_refused(client, outsider):
    client.force_login(outsider)
    assert client.get(URL).status_code == 403


@pytest.mark.parametrize(
    "role", [roles.VIEWER, roles.CLERK, roles.ACTION_OWNER, roles.PLAN_EDITOR, roles.ADMINISTRATOR]
)
def test_anyone_with_a_role_may_read_it(client, role):
    client.force_login(user_with_role(role))
    assert client.get(URL).status_code == 200


def test_with_no_returns_the_page_says_so(signed_in):
    assert "There are no workforce returns yet." in signed_in.get(URL).content.decode()


@pytest.fixture
def council():
    """Two teams in one service area, one in another, at two dates; one team is late."""
    care = ServiceAreaFactory(name="Protection and Care")
    cla = ServiceAreaFactory(name="Children Looked After")
    small = TeamFactory(name="Small team", service_area=care)
    large = TeamFactory(name="Large team", service_area=care)
    late = TeamFactory(name="Late team", service_area=cla)
    for as_at in QUARTERS[2:4]:
        WorkforceReturnFactory(
            team=small,
            as_at=as_at,
            permanent_fte=10,
            agency_fte=10,
            vacancies_fte=0,
            agency_covering_vacancies_fte=0,
            cases=200,
            case_holding_fte=10,
        )
        WorkforceReturnFactory(
            team=large,
            as_at=as_at,
            permanent_fte=90,
            agency_fte=0,
            vacancies_fte=10,
            agency_covering_vacancies_fte=0,
            cases=1000,
            case_holding_fte=80,
        )
    WorkforceReturnFactory(team=late, as_at=QUARTERS[2])
    return {"care": care, "small": small, "large": large, "late": late}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_latest_returns_are_shown_by_team_service_area_and_whole_service(signed_in, council):
    response = signed_in.get(URL)
    html = response.content.decode()
    text = text_of(html)
    assert "At 30 September 2025, the latest return date" in text
    # Small team: 10 agency of 20 is 50.0%; no vacancies; 200 cases over 10 FTE.
    assert "Small team Protection and Care 10 FTE 0.0% 50.0%" in text
    assert "Late team Children Looked After No return for this date" in text
    # Protection and Care adds up: 10 agency of 110 FTE = 9.1%, never (50% + 0%) / 2.
    assert "Protection and Care 2 100 FTE 9.1% 9.1%" in text
    assert "Whole service 2 100 FTE" in text
    assert "25.0%" not in text
    assert (
        '<caption class="govuk-table__caption govuk-table__caption--s">Teams at 30 September 2025'
        in html
    )
    assert '<th scope="row" class="govuk-table__header">Small team' in html


def test_over_time_shows_each_return_date_for_the_chosen_scope(signed_in, council):
    html = signed_in.get(URL, {"scope": f"area-{council['care'].pk}"}).content.decode()
    text = text_of(html)
    assert "Protection and Care: indicators at each return date" in text
    assert "30/06/2025 2 100 FTE" in text
    assert "30/09/2025 2 100 FTE" in text
    html = signed_in.get(URL, {"scope": f"team-{council['late'].pk}"}).content.decode()
    assert "Late team (Children Looked After): indicators at each return date" in text_of(html)


def test_an_unknown_scope_is_explained_next_to_the_chooser_and_the_whole_service_shown(
    signed_in, council
):
    html = signed_in.get(URL, {"scope": "team-99999"}).content.decode()
    assert "govuk-error-message" in html
    assert "Choose the whole service, a service area or a team." in html
    assert "Whole service: indicators at each return date" in text_of(html)


def test_each_chart_has_a_text_alternative_and_its_values_in_a_table(signed_in, council):
    html = signed_in.get(URL).content.decode()
    charts = re.findall(r"<svg[^>]*>.*?</svg>", html, flags=re.S)
    assert len(charts) == 5
    for chart in charts:
        assert 'role="img"' in chart
        ids = re.search(r'aria-labelledby="([^"]+)"', chart).group(1).split()
        for element_id in ids:
            assert f'id="{element_id}"' in chart
        assert "<title" in chart and "<desc" in chart
    assert "Agency worker rate by return date: Whole service" in html
    assert "2 values from 30 June 2025 to 30 September 2025" in html


def test_headings_go_in_order(signed_in, council):
    html = signed_in.get(URL).content.decode()
    levels = [int(h) for h in re.findall(r"<h([1-6])", html.split('id="main-content"')[1])]
    assert levels[0] == 1
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:], strict=False))


def build(teams: int, returns: int) -> None:
    area = ServiceAreaFactory()
    for _ in range(teams):
        team = TeamFactory(service_area=area)
        for as_at in QUARTERS[:returns]:
            WorkforceReturnFactory(team=team, as_at=as_at)


def scope_of(kind: str) -> str:
    if kind == "area":
        return f"area-{ServiceArea.objects.first().pk}"
    if kind == "team":
        return f"team-{Team.objects.first().pk}"
    return "all"


@pytest.mark.parametrize("kind", ["all", "area", "team"])
def test_the_query_count_does_not_grow_with_teams_and_returns(
    client, django_assert_num_queries, kind
):
    client.force_login(user_with_role(roles.VIEWER))
    build(2, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL, {"scope": scope_of(kind)}).status_code == 200
    build(6, 8)  # 8 teams, most with 8 returns
    with django_assert_num_queries(len(few)):
        assert client.get(URL, {"scope": scope_of(kind)}).status_code == 200
