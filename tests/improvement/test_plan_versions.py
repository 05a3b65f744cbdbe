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


def test_renaming_a_person_moves_every_plan_on_and_signing_in_does_not(plans, client):
    """People are shown by name in every plan's pages and drop-downs: a new name must show
    at once; a sign-in (which saves last_login) must not empty the cache."""
    from django.contrib.auth import get_user_model

    from tests.factories import UserFactory

    person = UserFactory(first_name="Ann", last_name="Ode")
    person.set_password("a long enough password 1")
    person.save()
    before = [version(p) for p in plans]
    assert client.login(username=person.username, password="a long enough password 1")
    person.refresh_from_db()
    person.email = "ann@example.org"
    person.save()
    assert [version(p) for p in plans] == before

    person.last_name = "Odell"
    person.save()
    assert all(version(p) > b for p, b in zip(plans, before, strict=True))
    assert get_user_model().objects.get(pk=person.pk).last_name == "Odell"


def test_a_renamed_owner_shows_at_once_on_the_cached_dashboard(client):
    from django.urls import reverse

    from improvement import roles
    from tests.factories import user_with_role

    owner = user_with_role(roles.ACTION_OWNER, first_name="Ann", last_name="Ode")
    ActionFactory(objective__plan=PlanFactory(), owner=owner)
    client.force_login(user_with_role(roles.VIEWER))
    assert "Ann Ode" in client.get(reverse("dashboard")).content.decode()
    owner.last_name = "Odell"
    owner.save()
    page = client.get(reverse("dashboard")).content.decode()
    assert "Ann Odell" in page and "Ann Ode<" not in page
