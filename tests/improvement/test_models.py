"""The rules the database itself keeps, and append-only updates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from improvement.models import Action, Objective, Plan, ProgressUpdate
from improvement.models.progress import AppendOnlyError
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    SectionFactory,
)

pytestmark = pytest.mark.django_db


def test_an_objective_reference_is_unique_within_its_plan():
    objective = ObjectiveFactory(reference="1")
    ObjectiveFactory(reference="1")  # another plan: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(plan=objective.plan, reference="1", title="Again")
    duplicate = Objective(plan=objective.plan, reference="1", title="Again")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "already has an objective with that reference" in str(error.value)


def test_an_action_reference_is_unique_within_its_objective():
    action = ActionFactory(reference="1.1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(objective=action.objective, reference="1.1", title="Again")


def test_a_plan_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFactory(start_date=datetime.date(2025, 4, 1), end_date=datetime.date(2025, 3, 31))
    plan = Plan(
        slug="x",
        title="X",
        organisation="Y",
        kind="action_plan",
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2025, 3, 31),
    )
    with pytest.raises(ValidationError) as error:
        plan.full_clean()
    assert "The end date cannot be before the start date." in str(error.value)
    assert not Plan.objects.filter(slug="x").exists()


def test_a_reporting_period_cannot_end_before_it_starts():
    with pytest.raises(IntegrityError), transaction.atomic():
        ReportingPeriodFactory(start=datetime.date(2025, 4, 1), end=datetime.date(2025, 3, 1))


def test_reporting_periods_cannot_overlap():
    q1 = ReportingPeriodFactory(
        name="Q1", start=datetime.date(2025, 4, 1), end=datetime.date(2025, 6, 30)
    )
    clash = ReportingPeriodFactory.build(
        plan=q1.plan, name="Q1b", start=datetime.date(2025, 6, 1), end=datetime.date(2025, 9, 30)
    )
    with pytest.raises(ValidationError, match="overlaps Q1"):
        clash.full_clean()
    # Another plan's periods are its own: the same dates do not clash.
    ReportingPeriodFactory.build(
        name="Q1b", start=datetime.date(2025, 6, 1), end=datetime.date(2025, 9, 30)
    ).full_clean(exclude=["plan"])


def test_an_update_is_on_exactly_one_action_or_one_objective():
    action = ActionFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(
            action=action, objective=action.objective, as_at=datetime.date(2025, 1, 1)
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdate.objects.create(as_at=datetime.date(2025, 1, 1))
    assert not ProgressUpdate.objects.exists()


def test_an_update_status_must_be_one_of_the_five():
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(status="purple")


def test_an_update_in_a_period_must_be_dated_inside_it():
    period = ReportingPeriodFactory(start=datetime.date(2025, 4, 1), end=datetime.date(2025, 6, 30))
    update = ProgressUpdateFactory.build(
        action=ActionFactory(objective__plan=period.plan),
        period=period,
        as_at=datetime.date(2025, 7, 1),
    )
    with pytest.raises(ValidationError, match="must fall in"):
        update.full_clean()


def test_an_update_cannot_be_in_another_plans_period():
    period = ReportingPeriodFactory(start=datetime.date(2025, 4, 1), end=datetime.date(2025, 6, 30))
    update = ProgressUpdateFactory.build(
        action=ActionFactory(), period=period, as_at=datetime.date(2025, 5, 1)
    )
    with pytest.raises(ValidationError, match="another plan's reporting period"):
        update.full_clean()


def test_an_objective_section_must_belong_to_the_same_plan():
    objective = ObjectiveFactory.build(plan=PlanFactory(), section=SectionFactory())
    with pytest.raises(ValidationError, match="own plan"):
        objective.full_clean()


def test_updates_are_append_only():
    update = ProgressUpdateFactory(status="on_track")
    update.status = "complete"
    with pytest.raises(AppendOnlyError):
        update.save()
    with pytest.raises(AppendOnlyError):
        update.delete()
    update.refresh_from_db()
    assert update.status == "on_track"


def test_an_action_with_updates_cannot_be_deleted():
    update = ProgressUpdateFactory()
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        update.action.delete()
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


def test_references_are_stored_with_a_natural_sort_key():
    objective = ObjectiveFactory()
    for reference in ["1.10", "1.2", "1.1"]:
        ActionFactory(objective=objective, reference=reference)
    assert [a.reference for a in objective.actions.all()] == ["1.1", "1.2", "1.10"]


def test_objectives_sort_by_section_then_reference():
    plan = PlanFactory()
    first, second = SectionFactory(plan=plan, position=1), SectionFactory(plan=plan, position=2)
    ObjectiveFactory(plan=plan, section=second, reference="1")
    ObjectiveFactory(plan=plan, section=first, reference="20")
    ObjectiveFactory(plan=plan, section=first, reference="3")
    ObjectiveFactory(plan=plan, section=None, reference="9")
    assert [o.reference for o in plan.objectives.all()] == ["9", "3", "20", "1"]


def test_a_plan_key_uses_its_own_labels_and_falls_back_to_the_standard_words():
    plan = PlanFactory()
    plan.status_key.create(status="on_track", label="Green", description="Being met")
    key = {entry.status.value: (entry.label, entry.description) for entry in plan.key()}
    assert key["on_track"] == ("Green", "Being met")
    assert key["off_track"] == ("Off track", "")
