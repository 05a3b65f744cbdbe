"""Issue 15, item 7: a plan with everything a council's own document brings (several
labels per status, references as written and numbered by the app, targets as written,
relative, as text and with no date, figures reported in a document, a measure whose
direction is not stated, and the column mappings saved by a document import) is
exported, imported into an empty database and exported again: the same plan, the same
cells, and importing it once more changes nothing."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest

from improvement.models import Plan
from improvement.models.imports import SavedColumnMapping
from improvement.plan_files import _delete_plan
from improvement.workbook.mapping import shape_key
from improvement.workbook.results import CHANGE, CREATE, UNCHANGED
from improvement.workbook.services import plan_export, plan_import
from metrics.models import DataPoint
from tests.workbook.conftest import cells, row_counts, xlsx
from tests.workbook.test_round_trip import _state
from tests.workbook.test_targets_as_written import _snapshot

pytestmark = pytest.mark.django_db

HEADINGS_WORD = ["No", "Improvement Key Activity", "Benefit to the customer", "", "Progress"]
FIELDS_WORD = ["reference", "title", "benefit", "", "progress"]
HEADINGS_TRACKER = ["What", "Who", "When", "Current status"]
FIELDS_TRACKER = ["title", "responsible", "timescale", "status"]

SHEETS = {
    "Plan": [
        ["Field", "Value"],
        ["Slug", "own-words-2025"],
        ["Title", "A plan in its own words"],
        ["Organisation", "Anytown Council"],
        ["Kind", "Action plan"],
        ["Start date", "2003-04-01"],
    ],
    "Status key": [
        ["Label", "Status", "Meaning", "Summary phrase"],
        ["Complete", "Complete", "Done", "have been completed"],
        ["Achieved", "Complete", "Met, as the council says", None],
        ["Green", "On track", None, None],
        ["On target", "On track", None, None],
        ["Ongoing", "On track", "Continuing", None],
        ["Red", "Off track", None, None],
    ],
    "Objectives": [
        ["Reference", "Title"],
        ["Objective One", "Workforce"],
        [None, "Practice"],
    ],
    "Actions": [
        ["Objective", "Reference", "Title"],
        ["Objective One", None, "Recruit"],
        ["Objective One", "A", "Retain"],
        ["2", None, "Audit"],
    ],
    "Updates": [
        ["Update ref", "Objective", "Action", "As at", "Status", "Progress"],
        ["1", "Objective One", "1", "30/06/2004", "achieved", "Ten recruited"],
        ["2", "Objective One", "A", "30/06/2004", "ON TARGET", "Going well"],
        ["3", "2", "2.1", "30/06/2004", " ongoing ", "Audits monthly"],
    ],
    "Measures": [
        ["Reference", "Name", "Unit", "Direction", "Baseline", "Baseline date"],
        ["M1", "Student placements", "Count", "Higher is better", 32, "31/03/2003"],
        ["M2", "Staff to manager ratio", "Ratio", "Higher is better", None, None],
        ["M3", "Staff trained", "Percentage", None, None, None],
        ["M4", "Sessional staff spend", "Money (£)", "Lower is better", 100000, None],
        ["M5", "Robust IRO system", "Percentage", "Higher is better", None, None],
    ],
    "Targets": [
        ["Measure", "Kind", "Value", "Due date"],
        ["M1", "Final target", "increase by 5", "31/03/2004"],
        ["M2", "Final target", "7:10", None],
        ["M3", "Final target", "all staff", None],
        ["M4", "Final target", "reduce by 60%", "31/03/2005"],
        ["M4", "Interim target", "halve", None],
        ["M5", "Final target", '"a robust system in place"', "31/01/2015"],
    ],
    "Data": [
        ["Measure", "Period end", "Reported in", "Value"],
        ["M1", "30/09/2003", None, 35],
        ["M3", None, "29/02/2004", 80],
        ["M4", None, "29/02/2004", 52000],
        ["M2", None, "29/02/2004", "7:10"],
    ],
}


def _import(data, name="plan.xlsx", **kwargs):
    return plan_import(data=data, file_name=name, check_permissions=False, **kwargs)


def _plan_with_everything() -> Plan:
    result = _import(xlsx(SHEETS), confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    plan = result.plan
    for headings, fields, statuses in (
        (HEADINGS_WORD, FIELDS_WORD, {"achieved": "complete", "green": "on_track"}),
        (HEADINGS_TRACKER, FIELDS_TRACKER, {}),
    ):
        SavedColumnMapping.objects.create(
            plan=plan,
            organisation=plan.organisation,
            shape=shape_key(headings),
            headings=headings,
            fields=fields,
            statuses=statuses,
        )
    return plan


def _mappings(plan) -> list[tuple]:
    return sorted(
        (m.organisation, m.shape, tuple(m.headings), tuple(m.fields), sorted(m.statuses.items()))
        for m in SavedColumnMapping.objects.filter(plan=plan)
    )


def _everything(plan) -> dict:
    figures = sorted(
        DataPoint.objects.filter(measure__plan=plan).values_list(
            "measure__reference", "period_end", "dated", "value", "written"
        )
    )
    return {**_state(plan), **_snapshot(plan), "figures": figures, "mappings": _mappings(plan)}


def _same_files(first: bytes, second: bytes, as_csv: bool) -> None:
    if as_csv:
        with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
            assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}
    else:
        assert cells(first) == cells(second)


@pytest.mark.parametrize("as_csv", [False, True])
def test_everything_exported_imports_as_the_same_plan_and_exports_the_same(as_csv):
    plan = _plan_with_everything()
    before = _everything(plan)
    assert len(before["mappings"]) == 2
    assert ("M2", date(2004, 2, 29), "reported", Decimal("0.7"), "7:10") in before["figures"]
    name = "plan.zip" if as_csv else "plan.xlsx"
    first = plan_export(plan=plan, as_csv=as_csv).data
    _delete_plan(plan)
    assert not SavedColumnMapping.objects.exists()

    result = _import(first, name=name, confirm=True)

    assert result.saved, [str(p) for p in result.problems]
    restored = Plan.objects.get(slug="own-words-2025")
    assert _everything(restored) == before
    second = plan_export(plan=restored, as_csv=as_csv).data
    _same_files(first, second, as_csv)
    counts = row_counts()
    again = _import(second, name=name, confirm=True)
    assert again.steps and {s.kind for s in again.steps} == {UNCHANGED}
    assert row_counts() == counts


def test_the_column_mappings_sheet_says_what_each_heading_goes_to():
    plan = _plan_with_everything()
    sheet = cells(plan_export(plan=plan).data)["Column mappings"]
    assert sheet[0] == ["Mapping", "Heading", "Field", "Status labels"]
    # mappings in the order of their heading rows: "No | …" before "What | …"
    assert [row[0] for row in sheet[1:]] == ["1"] * 5 + ["2"] * 4
    assert [row[1] for row in sheet[1:6]] == [*HEADINGS_WORD[:3], None, "Progress"]
    rows = {row[1]: row for row in sheet[1:] if row[1]}
    assert rows["Improvement Key Activity"][2] == "Action (title)"
    assert rows["Benefit to the customer"][2] == "Benefit"
    assert any(row[1] is None and row[2] is None for row in sheet[1:])  # a blank heading
    labels = [row[3] for row in sheet[1:] if row[3]]
    assert labels == ["achieved = Complete\ngreen = On track"]


def test_a_changed_mapping_is_a_change_and_a_new_one_is_created():
    plan = _plan_with_everything()
    sheets = cells(plan_export(plan=plan).data)
    rows = sheets["Column mappings"]
    for row in rows[1:]:
        if row[1] == "Progress":
            row[2] = "Status"
    rows.extend([["9", "Ref", "Reference", None], ["9", "Task", "Action (title)", None]])
    result = _import(xlsx({"Plan": sheets["Plan"], "Column mappings": rows}), confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    kinds = [(s.kind, s.what) for s in result.steps if s.sheet == "Column mappings"]
    assert [k for k, _ in kinds].count(CHANGE) == 1 and [k for k, _ in kinds].count(CREATE) == 1
    changed = SavedColumnMapping.objects.get(plan=plan, shape=shape_key(HEADINGS_WORD))
    assert changed.fields[-1] == "status"
    new = SavedColumnMapping.objects.get(plan=plan, shape=shape_key(["Ref", "Task"]))
    assert (new.fields, new.organisation) == (["reference", "title"], "Anytown Council")


@pytest.mark.parametrize(
    "row, column, message",
    [
        (["1", "Due", "When it is due", None], "Field", "is not one of the choices"),
        (["1", "Due", None, "Achieved"], "Status labels", "“Achieved” is not a label = status"),
        (["1", "Due", None, "achieved = Done"], "Status labels", "“Done” is not a standard"),
    ],
)
def test_a_mapping_that_cannot_be_read_is_a_problem_and_nothing_is_saved(row, column, message):
    sheets = {
        "Plan": SHEETS["Plan"],
        "Column mappings": [["Mapping", "Heading", "Field", "Status labels"], row],
    }
    result = _import(xlsx(sheets), confirm=True)
    assert not result.saved
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("Column mappings", 2, column)]
    assert message in result.problems[0].message
    assert not Plan.objects.exists() and not SavedColumnMapping.objects.exists()


def test_the_same_heading_row_twice_is_a_problem():
    rows = [
        ["Mapping", "Heading", "Field", "Status labels"],
        ["1", "What", "Action (title)", None],
        ["2", "what ", "Action (title)", None],
    ]
    result = _import(xlsx({"Plan": SHEETS["Plan"], "Column mappings": rows}), confirm=True)
    assert not result.saved
    (problem,) = result.problems
    assert (problem.sheet, problem.row, problem.column) == ("Column mappings", 3, "Mapping")
    assert "same heading row as mapping 1" in problem.message


def test_the_read_me_names_every_field_a_column_may_go_to():
    from improvement.workbook import format as fmt
    from improvement.workbook.mapping import FIELDS

    assert fmt.MAPPED_FIELDS.split(", ") == [f.label for f in FIELDS]


def test_a_mappings_sheet_without_its_field_column_is_refused_and_one_without_labels_keeps_them():
    plan = _plan_with_everything()
    rows = cells(plan_export(plan=plan).data)["Column mappings"]
    plan_rows = cells(plan_export(plan=plan).data)["Plan"]
    no_field = [[row[0], row[1], row[3]] for row in rows]
    no_field[0] = ["Mapping", "Heading", "Status labels"]
    result = _import(xlsx({"Plan": plan_rows, "Column mappings": no_field}), confirm=True)
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [
        ("Column mappings", 1, "Field")
    ]
    before = _mappings(plan)
    no_labels = [row[:3] for row in rows]
    result = _import(xlsx({"Plan": plan_rows, "Column mappings": no_labels}), confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    assert {s.kind for s in result.steps if s.sheet == "Column mappings"} == {UNCHANGED}
    assert _mappings(plan) == before
