"""Values a unit cannot sensibly hold (`metrics.units.LIMITS`) are refused where they are
entered, with the message next to the field, and nothing is saved: the measure admin
(baseline, tolerance, the targets and data points inlines), the data-entry page and the
workbook import's dry run. The two money values that once hung the charts are the
example throughout."""

from decimal import Decimal

import pytest
from django.urls import reverse

from improvement import roles
from improvement.workbook.services import plan_import
from metrics.models import DataPoint, Measure, Target
from metrics.units import LIMITS, Unit, tolerance_problem, value_problem
from tests.factories import MeasureFactory, PlanFactory, user_with_role
from tests.metrics.admin_forms import admin_form_data
from tests.workbook.conftest import minimal_sheets, xlsx

D = Decimal
HUNG = "-999999999999.9999"  # with -999999999999.9998, looped the chart axis forever
MONEY_MESSAGE = "A sum of money must be between -£10,000,000,000 and £10,000,000,000."


# -- the limits themselves -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "unit", "problem"),
    [
        (HUNG, "money", MONEY_MESSAGE),
        ("10000000000.01", "money", MONEY_MESSAGE),
        ("10000001", "count", "A count cannot be more than 10,000,000."),
        ("100000.01", "fte", "An FTE figure cannot be more than 100,000."),
        ("100000.1", "rate_per_10k", "A rate per 10,000 cannot be more than 100,000."),
        ("1000000.1", "days", "A number of days cannot be more than 1,000,000."),
        ("10000.01", "ratio", "A ratio cannot be more than 10,000."),
        ("-0.0001", "ratio", "A ratio cannot be negative."),
        ("NaN", "percent", "Enter a number"),
        ("Infinity", "money", "Enter a number"),
    ],
)
def test_values_beyond_a_units_limits_are_refused(value, unit, problem):
    assert value_problem(D(value), unit) == problem or problem in value_problem(D(value), unit)


@pytest.mark.parametrize("unit", sorted(LIMITS))
def test_each_units_own_limits_are_taken(unit):
    low, high = LIMITS[unit]
    assert value_problem(low, unit) is None and value_problem(high, unit) is None


@pytest.mark.parametrize("unit", sorted(LIMITS))
def test_the_value_fields_hold_every_value_the_limits_allow(unit):
    for field in (
        Measure._meta.get_field("baseline_value"),
        Measure._meta.get_field("amber_tolerance"),
        Target._meta.get_field("value"),
        DataPoint._meta.get_field("value"),
    ):
        for limit in LIMITS[unit]:
            # the limit with every decimal place the field keeps
            widest = limit - D("0.0001") if limit > 0 else limit + D("0.0001")
            field.run_validators(field.to_python(widest.quantize(D("0.0001"))))
            digits = len(widest.quantize(D("0.0001")).as_tuple().digits)
            assert digits <= field.max_digits


def test_an_amber_tolerance_is_no_wider_than_the_units_range():
    assert tolerance_problem(D(100), Unit.PERCENT) is None
    assert "cannot be more than" in tolerance_problem(D("100.1"), Unit.PERCENT)


# -- the entry paths -------------------------------------------------------------------


@pytest.fixture
def money(db):
    return MeasureFactory(unit=Unit.MONEY, direction="lower")


def test_the_data_entry_page_refuses_a_value_beyond_the_unit(client, money):
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    response = client.post(money.get_absolute_url(), {"period_end": "2025-06-30", "value": HUNG})
    assert response.status_code == 400
    assert MONEY_MESSAGE in response.content.decode()
    assert not DataPoint.objects.exists()


@pytest.mark.parametrize(
    ("changes", "rows", "field"),
    [
        ({"baseline_value": HUNG}, {}, "baseline_value"),
        ({"amber_tolerance": "20000000001"}, {}, "amber_tolerance"),
        (
            {},
            {"targets": [{"kind": "final", "due_date": "2026-03-31", "words": HUNG}]},
            "targets",
        ),
        ({}, {"data_points": [{"period_end": "2025-03-31", "value": HUNG}]}, "data_points"),
    ],
)
def test_the_measure_admin_refuses_a_value_beyond_the_unit(
    client, staff_user, money, changes, rows, field
):
    client.force_login(staff_user)
    url = reverse("admin:metrics_measure_change", args=[money.pk])
    response = client.post(url, admin_form_data(client.get(url), changes, rows))
    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    assert "A sum of money must be between" in html or "cannot be more than" in html
    money.refresh_from_db()
    assert (money.baseline_value, money.amber_tolerance) == (None, None)
    assert not Target.objects.exists() and not DataPoint.objects.exists()


def test_the_measure_admins_add_page_checks_its_inlines_against_the_new_measure(client, staff_user):
    client.force_login(staff_user)
    plan = PlanFactory()
    url = reverse("admin:metrics_measure_add")
    changes = {"plan": str(plan.pk), "name": "Overspend", "unit": "money", "direction": "lower"}
    rows = {"data_points": [{"period_end": "2025-03-31", "value": HUNG}]}
    response = client.post(url, admin_form_data(client.get(url), changes, rows))
    assert response.status_code == 200
    assert MONEY_MESSAGE in response.content.decode()
    assert not Measure.objects.exists()


def test_the_workbook_dry_run_refuses_values_beyond_the_unit(db):
    sheets = minimal_sheets(
        Measures=[
            ["Reference", "Name", "Unit", "Direction", "Baseline"],
            ["M1", "Overspend", "Money (£)", "Lower", HUNG],
        ],
        Targets=[["Measure", "Kind", "Value", "Due date"], ["M1", "Final", HUNG, "31/03/2017"]],
        Data=[["Measure", "Period end", "Value"], ["M1", "2015-03-31", "-999999999999.9998"]],
    )
    administrator = user_with_role(roles.ADMINISTRATOR)
    result = plan_import(data=xlsx(sheets), file_name="m.xlsx", user=administrator)
    refused = {(p.sheet, p.column) for p in result.problems if p.message == MONEY_MESSAGE}
    assert refused == {("Measures", "Baseline"), ("Targets", "Value"), ("Data", "Value")}
    assert not Measure.objects.exists()
