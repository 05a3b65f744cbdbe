"""Measure status maths, table-driven: every direction, tolerance edges, interim and
revised targets, zero and negative values, a target already passed, no data."""

from datetime import date
from decimal import Decimal as D

import pytest

from improvement.status import Status
from metrics.status import Point, TargetRow, aim_for, assess, target_in_force

ON, RISK, OFF = Status.ON_TRACK, Status.AT_RISK, Status.OFF_TRACK
AS_AT = date(2025, 6, 30)


def final(value, due=date(2026, 3, 31), high=None, **kw):
    return TargetRow(
        id=kw.pop("id", 1),
        kind="final",
        due_date=due,
        value=D(value),
        value_high=D(high) if high is not None else None,
        **kw,
    )


def interim(value, due, **kw):
    return TargetRow(id=kw.pop("id", 2), kind="interim", due_date=due, value=D(value), **kw)


def run(value, target, direction="higher", tolerance=None, unit="percent", as_at=AS_AT, **kw):
    points = kw.pop("points", [Point(date(2025, 6, 1), D(value))] if value is not None else [])
    return assess(
        unit=unit,
        direction=direction,
        tolerance=D(tolerance) if tolerance is not None else None,
        baseline=kw.pop("baseline", None),
        points=points,
        targets=[target] if isinstance(target, TargetRow) else target,
        as_at=as_at,
        path=kw.pop("path", "step"),
    )


CASES = [
    # value, target, direction, tolerance, expected
    pytest.param("80", final(80), "higher", None, ON, id="higher: exactly on target is met"),
    pytest.param("85", final(80), "higher", None, ON, id="higher: above target"),
    pytest.param(
        "79.9", final(80), "higher", None, OFF, id="higher: no tolerance, any shortfall red"
    ),
    pytest.param("75", final(80), "higher", "5", RISK, id="higher: short by exactly the tolerance"),
    pytest.param("74.9", final(80), "higher", "5", OFF, id="higher: just beyond the tolerance"),
    pytest.param("16", final(16), "lower", None, ON, id="lower: exactly on target"),
    pytest.param("14.5", final(16), "lower", None, ON, id="lower: under target"),
    pytest.param("18", final(16), "lower", "2", RISK, id="lower: over by exactly the tolerance"),
    pytest.param("18.1", final(16), "lower", "2", OFF, id="lower: over beyond the tolerance"),
    pytest.param("15", final(14, high=16), "range", None, ON, id="range: inside"),
    pytest.param("16", final(14, high=16), "range", None, ON, id="range: on the upper edge"),
    pytest.param("13", final(14, high=16), "range", "1", RISK, id="range: below within tolerance"),
    pytest.param("17.5", final(14, high=16), "range", "1", OFF, id="range: above beyond tolerance"),
    pytest.param("0", final(0), "lower", None, ON, id="zero value against a zero target"),
    pytest.param("0", final(5), "higher", "1", OFF, id="zero value short of the target"),
    pytest.param("-500", final(0), "higher", "1000", RISK, id="negative money within tolerance"),
    pytest.param("-1500", final(-1000), "lower", None, ON, id="negative target, lower is better"),
]


@pytest.mark.parametrize(("value", "target", "direction", "tolerance", "expected"), CASES)
def test_status_by_direction_and_tolerance(value, target, direction, tolerance, expected):
    unit = "money" if "-" in value or target.value < 0 else "percent"
    assert run(value, target, direction, tolerance, unit=unit).status == expected


def test_no_data_is_no_status_not_a_colour():
    result = run(None, final(80))
    assert (result.status, result.reason) == (None, "No data yet.")


def test_values_after_the_as_at_date_are_not_seen():
    points = [Point(date(2025, 7, 31), D("90"))]
    assert run(None, final(80), points=points).status is None


def test_no_target_means_no_status_but_the_value_is_kept():
    result = run("50", [])
    assert result.status is None and result.latest.value == D("50")
    assert result.reason == "No target to judge against."


def test_a_text_measure_has_findings_not_a_status():
    assert run("1", final(1), unit="text").status is None


def test_the_interim_target_due_next_is_in_force_then_the_final_one():
    targets = [
        interim(53, date(2008, 3, 31), id=1),
        TargetRow(id=2, kind="final", due_date=date(2009, 3, 31), value=D(57)),
    ]
    assert target_in_force(targets, date(2007, 6, 30)).value == D(53)
    assert target_in_force(targets, date(2008, 3, 31)).value == D(53)  # due that day
    assert target_in_force(targets, date(2008, 4, 1)).value == D(57)
    assert target_in_force(targets, date(2010, 1, 1)).value == D(57)  # already passed
    # 54 FTE measured in March 2008 meets that day's milestone of 53, and still does when
    # the report is drawn in April: the value is judged at its own date, not against 57.
    march = run(
        "54", targets, unit="fte", as_at=date(2008, 3, 31), points=[Point(date(2008, 3, 31), D(54))]
    )
    april = run(
        "54", targets, unit="fte", as_at=date(2008, 4, 30), points=[Point(date(2008, 3, 31), D(54))]
    )
    assert (march.status, april.status) == (ON, ON)
    # A value measured in April is judged against 57.
    later = run(
        "54", targets, unit="fte", as_at=date(2008, 4, 30), points=[Point(date(2008, 4, 30), D(54))]
    )
    assert later.status == OFF


FTE_TARGETS = [
    interim(50, date(2007, 3, 31), id=1),
    interim(53, date(2008, 3, 31), id=2),
    TargetRow(id=3, kind="final", due_date=date(2009, 3, 31), value=D(57)),
]


@pytest.mark.parametrize("path", ["step", "line"])
@pytest.mark.parametrize("as_at", [date(2007, 3, 31), date(2007, 4, 1)])
def test_50_32_fte_against_50_stays_on_track_when_the_next_milestone_comes_into_view(path, as_at):
    result = run(
        None,
        FTE_TARGETS,
        unit="fte",
        as_at=as_at,
        path=path,
        points=[Point(date(2007, 3, 31), D("50.32"))],
        baseline=Point(date(2006, 3, 31), D(45)),
    )
    assert result.status == ON
    assert (
        result.reason == "On track: 50.32 FTE meets the interim target of 50 FTE by 31 March 2007."
    )


def test_a_straight_line_target_between_milestones():
    half_way = [Point(date(2007, 9, 30), D(51))]
    step = run(None, FTE_TARGETS, unit="fte", as_at=date(2007, 10, 1), points=half_way)
    line = run(None, FTE_TARGETS, unit="fte", as_at=date(2007, 10, 1), points=half_way, path="line")
    assert (step.status, step.shortfall) == (OFF, D(2))
    # 183 of the 366 days from 50 (March 2007) to 53 (March 2008): 51.5.
    assert (line.aim.value, line.status, line.shortfall) == (D("51.5"), OFF, D("0.5"))
    assert line.reason == (
        "Off track: 51 FTE is 0.5 FTE short of the straight-line target of 51.5 FTE on "
        "30 September 2007 (on the way to the interim target of 53 FTE by 31 March 2008)."
    )


def test_the_line_starts_at_a_dated_baseline_and_without_one_is_a_step():
    target = [final(80, due=date(2017, 3, 31))]
    baseline = Point(date(2014, 3, 31), D(40))
    with_baseline = aim_for(
        target, date(2015, 9, 30), as_at=date(2016, 1, 1), path="line", baseline=baseline
    )
    assert with_baseline.value == D("60.0000")  # half way in time, half way in value
    without = aim_for(target, date(2015, 9, 30), as_at=date(2016, 1, 1), path="line")
    assert (without.value, without.interpolated) == (D(80), False)
    after = aim_for(
        target, date(2018, 1, 1), as_at=date(2018, 1, 1), path="line", baseline=baseline
    )
    assert after.value == D(80)  # past the final target: the target itself


def test_a_revision_applies_to_values_measured_from_its_day():
    old = TargetRow(id=1, kind="final", due_date=date(2017, 3, 31), value=D(80), set_on=None)
    new = TargetRow(
        id=2, kind="final", due_date=date(2017, 3, 31), value=D(70),
        set_on=date(2015, 4, 1), replaces_id=1,
    )  # fmt: skip
    before = run(
        "75", [old, new], as_at=date(2015, 6, 30), points=[Point(date(2015, 2, 28), D(75))]
    )
    after = run("75", [old, new], as_at=date(2015, 6, 30), points=[Point(date(2015, 5, 31), D(75))])
    assert (before.target.value, after.target.value) == (D(80), D(70))
    # A revision agreed after the as-at date is not known yet, whatever the value's date.
    unknown = run(
        "75", [old, new], as_at=date(2015, 3, 31), points=[Point(date(2015, 3, 1), D(75))]
    )
    assert unknown.target.value == D(80)


def test_a_measure_with_no_stated_direction_shows_value_and_target_without_a_colour():
    points = [Point(date(2025, 3, 31), D(12)), Point(date(2025, 6, 1), D(14))]
    result = run(None, final(10), "none", points=points)
    assert result.status is None
    assert (result.latest.value, result.target.value) == (D(14), D(10))
    assert result.reason == (
        "Direction not stated: the measure does not say whether a higher or a lower value is "
        "better, so 14.0% is shown beside the target of 10.0% by 31 March 2026 without a colour."
    )
    assert (result.since_previous.direction, result.since_previous.change) == ("up", D(2))


def test_a_revised_target_applies_from_its_day_and_the_old_one_before():
    old = TargetRow(
        id=1, kind="final", due_date=date(2017, 3, 31), value=D(80), set_on=date(2014, 4, 1)
    )
    new = TargetRow(
        id=2,
        kind="final",
        due_date=date(2017, 3, 31),
        value=D(70),
        set_on=date(2015, 4, 1),
        replaces_id=1,
    )
    assert target_in_force([old, new], date(2015, 3, 31)) == old
    assert target_in_force([old, new], date(2015, 4, 1)) == new
    assert target_in_force([old, new], date(2014, 3, 1)) is None  # not agreed yet


def test_a_target_already_passed_is_judged_as_met_or_not():
    target = final(75, due=date(2005, 3, 31))
    missed = run("73", target, as_at=date(2006, 1, 1), points=[Point(date(2005, 3, 31), D(73))])
    assert (missed.status, missed.on_course) == (OFF, False)
    met = run("76", target, as_at=date(2006, 1, 1), points=[Point(date(2005, 3, 31), D(76))])
    assert (met.status, met.on_course) == (ON, True)


def test_distance_and_trend_since_previous_and_baseline():
    points = [Point(date(2014, 2, 28), D(39)), Point(date(2014, 9, 30), D(46))]
    result = run(
        None,
        final(80, due=date(2017, 3, 31)),
        points=points,
        baseline=Point(date(2013, 12, 31), D(35)),
        as_at=date(2014, 9, 30),
    )
    assert result.shortfall == D(34)
    assert (result.since_previous.change, result.since_previous.direction) == (D(7), "better")
    assert (result.since_baseline.change, result.since_baseline.direction) == (D(11), "better")
    assert result.reason == (
        "Off track: 46.0% is 34.0 percentage points short of the target of 80.0% by 31 March 2017."
    )


@pytest.mark.parametrize(
    ("direction", "old", "new", "expected"),
    [
        ("higher", "10", "12", "better"),
        ("higher", "12", "10", "worse"),
        ("lower", "36", "16", "better"),
        ("lower", "16", "18", "worse"),
        ("higher", "5", "5", "same"),
        ("range", "20", "17", "better"),
        ("range", "15", "13", "worse"),
    ],
)
def test_trend_is_better_or_worse_by_direction(direction, old, new, expected):
    points = [Point(date(2025, 1, 31), D(old)), Point(date(2025, 2, 28), D(new))]
    target = final(14, high=16) if direction == "range" else final(10)
    result = run(None, target, direction, points=points)
    assert result.since_previous.direction == expected


@pytest.mark.parametrize(
    ("baseline", "latest", "target", "expected"),
    [
        # 3 secondments in April 2003, 9 by September 2003: at that rate 10 by 09/2004.
        ("3", "9", "10", True),
        # 14% vacancies down to 13% in a year, aiming at 8% within the next year: no.
        ("14", "13", "8", False),
    ],
)
def test_on_course_projects_the_line_to_the_target_date(baseline, latest, target, expected):
    direction = "higher" if target == "10" else "lower"
    result = run(
        None,
        final(target, due=date(2004, 9, 30)),
        direction,
        unit="count" if target == "10" else "percent",
        points=[Point(date(2003, 9, 30), D(latest))],
        baseline=Point(date(2003, 4, 1) if target == "10" else date(2002, 9, 30), D(baseline)),
        as_at=date(2003, 10, 1),
    )
    assert result.on_course is expected


def test_on_course_is_unknown_from_a_single_value_short_of_target():
    assert run("50", final(80)).on_course is None
