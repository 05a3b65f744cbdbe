"""A plan's state version moves on with every write that can change what is shown of it,
in the writer's transaction, and only for the plans written to."""

from datetime import date

import pytest
from django.db import transaction

from improvement import plan_versions
from improvement.models import ProgressUpdate
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    EvidenceFileFactory,
    MeasureFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    SectionFactory,
    StatusKeyEntryFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db


def version(plan) -> int:
    return plan_versions.versions([plan.pk])[plan.pk]


@pytest.fixture
def plans():
    return PlanFactory(), PlanFactory()


WRITES = {
    "section": lambda plan: SectionFactory(plan=plan),
    "key entry": lambda plan: StatusKeyEntryFactory(plan=plan),
    "objective": lambda plan: ObjectiveFactory(plan=plan),
    "action": lambda plan: ActionFactory(objective__plan=plan),
    "milestone": lambda plan: MilestoneFactory(action__objective__plan=plan),
    "update": lambda plan: ProgressUpdateFactory(action=ActionFactory(objective__plan=plan)),
    "evidence": lambda plan: EvidenceFileFactory(
        update=ProgressUpdateFactory(action=ActionFactory(objective__plan=plan))
    ),
    "measure": lambda plan: MeasureFactory(plan=plan),
    "target": lambda plan: TargetFactory(measure=MeasureFactory(plan=plan)),
    "value": lambda plan: DataPointFactory(measure=MeasureFactory(plan=plan)),
}


@pytest.mark.parametrize("what", list(WRITES))
def test_every_kind_of_write_moves_only_its_own_plans_version_on(plans, what):
    mine, other = plans
    before_mine, before_other = version(mine), version(other)
    WRITES[what](mine)
    assert version(mine) > before_mine
    assert version(other) == before_other


def test_editing_and_deleting_move_it_on_too(plans):
    plan, _ = plans
    action = ActionFactory(objective__plan=plan)
    before = version(plan)
    action.title = "Renamed"
    action.save()
    after_edit = version(plan)
    assert after_edit > before
    action.delete()
    assert version(plan) > after_edit


def test_moving_an_objective_to_another_plan_moves_both_on(plans):
    first, second = plans
    objective = ObjectiveFactory(plan=first)
    before = version(first), version(second)
    objective.plan = second
    objective.save()
    assert version(first) > before[0]
    assert version(second) > before[1]


def test_a_write_that_rolls_back_leaves_the_version_as_it_was(plans):
    plan, _ = plans
    action = ActionFactory(objective__plan=plan)
    before = version(plan)
    with pytest.raises(RuntimeError), transaction.atomic():
        ProgressUpdateFactory(action=action, as_at=date(2025, 1, 1))
        raise RuntimeError
    assert version(plan) == before
    assert not ProgressUpdate.objects.filter(action=action).exists()


def test_a_bump_of_a_plan_with_no_version_row_creates_it(plans):
    plan, _ = plans
    plan.state_version.delete()
    assert version(plan) == 0
    plan_versions.bump([plan.pk, plan.pk, None])
    assert version(plan) == 1
    plan_versions.bump([plan.pk])
    assert version(plan) == 2


def test_versions_of_many_plans_is_one_query(plans, django_assert_num_queries):
    ids = [plan.pk for plan in plans] + [PlanFactory().pk for _ in range(5)]
    with django_assert_num_queries(1):
        assert set(plan_versions.versions(ids)) == set(ids)
