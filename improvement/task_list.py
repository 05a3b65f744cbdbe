"""A person's task list ("My actions"): every action and objective they look after, with
where each stands this reporting period, grouped by what it needs from them.

What they look after: the actions they own or are a delegate for and the objectives they
own (an improvement notice's requirement, say), each only where they may record progress
on it (`improvement.permissions`).

Each item's state this period, the tag on the task list:

Returned            its newest update was returned by a plan editor: correct it and send
                    it again (whatever the period: until corrected it does not count).
Awaiting sign-off   its newest update waits for a plan editor.
Done                it is complete.
In progress         an update counts in its plan's current period (or, where the plan has
                    no current period, it has been reported on), and the work goes on.
Not started         nothing counts in its plan's current period yet (or, where the plan
                    has no current period, nothing has ever been reported).

Groups, each item in exactly one, so that nothing overdue is hidden behind another
heading: Overdue (past its due date and not complete, whatever else it needs), Needs an
update this period (Not started or Returned, with a current period), and Everything else.
Within a group: by plan, then objective, the objective before its actions.

A fixed number of queries however many actions, objectives, plans and updates there are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse

from improvement import periods
from improvement.history import action_states_as_at, timeline_states
from improvement.models import Action, Objective, Plan, ProgressUpdate, ReportingPeriod
from improvement.permissions import (
    _active,
    editable_plans,
    is_action_owner,
    is_administrator,
    looked_after_actions,
)
from improvement.status import Status, as_status

_NEWEST_FIRST = ("-as_at", "-recorded_at", "-id")


class TaskState(StrEnum):
    NOT_STARTED = "Not started"
    IN_PROGRESS = "In progress"
    AWAITING_SIGN_OFF = "Awaiting sign-off"
    RETURNED = "Returned"
    DONE = "Done"

    @property
    def tag_class(self) -> str:
        """The GOV.UK task list status colour ("Done" is plain text, as the pattern asks)."""
        return {
            TaskState.NOT_STARTED: "govuk-tag--blue",
            TaskState.IN_PROGRESS: "govuk-tag--light-blue",
            TaskState.AWAITING_SIGN_OFF: "govuk-tag--yellow",
            TaskState.RETURNED: "govuk-tag--red",
            TaskState.DONE: "",
        }[self]

    @property
    def needs_them(self) -> bool:
        return self in (TaskState.NOT_STARTED, TaskState.RETURNED)


@dataclass
class Task:
    """One action or objective on the list."""

    subject: Action | Objective
    plan: Plan
    period: ReportingPeriod | None
    state: TaskState
    status: Status | None
    overdue: bool = False
    delegate: bool = False
    # The latest update that counts (approved, or needing no sign-off).
    last_update_on: date | None = None
    # Its newest update, when that one waits for sign-off or was returned.
    waiting: ProgressUpdate | None = None
    returned: ProgressUpdate | None = None

    @property
    def is_action(self) -> bool:
        return isinstance(self.subject, Action)

    @property
    def name(self) -> str:
        """ "Action 1.2: Recruit ..." or "Requirement 27: ...", as the plan words it."""
        if self.is_action:
            return f"Action {self.subject.reference}: {self.subject.title}"
        return f"{self.subject.label}: {self.subject.display_title}"

    @property
    def update_url(self) -> str:
        name = "action-update" if self.is_action else "objective-update"
        return reverse(name, kwargs={"pk": self.subject.pk})

    @property
    def due_date(self) -> date | None:
        return self.subject.due_date if self.is_action else None

    @property
    def timescale(self) -> str:
        return self.subject.timescale if self.is_action else ""

    @property
    def sort_key(self) -> tuple:
        objective = self.subject.objective if self.is_action else self.subject
        return (
            self.plan.title.casefold(),
            self.plan.pk,
            objective.sort_key,
            objective.pk,
            self.subject.sort_key if self.is_action else "",
            self.subject.pk if self.is_action else 0,
        )


@dataclass
class Group:
    key: str
    heading: str
    tasks: list[Task]


@dataclass
class TaskList:
    tasks: list[Task]
    # The period every plan of theirs is in (None when their plans' periods differ).
    period: ReportingPeriod | None
    # Whether any of their plans is in a reporting period (updates are due).
    in_period: bool
    groups: list[Group] = field(default_factory=list)

    @property
    def overdue(self) -> list[Task]:
        return [t for t in self.tasks if t.overdue]

    @property
    def to_do(self) -> list[Task]:
        """What needs them this period: not started (with a period) or returned."""
        return [
            t
            for t in self.tasks
            if t.state == TaskState.RETURNED
            or (t.state == TaskState.NOT_STARTED and t.period is not None)
        ]

    def next_after(self, subject) -> Task | None:
        """The next item that needs them after `subject` in the list's order, wrapping
        round to the start (where "save and go to the next" would go); None when nothing
        else needs them."""
        order = [t for group in self.groups for t in group.tasks]
        waiting = {id(t) for t in self.to_do}
        at = next((i for i, t in enumerate(order) if _same(t.subject, subject)), -1)
        for task in order[at + 1 :] + order[: max(at, 0)]:
            if id(task) in waiting:
                return task
        return None


def _same(a, b) -> bool:
    return type(a) is type(b) and a.pk == b.pk


def looked_after_objectives(user) -> QuerySet[Objective]:
    """The objectives `user` owns and may record an assessment on (the rule is
    `improvement.permissions.can_assess_objective`)."""
    if not _active(user):
        return Objective.objects.none()
    owned = Objective.objects.filter(owner=user)
    if is_administrator(user) or is_action_owner(user):
        return owned
    return owned.filter(plan__in=editable_plans(user))


def _newest_update(fk: str) -> Subquery:
    return Subquery(
        ProgressUpdate.objects.filter(**{fk: OuterRef("pk")})
        .order_by(*_NEWEST_FIRST)
        .values("id")[:1]
    )


def _state(
    *,
    newest: ProgressUpdate | None,
    status: Status | None,
    last_counted_on: date | None,
    period: ReportingPeriod | None,
) -> TaskState:
    if newest is not None and newest.sign_off_state == "returned":
        return TaskState.RETURNED
    if newest is not None and newest.sign_off_state == "awaiting":
        return TaskState.AWAITING_SIGN_OFF
    if status == Status.COMPLETE:
        return TaskState.DONE
    if period is None:
        return TaskState.IN_PROGRESS if last_counted_on else TaskState.NOT_STARTED
    if last_counted_on is not None and last_counted_on >= period.start:
        return TaskState.IN_PROGRESS
    return TaskState.NOT_STARTED


def task_list(user, today: date) -> TaskList:
    """Everything `user` looks after, with its state this period, grouped."""
    actions = looked_after_actions(user).annotate(newest_id=_newest_update("action"))
    action_states = action_states_as_at(actions, today)
    objectives = list(
        looked_after_objectives(user)
        .select_related("plan")
        .prefetch_related("plan__status_key")
        .annotate(newest_id=_newest_update("objective"))
    )
    objective_states = timeline_states(
        Objective.objects.filter(pk__in=looked_after_objectives(user).values("pk")), today
    )
    delegated = set(
        Action.objects.filter(pk__in=looked_after_actions(user).values("pk"), delegates=user)
        .exclude(owner=user)
        .values_list("pk", flat=True)
    )
    newest_ids = [s.action.newest_id for s in action_states] + [o.newest_id for o in objectives]
    newest = (
        ProgressUpdate.objects.select_related("sign_off__decided_by").in_bulk(
            [pk for pk in newest_ids if pk]
        )
        if any(newest_ids)
        else {}
    )
    plans = {s.action.objective.plan_id: s.action.objective.plan for s in action_states}
    plans.update({o.plan_id: o.plan for o in objectives})
    by_plan = periods.current_periods(plans.values(), today)

    tasks = []
    for s in action_states:
        plan = plans[s.action.objective.plan_id]
        period = by_plan.get(plan.pk)
        update = newest.get(s.action.newest_id)
        state = _state(
            newest=update, status=s.status, last_counted_on=s.last_update_on, period=period
        )
        tasks.append(
            Task(
                subject=s.action,
                plan=plan,
                period=period,
                state=state,
                status=s.status,
                overdue=s.overdue,
                delegate=s.action.pk in delegated,
                last_update_on=s.last_update_on,
                waiting=update if state == TaskState.AWAITING_SIGN_OFF else None,
                returned=update if state == TaskState.RETURNED else None,
            )
        )
    for objective in objectives:
        objective.plan = plans[objective.plan_id]
        period = by_plan.get(objective.plan_id)
        own = objective_states.get(objective.pk)
        status = as_status(own.status) if own and own.status else None
        if own is None:
            status = Status.NOT_STARTED
        last_on = own.latest_on if own else None
        update = newest.get(objective.newest_id)
        state = _state(newest=update, status=status, last_counted_on=last_on, period=period)
        tasks.append(
            Task(
                subject=objective,
                plan=objective.plan,
                period=period,
                state=state,
                status=status,
                overdue=False,  # an objective has no due date of its own
                last_update_on=last_on,
                waiting=update if state == TaskState.AWAITING_SIGN_OFF else None,
                returned=update if state == TaskState.RETURNED else None,
            )
        )
    tasks.sort(key=lambda t: t.sort_key)
    result = TaskList(
        tasks=tasks,
        period=periods.shared_period(by_plan.values()),
        in_period=any(p is not None for p in by_plan.values()),
    )
    to_do = {id(t) for t in result.to_do}
    overdue = [t for t in tasks if t.overdue]
    needs = [t for t in tasks if not t.overdue and id(t) in to_do]
    rest = [t for t in tasks if not t.overdue and id(t) not in to_do]
    result.groups = [
        g
        for g in (
            Group("overdue", "Overdue", overdue),
            Group("needs-update", "Needs an update this period", needs),
            Group("rest", "Everything else", rest),
        )
        if g.tasks
    ]
    return result
