"""Values written in their units, and values a unit cannot take."""

from decimal import Decimal as D

import pytest

from metrics.units import format_change, format_value, value_problem


@pytest.mark.parametrize(
    ("value", "unit", "written"),
    [
        ("14", "percent", "14.0%"),
        ("6.10", "percent", "6.1%"),
        ("11.8495", "percent", "11.8%"),
        ("50.32", "fte", "50.32 FTE"),
        ("57", "fte", "57 FTE"),
        ("41000", "money", "£41,000"),
        ("25000.50", "money", "£25,000.50"),
        ("-1200", "money", "-£1,200"),
        ("266", "rate_per_10k", "266 per 10,000"),
        ("1440", "count", "1,440"),
        ("12.5", "days", "12.5 days"),
        ("1", "days", "1 day"),
        ("14.5", "ratio", "14.5"),
        ("0", "percent", "0.0%"),
    ],
)
def test_values_are_written_in_their_unit(value, unit, written):
    assert format_value(D(value), unit) == written


def test_no_value_is_written_as_no_data():
    assert format_value(None, "percent") == "No data"


def test_changes_in_percentages_are_percentage_points():
    assert format_change(D("2.5"), "percent") == "+2.5 percentage points"
    assert format_change(D("-7"), "count") == "-7"
    assert format_change(D("0"), "fte") == "±0 FTE"


@pytest.mark.parametrize(
    ("value", "unit", "problem"),
    [
        ("100.1", "percent", "A percentage cannot be more than 100."),
        ("-0.5", "percent", "cannot be negative"),
        ("-1", "fte", "cannot be negative"),
        ("2.5", "count", "A count is a whole number."),
        ("-3", "days", "cannot be negative"),
    ],
)
def test_values_outside_a_units_range_are_refused(value, unit, problem):
    assert problem in value_problem(D(value), unit)


@pytest.mark.parametrize(("value", "unit"), [("100", "percent"), ("-500", "money"), ("0", "fte")])
def test_values_inside_a_units_range_are_taken(value, unit):
    assert value_problem(D(value), unit) is None
