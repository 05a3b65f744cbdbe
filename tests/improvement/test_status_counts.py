"""The dashboard's counts of actions by status as at a date are one SQL aggregate over the
status timeline (`history.action_status_counts`): on random histories (updates,
sign-offs, returns, administrators' corrections, backdated entries) it gives, for every
plan at every date, the counts the replay of the updates gives; the dashboard shows them;
and it is one query whatever the number of plans and actions."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis.extra.django import TestCase as HypothesisTestCase

from improvement.dashboard import build_dashboard
from improvement.history import action_status_counts, replayed_states
from improvement.models import Action, Plan
from improvement.status import Status, as_status
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
)
from tests.improvement.test_status_timeline import BASE, DAYS, histories, play

D = date


def replayed_counts(plans, day) -> dict[int, Counter]:
    """The reference: each action's state replayed from its updates, counted by plan."""
    counts: dict[int, Counter] = {}
    for plan in plans:
        actions = Action.objects.filter(objective__plan=plan)
        states = replayed_states(actions, day).values()
        if states:
            counts[plan.pk] = Counter(
                Status.NOT_STARTED if state is None else as_status(state.status) for state in states
            )
    return counts


class TheAggregateAgreesWithTheReplay(HypothesisTestCase):
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(histories)
    def test_counts_by_plan_and_status_agree_at_every_date(self, history):
        editor = UserFactory()
        plans = [PlanFactory(), PlanFactory()]
        objective = ObjectiveFactory(plan=plans[0])
        other = ObjectiveFactory(plan=plans[1])
        actions = [ActionFactory(objective=objective), ActionFactory(objective=other)]
        ActionFactory(objective=other)  # never updated: not started throughout
        play(history, [{"action": actions[0]}, {"action": actions[1]}, {"objective": objective}],
             editor)  # fmt: skip
        ids = [p.pk for p in plans]
        for offset in range(-1, DAYS + 2):
            day = BASE + timedelta(days=offset)
            expected = replayed_counts(plans, day)
            assert {k: +v for k, v in action_status_counts(ids, day).items()} == expected, day
            owned = action_status_counts(ids, day, owner=actions[1].owner)
            assert sum(sum(c.values()) for c in owned.values()) == (
                Action.objects.filter(owner=actions[1].owner).count()
            )


pytestmark = pytest.mark.django_db


def test_a_plan_with_no_actions_is_left_out_and_no_status_counts_as_none():
    plan = PlanFactory()
    ObjectiveFactory(plan=plan)
    other = ObjectiveFactory()
    said_nothing = ActionFactory(objective=other)
    ProgressUpdateFactory(action=said_nothing, as_at=D(2025, 5, 1), status="")
    late = ActionFactory(objective=other)
    ProgressUpdateFactory(action=late, as_at=D(2025, 5, 1), status="off_track")
    counts = action_status_counts(Plan.objects.all(), D(2025, 6, 30))
    assert counts == {other.plan_id: Counter({None: 1, Status.OFF_TRACK: 1})}
    # Before anything was reported, both were not started.
    early = action_status_counts(Plan.objects.all(), D(2025, 4, 30))
    assert early == {other.plan_id: Counter({Status.NOT_STARTED: 2})}


def test_the_dashboards_counts_are_the_aggregate():
    plan = PlanFactory()
    objective = ObjectiveFactory(plan=plan)
    for status in ["off_track", "off_track", "on_track"]:
        ProgressUpdateFactory(
            action=ActionFactory(objective=objective), as_at=D(2025, 5, 1), status=status
        )
    ActionFactory(objective=objective)
    board = build_dashboard(UserFactory(is_superuser=True), D(2025, 6, 30))
    row = board.rows[0]
    assert {s.status: s.count for s in row.segments} == {
        Status.OFF_TRACK: 2,
        Status.ON_TRACK: 1,
        Status.NOT_STARTED: 1,
    }
    assert row.action_total.count == 4 and row.action_rated.count == 4


@pytest.mark.parametrize("n", [5, 50])
def test_the_aggregate_is_one_query_however_many_actions(n):
    plans = [PlanFactory() for _ in range(3)]
    for i in range(n):
        action = ActionFactory(objective=ObjectiveFactory(plan=plans[i % 3]))
        if i % 2:
            ProgressUpdateFactory(action=action, as_at=D(2025, 5, 1), status="at_risk")
    with CaptureQueriesContext(connection) as queries:
        counts = action_status_counts([p.pk for p in plans], D(2025, 6, 30))
    assert len(queries) == 1
    assert sum(sum(c.values()) for c in counts.values()) == n
