"""`manage.py generate_demo_data`: the requested sizes, the same data for the same seed,
no second run without --replace, --replace touching only generated plans, and rows that
pass the models' own rules although they were written with bulk_create."""

import datetime
import io
from itertools import pairwise

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from improvement.management.commands.generate_demo_data import PLAN_PREFIX
from improvement.models import (
    Action,
    AreaForDevelopment,
    Milestone,
    Objective,
    Plan,
    ProgressUpdate,
    ReportingPeriod,
    Section,
    SignOff,
    StatusKeyEntry,
)
from improvement.references import natural_key
from improvement.status import Status
from metrics.models import DataPoint, Measure, Target
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 6, 15)
TINY = ["--plans", "2", "--objectives", "6", "--actions", "40", "--updates", "200",
        "--measures", "5", "--years", "1", "--today", TODAY.isoformat()]  # fmt: skip


def generate(*extra: str) -> None:
    call_command("generate_demo_data", *TINY, *extra, stdout=io.StringIO())


def generated_plans():
    return Plan.objects.filter(slug__startswith=PLAN_PREFIX)


def fingerprint() -> list:
    """Everything generated, by content (ids differ between runs)."""
    plans = generated_plans()
    return [
        sorted(plans.values_list("slug", "title", "kind", "requires_sign_off", "start_date")),
        sorted(
            Action.objects.filter(objective__plan__in=plans).values_list(
                "objective__plan__slug", "reference", "title", "owner__username", "due_date"
            )
        ),
        sorted(
            ProgressUpdate.objects.filter(action__objective__plan__in=plans).values_list(
                "action__objective__plan__slug",
                "action__reference",
                "as_at",
                "recorded_at",
                "status",
                "narrative",
                "author__username",
                "needs_sign_off",
            )
        ),
        sorted(
            DataPoint.objects.filter(measure__plan__in=plans).values_list(
                "measure__reference", "period_end", "value", "text"
            )
        ),
        sorted(
            Target.objects.filter(measure__plan__in=plans).values_list(
                "measure__reference", "kind", "due_date", "value", "set_on", "reason"
            )
        ),
    ]


def test_it_creates_the_requested_counts():
    generate()

    plans = generated_plans()
    assert plans.count() == 2
    assert Objective.objects.filter(plan__in=plans).count() == 6
    assert Action.objects.filter(objective__plan__in=plans).count() == 40
    updates = ProgressUpdate.objects.filter(
        action__objective__plan__in=plans
    ) | ProgressUpdate.objects.filter(objective__plan__in=plans)
    assert updates.count() == 200
    assert Measure.objects.filter(plan__in=plans).count() == 5
    assert DataPoint.objects.filter(measure__plan__in=plans).count() == 5 * 12
    # Each plan's own quarters, from its start date to the current quarter: the first
    # plan's over the year and the current quarter.
    first = plans.order_by("slug").first()
    assert ReportingPeriod.objects.filter(plan=first).count() == 5
    for plan in plans:
        quarters = list(plan.periods.order_by("start"))
        assert quarters[0].start <= plan.start_date <= quarters[0].end
        assert all(a.end + datetime.timedelta(days=1) == b.start for a, b in pairwise(quarters))
        assert all(q.name.startswith("Quarter ") for q in quarters)
    assert Section.objects.filter(plan__in=plans).exists()
    assert Milestone.objects.filter(action__objective__plan__in=plans).exists()
    assert Target.objects.filter(measure__plan__in=plans, replaces__isnull=False).exists()
    assert SignOff.objects.exists()
    assert AreaForDevelopment.objects.exists()
    assert get_user_model().objects.filter(username__startswith="demo-gen-").count() >= 8


def test_the_largest_plan_is_the_first():
    call_command(
        "generate_demo_data",
        *["--plans", "6", "--objectives", "30", "--actions", "300", "--updates", "600"],
        *["--measures", "6", "--years", "1", "--today", TODAY.isoformat()],
        stdout=io.StringIO(),
    )

    sizes = {p.slug: Action.objects.filter(objective__plan=p).count() for p in generated_plans()}
    assert max(sizes, key=sizes.get).startswith(f"{PLAN_PREFIX}01-")
    assert sum(sizes.values()) == 300


def test_updates_tell_a_plausible_story():
    generate()

    updates = list(ProgressUpdate.objects.select_related("period", "action__objective__plan"))
    statuses = {u.status for u in updates}
    assert {Status.ON_TRACK, Status.COMPLETE} <= statuses
    assert all(u.as_at < TODAY for u in updates)
    assert all(u.period and u.period.start <= u.as_at <= u.period.end for u in updates)
    assert all(u.recorded_at.date() >= u.as_at for u in updates)
    for update in updates:
        if update.action_id:
            assert update.as_at >= update.action.objective.plan.start_date
            assert update.needs_sign_off == update.action.objective.plan.requires_sign_off
    for sign_off in SignOff.objects.select_related("update"):
        assert sign_off.update.needs_sign_off
        assert sign_off.update.as_at < sign_off.decided_on < TODAY
        assert sign_off.decided_by_id != sign_off.update.author_id
    # Once complete, an action stays complete.
    by_action = {}
    for update in sorted(updates, key=lambda u: (u.as_at, u.recorded_at, u.id)):
        if update.action_id and update.status:
            by_action.setdefault(update.action_id, []).append(update.status)
    for sequence in by_action.values():
        if Status.COMPLETE in sequence:
            assert set(sequence[sequence.index(Status.COMPLETE) :]) == {Status.COMPLETE}


def test_the_same_seed_gives_the_same_data():
    generate("--seed", "7")
    first = fingerprint()

    generate("--seed", "7", "--replace")

    assert fingerprint() == first
    generate("--seed", "8", "--replace")
    assert fingerprint() != first


def test_a_second_run_is_refused_without_replace():
    generate()
    before = ProgressUpdate.objects.count()

    with pytest.raises(CommandError, match="--replace"):
        generate()

    assert ProgressUpdate.objects.count() == before
    assert generated_plans().count() == 2


def test_replace_replaces_only_generated_plans():
    kept = PlanFactory(slug="nottinghamshire-2004", title="Kept plan")
    action = ActionFactory(objective=ObjectiveFactory(plan=kept))
    update = ProgressUpdateFactory(action=action)
    measure = MeasureFactory(plan=kept)
    DataPointFactory(measure=measure)
    generate()
    old_ids = set(generated_plans().values_list("pk", flat=True))

    generate("--replace")

    assert generated_plans().count() == 2
    assert not old_ids & set(generated_plans().values_list("pk", flat=True))
    assert Plan.objects.filter(pk=kept.pk).exists()
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()
    assert Action.objects.filter(pk=action.pk).exists()
    assert DataPoint.objects.filter(measure=measure).count() == 1
    assert Plan.objects.count() == 3
    assert Action.objects.count() == 41


def test_refuses_impossible_sizes():
    with pytest.raises(CommandError, match="--objectives"):
        call_command("generate_demo_data", "--plans", "3", "--objectives", "2")


@pytest.mark.parametrize(
    "model",
    [
        Plan, StatusKeyEntry, Section, Objective, Action, Milestone, ReportingPeriod,
        ProgressUpdate, AreaForDevelopment, SignOff, Measure, Target, DataPoint,
        get_user_model(),
    ],
    ids=lambda m: m.__name__,
)  # fmt: skip
def test_generated_rows_pass_the_models_rules(model):
    generate()

    rows = list(model.objects.all())  # every row: the tiny size makes at most a few hundred
    assert rows
    for row in rows:
        row.full_clean()
        if model in (Objective, Action):
            assert row.sort_key == natural_key(row.reference)
