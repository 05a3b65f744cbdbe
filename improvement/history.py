"""Status "as at" any date, from the dated progress updates alone, and what changed.

`plan_states_as_at(plans, as_at)` is the one place statuses are worked out: for every
action the latest update dated on or before `as_at` that gives a status (none at all:
not started), for every objective the roll-up of its actions and its own assessed
status, for every plan the roll-up of its objectives. Nothing is recomputed by hand, so a
report drawn as at June is the same in December.

Each action's and objective's own state as at a date is read from the status timeline
(`StatusInterval`, written from the updates in every writer's transaction by
`improvement.status_timeline`): one indexed range lookup joined to the rows, instead of
replaying the updates per row. The replay is kept as the reference (`replayed_states`);
property tests and `manage.py rebuild_status_timeline` hold the two to the same answers.
Overdue and stale depend on the date and the plan's settings, so they are worked out here
from the row, not stored.

Counts of actions by status as at a date (the dashboard's) are one SQL aggregate over the
timeline (`action_status_counts`: its rows for the day found by one range lookup, grouped
by plan and status), held to the replay by a property test like the states.

The number of queries is fixed (objectives, actions, their waiting updates, the updates
they point to, and the plans' keys), however many plans, objectives or actions there are.

Where a plan needs sign-off, an update counts only once approved, from the day of its
approval (`counted_updates`); one still waiting is reported beside the status.

An objective feeds its plan with the status its actions give it; one with no actions
(e.g. a requirement in an improvement-notice review) feeds its assessed status. Where
both exist and the assessment is kinder than the actions, the objective is flagged.

Every status comes with its evidence: each roll-up's coverage (rated, unrated, overdue,
stale children, `rollup.Coverage`), the date of an assessment and whether it is stale,
and the date of the latest evidence of each objective and plan. Stale means dated before
the plan's staleness cut-off (`periods.stale_before`).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from dataclasses import fields as dataclass_fields
from datetime import date
from typing import Literal

from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse

from improvement.models import Action, Objective, Plan, ProgressUpdate, Section, StatusKeyEntry
from improvement.periods import stale_before
from improvement.rollup import (
    Child,
    Coverage,
    Rollup,
    is_kinder,
    is_overdue,
    is_stale,
    rollup_status,
)
from improvement.status import (
    DISPLAY_ORDER,
    NOT_ENOUGH_UPDATES,
    SEVERITY,
    Status,
    as_status,
    is_rated,
)
from improvement.status_timeline import State, valid_on
from metrics.models import Measure
from metrics.selectors import MeasureState, measure_states

_NEWEST_FIRST = ("-as_at", "-recorded_at", "-id")


@dataclass
class ActionRow:
    """What a summary knows of an action: enough to name it, link to it and roll it up.
    (Building 10,000 full model instances costs more than the SQL that finds them.)"""

    pk: int
    objective_id: int
    reference: str
    sort_key: str
    due_date: date | None
    latest_on: date | None
    rated_status: str | None
    awaiting_on: date | None
    owner_id: int | None
    objective: Objective | None = None

    @property
    def id(self) -> int:
        return self.pk

    def get_absolute_url(self) -> str:
        return reverse("action-detail", kwargs={"pk": self.pk})


@dataclass
class ActionState:
    action: Action
    status: Status | None
    status_since: date | None
    latest_update: ProgressUpdate | None
    overdue: bool
    # The newest update still waiting for a plan editor (it does not count yet).
    awaiting_sign_off: ProgressUpdate | None = None
    # Dates of the latest counted update and of the newest waiting one: set in both
    # modes (a summary has the dates without the update rows).
    last_update_on: date | None = None
    awaiting_since: date | None = None
    # Set by pages that know the reporting period (`dashboard.mark_not_yet_updated`).
    not_yet_updated: bool = False
    # Its latest update is older than the plan's staleness window.
    stale: bool = False

    @property
    def last_updated_on(self) -> date | None:
        return self.last_update_on


@dataclass
class ObjectiveState:
    objective: Objective
    actions: list[ActionState]
    derived: Rollup
    assessed: Status | None
    assessed_update: ProgressUpdate | None
    latest_update: ProgressUpdate | None
    awaiting_sign_off: ProgressUpdate | None = None
    measures: list[MeasureState] = field(default_factory=list)
    # The date of its assessed status, and whether that assessment is stale.
    assessed_on: date | None = None
    assessed_stale: bool = False
    # The newest evidence behind its status (its actions' and measures' latest updates and
    # values, or its own assessment), and whether that is stale.
    latest_evidence_on: date | None = None
    stale: bool = False

    @property
    def status(self) -> Status | None:
        """What this objective feeds into its plan."""
        return self.derived.status if self.derived.status is not None else self.assessed

    @property
    def basis(self) -> Literal["actions", "assessment"] | None:
        if self.derived.status is not None:
            return "actions"
        return "assessment" if self.assessed is not None else None

    @property
    def assessment_kinder(self) -> bool:
        return is_kinder(self.assessed, self.derived.status)

    @property
    def overdue_actions(self) -> list[ActionState]:
        return [a for a in self.actions if a.overdue]

    @property
    def reason(self) -> str:
        """Why it has the status it feeds its plan, in one sentence (as on its page)."""
        if self.basis == "assessment":
            of = f" of {self.assessed_on:%-d %B %Y}" if self.assessed_on else ""
            if self.derived.children:
                why = f"its {self.derived.coverage.noun.plural} give no status"
            else:
                why = "this objective has no actions to roll up"
            stale = " It is stale." if self.assessed_stale else ""
            return f"From the assessment{of}: {why}.{stale}"
        return self.derived.reason

    @property
    def coverage(self) -> Coverage:
        return self.derived.coverage


@dataclass
class SectionGroup:
    section: Section | None
    objectives: list[ObjectiveState]


@dataclass
class PlanState:
    plan: Plan
    as_at: date
    objectives: list[ObjectiveState]
    rollup: Rollup
    action_counts: Counter = field(default_factory=Counter)
    # Evidence dated before this day is stale (`periods.stale_before`).
    stale_before: date | None = None

    @property
    def status(self) -> Status | None:
        return self.rollup.status

    @property
    def coverage(self) -> Coverage:
        return self.rollup.coverage

    @property
    def action_coverage(self) -> Coverage:
        """Rated, unrated, overdue and stale among all the plan's actions."""
        return action_coverage(self.actions)

    @property
    def latest_evidence_on(self) -> date | None:
        dates = [o.latest_evidence_on for o in self.objectives if o.latest_evidence_on]
        return max(dates) if dates else None

    @property
    def stale_count(self) -> int:
        return sum(1 for a in self.actions if a.stale)

    @property
    def actions(self) -> list[ActionState]:
        return [a for o in self.objectives for a in o.actions]

    @property
    def overdue_count(self) -> int:
        return sum(1 for a in self.actions if a.overdue)

    @property
    def unrated_action_count(self) -> int:
        return self.action_counts.get(None, 0)

    def action_count(self, status: Status) -> int:
        return self.action_counts.get(status, 0)

    def action_status_counts(self) -> list[tuple[Status, int]]:
        return [(s, self.action_counts.get(s, 0)) for s in DISPLAY_ORDER]

    def sections(self) -> list[SectionGroup]:
        """Objectives grouped under their sections, in plan order (unsectioned first)."""
        groups: list[SectionGroup] = []
        for state in self.objectives:
            section = state.objective.section
            if not groups or groups[-1].section != section:
                groups.append(SectionGroup(section, []))
            groups[-1].objectives.append(state)
        return groups


def action_coverage(actions: list[ActionState]) -> Coverage:
    """Rated, unrated, overdue and stale among some actions."""
    return Coverage.of(
        [Child(a.action.reference, a.status, a.overdue, stale=a.stale) for a in actions]
    )


def counted_updates(as_at: date) -> Q:
    """The updates that count as at `as_at`: dated by then, and either needing no sign-off
    or approved by then (an approval counts from its own day, so a report as at an
    earlier day is the same whenever it is drawn)."""
    return Q(as_at__lte=as_at) & (
        Q(needs_sign_off=False) | Q(sign_off__decision="approved", sign_off__decided_on__lte=as_at)
    )


def _latest_update_id(fk: str, as_at: date, *, rated: bool) -> Subquery:
    updates = ProgressUpdate.objects.filter(counted_updates(as_at), **{fk: OuterRef("pk")})
    if rated:
        updates = updates.exclude(status="")
    return Subquery(updates.order_by(*_NEWEST_FIRST).values("id")[:1])


def replayed_states(subjects: QuerySet, as_at: date) -> dict[int, State | None]:
    """The reference implementation: each action's or objective's state as at `as_at`
    replayed from its updates by `counted_updates` (correlated subqueries per row, so slow
    on many rows). The pages read the status timeline instead (`timeline_states`); the
    property tests and `rebuild_status_timeline` hold the two to the same answers."""
    fk = "action" if subjects.model is Action else "objective"
    rows = subjects.annotate(
        latest_id=_latest_update_id(fk, as_at, rated=False),
        rated_id=_latest_update_id(fk, as_at, rated=True),
    ).values_list("pk", "latest_id", "rated_id")
    rows = list(rows)
    updates = ProgressUpdate.objects.in_bulk(
        {pk for _, latest, rated in rows for pk in (latest, rated) if pk}
    )
    result: dict[int, State | None] = {}
    for pk, latest_id, rated_id in rows:
        if latest_id is None:
            result[pk] = None  # nothing counts: not started
            continue
        rated = updates.get(rated_id)
        result[pk] = State(
            status=rated.status if rated else "",
            rated_update_id=rated_id,
            rated_on=rated.as_at if rated else None,
            latest_update_id=latest_id,
            latest_on=updates[latest_id].as_at,
        )
    return result


def timeline_states(subjects: QuerySet, as_at: date) -> dict[int, State | None]:
    """Each action's or objective's state as at `as_at` read from the status timeline, in
    the same shape as `replayed_states`."""
    rows = _with_interval(subjects, as_at).values_list(
        "pk",
        "at__status",
        "at__rated_update_id",
        "at__rated_on",
        "at__latest_update_id",
        "at__latest_on",
    )
    return {pk: State(*state) if state[3] is not None else None for pk, *state in rows}


def _with_interval(queryset: QuerySet, as_at: date) -> QuerySet:
    """Rows joined (as `at`) to their status-timeline row holding on `as_at`: one indexed
    range lookup, and at most one row holds on any day, so the join adds no rows. No row:
    nothing counts yet (not started)."""
    return queryset.annotate(
        at=FilteredRelation("status_intervals", condition=valid_on(as_at, "status_intervals__"))
    )


def with_status_as_at(actions: QuerySet[Action], as_at: date) -> QuerySet[Action]:
    """Actions annotated in SQL, so lists can filter and sort on them: `current_status`
    (the status as at `as_at` by the same rules as `plan_states_as_at`: "" for no status),
    `status_rank` (severity, for sorting), `last_update_on` and `is_overdue`. Read from the
    status timeline by a join, not worked out per row."""
    return (
        _with_interval(actions, as_at)
        .annotate(last_update_on=F("at__latest_on"))
        .annotate(current_status=_current_status())
        .annotate(
            status_rank=Case(
                *[When(current_status=s.value, then=Value(rank)) for s, rank in SEVERITY.items()],
                default=Value(-1),
                output_field=IntegerField(),
            ),
            is_overdue=Case(
                When(
                    Q(due_date__lt=as_at) & ~Q(current_status=Status.COMPLETE.value),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )


def _current_status() -> Case:
    """An action's status in SQL from its timeline row for the day (joined as `at`):
    none counts yet, not started; counted updates but none giving a status, ""."""
    return Case(
        When(at__latest_on__isnull=True, then=Value(Status.NOT_STARTED.value)),
        default=F("at__status"),
        output_field=CharField(),
    )


def action_status_counts(
    plans: QuerySet[Plan] | list[int], as_at: date, *, owner=None
) -> dict[int, Counter]:
    """Each plan's actions counted by status as at `as_at` (`owner`: only theirs), as
    `PlanState.action_counts` counts them (None: no status given): one aggregate over the
    status timeline, its rows for the day found by one range lookup, grouped by plan and
    status. A plan with no actions is left out."""
    actions = Action.objects.filter(objective__plan__in=plans)
    if owner is not None:
        actions = actions.filter(owner=owner)
    rows = (
        _with_interval(actions, as_at)
        .annotate(counted_status=_current_status())
        .values_list("objective__plan_id", "counted_status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[int, Counter] = defaultdict(Counter)
    for plan_id, status, n in rows:
        counts[plan_id][as_status(status)] += n
    return dict(counts)


def _awaiting(fk: str, subjects: QuerySet) -> dict[int, tuple[int, date]]:
    """The newest update of each subject still waiting for sign-off (its id and date), in
    one query for all of them. About now, not as at a date: a waiting update is shown
    beside the status whatever the date."""
    waiting = (
        ProgressUpdate.objects.filter(
            needs_sign_off=True, sign_off__isnull=True, **{f"{fk}__in": subjects.values("pk")}
        )
        .order_by(*_NEWEST_FIRST)
        .values_list(f"{fk}_id", "id", "as_at")
    )
    found: dict[int, tuple[int, date]] = {}
    for subject_id, update_id, as_at in waiting:
        found.setdefault(subject_id, (update_id, as_at))  # newest first
    return found


def _action_states(
    actions: list[Action], as_at: date, updates: dict, *, summary: bool = False
) -> list[ActionState]:
    states = []
    for action in actions:
        if summary:
            rated_status, latest_on = action.rated_status, action.latest_on
            rated = latest = awaiting = None
            awaiting_on = action.awaiting_on
        else:
            rated = updates.get(action.rated_id)
            latest = updates.get(action.latest_id)
            awaiting = updates.get(action.awaiting_id)
            rated_status = rated.status if rated else None
            latest_on = latest.as_at if latest else None
            awaiting_on = awaiting.as_at if awaiting else None
        if rated_status:
            status = as_status(rated_status)
        elif latest_on is None:
            status = Status.NOT_STARTED  # nothing reported yet
        else:
            status = None  # reported on, but no update gives a status
        states.append(
            ActionState(
                action=action,
                status=status,
                status_since=rated.as_at if rated else None,
                latest_update=latest,
                overdue=is_overdue(due_date=action.due_date, status=status, as_at=as_at),
                awaiting_sign_off=awaiting,
                last_update_on=latest_on,
                awaiting_since=awaiting_on,
            )
        )
    return states


def _with_latest(queryset: QuerySet, fk: str, as_at: date, *, summary: bool = False) -> list:
    """Rows with their state as at `as_at` from the status timeline (joined in the same
    query) and their newest update waiting for sign-off (one more query for all rows): the
    updates' ids (to fetch them whole), or for a summary just the status and dates the
    roll-up needs."""
    joined = _with_interval(queryset, as_at)
    awaiting = _awaiting(fk, queryset)
    if summary:
        annotated = joined.annotate(
            latest_on=F("at__latest_on"),
            rated_status=F("at__status"),
        )
        if fk == "objective":
            annotated = annotated.annotate(rated_on=F("at__rated_on"))
        if fk == "action":
            fields = [f.name for f in dataclass_fields(ActionRow)][:9]
            fields[0] = "id"
            fields.remove("awaiting_on")
            rows = []
            for values in annotated.values_list(*fields):
                row = dict(zip(fields, values, strict=True))
                row["pk"] = row.pop("id")
                row["awaiting_on"] = awaiting.get(row["pk"], (None, None))[1]
                rows.append(ActionRow(**row))
            return rows
        rows = list(annotated)
        for row in rows:
            row.awaiting_on = awaiting.get(row.pk, (None, None))[1]
        return rows
    rows = list(
        joined.annotate(latest_id=F("at__latest_update_id"), rated_id=F("at__rated_update_id"))
    )
    for row in rows:
        row.awaiting_id = awaiting.get(row.pk, (None, None))[0]
    return rows


def _fetch_updates(*rows: list) -> dict[int, ProgressUpdate]:
    wanted = {
        update_id
        for row in rows
        for x in row
        for update_id in (x.latest_id, x.rated_id, x.awaiting_id)
        if update_id is not None
    }
    return ProgressUpdate.objects.in_bulk(wanted) if wanted else {}


def _objective_states(
    objectives: QuerySet[Objective],
    actions: QuerySet[Action],
    as_at: date,
    plans: list[Plan],
    *,
    summary: bool = False,
) -> list[ObjectiveState]:
    """States of `objectives`, each rolled up from its actions among `actions`. A
    `summary` leaves out what only the detailed pages show: the updates' narratives and
    evidence, and the measures of objectives whose plan does not count them."""
    objective_rows = _with_latest(
        objectives.select_related("section", "owner").order_by(
            "plan_id", F("section__position").asc(nulls_first=True), "section_id", "sort_key", "id"
        ),
        "objective",
        as_at,
        summary=summary,
    )
    if not summary:
        actions = actions.select_related("owner")
    action_rows = _with_latest(
        actions.order_by("objective_id", "sort_key", "id"), "action", as_at, summary=summary
    )
    updates = {} if summary else _fetch_updates(objective_rows, action_rows)
    counted = {p.pk for p in plans if p.measures_in_rollup or not summary}
    measures_by_objective = _measures_by_objective(
        [o.pk for o in objective_rows if o.plan_id in counted], as_at
    )
    actions_by_objective: dict[int, list[ActionState]] = defaultdict(list)
    for state in _action_states(action_rows, as_at, updates, summary=summary):
        actions_by_objective[state.action.objective_id].append(state)

    plans_by_id = {plan.id: plan for plan in plans}
    cutoffs = {plan.id: stale_before(plan, as_at) for plan in plans}
    states = []
    for objective in objective_rows:
        plan = plans_by_id[objective.plan_id]
        cutoff = cutoffs[plan.id]
        objective.plan = plan  # so templates reach the plan without a query
        action_states = actions_by_objective.get(objective.id, [])
        for state in action_states:
            state.action.objective = objective
            state.stale = is_stale(
                evidence_on=state.last_update_on, status=state.status, stale_before=cutoff
            )
        if summary:
            assessed_update, assessed = None, as_status(objective.rated_status)
            assessed_on, own_latest_on = objective.rated_on, objective.latest_on
        else:
            assessed_update = updates.get(objective.rated_id)
            assessed = as_status(assessed_update.status) if assessed_update else None
            assessed_on = assessed_update.as_at if assessed_update else None
            latest = updates.get(objective.latest_id)
            own_latest_on = latest.as_at if latest else None
        measures = measures_by_objective.get(objective.pk, [])
        children = [
            Child(a.action.reference, a.status, a.overdue, "action", a.stale) for a in action_states
        ]
        if plan.measures_in_rollup:
            children += [
                Child(
                    f"“{m.measure.name}”",
                    m.status,
                    False,
                    "measure",
                    is_stale(evidence_on=_measure_date(m), status=m.status, stale_before=cutoff),
                )
                for m in measures
            ]
        derived = rollup_status(
            children,
            rule=plan.rollup_rule,
            off_track_threshold=plan.off_track_threshold,
            at_risk_threshold=plan.at_risk_threshold,
            overdue_at_risk=plan.overdue_at_risk,
            minimum_rated=plan.minimum_rated,
            noun_plural="actions and measures" if plan.measures_in_rollup else "actions",
            noun_singular="action or measure" if plan.measures_in_rollup else "action",
        )
        state = ObjectiveState(
            objective=objective,
            actions=action_states,
            measures=measures,
            derived=derived,
            assessed=assessed,
            assessed_update=assessed_update,
            latest_update=None if summary else updates.get(objective.latest_id),
            awaiting_sign_off=None if summary else updates.get(objective.awaiting_id),
            assessed_on=assessed_on,
            assessed_stale=is_stale(evidence_on=assessed_on, status=assessed, stale_before=cutoff),
        )
        _set_evidence(state, own_latest_on, cutoff)
        states.append(state)
    return states


def _measure_date(state: MeasureState) -> date | None:
    latest = state.assessment.latest
    return latest.period_end if latest else None


def _set_evidence(state: ObjectiveState, own_latest_on: date | None, cutoff: date) -> None:
    """The objective's latest evidence, and whether the evidence behind its status is
    stale: its assessment's date when the assessment gives the status, else the newest of
    its actions' updates and its measures' values (and its own updates)."""
    dates = [a.last_update_on for a in state.actions if a.last_update_on]
    dates += [d for d in map(_measure_date, state.measures) if d]
    if own_latest_on:
        dates.append(own_latest_on)
    state.latest_evidence_on = max(dates) if dates else None
    if state.basis == "assessment":
        state.stale = state.assessed_stale
    else:
        state.stale = is_stale(
            evidence_on=state.latest_evidence_on, status=state.status, stale_before=cutoff
        )


def _measures_by_objective(objective_ids: list[int], as_at: date) -> dict[int, list]:
    """Each objective's linked measures with their status as at the date."""
    links = list(
        Measure.objectives.through.objects.filter(objective_id__in=objective_ids).values_list(
            "objective_id", "measure_id"
        )
    )
    if not links:
        return {}
    states = {
        s.measure.pk: s
        for s in measure_states(Measure.objects.filter(pk__in={m for _, m in links}), as_at)
    }
    result: dict[int, list] = defaultdict(list)
    for objective_id, measure_id in links:
        result[objective_id].append(states[measure_id])
    return result


def _with_key(plans: QuerySet[Plan]) -> list[Plan]:
    return list(
        plans.prefetch_related(Prefetch("status_key", queryset=StatusKeyEntry.objects.all()))
    )


def plan_states_as_at(
    plans: QuerySet[Plan], as_at: date, *, summary: bool = False
) -> list[PlanState]:
    """The state of each plan (its objectives and actions) as at the end of `as_at`.

    `summary=True` (the dashboard, the list of plans): the same statuses, counts and
    dates, read straight from the updates in SQL without loading the update rows
    (`latest_update`, `assessed_update` and `awaiting_sign_off` stay empty), and measures
    only where they count in the roll-up."""
    plan_list = _with_key(plans)
    if not plan_list:
        return []
    objective_states = _objective_states(
        Objective.objects.filter(plan__in=plan_list),
        Action.objects.filter(objective__plan__in=plan_list),
        as_at,
        plan_list,
        summary=summary,
    )
    by_plan: dict[int, list[ObjectiveState]] = defaultdict(list)
    for state in objective_states:
        by_plan[state.objective.plan_id].append(state)

    return [_plan_state(plan, by_plan.get(plan.id, []), as_at) for plan in plan_list]


def _plan_state(plan: Plan, states: list[ObjectiveState], as_at: date) -> PlanState:
    return PlanState(
        plan=plan,
        as_at=as_at,
        objectives=states,
        rollup=rollup_status(
            [
                Child(
                    o.objective.reference,
                    o.status,
                    bool(o.overdue_actions),
                    plan.objective_term.lower(),
                    o.stale,
                )
                for o in states
            ],
            rule=plan.rollup_rule,
            off_track_threshold=plan.off_track_threshold,
            at_risk_threshold=plan.at_risk_threshold,
            overdue_at_risk=plan.overdue_at_risk,
            minimum_rated=plan.minimum_rated,
            noun_plural=plan.objective_term_plural.lower(),
        ),
        action_counts=Counter(a.status for o in states for a in o.actions),
        stale_before=stale_before(plan, as_at),
    )


def plan_state_as_at(plan: Plan, as_at: date) -> PlanState:
    return plan_states_as_at(Plan.objects.filter(pk=plan.pk), as_at)[0]


def objective_states_as_at(objectives: QuerySet[Objective], as_at: date) -> list[ObjectiveState]:
    """The states of some objectives, without working out the rest of their plans."""
    plans = _with_key(Plan.objects.filter(objectives__in=objectives).distinct())
    return _objective_states(
        objectives, Action.objects.filter(objective__in=objectives), as_at, plans
    )


def objective_state_as_at(objective: Objective, as_at: date) -> ObjectiveState:
    return objective_states_as_at(Objective.objects.filter(pk=objective.pk), as_at)[0]


def action_states_as_at(actions: QuerySet[Action], as_at: date) -> list[ActionState]:
    """The states of some actions (e.g. one person's), in the queryset's order."""
    rows = _with_latest(
        actions.select_related("owner", "objective__plan").prefetch_related(
            "objective__plan__status_key"
        ),
        "action",
        as_at,
    )
    states = _action_states(rows, as_at, _fetch_updates(rows))
    cutoffs: dict[int, date] = {}
    for state in states:
        plan = state.action.objective.plan
        if plan.pk not in cutoffs:
            cutoffs[plan.pk] = stale_before(plan, as_at)
        state.stale = is_stale(
            evidence_on=state.last_update_on, status=state.status, stale_before=cutoffs[plan.pk]
        )
    return states


def action_state_as_at(action: Action, as_at: date) -> ActionState:
    state = action_states_as_at(Action.objects.filter(pk=action.pk), as_at)[0]
    state.action.objective = action.objective
    return state


Direction = Literal["better", "worse", "new", "completed", "no status", "not enough updates"]


@dataclass(frozen=True)
class Change:
    level: Literal["plan", "objective", "action"]
    item: Plan | Objective | Action
    before: Status | None
    after: Status | None

    @property
    def direction(self) -> Direction:
        if self.after == Status.COMPLETE:
            return "completed"
        if self.after == NOT_ENOUGH_UPDATES:
            return "not enough updates"
        if not is_rated(self.before):
            return "new"
        if self.after is None:
            return "no status"
        return "better" if SEVERITY[self.after] < SEVERITY[self.before] else "worse"


def changes_between(before: PlanState, after: PlanState) -> list[Change]:
    """What moved between two states of one plan, plan first, then in plan order."""
    changes: list[Change] = []
    if before.status != after.status:
        changes.append(Change("plan", after.plan, before.status, after.status))
    old_objectives = {o.objective.id: o for o in before.objectives}
    old_actions = {a.action.id: a for a in before.actions}
    for objective in after.objectives:
        old = old_objectives.get(objective.objective.id)
        old_status = old.status if old else None
        if old_status != objective.status:
            changes.append(Change("objective", objective.objective, old_status, objective.status))
        for action in objective.actions:
            old_action = old_actions.get(action.action.id)
            old_action_status = old_action.status if old_action else None
            if old_action_status != action.status:
                changes.append(Change("action", action.action, old_action_status, action.status))
    return changes
