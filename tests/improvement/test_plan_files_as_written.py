"""Issue 15, item 4, in the seed YAML format (fixtures/plans/FORMAT.md): targets as the
plan words them (a change from the baseline, a ratio, "all staff", text in quotes, no
date), figures dated by the report that gave them (reported_in), a ratio figure as
written, and a measure whose direction is not stated. Bad words are refused with their
path and what to write, and nothing is loaded."""

import datetime
from decimal import Decimal

import pytest
import yaml

from improvement.plan_files import PlanFileError, load_plan_document
from metrics.models import DataPoint, Measure, Target
from tests.improvement.test_plan_files import good_document, row_counts

pytestmark = pytest.mark.django_db
D = datetime.date

MEASURES = yaml.safe_load(
    """
- reference: M1
  name: Student placements
  unit: count
  direction: higher
  baseline: {value: 32, date: 2003-03-31}
  targets:
    - {kind: final, value: "increase by 5", due_date: 2004-03-31}
- reference: M2
  name: Staff to manager ratio
  unit: ratio
  direction: not stated
  targets:
    - {kind: final, value: "7:10"}
  data:
    - {reported_in: 2004-02-29, value: "7:10"}
    - {period_end: 2004-03-31, value: 0.75}
- reference: M3
  name: Staff trained
  unit: percent
  targets:
    - {value: all staff}
  data:
    - {reported_in: 2004-02-29, value: 80, note: "reported in the February 2004 update"}
- reference: M4
  name: Robust IRO system
  unit: percent
  direction: none
  targets:
    - {value: '"a robust system in place"', due_date: 2015-01-31}
- reference: M5
  name: Agency staff
  unit: fte
  direction: lower
  baseline: {value: 40}
  targets:
    - {value: halve}
    - {kind: interim, value: 30, due_date: 2005-03-31}
"""
)


def _measure(reference):
    return Measure.objects.get(reference=reference)


def test_targets_figures_and_directions_load_as_the_plan_words_them():
    load_plan_document(good_document(measures=MEASURES))
    targets = {t.measure.reference: t for t in Target.objects.filter(kind="final")}
    assert (targets["M1"].change_by, targets["M1"].change, targets["M1"].written) == (
        "amount",
        5,
        "increase by 5",
    )
    assert targets["M1"].resolved_value() == 37
    ratio = targets["M2"]
    assert (ratio.value, ratio.written, ratio.due_date) == (Decimal("0.7"), "7:10", None)
    assert (targets["M3"].value, targets["M3"].written) == (100, "all staff")
    assert targets["M4"].is_text and targets["M4"].written == "a robust system in place"
    assert (targets["M5"].change_by, targets["M5"].change) == ("factor", Decimal("0.5"))
    assert {m.reference: m.direction for m in Measure.objects.all()} == {
        "M1": "higher",
        "M2": "none",
        "M3": "none",  # left out: not stated, never a guess
        "M4": "none",
        "M5": "lower",
    }
    reported = DataPoint.objects.get(measure__reference="M3")
    assert (reported.period_end, reported.dated, reported.value) == (D(2004, 2, 29), "reported", 80)
    figures = DataPoint.objects.filter(measure__reference="M2").order_by("period_end")
    assert [(p.dated, p.value, p.written) for p in figures] == [
        ("reported", Decimal("0.7"), "7:10"),
        ("period", Decimal("0.75"), ""),
    ]


def _with(measure_changes=None, **fields):
    """One measure (M9, a count) with a target or data changed."""
    measure = {"reference": "M9", "name": "Visits", "unit": "count", "baseline": {"value": 60}}
    measure.update(measure_changes or {})
    measure.update(fields)
    return good_document(measures=[measure])


@pytest.mark.parametrize(
    ("document", "message"),
    [
        pytest.param(
            _with(targets=[{"value": "10% more"}]),
            "measures[0] (Visits).targets[0].value: Target “10% more” is not understood",
            id="target words",
        ),
        pytest.param(
            _with(targets=[{"value": "7:10"}]),
            "measures[0] (Visits).targets[0].value: Target “7:10” is a ratio, but the "
            "measure's unit is Count",
            id="ratio target of a count",
        ),
        pytest.param(
            _with(data=[{"value": 3}]),
            "measures[0] (Visits).data[0]: the figure has no date: give period_end (the date "
            "it is for) or reported_in",
            id="figure with no date",
        ),
        pytest.param(
            _with(data=[{"period_end": D(2004, 3, 31), "reported_in": D(2004, 2, 29), "value": 3}]),
            "measures[0] (Visits).data[0]: the figure has two dates",
            id="figure with two dates",
        ),
        pytest.param(
            _with(data=[{"period_end": D(2004, 3, 31), "value": "7:10"}]),
            "measures[0] (Visits).data[0].value: “7:10” is a ratio, but the measure's unit "
            "is Count",
            id="ratio figure of a count",
        ),
        pytest.param(
            _with(direction="sideways"),
            "measures[0] (Visits).direction: Value 'sideways' is not a valid choice.",
            id="direction",
        ),
    ],
)
def test_words_that_cannot_be_read_are_refused_with_their_path_and_nothing_is_loaded(
    document, message
):
    before = row_counts()
    with pytest.raises(PlanFileError) as error:
        load_plan_document(document)
    assert any(e.startswith(message) for e in error.value.errors), error.value.errors
    assert row_counts() == before


def test_the_format_explains_each_of_them():
    from django.conf import settings

    text = (settings.BASE_DIR / "fixtures" / "plans" / "FORMAT.md").read_text()
    for words in ("reported_in", "not stated", "increase by 5", "7:10", "halve", "no date"):
        assert words in text, words
