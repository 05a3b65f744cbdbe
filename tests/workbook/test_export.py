"""Exporting a plan as a workbook or CSV files: who may, what comes out (formula-safe),
the template and example downloads, and a query count that does not grow with the plan."""

import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tests.factories import (
    ActionFactory,
    AreaForDevelopmentFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
)
from tests.workbook.conftest import cells

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_url(plan, format="xlsx"):
    return reverse("plan-export", kwargs={"slug": plan.slug}) + f"?format={format}"


def test_a_reader_of_the_plan_downloads_its_workbook(client, viewer):
    plan = PlanFactory(slug="anytown-2025")
    ActionFactory(objective=ObjectiveFactory(plan=plan, reference="1"), reference="1.1")
    client.force_login(viewer)

    response = client.get(export_url(plan))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"] == 'attachment; filename="anytown-2025.xlsx"'
    book = cells(response.content)
    assert book["Plan"][1] == ["Slug", "anytown-2025"]
    assert book["Actions"][1][:3] == ["1", "1.1", "Do thing " + book["Actions"][1][2][9:]]


def test_the_csv_files_come_as_a_zip_one_file_per_sheet(client, viewer):
    plan = PlanFactory(slug="anytown-2025")
    client.force_login(viewer)
    for format in ("csv", "zip-of-csv"):
        response = client.get(export_url(plan, format))
        assert response.status_code == 200 and response["Content-Type"] == "application/zip"
        names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
        assert names[:3] == ["Read me.csv", "Plan.csv", "Status key.csv"] and len(names) == 13


def test_an_unknown_format_is_a_bad_request(client, viewer):
    client.force_login(viewer)
    assert client.get(export_url(PlanFactory(), "pdf")).status_code == 400


def test_a_restricted_plan_is_not_found_for_outsiders(client, outsider):
    plan = PlanFactory(restricted=True)
    client.force_login(outsider)
    assert client.get(export_url(plan)).status_code == 404


def test_text_that_looks_like_a_formula_is_exported_as_text(client, viewer):
    plan = PlanFactory(title='=HYPERLINK("http://evil.example","Click")')
    action = ActionFactory(objective=ObjectiveFactory(plan=plan), title="+44 1234 567890")
    ProgressUpdateFactory(action=action, narrative="@SUM(A1:A9)", status="")
    client.force_login(viewer)

    book = load_workbook(io.BytesIO(client.get(export_url(plan)).content))
    for sheet in book:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    assert book["Plan"]["B3"].value == '\'=HYPERLINK("http://evil.example","Click")'

    archive = zipfile.ZipFile(io.BytesIO(client.get(export_url(plan, "csv")).content))
    assert "'=HYPERLINK" in archive.read("Plan.csv").decode("utf-8-sig")
    assert ",'@SUM(A1:A9)," in archive.read("Updates.csv").decode("utf-8-sig")


def test_dates_are_real_excel_dates(client, viewer):
    plan = PlanFactory()
    ActionFactory(objective=ObjectiveFactory(plan=plan), due_date=datetime.date(2026, 3, 31))
    client.force_login(viewer)
    book = load_workbook(io.BytesIO(client.get(export_url(plan)).content))
    cell = book["Actions"]["K2"]
    assert cell.is_date and cell.value == datetime.datetime(2026, 3, 31)


def test_the_exports_query_count_does_not_grow_with_the_plan(client, viewer):
    client.force_login(viewer)

    def queries_for(actions: int) -> int:
        plan = PlanFactory()
        objective = ObjectiveFactory(plan=plan)
        for _ in range(actions):
            action = ActionFactory(objective=objective)
            MilestoneFactory(action=action)
            AreaForDevelopmentFactory(update=ProgressUpdateFactory(action=action))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(export_url(plan)).status_code == 200
        return len(captured)

    assert queries_for(5) == queries_for(50)


def test_the_template_and_the_example_download(client, viewer):
    client.force_login(viewer)
    for name, file_name in [("workbook-template", "plan-template.xlsx"),
                            ("workbook-example", "plan-example.xlsx")]:  # fmt: skip
        response = client.get(reverse(name))
        assert response.status_code == 200 and response["Content-Type"] == XLSX
        assert file_name in response["Content-Disposition"]
        assert list(cells(response.content))[0] == "Read me"
