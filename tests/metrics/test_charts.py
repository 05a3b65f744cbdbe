"""Charts and their axes are bounded for any value a measure can store: a few ticks that
cover the values, labels that read differently, finite coordinates inside the picture;
and the work is counted in lines run, so a chart that would never finish fails here
instead of hanging (no test here reads the clock)."""

import datetime
import re
import sys
from contextlib import contextmanager
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import charts
from metrics.charts import MAX_TICKS, Box, line_chart, nice_ticks, sparkline
from metrics.status import Point, TargetRow
from metrics.units import RESOLUTION, Unit, format_value
from workforce import charts as workforce_charts
from workforce.indicators import Figures

D = Decimal
# Everything the value fields can hold (16 digits, 4 of them decimal), not just what
# the units accept now: values stored before the limits must still draw.
FIELD_VALUES = st.decimals(
    min_value=D("-999999999999.9999"),
    max_value=D("999999999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)
NUMERIC_UNITS = st.sampled_from(sorted(RESOLUTION))
SETTINGS = settings(max_examples=100, deadline=None, database=None, derandomize=True)
CHART_FILES = (charts.__file__, workforce_charts.__file__)
# A chart runs a few hundred lines; an unbounded loop runs forever.
LINE_BUDGET = 20_000


@contextmanager
def bounded_work(budget: int = LINE_BUDGET):
    """Fail, rather than hang, when the chart code runs more than `budget` lines."""
    count = 0

    def tracer(frame, event, arg):
        if frame.f_code.co_filename not in CHART_FILES:
            return None
        return local

    def local(frame, event, arg):
        nonlocal count
        if event == "line":
            count += 1
            if count > budget:
                raise AssertionError(f"The chart code ran more than {budget} lines.")
        return local

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        yield
    finally:
        sys.settrace(previous)


def numbers_in(svg: str) -> list[float]:
    """Every coordinate in an SVG: positions, sizes and path points."""
    attributes = re.findall(r'\b(?:x|y|x1|x2|y1|y2|cx|cy)="([^"]*)"', svg)
    paths = " ".join(re.findall(r'\bd="([^"]*)"', svg) + re.findall(r'points="([^"]*)"', svg))
    return [float(n) for n in attributes + re.findall(r"-?[\d.]+(?:e-?\d+)?", paths)]


def assert_drawable(svg: str, width: float, height: float) -> None:
    numbers = numbers_in(svg)
    assert numbers
    for number in numbers:
        assert -20 <= number <= max(width, height) + 20, number  # finite, in the picture
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


def points_of(values) -> list[Point]:
    return [
        Point(datetime.date(2020, 1, 31) + datetime.timedelta(days=91 * i), v)
        for i, v in enumerate(values)
    ]


# -- the axis --------------------------------------------------------------------------


@SETTINGS
@given(values=st.lists(FIELD_VALUES, min_size=1, max_size=6), unit=NUMERIC_UNITS)
def test_any_values_get_a_few_round_ticks_covering_them(values, unit):
    with bounded_work():
        ticks = nice_ticks(min(values), max(values), resolution=RESOLUTION[unit])
    assert 2 <= len(ticks) <= MAX_TICKS
    assert ticks[0] <= min(values) and ticks[-1] >= max(values)
    steps = {b - a for a, b in zip(ticks, ticks[1:], strict=False)}
    assert len(steps) == 1 and steps.pop() >= RESOLUTION[unit]
    labels = [format_value(t, unit) for t in ticks]
    assert len(set(labels)) == len(labels)  # no two gridlines read the same


@pytest.mark.parametrize(
    ("low", "high"),
    [
        ("-999999999999.9999", "-999999999999.9998"),  # the values that hung the app
        ("5", "5"),
        ("0", "0"),
        ("-5", "-5"),
        ("0.0001", "0.0002"),
        ("-999999999999.9999", "999999999999.9999"),
    ],
)
def test_identical_tiny_and_huge_spans_get_a_readable_axis(low, high):
    with bounded_work():
        ticks = nice_ticks(D(low), D(high), resolution=RESOLUTION[Unit.MONEY])
    assert 2 <= len(ticks) <= MAX_TICKS
    assert ticks[0] <= D(low) and ticks[-1] >= D(high) and ticks[0] < ticks[-1]


def test_an_axis_for_a_single_value_sits_around_it():
    assert nice_ticks(D(-5), D(-5)) == [D("-6.0"), D("-5.5"), D("-5.0"), D("-4.5"), D("-4.0")]
    assert nice_ticks(D(0), D(0), resolution=D(1)) == [D(0), D(1)]


def test_an_axis_refuses_what_is_not_a_number():
    with pytest.raises(ValueError):
        nice_ticks(D("NaN"), D(1))


# -- the charts ------------------------------------------------------------------------


def test_the_two_values_that_hung_the_app_draw_a_chart():
    values = [D("-999999999999.9999"), D("-999999999999.9998")]
    with bounded_work():
        svg = line_chart(chart_id="c", title="Spend", unit=Unit.MONEY, points=points_of(values))
        line = sparkline(points_of(values))
    assert_drawable(svg, Box().width, Box().height)
    assert "-£1,000,000,000,000" in svg and "-£999,999,999,999.99" in svg
    assert_drawable(line, 100, 24)


@SETTINGS
@given(
    values=st.lists(FIELD_VALUES, min_size=1, max_size=8),
    baseline=st.none() | FIELD_VALUES,
    target=st.none() | FIELD_VALUES,
    unit=NUMERIC_UNITS,
)
def test_any_stored_values_draw_a_finite_chart(values, baseline, target, unit):
    points = points_of(values)
    targets = []
    if target is not None:
        targets = [TargetRow(1, "final", datetime.date(2030, 3, 31), target)]
    base = Point(datetime.date(2019, 3, 31), baseline) if baseline is not None else None
    with bounded_work():
        svg = line_chart(
            chart_id="c", title="t", unit=unit, points=points, baseline=base, targets=targets
        )
        line = sparkline(points)
    assert_drawable(svg, Box().width, Box().height)
    if len(points) > 1:
        assert_drawable(line, 100, 24)


@SETTINGS
@given(values=st.lists(st.none() | FIELD_VALUES, min_size=1, max_size=8))
def test_any_stored_workforce_figures_draw_a_finite_chart(values):
    # Odd figures already stored (huge, negative, all alike) give odd caseloads.
    history = [
        Figures(
            as_at=datetime.date(2020, 3, 31) + datetime.timedelta(days=91 * i),
            returns=1,
            cases=value if value is not None else D(0),
            case_holding_fte=D(1) if value is not None else D(0),
        )
        for i, value in enumerate(values)
    ]
    with bounded_work():
        chart = workforce_charts.line_chart(history, "caseload", "Whole service")
    assert 2 <= len(chart.y_ticks) <= MAX_TICKS
    coordinates = [p.x for p in chart.points] + [p.y for p in chart.points]
    coordinates += [t.position for t in chart.y_ticks + chart.x_ticks]
    for text in coordinates:
        assert 0 <= float(text) <= workforce_charts.WIDTH
    assert len({t.label for t in chart.y_ticks}) == len(chart.y_ticks)


@pytest.mark.parametrize(
    "values",
    [["0"], ["0", "0"], ["-5", "-5"], ["57"], ["0.0001", "0.0002"], ["-1e11", "1e11"]],
)
def test_a_single_point_zeros_and_tiny_or_huge_spans_draw_a_readable_chart(values):
    points = points_of([D(v) for v in values])
    svg = line_chart(chart_id="c", title="t", unit=Unit.MONEY, points=points)
    assert_drawable(svg, Box().width, Box().height)
    gridlines = re.findall(r'text-anchor="end" fill="#0b0c0c">([^<]*)<', svg)
    assert len(gridlines) >= 2 and len(set(gridlines)) == len(gridlines)
