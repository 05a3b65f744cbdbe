"""A revised target travels through the workbook: the old target, the day of the
revision and its reason survive export, import into an empty database, and export again."""

import datetime

import pytest

from improvement.models import Plan
from improvement.plan_files import _delete_plan
from improvement.workbook.services import plan_export, plan_import
from metrics.models import Target
from tests.factories import DataPointFactory, MeasureFactory, ObjectiveFactory, PlanFactory
from tests.workbook.conftest import cells

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_revised_target_survives_the_round_trip():
    plan = PlanFactory(slug="revised")
    ObjectiveFactory(plan=plan, reference="1")
    measure = MeasureFactory(plan=plan, name="Permanent social workers")
    first = Target.objects.create(measure=measure, value=80, due_date=D(2017, 3, 31), set_on=None)
    Target.objects.create(
        measure=measure,
        value=70,
        due_date=D(2017, 3, 31),
        set_on=D(2015, 4, 1),
        replaces=first,
        reason="The market changed",
    )
    DataPointFactory(measure=measure, period_end=D(2015, 3, 31), value=46)
    exported = plan_export(plan=plan).data

    _delete_plan(plan)
    result = plan_import(
        data=exported, file_name="revised.xlsx", confirm=True, check_permissions=False
    )
    assert result.saved, [str(p) for p in result.problems]

    plan = Plan.objects.get(slug="revised")
    old, new = Target.objects.filter(measure__plan=plan).order_by("id")
    assert (old.value, old.set_on, old.replaces) == (80, None, None)
    assert (new.value, new.set_on, new.replaces, new.reason) == (
        70,
        D(2015, 4, 1),
        old,
        "The market changed",
    )
    assert cells(plan_export(plan=plan).data) == cells(exported)

    again = plan_import(
        data=exported, file_name="revised.xlsx", confirm=True, check_permissions=False
    )
    assert again.saved
    assert Target.objects.filter(measure__plan=plan).count() == 2
    assert Target.objects.get(pk=new.pk).replaces_id == old.pk
