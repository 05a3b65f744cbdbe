"""Reads that pages and emails share: one person's actions, sorted by what they need.

`my_actions(user, today)` is the action owner's landing page and the body of their
reminder email: first the actions needing an update in their plan's current reporting
period (not complete, and no update since the period started, a returned update not
counting),
then the overdue ones, then the rest. A fixed number of queries whatever the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from improvement import periods
from improvement.history import ActionState, action_states_as_at
from improvement.models import ProgressUpdate, ReportingPeriod
from improvement.permissions import looked_after_actions
from improvement.status import Status


@dataclass
class MyActions:
    # The period every plan of theirs is in (None when their plans' periods differ).
    period: ReportingPeriod | None
    # Whether any of their actions' plans has a current period (updates are due).
    in_period: bool = False
    needs_update: list[ActionState] = field(default_factory=list)
    overdue: list[ActionState] = field(default_factory=list)
    rest: list[ActionState] = field(default_factory=list)

    @property
    def all(self) -> list[ActionState]:
        return [*self.needs_update, *self.overdue, *self.rest]

    @property
    def outstanding(self) -> list[ActionState]:
        """What a reminder is about: needing an update, or overdue."""
        return [*self.needs_update, *self.overdue]


def actions_looked_after_by(user, *, include_delegated: bool = True):
    """The actions `user` owns (or is a delegate for) and may still record progress on
    (the rule is `improvement.permissions.looked_after_actions`)."""
    return looked_after_actions(user, include_delegated=include_delegated)


def my_actions(
    user,
    today: date,
    *,
    include_delegated: bool = True,
    period: ReportingPeriod | None = None,
    plans=None,
) -> MyActions:
    """`period` given (a reminder's): it counts for every action; else each action's own
    plan's current period. `plans`: only the actions in these plans."""
    actions = actions_looked_after_by(user, include_delegated=include_delegated).order_by(
        "objective__plan__title", "objective__sort_key", "sort_key", "id"
    )
    if plans is not None:
        actions = actions.filter(objective__plan__in=plans)
    states = action_states_as_at(actions, today)
    plan_list = list({s.action.objective.plan_id: s.action.objective.plan for s in states}.values())
    if period is not None:
        by_plan = {plan.pk: period for plan in plan_list}
    else:
        by_plan = periods.current_periods(plan_list, today)
    starts = [p.start for p in by_plan.values() if p is not None]
    latest: dict[int, date] = {}
    if starts:
        for action_id, as_at in (
            ProgressUpdate.objects.filter(
                action__in=[s.action.pk for s in states], as_at__gte=min(starts)
            )
            .exclude(sign_off__decision="returned")
            .values_list("action_id", "as_at")
        ):
            latest[action_id] = max(as_at, latest.get(action_id, as_at))
    result = MyActions(
        period=period or periods.shared_period(by_plan.values()), in_period=bool(starts)
    )
    for state in states:
        own = by_plan.get(state.action.objective.plan_id)
        updated = own is not None and latest.get(state.action.pk, date.min) >= own.start
        if state.status == Status.COMPLETE:
            result.rest.append(state)
        elif own is not None and not updated:
            result.needs_update.append(state)
        elif state.overdue:
            result.overdue.append(state)
        else:
            result.rest.append(state)
    return result
