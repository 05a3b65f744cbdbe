"""The status timeline, maintained on write: each action's and objective's state over time
as `StatusInterval` rows, rewritten from its updates in the transaction of the write that
changes them.

The rules are `history.counted_updates`: an update counts from its own date, or, where it
needs sign-off, from the later of its date and its approval (a returned or waiting update
never counts). So a subject's state changes only on the days its updates start to count,
and between two such days it holds: `intervals_from` (pure, table-tested) turns one
subject's updates into those rows; `rebuild` deletes and rewrites the rows of some
subjects, a fixed number of statements however many (one subject has few updates, so
rewriting it whole is cheap and leaves nothing to patch up).

Who calls `rebuild`:
- single saves and deletes of updates and sign-off decisions (the update form, the
  sign-off decision, the admin's correction, the plan-file loader, tests' factories) via
  model signals (`connect`, from the app's `ready()`), so the timeline is written in the
  writer's own transaction and a failure rolls both back;
- bulk writers, which send no signals (the workbook import, the demo-data generator),
  call `rebuild` for what they wrote, in their transaction;
- many saves in a row can be gathered with `batch()`: the subjects they touch are
  rewritten once, on leaving the block (still inside the caller's transaction).

`compare` checks stored rows against a rebuild from the updates (the management command
`rebuild_status_timeline`).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.db.models import Lookup, Q, QuerySet
from django.db.models.expressions import Col
from django.db.models.signals import post_delete, post_save, pre_save

BATCH = 1000  # rows a statement
IN_BATCH = 900  # ids in one IN (...) list (SQLite's old limit on parameters is 999)

SUBJECTS = ("action", "objective")


@dataclass(frozen=True)
class UpdateFacts:
    """What of an update decides the state: its date, when it was recorded, its status and
    whether and when it was approved."""

    id: int
    as_at: date
    recorded_at: datetime
    status: str
    needs_sign_off: bool = False
    decision: str | None = None
    decided_on: date | None = None

    @property
    def counts_from(self) -> date | None:
        """The first day the update counts (None: it never does)."""
        if not self.needs_sign_off:
            return self.as_at
        if self.decision == "approved" and self.decided_on is not None:
            return max(self.as_at, self.decided_on)
        return None

    @property
    def order(self) -> tuple:
        # history._NEWEST_FIRST reversed: the latest is the greatest.
        return (self.as_at, self.recorded_at, self.id)


@dataclass(frozen=True)
class State:
    """What a subject's timeline says for a day: its status ("" none given), the latest
    counted update that gives one and the latest counted update of all, with their dates.
    No state (None) where nothing counts: not started."""

    status: str
    rated_update_id: int | None
    rated_on: date | None
    latest_update_id: int
    latest_on: date


@dataclass(frozen=True)
class Interval:
    valid_from: date
    valid_to: date | None
    state: State


def intervals_from(updates: Iterable[UpdateFacts]) -> list[Interval]:
    """One subject's timeline from its updates: consecutive rows, the last one open, the
    first starting on the first day anything counts; neighbours never hold the same state
    (a backdated approval that changes nothing adds no row)."""
    counted = sorted(
        (u for u in updates if u.counts_from is not None), key=lambda u: (u.counts_from, u.order)
    )
    intervals: list[Interval] = []
    latest = rated = None
    i = 0
    while i < len(counted):
        day = counted[i].counts_from
        while i < len(counted) and counted[i].counts_from == day:
            update = counted[i]
            if latest is None or update.order > latest.order:
                latest = update
            if update.status and (rated is None or update.order > rated.order):
                rated = update
            i += 1
        state = State(
            status=rated.status if rated else "",
            rated_update_id=rated.id if rated else None,
            rated_on=rated.as_at if rated else None,
            latest_update_id=latest.id,
            latest_on=latest.as_at,
        )
        if intervals and intervals[-1].state == state:
            continue
        if intervals:
            intervals[-1] = Interval(intervals[-1].valid_from, day, intervals[-1].state)
        intervals.append(Interval(day, None, state))
    return intervals


def state_on(intervals: list[Interval], day: date) -> State | None:
    """The state a list of rows gives for `day` (None: not started)."""
    for interval in intervals:
        if interval.valid_from <= day and (interval.valid_to is None or day < interval.valid_to):
            return interval.state
    return None


# -- reading updates and writing rows ------------------------------------------------------

_FACT_FIELDS = (
    "id",
    "action_id",
    "objective_id",
    "as_at",
    "recorded_at",
    "status",
    "needs_sign_off",
    "sign_off__decision",
    "sign_off__decided_on",
)


def chunks(ids: list, size: int = IN_BATCH) -> Iterator[list]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _selections(subjects: QuerySet | Iterable[int] | None) -> Iterator[QuerySet | list]:
    """A queryset as one selection (a subquery), ids in lists short enough for any backend."""
    if subjects is None:
        return
    if isinstance(subjects, QuerySet):
        yield subjects.values("pk")
        return
    ids = sorted({pk for pk in subjects if pk is not None})
    yield from chunks(ids)


def updates_by_subject(
    fk: str, subjects: QuerySet | Iterable[int] | None, *, models=None
) -> dict[int, list[UpdateFacts]]:
    """Each subject's updates as `UpdateFacts` (subjects with none are left out)."""
    update_model = (models or _models())["ProgressUpdate"]
    found: dict[int, list[UpdateFacts]] = {}
    for selection in _selections(subjects):
        rows = update_model.objects.filter(**{f"{fk}__in": selection}).values_list(*_FACT_FIELDS)
        for pk, action_id, objective_id, *facts in rows.order_by().iterator(chunk_size=5000):
            subject_id = action_id if fk == "action" else objective_id
            found.setdefault(subject_id, []).append(UpdateFacts(pk, *facts))
    return found


def _models():
    from improvement.models import ProgressUpdate, StatusInterval

    return {"ProgressUpdate": ProgressUpdate, "StatusInterval": StatusInterval}


def rebuild(
    *,
    actions: QuerySet | Iterable[int] | None = None,
    objectives: QuerySet | Iterable[int] | None = None,
    models=None,
) -> int:
    """Rewrite the timeline of these actions and objectives from their updates (ids, or a
    queryset of them). Call it inside the writer's transaction (a writer with none, such
    as a save in autocommit, gets one of its own here). Returns the rows written.
    `models` lets a data migration pass its historical models."""
    if not transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            return rebuild(actions=actions, objectives=objectives, models=models)
    lock = models is None  # a migration runs alone
    models = models or _models()
    interval_model = models["StatusInterval"]
    written = 0
    for fk, subjects in (("action", actions), ("objective", objectives)):
        if subjects is None:
            continue
        if lock:
            _lock(fk, subjects)
        by_subject = updates_by_subject(fk, subjects, models=models)
        for selection in _selections(subjects):
            interval_model.objects.filter(**{f"{fk}__in": selection}).delete()
        rows = [
            _row(interval_model, fk, subject_id, interval)
            for subject_id, updates in by_subject.items()
            for interval in intervals_from(updates)
        ]
        interval_model.objects.bulk_create(rows, batch_size=BATCH)
        written += len(rows)
    return written


def _lock(fk: str, subjects: QuerySet | Iterable[int]) -> None:
    """Lock the subjects' rows until the transaction ends, so two writers to one action
    rewrite its timeline one after the other, the second reading the first's updates
    (PostgreSQL; SQLite writes one transaction at a time anyway)."""
    from improvement.models import Action, Objective

    model = Action if fk == "action" else Objective
    for selection in _selections(subjects):
        list(
            model.objects.select_for_update()
            .filter(pk__in=selection)
            .order_by("pk")
            .values_list("pk", flat=True)
        )


def rebuild_plans(plan_ids: Iterable[int]) -> int:
    """Rewrite the timeline of every action and objective of these plans."""
    from improvement.models import Action, Objective

    ids = sorted({pk for pk in plan_ids if pk is not None})
    if not ids:
        return 0
    return rebuild(
        actions=Action.objects.filter(objective__plan_id__in=ids),
        objectives=Objective.objects.filter(plan_id__in=ids),
    )


def _row(model, fk: str, subject_id: int, interval: Interval):
    state = interval.state
    return model(
        **{f"{fk}_id": subject_id},
        valid_from=interval.valid_from,
        valid_to=interval.valid_to,
        status=state.status,
        rated_update_id=state.rated_update_id,
        rated_on=state.rated_on,
        latest_update_id=state.latest_update_id,
        latest_on=state.latest_on,
    )


def stored_intervals(fk: str, subjects: QuerySet | Iterable[int] | None) -> dict[int, list]:
    """The rows stored for these subjects, as `Interval`s in date order."""
    from improvement.models import StatusInterval

    found: dict[int, list[Interval]] = {}
    for selection in _selections(subjects):
        rows = (
            StatusInterval.objects.filter(**{f"{fk}__in": selection})
            .order_by(f"{fk}_id", "valid_from")
            .values_list(
                f"{fk}_id",
                "valid_from",
                "valid_to",
                "status",
                "rated_update_id",
                "rated_on",
                "latest_update_id",
                "latest_on",
            )
        )
        for subject_id, valid_from, valid_to, *state in rows.iterator(chunk_size=5000):
            found.setdefault(subject_id, []).append(Interval(valid_from, valid_to, State(*state)))
    return found


# -- checking stored rows against the updates ----------------------------------------------


@dataclass(frozen=True)
class Difference:
    """A stretch of days on which the stored timeline and the updates disagree."""

    kind: str  # "action" or "objective"
    subject_id: int
    valid_from: date
    valid_to: date | None
    stored: State | None
    replayed: State | None


def differences(stored: list[Interval], replayed: list[Interval]) -> list[tuple]:
    """The stretches (from, to, stored state, replayed state) where two timelines of one
    subject disagree, merged where neighbouring stretches disagree in the same way."""
    days = sorted(
        {i.valid_from for i in stored + replayed}
        | {i.valid_to for i in stored + replayed if i.valid_to}
    )
    found: list[tuple] = []
    for n, day in enumerate(days):
        until = days[n + 1] if n + 1 < len(days) else None
        mine, theirs = state_on(stored, day), state_on(replayed, day)
        if mine == theirs:
            continue
        if found and found[-1][1] == day and found[-1][2:] == (mine, theirs):
            found[-1] = (found[-1][0], until, mine, theirs)
        else:
            found.append((day, until, mine, theirs))
    return found


def compare(
    *,
    actions: QuerySet | Iterable[int] | None = None,
    objectives: QuerySet | Iterable[int] | None = None,
) -> list[Difference]:
    """Every difference between the stored timeline and one rebuilt from the updates."""
    result: list[Difference] = []
    for fk, subjects in (("action", actions), ("objective", objectives)):
        if subjects is None:
            continue
        replayed = {
            pk: intervals_from(updates) for pk, updates in updates_by_subject(fk, subjects).items()
        }
        stored = stored_intervals(fk, subjects)
        for subject_id in sorted(set(replayed) | set(stored)):
            for start, end, mine, theirs in differences(
                stored.get(subject_id, []), replayed.get(subject_id, [])
            ):
                result.append(Difference(fk, subject_id, start, end, mine, theirs))
    return result


# -- keeping it up to date: signals and batches ----------------------------------------------

_local = threading.local()


def _pending() -> dict[str, set[int]] | None:
    return getattr(_local, "pending", None)


@contextmanager
def batch() -> Iterator[None]:
    """Gather the subjects touched by saves inside the block and rewrite them once, on
    leaving it (in the caller's transaction; nothing is written if the block fails)."""
    if _pending() is not None:  # already gathering: the outer block rewrites
        yield
        return
    _local.pending = {"action": set(), "objective": set()}
    try:
        yield
        pending = _local.pending
    finally:
        _local.pending = None
    rebuild(actions=pending["action"], objectives=pending["objective"])


def touched(*, action_ids: Iterable = (), objective_ids: Iterable = ()) -> None:
    """These subjects' updates changed: rewrite them now, or at the end of the batch."""
    action_ids = {pk for pk in action_ids if pk is not None}
    objective_ids = {pk for pk in objective_ids if pk is not None}
    if not action_ids and not objective_ids:
        return
    pending = _pending()
    if pending is not None:
        pending["action"] |= action_ids
        pending["objective"] |= objective_ids
        return
    rebuild(actions=action_ids, objectives=objective_ids)


def _subject_of_update_id(update_id) -> tuple[int | None, int | None]:
    from improvement.models import ProgressUpdate

    row = ProgressUpdate.objects.filter(pk=update_id).values_list("action_id", "objective_id")
    return row.first() or (None, None)


def _before_update_saved(sender, instance, **kwargs) -> None:
    # An administrator's correction can move an update to another action or objective:
    # the one it leaves changes too.
    instance._timeline_before = (
        _subject_of_update_id(instance.pk) if instance.pk is not None else (None, None)
    )


def _update_written(sender, instance, **kwargs) -> None:
    before_action, before_objective = getattr(instance, "_timeline_before", (None, None))
    touched(
        action_ids=[instance.action_id, before_action],
        objective_ids=[instance.objective_id, before_objective],
    )


def _sign_off_written(sender, instance, **kwargs) -> None:
    update = instance._state.fields_cache.get("update")  # the decision form has it
    if update is not None:
        action_id, objective_id = update.action_id, update.objective_id
    else:
        action_id, objective_id = _subject_of_update_id(instance.update_id)
    touched(action_ids=[action_id], objective_ids=[objective_id])


def connect() -> None:
    """Keep the timeline up to date on every single save and delete of an update or a
    sign-off decision (bulk writers call `rebuild` themselves), and register `HoldsOn`."""
    from improvement.models import ProgressUpdate, SignOff

    register_lookups()
    uid = "status-timeline"
    pre_save.connect(_before_update_saved, sender=ProgressUpdate, dispatch_uid=f"{uid}-pre")
    post_save.connect(_update_written, sender=ProgressUpdate, dispatch_uid=f"{uid}-update")
    post_delete.connect(_update_written, sender=ProgressUpdate, dispatch_uid=f"{uid}-update-del")
    post_save.connect(_sign_off_written, sender=SignOff, dispatch_uid=f"{uid}-sign-off")
    post_delete.connect(_sign_off_written, sender=SignOff, dispatch_uid=f"{uid}-sign-off-del")


def valid_on(day: date, prefix: str = "") -> Q:
    """Rows (reached through `prefix`) that hold on `day`: on PostgreSQL one range lookup
    in the covering GiST index `status_interval_holds_on` (`HoldsOn`), so finding every
    subject's row for a day costs the rows found, not the history behind them."""
    return Q(**{f"{prefix}valid_from__holds_on": day})


HOLDS_ON_INDEX = "status_interval_holds_on"


class HoldsOn(Lookup):
    """`valid_from__holds_on=day`: the row's dates hold `day` (`valid_from <= day`, and
    `valid_to` empty or after it). On PostgreSQL written as the range containment
    `daterange(valid_from, valid_to, '[)') @> day`, the expression the GiST index
    `status_interval_holds_on` is built on (an index-only scan: it carries the columns
    the pages read); elsewhere as the two comparisons."""

    lookup_name = "holds_on"

    def as_sql(self, compiler, connection):
        from_sql, from_params = self.process_lhs(compiler, connection)
        day_sql, day_params = self.process_rhs(compiler, connection)
        until = Col(self.lhs.alias, self.lhs.target.model._meta.get_field("valid_to"))
        to_sql, to_params = compiler.compile(until)
        if connection.vendor == "postgresql":
            sql = f"daterange({from_sql}, {to_sql}, '[)') @> {day_sql}"
            return sql, [*from_params, *to_params, *day_params]
        sql = f"({from_sql} <= {day_sql} AND ({to_sql} IS NULL OR {to_sql} > {day_sql}))"
        return sql, [*from_params, *day_params, *to_params, *to_params, *day_params]


def register_lookups() -> None:
    from improvement.models import StatusInterval

    StatusInterval._meta.get_field("valid_from").register_lookup(HoldsOn)
