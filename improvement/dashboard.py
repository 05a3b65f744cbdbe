"""The director's dashboard: what is red, why, and what changed.

Every plan the user may read (narrowed by organisation, plan, owner and status), as at a
date: its status in its own words with its coverage, its objectives and actions counted
by status, what is overdue or stale, its measures off target, a tile per objective with
the objective's status at the end of each of the last six reporting periods, and what
moved since an earlier date or period (each plan's previous period by default). Every
count is a link to the action list or the objective list filtered to exactly those
items; the links are built here, from one reverse() per kind of page (never one per
row, never in a template).

Each plan's row is rendered once per plan version, page and rights and kept in the shared
cache (`render_rows`, through `improvement.state_cache`); the states behind it come
through the same cache, so a repeat view costs a cache read.

The number of queries is fixed whatever the size of the plans: their states at the
as-at date, at each date compared with and at each period end in the history strips
(one set per distinct date, not per plan: today every plan shares the same periods),
the measures' states, and the actions counted by status (`history.action_status_counts`:
one aggregate over the status timeline, grouped by plan and status).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from improvement import periods
from improvement.history import (
    ActionState,
    Change,
    ObjectiveState,
    PlanState,
    action_coverage,
    action_status_counts,
    changes_between,
)
from improvement.models import Plan, ReportingPeriod, Section
from improvement.rollup import Coverage
from improvement.state_cache import dashboard_rows, plan_states_as_at
from improvement.status import DISPLAY_ORDER, NOT_ENOUGH_UPDATES, Status, is_rated
from metrics.models import Measure
from metrics.selectors import MeasureState, measure_states

OFF_TARGET = [Status.OFF_TRACK, Status.AT_RISK]
DIRECTIONS = ["worse", "not enough updates", "better", "completed", "new", "no status"]
STRIP_LENGTH = 6
_INDENT = re.compile(r"\n\s+")
CHANGES_SHOWN = 10  # on the dashboard; the plan's page lists them all
SHORT_TITLE_WORDS = 10
_PK = 2_147_483_000  # a stand-in id, to build many detail links from one reverse()
_SLUG = "plan-slug-stand-in"


@dataclass
class Link:
    """A count and the list of exactly the items counted."""

    count: int
    url: str


@dataclass
class Segment:
    status: Status | None
    count: int
    percent: float
    url: str


@dataclass
class StripCell:
    period: ReportingPeriod
    status: object  # Status, NOT_ENOUGH_UPDATES or None


@dataclass
class Tile:
    state: ObjectiveState
    url: str
    short_title: str
    strip: list[StripCell] = field(default_factory=list)

    @property
    def runs(self) -> list[tuple[object, int]]:
        """The strip with periods running at one status merged: (status, periods), oldest
        first. The page names the periods once per plan, not in every tile."""
        runs: list[list] = []
        for cell in self.strip:
            if runs and runs[-1][0] == cell.status:
                runs[-1][1] += 1
            else:
                runs.append([cell.status, 1])
        return [(status, n) for status, n in runs]


@dataclass
class TileGroup:
    section: Section | None
    tiles: list[Tile]


@dataclass
class Comparison:
    """What the plan is compared with, and what moved; `message` says why there is
    nothing to compare with, when there is not."""

    on: date | None
    label: str
    as_at: date | None = None
    changes: list[Change] = field(default_factory=list)
    message: str = ""
    direction_links: list[tuple[str, Link]] = field(default_factory=list)


@dataclass
class DashboardRow:
    state: PlanState
    actions: list[ActionState]
    groups: list[TileGroup]
    measures: list[MeasureState]
    comparison: Comparison
    not_yet_updated: Link
    segments: list[Segment]
    action_total: Link
    action_rated: Link
    overdue: Link
    stale_actions: Link
    objective_total: Link
    objective_statuses: list[tuple[object, Link]]
    objective_rated: Link
    objective_unrated: Link
    objective_not_enough: Link
    objective_overdue: Link
    objective_stale: Link
    measure_links: list[tuple[Status, Link]]
    url: str = ""  # the plan's page, as at the dashboard's date
    measures_off: list[tuple[MeasureState, str]] = field(default_factory=list)
    change_links: list[tuple[Change, str]] = field(default_factory=list)
    changes_url: str = ""

    @property
    def plan(self) -> Plan:
        return self.state.plan

    @property
    def strip_periods(self) -> list[ReportingPeriod]:
        """The periods in the history strips, oldest first (the longest tile's)."""
        strips = [t.strip for g in self.groups for t in g.tiles]
        return [c.period for c in max(strips, key=len)] if strips else []

    @property
    def action_coverage(self) -> Coverage:
        return action_coverage(self.actions)

    @property
    def measures_off_target(self) -> int:
        return sum(link.count for _, link in self.measure_links)

    @property
    def evidence_is_stale(self) -> bool:
        latest = self.state.latest_evidence_on
        return bool(latest and self.state.stale_before and latest < self.state.stale_before)

    @property
    def bar(self) -> list[Segment]:
        return self.segments

    @property
    def changes(self) -> list[Change]:
        return self.comparison.changes

    @property
    def changes_not_shown(self) -> int:
        return len(self.comparison.changes) - len(self.change_links)

    @property
    def change_counts(self) -> list[tuple[str, int]]:
        return [(d, link.count) for d, link in self.comparison.direction_links]


@dataclass
class Dashboard:
    as_at: date
    period: ReportingPeriod | None
    since: date | None
    compare_with: ReportingPeriod | None
    rows: list[DashboardRow] = field(default_factory=list)
    filtered: bool = False

    @property
    def compare_date(self) -> date | None:
        if self.since:
            return self.since
        return self.compare_with.end if self.compare_with else None


class _Links:
    """Builds the list addresses for one dashboard: one reverse() per kind of page."""

    def __init__(self, as_at: date, owner_id: int | None):
        self.as_at = f"{as_at:%Y-%m-%d}"
        self.owner_id = owner_id
        self.actions = reverse("action-list")
        self.objectives = reverse("objective-list")
        self.measures = reverse("measure-list")
        self.objective_detail = reverse("objective-detail", kwargs={"pk": _PK})
        self.action_detail = reverse("action-detail", kwargs={"pk": _PK})
        self.measure_detail = reverse("measure-detail", kwargs={"pk": _PK})
        self.plan_detail = reverse("plan-detail", kwargs={"slug": _SLUG})

    def _url(self, base: str, **params) -> str:
        query = {"as_at": self.as_at, **{k: v for k, v in params.items() if v is not None}}
        return f"{base}?{urlencode(query)}"

    def action_list(self, plan: Plan, count: int, **params) -> Link:
        return Link(count, self._url(self.actions, plan=plan.pk, owner=self.owner_id, **params))

    def objective_list(self, plan: Plan, count: int, *, owner: bool = False, **params) -> Link:
        owner_id = self.owner_id if owner else None
        return Link(count, self._url(self.objectives, plan=plan.pk, owner=owner_id, **params))

    def measure_list(self, plan: Plan, count: int, status: Status) -> Link:
        return Link(count, self._url(self.measures, plan=plan.pk, status=status.value))

    def objective(self, pk: int, query: str | None = None) -> str:
        query = f"?as_at={self.as_at}" if query is None else query
        return self.objective_detail.replace(str(_PK), str(pk)) + query

    def action(self, pk: int, query: str) -> str:
        return self.action_detail.replace(str(_PK), str(pk)) + query

    def measure(self, pk: int, query: str) -> str:
        return self.measure_detail.replace(str(_PK), str(pk)) + query

    def plan(self, plan: Plan, query: str = "") -> str:
        return self.plan_detail.replace(_SLUG, plan.slug) + query


def build_dashboard(
    user,
    as_at: date,
    compare_with: ReportingPeriod | None = None,
    *,
    since: date | None = None,
    organisation: str | None = None,
    plan: Plan | None = None,
    owner=None,
    status: str | None = None,
    only: list[int] | None = None,
) -> Dashboard:
    """The dashboard's rows; `only` (plan ids) builds just those plans' rows, of the
    plans the user may see and the filters keep (the rest come from the cache)."""
    plans = dashboard_plans(user, organisation=organisation, plan=plan, owner=owner)
    if only is not None:
        plans = plans.filter(pk__in=only)
    now = plan_states_as_at(plans, as_at, summary=True)
    plan_list = [s.plan for s in now]
    links = _Links(as_at, owner.pk if owner is not None else None)

    # Each plan's state at each date, worked out once: the default comparison (the end of
    # the previous period) is also the last cell of the history strip.
    known: dict[date, dict[int, PlanState]] = {as_at: {s.plan.pk: s for s in now}}
    strips = _strips(plan_list, as_at, known)
    comparisons = _comparisons(now, as_at, known, since=since, period=compare_with)
    current = periods.current_periods(plan_list, as_at)
    # The actions by status: one aggregate over the status timeline for every plan.
    counted = action_status_counts([p.pk for p in plan_list], as_at, owner=owner)
    by_plan: dict[int, list[MeasureState]] = defaultdict(list)
    measures = Measure.objects.filter(plan__in=plan_list)
    for state in measure_states(measures, as_at, latest_only=True):
        by_plan[state.measure.plan_id].append(state)

    dashboard = Dashboard(
        as_at=as_at,
        period=periods.shared_period(current.values()),
        since=since,
        compare_with=compare_with,
        filtered=any(v for v in (organisation, plan, owner, status)),
    )
    for state in now:
        objectives = _in_scope(state.objectives, owner=owner, status=status)
        if status and not objectives and _status_value(state.status) != status:
            continue
        comparison = comparisons[state.plan.pk]
        comparison.direction_links = _direction_links(state.plan, comparison, links)
        dashboard.rows.append(
            _row(
                state,
                counted.get(state.plan.pk, Counter()),
                objectives,
                by_plan[state.plan.pk],
                comparison,
                strips.get(state.plan.pk, {}),
                current.get(state.plan.pk),
                links,
                owner,
            )
        )
    return dashboard


def dashboard_plans(user, *, organisation=None, plan=None, owner=None):
    """The plans the user may read, narrowed by the organisation, plan and owner filters."""
    plans = Plan.objects.visible_to(user)
    if organisation:
        plans = plans.filter(organisation=organisation)
    if plan is not None:
        plans = plans.filter(pk=plan.pk)
    if owner is not None:
        plans = plans.filter(
            Q(pk__in=Plan.objects.filter(objectives__actions__owner=owner).values("pk"))
            | Q(pk__in=Plan.objects.filter(objectives__owner=owner).values("pk"))
        )
    return plans


def _status_value(status) -> str:
    return status.value if status is not None else "none"


def _in_scope(objectives: list[ObjectiveState], *, owner, status) -> list[ObjectiveState]:
    result = objectives
    if owner is not None:
        result = [
            o
            for o in result
            if o.objective.owner_id == owner.pk
            or any(a.action.owner_id == owner.pk for a in o.actions)
        ]
    if status:
        result = [o for o in result if _status_value(o.status) == status]
    return result


def _row(
    state: PlanState,
    counts: Counter,
    objectives: list[ObjectiveState],
    measures: list[MeasureState],
    comparison: Comparison,
    strip: dict[int, list[StripCell]],
    period: ReportingPeriod | None,
    links: _Links,
    owner,
) -> DashboardRow:
    plan = state.plan
    actions = [a for a in state.actions if owner is None or a.action.owner_id == owner.pk]
    total = sum(counts.values())
    segments = [
        Segment(
            s,
            counts[s],
            counts[s] * 100 / total,
            links.action_list(plan, counts[s], status=s.value if s else "none").url,
        )
        for s in [*DISPLAY_ORDER, None]
        if counts[s]
    ]
    objective_counts = Counter(_status_value(o.status) for o in state.objectives)
    cover = state.coverage
    statuses = [*DISPLAY_ORDER, NOT_ENOUGH_UPDATES]
    query = f"?as_at={links.as_at}"
    return DashboardRow(
        url=links.plan(plan, query),
        measures_off=[
            (m, links.measure(m.measure.pk, query)) for m in measures if m.status in OFF_TARGET
        ],
        change_links=[
            (c, _change_url(c, links, query)) for c in comparison.changes[:CHANGES_SHOWN]
        ],
        changes_url=(
            links.plan(plan, f"?{urlencode(_moved_query(comparison, None))}#what-moved")
            if comparison.changes
            else ""
        ),
        state=state,
        actions=actions,
        groups=_groups(objectives, strip, links),
        measures=measures,
        comparison=comparison,
        not_yet_updated=links.action_list(
            plan, sum(1 for a in actions if not_yet_updated(a, period)), not_updated="yes"
        ),
        segments=segments,
        action_total=links.action_list(plan, total),
        action_rated=links.action_list(
            plan, sum(n for s, n in counts.items() if is_rated(s)), rated="yes"
        ),  # fmt: skip
        overdue=links.action_list(plan, sum(1 for a in actions if a.overdue), overdue="yes"),
        stale_actions=links.action_list(plan, sum(1 for a in actions if a.stale), stale="yes"),
        objective_total=links.objective_list(plan, cover.total),
        objective_statuses=[
            (s, links.objective_list(plan, objective_counts[s.value], status=s.value))
            for s in statuses
            if objective_counts[s.value]
        ]
        + (
            [(None, links.objective_list(plan, objective_counts["none"], status="none"))]
            if objective_counts["none"]
            else []
        ),
        objective_rated=links.objective_list(plan, cover.rated, rated="yes"),
        objective_unrated=links.objective_list(plan, cover.unrated, rated="no"),
        objective_not_enough=links.objective_list(
            plan, cover.not_enough, status=NOT_ENOUGH_UPDATES.value
        ),
        objective_overdue=links.objective_list(plan, cover.overdue, overdue="yes"),
        objective_stale=links.objective_list(plan, cover.stale, stale="yes"),
        measure_links=[
            (s, links.measure_list(plan, n, s))
            for s in OFF_TARGET
            if (n := sum(1 for m in measures if m.status == s))
        ],
    )


def _groups(
    objectives: list[ObjectiveState], strip: dict[int, list[StripCell]], links: _Links
) -> list[TileGroup]:
    groups: list[TileGroup] = []
    for o in objectives:
        section = o.objective.section
        if not groups or groups[-1].section != section:
            groups.append(TileGroup(section, []))
        groups[-1].tiles.append(
            Tile(
                state=o,
                url=links.objective(o.objective.pk),
                short_title=Truncator(o.objective.display_title).words(SHORT_TITLE_WORDS),
                strip=strip.get(o.objective.pk, []),
            )
        )
    return groups


def _change_url(change: Change, links: _Links, query: str) -> str:
    if change.level == "objective":
        return links.objective(change.item.pk, query)
    if change.level == "action":
        return links.action(change.item.pk, query)
    return ""


def _direction_links(plan: Plan, comparison: Comparison, links: _Links) -> list[tuple[str, Link]]:
    if not comparison.changes:
        return []
    counts = Counter(c.direction for c in comparison.changes)
    base = links.plan(plan)
    return [
        (d, Link(counts[d], f"{base}?{urlencode(_moved_query(comparison, d))}#what-moved"))
        for d in DIRECTIONS
        if counts[d]
    ]


def _moved_query(comparison: Comparison, direction: str | None) -> dict:
    query = {"as_at": f"{comparison.as_at:%Y-%m-%d}", "since": f"{comparison.on:%Y-%m-%d}"}
    return {**query, "moved": direction} if direction else query


def _states_at(known: dict, on: date, plan_ids) -> dict[int, PlanState]:
    """The plans' states at the end of `on`, working out only those not yet known."""
    have = known.setdefault(on, {})
    missing = [pk for pk in plan_ids if pk not in have]
    if missing:
        for state in plan_states_as_at(Plan.objects.filter(pk__in=missing), on, summary=True):
            have[state.plan.pk] = state
    return {pk: have[pk] for pk in plan_ids if pk in have}


def _comparisons(
    now: list[PlanState],
    as_at: date,
    known: dict,
    *,
    since: date | None,
    period: ReportingPeriod | None,
) -> dict[int, Comparison]:
    """Each plan's comparison: with the chosen date or period, else with the end of its
    own previous reporting period; the states before are worked out once per date."""
    plans = [s.plan for s in now]
    if since is not None:
        chosen = {p.pk: (since, f"{since:%-d %B %Y}") for p in plans}
    elif period is not None:
        chosen = {p.pk: (period.end, _period_words(period)) for p in plans}
    else:
        previous = periods.previous_periods(plans, as_at)
        chosen = {
            p.pk: (previous[p.pk].end, _period_words(previous[p.pk]))
            if previous.get(p.pk)
            else (None, "")
            for p in plans
        }
    wanted: dict[date, list[Plan]] = defaultdict(list)
    result: dict[int, Comparison] = {}
    for state in now:
        plan = state.plan
        on, label = chosen[plan.pk]
        comparison = Comparison(on=on, label=label, as_at=as_at)
        if on is None:
            comparison.message = (
                f"Nothing to compare with: no reporting period ended before "
                f"{as_at:%-d %B %Y}. Choose a date to compare with."
            )
        elif on >= as_at:
            comparison.message = (
                f"Nothing to compare with: {on:%-d %B %Y} is not before the as-at date."
            )
        elif plan.start_date and plan.start_date > on:
            comparison.message = (
                f"Nothing to compare with: the plan started on {plan.start_date:%-d %B %Y}, "
                f"after {on:%-d %B %Y}."
            )
        else:
            wanted[on].append(plan)
        result[plan.pk] = comparison
    by_pk = {s.plan.pk: s for s in now}
    for on, some in wanted.items():
        for before in _states_at(known, on, [p.pk for p in some]).values():
            comparison = result[before.plan.pk]
            comparison.changes = changes_between(before, by_pk[before.plan.pk])
            if not comparison.changes:
                comparison.message = f"Nothing moved since {comparison.label}."
    return result


def _period_words(period: ReportingPeriod) -> str:
    return f"{period.name} (to {period.end:%-d %B %Y})"


def _strips(plans: list[Plan], as_at: date, known: dict) -> dict[int, dict[int, list[StripCell]]]:
    """Each objective's status at the end of each of its plan's last six reporting
    periods, oldest first: plan -> objective -> cells."""
    ends = periods.list_period_ends(plans, as_at, STRIP_LENGTH)
    wanted: dict[date, dict[int, ReportingPeriod]] = defaultdict(dict)
    for plan in plans:
        for period in ends.get(plan.pk, []):
            wanted[period.end][plan.pk] = period
    result: dict[int, dict[int, list[StripCell]]] = defaultdict(lambda: defaultdict(list))
    for on in sorted(wanted):
        plan_periods = wanted[on]
        for state in _states_at(known, on, list(plan_periods)).values():
            cells = result[state.plan.pk]
            for o in state.objectives:
                cells[o.objective.pk].append(StripCell(plan_periods[state.plan.pk], o.status))
    return result


def not_yet_updated(action_state, period: ReportingPeriod | None) -> bool:
    """An action still to be updated in the current period: not complete, and nothing
    reported (counted or waiting for sign-off) since the period started."""
    if period is None or action_state.status == Status.COMPLETE:
        return False
    dates = [d for d in (action_state.last_update_on, action_state.awaiting_since) if d]
    return not dates or max(dates) < period.start


def mark_not_yet_updated(
    action_states, as_at: date, plan: Plan | None = None
) -> ReportingPeriod | None:
    """Flag the actions still to be updated in the plan's period containing `as_at`."""
    period = periods.current_period(plan, as_at) if plan is not None else None
    for state in action_states:
        state.not_yet_updated = not_yet_updated(state, period)
    return period


def dashboard_page(
    user,
    as_at: date,
    compare_with: ReportingPeriod | None = None,
    *,
    since: date | None = None,
    organisation: str | None = None,
    plan: Plan | None = None,
    owner=None,
    status: str | None = None,
) -> Dashboard:
    """The dashboard as a page: `rows` are each plan's rendered HTML, from the shared
    cache where the plan has not changed since it was rendered for these dates, filters
    and rights (see `improvement.state_cache`), the others built and rendered now."""
    from django.template.loader import render_to_string

    plans = dashboard_plans(user, organisation=organisation, plan=plan, owner=owner)
    ids = list(plans.values_list("pk", flat=True))
    page = "|".join(
        [
            f"{as_at:%Y-%m-%d}",
            f"{since:%Y-%m-%d}" if since else "",
            f"{compare_with.pk}:{compare_with.end:%Y-%m-%d}" if compare_with else "",
            str(owner.pk) if owner is not None else "",
            status or "",
        ]
    )

    def render_missing(missing: list[int]) -> dict[int, str]:
        board = build_dashboard(
            user, as_at, compare_with, since=since, organisation=organisation, plan=plan,
            owner=owner, status=status, only=missing,
        )  # fmt: skip
        context = {"board": board, "owner_filtered": owner is not None, "status": status}
        return {
            # Indentation is the template's, not the page's: one newline says as much.
            row.plan.pk: _INDENT.sub(
                "\n", render_to_string("improvement/_dashboard_row.html", {**context, "row": row})
            ).strip()
            for row in board.rows
        }

    dashboard = Dashboard(
        as_at=as_at,
        period=periods.current_period(None, as_at),
        since=since,
        compare_with=compare_with,
        filtered=any(v for v in (organisation, plan, owner, status)),
    )
    rows = dashboard_rows(user, ids, page, render_missing)
    # Each row is our own template's output, escaped when it was rendered.
    dashboard.rows = [mark_safe(html) for _, html in rows]  # noqa: S308
    return dashboard
