"""The director's dashboard: every plan the user may read, as at a date, compared with
the end of an earlier reporting period. A fixed number of queries whatever the size:
the plans' states at both dates and their measures' states.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from improvement.history import Change, PlanState, changes_between, plan_states_as_at
from improvement.models import Plan, ReportingPeriod
from improvement.status import DISPLAY_ORDER, Status
from metrics.models import Measure
from metrics.selectors import MeasureState, measure_states

OFF_TARGET = {Status.AT_RISK, Status.OFF_TRACK}
DIRECTIONS = ["worse", "better", "completed", "new", "no status"]


@dataclass
class Segment:
    status: Status | None
    count: int
    percent: float


@dataclass
class DashboardRow:
    state: PlanState
    changes: list[Change]
    measures: list[MeasureState]
    not_yet_updated: int

    @property
    def plan(self) -> Plan:
        return self.state.plan

    @property
    def bar(self) -> list[Segment]:
        """The action counts by status, as segments of a stacked bar."""
        total = len(self.state.actions)
        counts = [(s, self.state.action_count(s)) for s in DISPLAY_ORDER]
        counts.append((None, self.state.unrated_action_count))
        return [Segment(s, n, n * 100 / total) for s, n in counts if n]

    @property
    def measures_off_target(self) -> int:
        return sum(1 for m in self.measures if m.status in OFF_TARGET)

    @property
    def change_counts(self) -> list[tuple[str, int]]:
        counts = Counter(c.direction for c in self.changes)
        return [(d, counts[d]) for d in DIRECTIONS if counts[d]]


@dataclass
class Dashboard:
    as_at: date
    period: ReportingPeriod | None
    compare_with: ReportingPeriod | None
    rows: list[DashboardRow] = field(default_factory=list)

    @property
    def compare_date(self) -> date | None:
        return self.compare_with.end if self.compare_with else None


def previous_period(as_at: date) -> ReportingPeriod | None:
    """The latest reporting period that ended before `as_at`."""
    return ReportingPeriod.objects.filter(end__lt=as_at).order_by("-end").first()


def build_dashboard(user, as_at: date, compare_with: ReportingPeriod | None) -> Dashboard:
    plans = Plan.objects.visible_to(user)
    period = ReportingPeriod.current(as_at)
    now = plan_states_as_at(plans, as_at, summary=True)
    before = {}
    if compare_with is not None and compare_with.end < as_at:
        before = {s.plan.pk: s for s in plan_states_as_at(plans, compare_with.end, summary=True)}
    by_plan: dict[int, list[MeasureState]] = {}
    for state in measure_states(Measure.objects.filter(plan__in=plans), as_at, latest_only=True):
        by_plan.setdefault(state.measure.plan_id, []).append(state)

    dashboard = Dashboard(as_at=as_at, period=period, compare_with=compare_with)
    for state in now:
        previous = before.get(state.plan.pk)
        dashboard.rows.append(
            DashboardRow(
                state=state,
                changes=changes_between(previous, state) if previous else [],
                measures=by_plan.get(state.plan.pk, []),
                not_yet_updated=sum(1 for a in state.actions if not_yet_updated(a, period)),
            )
        )
    return dashboard


def not_yet_updated(action_state, period: ReportingPeriod | None) -> bool:
    """An action still to be updated in the current period: not complete, and nothing
    reported (counted or waiting for sign-off) since the period started."""
    if period is None or action_state.status == Status.COMPLETE:
        return False
    dates = [d for d in (action_state.last_update_on, action_state.awaiting_since) if d]
    return not dates or max(dates) < period.start


def mark_not_yet_updated(action_states, as_at: date) -> ReportingPeriod | None:
    """Flag the actions still to be updated in the period containing `as_at`."""
    period = ReportingPeriod.current(as_at)
    for state in action_states:
        state.not_yet_updated = not_yet_updated(state, period)
    return period
