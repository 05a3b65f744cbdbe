"""Issue 15, item 4: a figure the document writes as a ratio ("7:10") on the Data
sheet is taken for a Ratio measure (value 0.7, judged by it) and shown as written on
the measure's page and in the export; words in a Text measure's Value are what was
found. Anywhere else a ratio is a problem on its row and column, and nothing is saved."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from improvement.models import Plan
from improvement.plan_files import _delete_plan
from improvement.workbook.results import CHANGE, UNCHANGED
from improvement.workbook.services import plan_export, plan_import
from metrics.models import DataPoint, Measure
from metrics.wording import figure_words, read_figure
from tests.factories import DataPointFactory, MeasureFactory
from tests.workbook.conftest import cells, minimal_sheets, xlsx

pytestmark = pytest.mark.django_db

MEASURES = [
    ["Reference", "Name", "Unit", "Direction"],
    ["M2", "Staff to manager ratio", "Ratio", "Higher is better"],
    ["M6", "Practice audit", "Text (qualitative)", None],
    ["M7", "Staff trained", "Percentage", "Higher is better"],
]
TARGETS = [["Measure", "Kind", "Value", "Due date"], ["M2", "Final target", "7:10", None]]
DATA = [
    ["Measure", "Period end", "Reported in", "Value", "Text"],
    ["M2", "30/09/2003", None, "5:10", None],
    ["M2", None, "29/02/2004", " 7 : 10 ", None],
    ["M2", "31/03/2004", None, 0.75, None],
    ["M6", None, "29/02/2004", "Audits monthly", None],
]


def _import(sheets, *, confirm=True):
    return plan_import(
        data=xlsx(minimal_sheets(**sheets)),
        file_name="plan.xlsx",
        confirm=confirm,
        check_permissions=False,
    )


def _problems(result):
    return [(p.sheet, p.row, p.column, p.message) for p in result.problems]


def _points():
    return {
        (p.measure.reference, p.period_end.isoformat()): (p.value, p.written, p.text)
        for p in DataPoint.objects.select_related("measure")
    }


def test_a_ratio_figure_is_taken_as_written_for_a_ratio_measure():
    result = _import({"Measures": MEASURES, "Targets": TARGETS, "Data": DATA})
    assert result.saved, _problems(result)
    assert _points() == {
        ("M2", "2003-09-30"): (Decimal("0.5"), "5:10", ""),
        ("M2", "2004-02-29"): (Decimal("0.7"), "7 : 10", ""),
        ("M2", "2004-03-31"): (Decimal("0.75"), "", ""),
        ("M6", "2004-02-29"): (None, "", "Audits monthly"),
    }


def test_a_ratio_figure_is_exported_as_written_and_round_trips():
    result = _import({"Measures": MEASURES, "Targets": TARGETS, "Data": DATA})
    plan = Plan.objects.get(slug="anytown-2025")
    first = plan_export(plan=plan).data
    data = cells(first)["Data"]
    assert [row[3] for row in data[1:]] == ["5:10", "7 : 10", 0.75, None]
    assert data[4][4] == "Audits monthly"
    before = _points()

    _delete_plan(plan)
    again = plan_import(data=first, file_name="plan.xlsx", confirm=True, check_permissions=False)

    assert again.saved, _problems(again)
    assert _points() == before
    assert cells(plan_export(plan=Plan.objects.get(slug="anytown-2025")).data) == cells(first)
    unchanged = plan_import(data=first, file_name="plan.xlsx", check_permissions=False)
    assert {s.kind for s in unchanged.steps} == {UNCHANGED}
    assert result.saved


def test_the_same_ratio_written_another_way_is_a_change_of_its_words():
    _import({"Measures": MEASURES, "Data": DATA[:2]})
    result = _import({"Measures": MEASURES, "Data": [DATA[0], ["M2", "30/09/2003", None, "1:2"]]})
    assert result.saved, _problems(result)
    (step,) = [s for s in result.steps if s.sheet == "Data"]
    assert step.kind == CHANGE and "value as written from “5:10” to “1:2”" in step.what
    assert _points()[("M2", "2003-09-30")] == (Decimal("0.5"), "1:2", "")


@pytest.mark.parametrize(
    "measure, value, text, message",
    [
        ("M7", "7:10", None, "“7:10” is a ratio, but the measure's unit is Percentage"),
        ("M7", "seven", None, "“seven” is not a number."),
        ("M2", "about 7", None, "“about 7” is not a number or a ratio (7:10)."),
        ("M2", "7:0", None, "a ratio cannot be to 0"),
        ("M6", "Monthly", "Audits", "is given as the Value and there is Text too"),
    ],
)
def test_a_figure_that_cannot_be_read_is_a_problem_on_its_cell_and_nothing_is_saved(
    measure, value, text, message
):
    data = [DATA[0], [measure, "30/09/2003", None, value, text]]
    result = _import({"Measures": MEASURES, "Data": data})
    assert not result.saved
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("Data", 2, "Value")]
    assert message in result.problems[0].message
    assert not Plan.objects.exists() and not DataPoint.objects.exists()


def test_read_figure_and_figure_words():
    assert read_figure("7:10", "ratio") == (Decimal("0.7"), "7:10")
    assert read_figure("1 : 3", "ratio") == (Decimal("0.3333"), "1 : 3")
    point = DataPoint(value=Decimal("0.7"), written="7:10")
    assert figure_words(point, "ratio") == "7:10"
    assert figure_words(DataPoint(value=Decimal("0.75")), "ratio") == "0.75"


def test_a_figure_whose_words_and_value_disagree_is_refused():
    measure = MeasureFactory(unit="ratio")
    point = DataPoint(measure=measure, period_end="2004-03-31", value=Decimal("0.5"))
    point.written = "7:10"
    with pytest.raises(ValidationError) as raised:
        point.full_clean()
    assert "“7:10” is 0.7, not the value 0.5" in str(raised.value)
    other = MeasureFactory(unit="percent")
    point = DataPoint(measure=other, period_end="2004-03-31", value=70, written="7:10")
    with pytest.raises(ValidationError):
        point.full_clean()


def test_the_measure_page_shows_the_figure_as_written(signed_in):
    measure = MeasureFactory(unit="ratio", name="Staff to manager ratio")
    DataPointFactory(measure=measure, period_end="2004-02-29", value=Decimal("0.7"), written="7:10")
    page = signed_in.get(reverse("measure-detail", kwargs={"pk": measure.pk})).content.decode()
    assert "7:10" in page
    assert "7:10" in signed_in.get(reverse("measure-list")).content.decode()
    assert Measure.objects.get(pk=measure.pk).unit == "ratio"
