"""Targets and figures as councils write them travel through the workbook: a target with
no date, a change from the baseline, a ratio, "all staff", text in quotes, a figure
dated by its report and a measure whose direction is not stated are read as written,
exported as written, and import again as the same measures, targets and figures. Words
that are not a target are refused with what to write, row and column named."""

import datetime
from decimal import Decimal

import pytest

from improvement.models import Plan
from improvement.plan_files import _delete_plan
from improvement.workbook.results import UNCHANGED
from improvement.workbook.services import plan_export, plan_import
from metrics.models import DataPoint, Measure, Target
from tests.factories import DataPointFactory, MeasureFactory, ObjectiveFactory, PlanFactory
from tests.workbook.conftest import cells, minimal_sheets, xlsx

pytestmark = pytest.mark.django_db
D = datetime.date

MEASURES = [
    ["Reference", "Name", "Unit", "Direction", "Baseline", "Baseline date"],
    ["M1", "Student placements", "Count", "Higher is better", 32, "31/03/2003"],
    ["M2", "Staff to manager ratio", "Ratio", "Higher is better", None, None],
    ["M3", "Staff trained", "Percentage", None, None, None],
    ["M4", "Sessional staff spend", "Money (£)", "Lower is better", 100000, None],
    ["M5", "Robust IRO system", "Percentage", "Higher is better", None, None],
]
TARGETS = [
    ["Measure", "Kind", "Value", "Due date"],
    ["M1", "Final target", "increase by 5", "31/03/2004"],
    ["M2", "Final target", "7:10", None],
    ["M3", "Final target", "all staff", None],
    ["M4", "Final target", "reduce by 60%", "31/03/2005"],
    ["M5", "Final target", '"a robust system in place"', "31/01/2015"],
]
DATA = [
    ["Measure", "Period end", "Reported in", "Value"],
    ["M1", "30/09/2003", None, 35],
    ["M3", None, "29/02/2004", 80],
    ["M4", None, "29/02/2004", 52000],
]


def book(**changes) -> bytes:
    sheets = {"Measures": MEASURES, "Targets": TARGETS, "Data": DATA, **changes}
    return xlsx(minimal_sheets(**sheets))


def imported(data: bytes, *, confirm=True):
    return plan_import(data=data, file_name="plan.xlsx", confirm=confirm, check_permissions=False)


def problems(result) -> list[tuple]:
    return [(p.sheet, p.row, p.column, p.message) for p in result.problems]


def test_targets_and_figures_are_read_as_the_plan_words_them():
    result = imported(book())
    assert result.saved, problems(result)
    plan = Plan.objects.get(slug="anytown-2025")
    targets = {t.measure.reference: t for t in Target.objects.filter(measure__plan=plan)}
    placements = targets["M1"]
    assert (placements.value, placements.change_by, placements.change) == (None, "amount", 5)
    assert placements.written == "increase by 5"
    assert placements.resolved_value() == 37
    ratio = targets["M2"]
    assert (ratio.value, ratio.written, ratio.due_date) == (Decimal("0.7"), "7:10", None)
    assert (targets["M3"].value, targets["M3"].written) == (100, "all staff")
    assert (targets["M4"].change_by, targets["M4"].change) == ("percent", -60)
    text = targets["M5"]
    assert (text.value, text.change_by, text.written) == (None, "", "a robust system in place")
    assert text.is_text
    assert Measure.objects.get(plan=plan, reference="M3").direction == "none"
    reported = DataPoint.objects.get(measure__reference="M4", measure__plan=plan)
    assert (reported.period_end, reported.dated) == (D(2004, 2, 29), "reported")
    assert DataPoint.objects.get(measure__reference="M1").dated == "period"


def test_the_dry_run_names_a_target_with_no_date_and_a_reported_figure():
    result = imported(book(), confirm=False)
    said = [s.what for s in result.steps]
    assert "create final target of “M2” with no date" in said
    assert "create value of “M4” reported 29/02/2004" in said


def test_an_export_imports_as_the_same_targets_and_figures():
    result = imported(book())
    assert result.saved, problems(result)
    plan = Plan.objects.get(slug="anytown-2025")
    exported = plan_export(plan=plan).data
    sheet = cells(exported)
    assert sheet["Targets"][0][:5] == ["Measure", "Kind", "Value", "Upper value", "Due date"]
    values = {row[0]: row[2] for row in sheet["Targets"][1:]}
    assert values == {
        "M1": "increase by 5",
        "M2": "7:10",
        "M3": "all staff",
        "M4": "reduce by 60%",
        "M5": "“a robust system in place”",
    }
    assert sheet["Data"][0][:3] == ["Measure", "Period end", "Reported in"]
    assert [r[1:3] for r in sheet["Data"][1:]] == [
        [datetime.datetime(2003, 9, 30), None],
        [None, datetime.datetime(2004, 2, 29)],
        [None, datetime.datetime(2004, 2, 29)],
    ]
    before = _snapshot(plan)

    _delete_plan(plan)
    again = imported(exported)
    assert again.saved, problems(again)
    plan = Plan.objects.get(slug="anytown-2025")
    assert _snapshot(plan) == before
    assert cells(plan_export(plan=plan).data) == cells(exported)

    unchanged = imported(exported, confirm=False)
    kinds = {s.kind for s in unchanged.steps if s.sheet in ("Measures", "Targets", "Data")}
    assert kinds == {UNCHANGED}


def test_targets_made_in_the_tracker_survive_the_round_trip():
    plan = PlanFactory(slug="made-here")
    ObjectiveFactory(plan=plan, reference="1")
    halve = MeasureFactory(plan=plan, name="Agency staff", unit="fte", direction="none")
    Target.objects.create(
        measure=halve, written="halve", change_by="factor", change=Decimal("0.5"), set_on=None
    )
    Target.objects.create(
        measure=halve, kind="interim", value=30, due_date=D(2025, 3, 31), set_on=None
    )
    DataPointFactory(measure=halve, period_end=D(2025, 3, 31), value=40, dated="reported")
    before = _snapshot(plan)
    exported = plan_export(plan=plan).data

    _delete_plan(plan)
    assert imported(exported).saved
    assert _snapshot(Plan.objects.get(slug="made-here")) == before


def _snapshot(plan) -> dict:
    return {
        "measures": sorted(
            Measure.objects.filter(plan=plan).values_list(
                "reference", "name", "unit", "direction", "baseline_value", "baseline_date"
            )
        ),
        "targets": sorted(
            Target.objects.filter(measure__plan=plan).values_list(
                "measure__name",
                "kind",
                "value",
                "written",
                "change_by",
                "change",
                "due_date",
                "set_on",
            ),
            key=str,
        ),
        "data": sorted(
            DataPoint.objects.filter(measure__plan=plan).values_list(
                "measure__name", "period_end", "dated", "value", "text"
            ),
            key=str,
        ),
    }


@pytest.mark.parametrize(
    "value, unit, message",
    [
        ("10% more", "Count", "Target “10% more” is not understood: write a number"),
        ("7:10", "Percentage", "Target “7:10” is a ratio, but the measure's unit is Percentage"),
        ("increase by 5", "Percentage", "could mean 5 percentage points or 5% of the baseline"),
        ("double", "Percentage", "From the baseline of 60.0%, “double” comes to 120.0%"),
        (150, "Percentage", "A percentage cannot be more than 100"),
    ],
)
def test_a_target_that_cannot_be_read_is_a_problem_on_its_row_and_nothing_is_saved(
    value, unit, message
):
    measures = [MEASURES[0][:5], ["M9", "Visits", unit, "Higher is better", 60]]
    targets = [TARGETS[0], ["M9", "Final target", value, None]]
    result = imported(book(Measures=measures, Targets=targets, Data=[DATA[0]]))
    assert not result.saved
    (problem,) = result.problems
    assert (problem.sheet, problem.row, problem.column) == ("Targets", 2, "Value")
    assert message in problem.message
    assert not Plan.objects.filter(slug="anytown-2025").exists()


def test_a_range_target_in_words_is_refused():
    measures = [MEASURES[0][:4], ["M9", "Caseload", "Ratio", "Within a range"]]
    targets = [TARGETS[0], ["M9", "Final target", "halve", None]]
    result = imported(book(Measures=measures, Targets=targets, Data=[DATA[0]]))
    assert ("Targets", 2, "Value") in [(p.sheet, p.row, p.column) for p in result.problems]
    assert any("A range's target is two numbers" in p.message for p in result.problems)


@pytest.mark.parametrize(
    "period_end, reported_in, message",
    [
        (None, None, "The figure has no date."),
        ("30/09/2003", "29/02/2004", "The figure has two dates"),
    ],
)
def test_a_figure_needs_one_date(period_end, reported_in, message):
    data = [DATA[0], ["M1", period_end, reported_in, 35]]
    result = imported(book(Data=data))
    assert not result.saved
    ((sheet, row, column, said),) = problems(result)
    assert (sheet, row, column) == ("Data", 2, "Period end")
    assert said.startswith(message)
