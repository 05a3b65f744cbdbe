"""A measure's status as at a date, and the numbers behind it. Plain functions over plain
values (Decimals and dates), so every rule is tested without a database.

The target in force at a date
    Targets agreed by that date (`set_on`) and not yet replaced by a revision agreed by
    then. Of those, the interim target due next (on or after the date); when none is
    left, the final target (the one due next, or the last one if all have passed); when
    there is no final target, the last interim one.

Status (the same five-word vocabulary as actions, so measures roll up with them)
    shortfall = how far the latest value is from meeting the target, in the measure's
    unit: target - value when higher is better, value - target when lower is better, the
    distance outside the band for a range. shortfall <= 0: on track (target met);
    0 < shortfall <= amber tolerance: at risk; beyond it: off track. No tolerance means
    any shortfall is off track. No value by the date: no status ("no data"), never a
    colour. No target: no status ("no target to judge against"). Text measures have none.

Trend
    The change since the previous value and since the baseline, called better or worse
    by the measure's direction (for a range: closer to, or further from, the band).

On course
    When the target's date has passed: whether it was met. Otherwise the straight line
    from the baseline (or, without a dated baseline, the first value) through the latest
    value, carried on to the target's date: does it get there? Unknown (None) with a
    single value and no baseline, unless the target is already met.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from improvement.status import Status
from metrics.units import Unit, format_change, format_value

INTERIM, FINAL = "interim", "final"
# A baseline whose date nobody recorded: it counts for "since baseline", not for projection.
UNDATED = date.min
HIGHER, LOWER, RANGE = "higher", "lower", "range"


@dataclass(frozen=True)
class TargetRow:
    """A target as the maths needs it (built from `metrics.models.Target`)."""

    id: int
    kind: str
    due_date: date
    value: Decimal
    value_high: Decimal | None = None
    set_on: date | None = None  # None: in force from the start
    replaces_id: int | None = None


@dataclass(frozen=True)
class Point:
    period_end: date
    value: Decimal


@dataclass(frozen=True)
class Trend:
    change: Decimal
    direction: Literal["better", "worse", "same"]


@dataclass(frozen=True)
class Assessment:
    status: Status | None
    reason: str
    latest: Point | None = None
    previous: Point | None = None
    target: TargetRow | None = None
    shortfall: Decimal | None = None
    since_previous: Trend | None = None
    since_baseline: Trend | None = None
    on_course: bool | None = None

    @property
    def has_data(self) -> bool:
        return self.latest is not None


def targets_known_at(targets: list[TargetRow], as_at: date) -> list[TargetRow]:
    """The targets agreed by `as_at` that no revision agreed by then has replaced."""
    known = [t for t in targets if t.set_on is None or t.set_on <= as_at]
    replaced = {t.replaces_id for t in known if t.replaces_id is not None}
    return [t for t in known if t.id not in replaced]


def target_in_force(targets: list[TargetRow], as_at: date) -> TargetRow | None:
    known = targets_known_at(targets, as_at)
    interims = sorted(
        (t for t in known if t.kind == INTERIM and t.due_date >= as_at), key=lambda t: t.due_date
    )
    if interims:
        return interims[0]
    finals = sorted((t for t in known if t.kind == FINAL), key=lambda t: t.due_date)
    if finals:
        upcoming = [t for t in finals if t.due_date >= as_at]
        return upcoming[0] if upcoming else finals[-1]
    past_interims = sorted((t for t in known if t.kind == INTERIM), key=lambda t: t.due_date)
    return past_interims[-1] if past_interims else None


def shortfall(value: Decimal, target: TargetRow, direction: str) -> Decimal:
    """How far `value` is from meeting `target` (zero or less: met)."""
    if direction == LOWER:
        return value - target.value
    if direction == RANGE:
        high = target.value_high if target.value_high is not None else target.value
        if value < target.value:
            return target.value - value
        if value > high:
            return value - high
        return Decimal(0)
    return target.value - value


def _trend(old: Decimal, new: Decimal, direction: str, target: TargetRow | None) -> Trend:
    change = new - old
    if change == 0:
        return Trend(change, "same")
    if direction == RANGE and target is not None:
        closer = shortfall(new, target, RANGE) < shortfall(old, target, RANGE)
        further = shortfall(new, target, RANGE) > shortfall(old, target, RANGE)
        return Trend(change, "better" if closer else "worse" if further else "same")
    better = change > 0 if direction != LOWER else change < 0
    return Trend(change, "better" if better else "worse")


def _on_course(
    *,
    latest: Point,
    start: Point | None,
    target: TargetRow,
    direction: str,
    as_at: date,
) -> bool | None:
    met = shortfall(latest.value, target, direction) <= 0
    if target.due_date <= as_at or met:
        return met
    if start is None or start.period_end >= latest.period_end:
        return None
    days_so_far = (latest.period_end - start.period_end).days
    days_to_go = (target.due_date - latest.period_end).days
    projected = latest.value + (latest.value - start.value) * Decimal(days_to_go) / Decimal(
        days_so_far
    )
    return shortfall(projected, target, direction) <= 0


def assess(
    *,
    unit: str,
    direction: str,
    tolerance: Decimal | None,
    baseline: Point | None,
    points: list[Point],
    targets: list[TargetRow],
    as_at: date,
) -> Assessment:
    """The measure's status as at the end of `as_at`, with the reasons and numbers."""
    if unit == Unit.TEXT:
        return Assessment(None, "A qualitative measure: it has findings, not a status.")
    known = sorted((p for p in points if p.period_end <= as_at), key=lambda p: p.period_end)
    if not known:
        return Assessment(None, "No data yet.")
    latest = known[-1]
    previous = known[-2] if len(known) > 1 else None
    target = target_in_force(targets, as_at)
    since_baseline = (
        _trend(baseline.value, latest.value, direction, target)
        if baseline is not None and baseline.period_end <= latest.period_end
        else None
    )
    common = {
        "latest": latest,
        "previous": previous,
        "target": target,
        "since_previous": (
            _trend(previous.value, latest.value, direction, target) if previous else None
        ),
        "since_baseline": since_baseline,
    }
    if target is None:
        return Assessment(None, "No target to judge against.", **common)

    gap = shortfall(latest.value, target, direction)
    allowed = tolerance or Decimal(0)
    shown = format_value(latest.value, unit)
    aim = _target_words(target, unit, direction)
    if gap <= 0:
        status, reason = Status.ON_TRACK, f"On track: {shown} meets the {aim}."
    elif gap <= allowed:
        status = Status.AT_RISK
        reason = (
            f"At risk: {shown} is {_amount(gap, unit)} short of the {aim}, within the "
            f"{_amount(allowed, unit)} tolerance."
        )
    else:
        status = Status.OFF_TRACK
        reason = f"Off track: {shown} is {_amount(gap, unit)} short of the {aim}."
        if allowed:
            reason = reason[:-1] + f", beyond the {_amount(allowed, unit)} tolerance."
    start = (
        baseline
        if baseline is not None and UNDATED < baseline.period_end < latest.period_end
        else None
    )
    if start is None and len(known) > 1:
        start = known[0]
    return Assessment(
        status,
        reason,
        shortfall=gap,
        on_course=_on_course(
            latest=latest, start=start, target=target, direction=direction, as_at=as_at
        ),
        **common,
    )


def _amount(amount: Decimal, unit: str) -> str:
    return format_change(amount, unit).lstrip("+")


def _target_words(target: TargetRow, unit: str, direction: str) -> str:
    kind = "interim target" if target.kind == INTERIM else "target"
    if direction == RANGE and target.value_high is not None:
        band = f"{format_value(target.value, unit)} to {format_value(target.value_high, unit)}"
        return f"{kind} of {band} by {target.due_date:%-d %B %Y}"
    at_most = " or less" if direction == LOWER else ""
    return f"{kind} of {format_value(target.value, unit)}{at_most} by {target.due_date:%-d %B %Y}"
