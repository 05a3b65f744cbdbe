"""The reports as Excel and CSV: one row per action (plus objectives and measures sheets),
read back with openpyxl and the csv module, and every cell safe to open: text that
starts like a formula is written as text."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from improvement.reports.spreadsheet import ACTION_HEADINGS
from tests.reports.conftest import FORMULAS, ORDER

pytestmark = pytest.mark.django_db


def download(client, plan, fmt, name="plan-report"):
    url = reverse(name, kwargs={"slug": plan.slug}) + f"?as_at=2025-06-30&format={fmt}"
    response = client.get(url)
    assert response.status_code == 200
    return response


def test_the_workbook_has_actions_objectives_and_measures_sheets(signed_in, plan):
    response = download(signed_in, plan, "xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="anytown-progress-as-at-2025-06-30.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Actions", "Objectives", "Measures"]
    rows = list(workbook["Actions"].iter_rows(values_only=True))
    assert list(rows[0]) == ACTION_HEADINGS
    assert [r[3] for r in rows[1:]] == ORDER  # one row per action, in natural order
    by_ref = {r[3]: dict(zip(ACTION_HEADINGS, r, strict=True)) for r in rows[1:]}
    late = by_ref["1.10"]
    assert late["Plan"] == "Children's services improvement plan"
    assert late["Objective"] == "Recruit & retain social workers"
    assert late["Status"] == "Red" and late["Overdue"] == "Yes"
    assert late["Timescale"] == "Quarter 2"
    assert late["Due date"].date().isoformat() == "2025-05-31"
    assert late["Responsible"] == "Priya Shah; Head of Service & HR"
    assert late["Evidence"] == "Minutes of the Board, 4 June\nWorkforce dashboard"
    assert late["Last update"].date().isoformat() == "2025-06-15"
    objectives = list(workbook["Objectives"].iter_rows(values_only=True))
    assert [r[2] for r in objectives[1:]] == ["1", "2", "3"]
    measures = list(workbook["Measures"].iter_rows(values_only=True))
    assert {r[1]: r[7] for r in measures[1:]} == {"Vacancy rate": "Red", "Permanent staff": "Green"}


def test_every_cell_of_the_workbook_is_formula_safe(signed_in, plan):
    workbook = load_workbook(io.BytesIO(download(signed_in, plan, "xlsx").content))
    progress = [row[10] for row in workbook["Actions"].iter_rows(min_row=2, values_only=True)]
    for text in FORMULAS:
        assert "'" + text in progress
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_csv_has_one_formula_safe_row_per_action(signed_in, plan):
    response = download(signed_in, plan, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('progress-as-at-2025-06-30.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ACTION_HEADINGS
    assert [r[3] for r in rows[1:]] == ORDER
    progress = [r[10] for r in rows[1:]]
    for text in FORMULAS:
        assert "'" + text in progress
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_the_exceptions_workbook_and_csv_hold_only_the_troubled_actions(signed_in, plan):
    workbook = load_workbook(
        io.BytesIO(download(signed_in, plan, "xlsx", "plan-exceptions").content)
    )
    assert workbook.sheetnames == ["Actions", "Objectives", "Measures", "Changes"]
    actions = list(workbook["Actions"].iter_rows(min_row=2, values_only=True))
    assert [r[3] for r in actions] == ["1.2", "1.10"]
    measures = list(workbook["Measures"].iter_rows(values_only=True))
    assert measures[0][-1] == "In brackets" and measures[1][-1] == "Vacancy rate 14.0% (8.0%)"
    changes = list(workbook["Changes"].iter_rows(min_row=2, values_only=True))
    assert ("Action 1.10", "Cut agency use <below 10%>", "Amber", "Red", "↓ worse") in changes
    rows = list(
        csv.reader(
            io.StringIO(
                download(signed_in, plan, "csv", "plan-exceptions").content.decode("utf-8-sig")
            )
        )
    )
    assert [r[3] for r in rows[1:]] == ["1.2", "1.10"]
