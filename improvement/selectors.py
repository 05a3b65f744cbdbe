"""Reads that pages and emails share: one person's actions, sorted by what they need.

`my_actions(user, today)` is the action owner's landing page and the body of their
reminder email: first the actions needing an update in the current reporting period
(not complete, and no update since the period started, a returned update not counting),
then the overdue ones, then the rest. A fixed number of queries whatever the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from improvement.history import ActionState, action_states_as_at
from improvement.models import ProgressUpdate, ReportingPeriod
from improvement.permissions import looked_after_actions
from improvement.status import Status


@dataclass
class MyActions:
    period: ReportingPeriod | None
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
    user, today: date, *, include_delegated: bool = True, period: ReportingPeriod | None = None
) -> MyActions:
    period = period or ReportingPeriod.current(today)
    actions = actions_looked_after_by(user, include_delegated=include_delegated).order_by(
        "objective__plan__title", "objective__sort_key", "sort_key", "id"
    )
    states = action_states_as_at(actions, today)
    updated = set()
    if period is not None:
        updated = set(
            ProgressUpdate.objects.filter(
                action__in=[s.action.pk for s in states], as_at__gte=period.start
            )
            .exclude(sign_off__decision="returned")
            .values_list("action_id", flat=True)
        )
    result = MyActions(period=period)
    for state in states:
        if state.status == Status.COMPLETE:
            result.rest.append(state)
        elif period is not None and state.action.pk not in updated:
            result.needs_update.append(state)
        elif state.overdue:
            result.overdue.append(state)
        else:
            result.rest.append(state)
    return result
