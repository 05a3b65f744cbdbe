"""The reports as Excel and CSV, read back with openpyxl and the csv module: a cover sheet
first, then objectives, actions and measures; numbers stored as numbers with formats,
filters, status fills with the word; the CSV one row per thing with a level column; and
every cell safe to open (text that starts like a formula is written as text)."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from improvement.reports.spreadsheet import ACTION_HEADINGS, CSV_HEADINGS
from tests.reports.conftest import FORMULAS, ORDER

pytestmark = pytest.mark.django_db


def download(client, plan, fmt, name="plan-report"):
    url = reverse(name, kwargs={"slug": plan.slug}) + f"?as_at=2025-06-30&format={fmt}"
    response = client.get(url)
    assert response.status_code == 200
    return response


def rows_of(sheet) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def read_csv(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_workbook_opens_on_its_cover_then_objectives_actions_measures(signed_in, plan):
    response = download(signed_in, plan, "xlsx")
    assert response["Content-Disposition"] == (
        'attachment; filename="anytown-progress-as-at-2025-06-30.xlsx"'
    )
    workbook = load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["Cover", "Objectives", "Actions", "Measures"]
    cover = {r[0]: r[1] for r in workbook["Cover"].iter_rows(values_only=True) if r[0]}
    assert workbook["Cover"]["A1"].value == "Progress report: Children's services improvement plan"
    assert cover["As at"].date().isoformat() == "2025-06-30"
    assert cover["Committee"] == "Children and Young People Scrutiny Committee"
    assert cover["Overall status"] == "Red"
    assert cover["Green"] == "On track: Will be met on time."  # the key, with meanings
    assert "Not started" not in cover  # only the labels the report shows

    actions = rows_of(workbook["Actions"])
    assert list(workbook["Actions"].iter_rows(values_only=True))[0] == tuple(ACTION_HEADINGS)
    assert [r["Action ref"] for r in actions] == ORDER  # one row per action, in order
    late = next(r for r in actions if r["Action ref"] == "1.10")
    assert late["Objective"] == "Recruit & retain social workers"
    assert late["Status"] == "Red" and late["Overdue"] == "Yes"
    assert late["Timescale"] == "Quarter 2"
    assert late["Due date"].date().isoformat() == "2025-05-31"
    assert late["Responsible"] == "Priya Shah; Head of Service & HR"
    assert late["Evidence"] == "Minutes of the Board, 4 June\nWorkforce dashboard"
    assert late["Last update"].date().isoformat() == "2025-06-15"

    objectives = rows_of(workbook["Objectives"])
    assert [r["Objective ref"] for r in objectives] == ["1", "2", "3"]
    first = objectives[0]
    assert (first["Actions"], first["Actions Complete"], first["Actions Red"]) == (3, 1, 1)
    assert first["Overdue actions"] == 1
    assert first["Linked measures"] == "Vacancy rate: 14.0% (8.0%), Red"
    assert objectives[1]["Progress"] == "The board has been restructured."

    measures = {r["Measure"]: r for r in rows_of(workbook["Measures"])}
    assert {name: r["Status"] for name, r in measures.items()} == {
        "Vacancy rate": "Red",
        "Permanent staff": "Green",
    }
    vacancy = measures["Vacancy rate"]
    assert (vacancy["Baseline"], vacancy["Latest"], vacancy["Target"]) == (20, 14, 8)
    assert vacancy["Value (target)"] == "14.0% (8.0%)"
    assert vacancy["Direction"] == "Lower is better"


def test_workbook_numbers_formats_filters_and_fills(signed_in, plan):
    workbook = load_workbook(io.BytesIO(download(signed_in, plan, "xlsx").content))
    measures = workbook["Measures"]
    latest = measures.cell(row=2, column=6)
    assert isinstance(latest.value, int | float) and latest.number_format == '0.0"%"'
    for name in ["Objectives", "Actions", "Measures"]:
        assert workbook[name].auto_filter.ref, name
        assert workbook[name].freeze_panes == "A2"
    actions = workbook["Actions"]
    status = actions.cell(
        row=1 + ORDER.index("1.10") + 1, column=ACTION_HEADINGS.index("Status") + 1
    )
    assert status.value == "Red" and status.fill.start_color.rgb.endswith("B3261E")
    assert status.font.color.rgb.endswith("FFFFFF")


def test_every_cell_of_the_workbook_is_formula_safe(signed_in, plan):
    workbook = load_workbook(io.BytesIO(download(signed_in, plan, "xlsx").content))
    progress = [r["Progress"] for r in rows_of(workbook["Actions"])]
    for text in FORMULAS:
        assert "'" + text in progress
    for sheet in workbook:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))


def test_the_csv_has_one_formula_safe_row_per_objective_and_action(signed_in, plan):
    response = download(signed_in, plan, "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('progress-as-at-2025-06-30.csv"')
    rows = read_csv(response)
    assert list(rows[0]) == CSV_HEADINGS
    levels = [r["Level"] for r in rows]
    assert levels[0] == "report" and "cover" in levels and "key" in levels
    work = [(r["Level"], r["Ref"]) for r in rows if r["Level"] in ("objective", "action")]
    assert work == [
        ("objective", "1"),
        ("action", "1.1"),
        ("action", "1.2"),
        ("action", "1.10"),
    ] + [
        ("objective", "2"),
        ("objective", "3"),
    ] + [("action", ref) for ref in ORDER[3:]]
    progress = [r["Progress"] for r in rows]
    for text in FORMULAS:
        assert "'" + text in progress
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value


def test_the_exceptions_workbook_and_csv_hold_only_the_troubled_actions(signed_in, plan):
    workbook = load_workbook(
        io.BytesIO(download(signed_in, plan, "xlsx", "plan-exceptions").content)
    )
    assert workbook.sheetnames == ["Cover", "Objectives", "Actions", "Measures", "Changes"]
    actions = rows_of(workbook["Actions"])
    assert [r["Action ref"] for r in actions] == ["1.2", "1.10"]
    assert (actions[1]["Was"], actions[1]["Change"]) == ("Amber", "↓ worse")
    measures = rows_of(workbook["Measures"])
    assert [(m["Measure"], m["Value (target)"]) for m in measures] == [
        ("Vacancy rate", "14.0% (8.0%)")
    ]
    changes = list(workbook["Changes"].iter_rows(min_row=2, values_only=True))
    assert ("Action 1.10", "Cut agency use <below 10%>", "Amber", "Red", "↓ worse") in changes
    rows = read_csv(download(signed_in, plan, "csv", "plan-exceptions"))
    assert [r["Ref"] for r in rows if r["Level"] == "action"] == ["1.2", "1.10"]
    late = next(r for r in rows if r["Level"] == "action" and r["Ref"] == "1.10")
    assert late["Change"] == "was Amber: ↓ worse"
