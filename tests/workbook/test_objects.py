"""The check constraints an import relies on are evaluated in Python exactly as the
database would, so a dry run needs no query per row and still catches them."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import CheckConstraint

from improvement.models import (
    Action,
    AreaForDevelopment,
    Milestone,
    Objective,
    Plan,
    ProgressUpdate,
    Section,
    StatusKeyEntry,
)
from improvement.workbook.objects import _CannotTell, _evaluate, holds
from metrics.models import DataPoint, Measure, Target

IMPORTED = [
    Plan, StatusKeyEntry, Section, Objective, Action, Milestone, ProgressUpdate,
    AreaForDevelopment, Measure, Target, DataPoint,
]  # fmt: skip


@pytest.mark.parametrize("model", IMPORTED, ids=lambda m: m.__name__)
def test_every_check_constraint_of_an_imported_model_can_be_read_without_the_database(model):
    instance = model()
    for constraint in model._meta.constraints:
        if isinstance(constraint, CheckConstraint):
            try:
                _evaluate(constraint.condition, instance)
            except _CannotTell:
                pytest.fail(f"{constraint.name} needs the database")


def _constraint(model, name):
    return next(c for c in model._meta.constraints if c.name == name)


@pytest.mark.parametrize(
    ("model", "name", "fields", "expected"),
    [
        (Plan, "plan_end_not_before_start",
         {"start_date": datetime.date(2025, 4, 1), "end_date": datetime.date(2025, 3, 31)}, False),
        (Plan, "plan_end_not_before_start", {"start_date": None, "end_date": None}, True),
        (Plan, "plan_at_risk_threshold_not_above_off_track",
         {"at_risk_threshold": 30, "off_track_threshold": 25}, False),
        (Plan, "plan_kind_valid", {"kind": "wishlist"}, False),
        (Objective, "objective_has_title_or_description", {"title": "", "description": ""},
         False),
        (Objective, "objective_has_title_or_description", {"title": "", "description": "x"},
         True),
        (Target, "target_range_in_order", {"value": Decimal(16), "value_high": Decimal(14)},
         False),
        (Target, "target_range_in_order", {"value": Decimal(14), "value_high": None}, True),
        (DataPoint, "data_point_has_value_or_text", {"value": None, "text": ""}, False),
        (Measure, "measure_tolerance_not_negative", {"amber_tolerance": Decimal(-1)}, False),
    ],
)  # fmt: skip
def test_constraints_hold_or_fail_as_the_database_says(model, name, fields, expected):
    assert holds(_constraint(model, name), model(**fields)) is expected


def test_an_update_on_an_action_not_saved_yet_is_on_exactly_one_thing():
    constraint = _constraint(ProgressUpdate, "update_on_exactly_one_action_or_objective")
    action = Action(reference="1.1", title="New")  # not saved: no id yet
    assert holds(constraint, ProgressUpdate(action=action, objective=None))
    assert not holds(constraint, ProgressUpdate(action=None, objective=None))
