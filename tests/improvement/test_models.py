"""The rules the database itself keeps, and append-only updates."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from improvement.models import Action, Objective, Plan, ProgressUpdate, StatusKeyEntry
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


def test_a_plan_may_give_one_status_several_labels_the_first_in_order_shown():
    plan = PlanFactory()
    plan.status_key.create(status="on_track", label="On target", position=2)
    plan.status_key.create(status="on_track", label="Green", description="Being met", position=1)
    plan.status_key.create(status="complete", label="Achieved", position=5)

    assert [(e.label, e.status) for e in plan.key_entries()] == [
        ("Achieved", "complete"),  # statuses in key order, then each one's labels in order
        ("Green", "on_track"),
        ("On target", "on_track"),
    ]
    on_track = next(e for e in plan.key() if e.status == "on_track")
    assert (on_track.label, on_track.description, on_track.also_labels) == (
        "Green",
        "Being met",
        "On target",
    )
    assert plan.labels()["on_track"] == "Green"
    assert plan.first_entries()["on_track"].label == "Green"
    words = plan.status_words()
    assert words["on target"].label == "On target" and words["on track"] == "on_track"


def test_a_label_is_unique_in_its_plan_whatever_its_case_and_stored_without_extra_spaces():
    plan = PlanFactory()
    entry = plan.status_key.create(status="on_track", label="  On   target ")
    assert entry.label == "On target"
    PlanFactory().status_key.create(status="on_track", label="On target")  # another plan
    with pytest.raises(IntegrityError), transaction.atomic():
        plan.status_key.create(status="complete", label="ON TARGET")
    duplicate = StatusKeyEntry(plan=plan, status="complete", label="on target")
    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()
    assert "This plan already has that label in its key." in str(error.value)


def test_an_update_shows_the_label_it_was_given_in_else_the_plans_first():
    plan = PlanFactory()
    plan.status_key.create(status="complete", label="Complete", position=1)
    plan.status_key.create(status="complete", label="Achieved", position=2)
    action = ActionFactory(objective=ObjectiveFactory(plan=plan))
    given = ProgressUpdateFactory(action=action, status="complete", status_label="Achieved")
    plain = ProgressUpdateFactory(action=action, status="complete")
    labels = plan.labels()
    assert (given.status_word(labels), plain.status_word(labels)) == ("Achieved", "Complete")
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgressUpdateFactory(action=action, status="", status_label="Achieved")


def test_a_reference_numbered_by_the_tracker_is_marked_so():
    objective = ObjectiveFactory(reference="2", reference_numbered=True)
    action = ActionFactory(objective=objective, reference="2.1")
    assert objective.reference_numbered and not action.reference_numbered
