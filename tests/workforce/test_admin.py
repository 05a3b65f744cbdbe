"""The workforce admin: returns entered with plain-English labels and every problem next
to its field, measures recomputed on save and delete, CSV import (preview, then all or
nothing) and a formula-safe CSV export."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from metrics.models import DataPoint
from tests.factories import UserFactory
from tests.workforce.factories import (
    ServiceAreaFactory,
    TeamFactory,
    WorkforceReturnFactory,
    indicator_measure,
)
from tests.workforce.test_import import csv, line
from workforce.models import WorkforceReturn
from workforce.resources import COLUMNS

pytestmark = pytest.mark.django_db

ADD = "/admin/workforce/workforcereturn/add/"
LIST = "/admin/workforce/workforcereturn/"
IMPORT = "/admin/workforce/workforcereturn/import/"
PROCESS = "/admin/workforce/workforcereturn/process_import/"
EXPORT = "/admin/workforce/workforcereturn/export/"


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def team():
    return TeamFactory(name="Team A", service_area=ServiceAreaFactory(name="Area 1"))


def form_data(team, **changes) -> dict:
    data = {
        "team": team.pk,
        "as_at": "30/09/2025",
        "establishment_fte": "12",
        "permanent_fte": "10",
        "agency_fte": "2",
        "agency_covering_vacancies_fte": "1",
        "vacancies_fte": "2",
        "starters_fte": "0",
        "starters_headcount": "0",
        "leavers_fte": "1",
        "leavers_headcount": "1",
        "leavers_under_two_years": "0",
        "sickness_days": "10",
        "cases": "150",
        "case_holding_fte": "10",
        "newly_qualified": "0",
        "students": "0",
    }
    data.update(changes)
    return data


def test_an_admin_adds_a_return_and_the_measures_it_feeds_are_recomputed(
    admin_client, team, staff_user
):
    measure = indicator_measure("caseload", indicator_team=team)
    response = admin_client.post(ADD, form_data(team), follow=True)
    assert response.status_code == 200
    saved = WorkforceReturn.objects.get()
    assert saved.entered_by == staff_user
    assert saved.as_at == datetime.date(2025, 9, 30)
    assert DataPoint.objects.get(measure=measure).value == Decimal("15.0000")
    assert "1 measure fed by the returns worked out again" in response.content.decode()


def test_the_admin_refuses_a_negative_fte_with_the_message_next_to_the_field(admin_client, team):
    response = admin_client.post(ADD, form_data(team, permanent_fte="-1"))
    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors["permanent_fte"] == [
        "Directly employed staff in post (FTE) cannot be negative."
    ]
    assert WorkforceReturn.objects.count() == 0


def test_the_admin_refuses_agency_covering_more_than_the_vacancies(admin_client, team):
    response = admin_client.post(
        ADD, form_data(team, agency_fte="3", agency_covering_vacancies_fte="3")
    )
    form = response.context["adminform"].form
    assert form.errors["agency_covering_vacancies_fte"] == [
        "Agency FTE covering vacancies cannot be more than the vacancies FTE."
    ]
    assert "__all__" not in form.errors
    assert WorkforceReturn.objects.count() == 0


def test_a_figure_that_is_not_a_number_gets_one_message_not_a_second_false_one(admin_client, team):
    response = admin_client.post(ADD, form_data(team, agency_fte="lots"))
    form = response.context["adminform"].form
    assert form.errors == {"agency_fte": ["Agency workers (FTE) must be a number."]}


def test_a_second_return_for_the_same_team_and_date_is_refused(admin_client, team):
    WorkforceReturnFactory(team=team)
    response = admin_client.post(ADD, form_data(team))
    assert "This team already has a return for that date." in response.content.decode()
    assert WorkforceReturn.objects.count() == 1


def test_the_change_form_uses_plain_english_labels(admin_client, team):
    html = admin_client.get(ADD).content.decode()
    assert "Directly employed staff in post (FTE)" in html
    assert "Leavers with under two years&#x27; service (people)" in html
    assert "Team A (Area 1)" in html


def test_deleting_a_return_in_the_admin_removes_its_data_point(admin_client, team):
    workforce_return = WorkforceReturnFactory(team=team)
    measure = indicator_measure("vacancy")
    admin_client.post(ADD, form_data(team, as_at="31/12/2025"))
    assert DataPoint.objects.filter(measure=measure).count() == 2
    admin_client.post(f"{LIST}{workforce_return.pk}/delete/", {"post": "yes"})
    assert list(DataPoint.objects.filter(measure=measure).values_list("period_end", flat=True)) == [
        datetime.date(2025, 12, 31)
    ]


def test_the_return_list_filters_by_service_area_team_and_date(admin_client, team):
    other = TeamFactory(name="Team B")
    WorkforceReturnFactory(team=team)
    WorkforceReturnFactory(team=team, as_at=datetime.date(2025, 6, 30))
    WorkforceReturnFactory(team=other)

    def teams(query):
        response = admin_client.get(LIST + query)
        return sorted((r.team.name, r.as_at.month) for r in response.context["cl"].result_list)

    assert teams(f"?team__service_area__id__exact={team.service_area_id}") == [
        ("Team A", 6),
        ("Team A", 9),
    ]
    assert teams(f"?team__id__exact={other.pk}") == [("Team B", 9)]
    assert teams("?as_at=2025-06-30") == [("Team A", 6)]


def test_the_return_list_does_not_grow_in_queries_with_the_returns(admin_client):
    def count():
        cache.clear()  # both alike: the header's sign-off count is counted, not cached
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(LIST).status_code == 200
        return len(queries)

    WorkforceReturnFactory()
    few = count()
    for _ in range(20):
        WorkforceReturnFactory()
    assert count() == few


def upload(name: str, text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_an_admin_imports_a_file_after_a_preview(admin_client, team):
    measure = indicator_measure("agency")
    preview = admin_client.post(
        IMPORT,
        {"format": "0", "resource": "0", "import_file": upload("returns.csv", csv(line()))},
    )
    assert preview.status_code == 200
    assert WorkforceReturn.objects.count() == 0  # only a preview so far
    confirm = preview.context["confirm_form"]
    response = admin_client.post(PROCESS, {**confirm.initial, "confirm": "Confirm import"})
    assert response.status_code == 302
    assert WorkforceReturn.objects.get().team == team
    assert DataPoint.objects.filter(measure=measure).count() == 1


def test_an_admin_import_with_a_bad_row_shows_the_row_and_saves_nothing(admin_client, team):
    text = csv(line(), line(permanent_fte="=1+1", as_at="31/12/2025"))
    response = admin_client.post(
        IMPORT, {"format": "0", "resource": "0", "import_file": upload("returns.csv", text)}
    )
    html = response.content.decode()
    assert "confirm_form" not in response.context or response.context["confirm_form"] is None
    assert "Nothing has been imported" in html
    assert "permanent_fte" in html
    assert "is not a number" in html
    assert WorkforceReturn.objects.count() == 0


def test_a_tampered_import_confirmation_is_refused(admin_client, team):
    response = admin_client.post(
        PROCESS,
        {
            "import_file_name": "abc:def:ghi",
            "original_file_name": "returns.csv",
            "format": "0",
            "resource": "0",
        },
    )
    assert response.status_code == 302
    assert WorkforceReturn.objects.count() == 0


def test_someone_who_may_only_view_returns_cannot_import_them(client, team):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_workforcereturn"))
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403


def test_the_export_is_safe_to_open_in_a_spreadsheet(admin_client):
    evil = TeamFactory(name='=HYPERLINK("http://x")', service_area=ServiceAreaFactory(name="@A"))
    WorkforceReturnFactory(team=evil)
    fields = {f"workforcereturnresource_{name}": "on" for name in COLUMNS}
    response = admin_client.post(EXPORT, {"format": "0", "resource": "0", **fields})
    assert response.status_code == 200
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    text = text.decode("utf-8")
    assert "'=HYPERLINK" in text
    assert text.splitlines()[1].startswith("'@A,")
    assert "\n=" not in text and ",=" not in text and ',"=' not in text


def test_the_import_page_explains_the_file_it_expects(admin_client):
    html = admin_client.get(IMPORT).content.decode()
    assert "one row per team and return date" in html
    assert "all or" in html and "nothing" in html


def test_a_file_too_big_to_be_a_returns_file_is_refused(admin_client, team):
    big = csv(*[line(as_at=f"{day:02d}/01/2020") for day in range(1, 29)]) * 800
    response = admin_client.post(
        IMPORT, {"format": "0", "resource": "0", "import_file": upload("big.csv", big)}
    )
    assert "The file is too big" in response.content.decode()
    assert WorkforceReturn.objects.count() == 0
