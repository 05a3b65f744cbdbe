"""A measure's status as at a date, and the numbers behind it. Plain functions over plain
values (Decimals and dates), so every rule is tested without a database.

The target a value is judged against
    A value is judged at its own date (`period_end`), whatever the as-at date: the as-at
    date only decides which values and targets are known. Of the targets agreed by the
    as-at date, each chain of revisions gives the revision in force on the value's date
    (a revision counts from its `set_on` day; the first target of a chain counts from
    the start however late it was agreed, being the only aim there was). Then, as the
    measure says (`Measure.target_path`):
    step: the interim target due next (on or after the value's date); when none is left,
    the final target (the one due next, or the last one if all have passed); when there
    is no final target, the last interim one.
    line: the point, at the value's date, on the straight line from the dated baseline
    (or the previous target) to the target due next; after the last target, that target;
    before the first target with no dated baseline, the first target (a step).
    So 50.32 FTE measured on 31 March 2007 against a milestone of 50 by that day stays on
    track when the as-at date moves into April and the next milestone (53 by March 2008)
    comes into view.

Targets as councils write them (`metrics.wording`)
    A target with no date is due after every dated one and never passes: the latest
    value is judged against it (a line never leads to it; it is a step). A change from
    the baseline ("10% increase", "halve") is judged as the number it comes to from the
    measure's baseline (`TargetRow.value`, worked out by `metrics.selectors`); with no
    baseline yet it has no number, and a target in words (text) never has one: the value
    is shown beside the target's words with no status, and the reason says why. A figure
    given only with the date of the report it came from ("reported in") is dated by that
    report: it is judged, and ordered, at that date.

Status (the same five-word vocabulary as actions, so measures roll up with them)
    shortfall = how far the latest value is from meeting the target, in the measure's
    unit: target - value when higher is better, value - target when lower is better, the
    distance outside the band for a range. shortfall <= 0: on track (target met);
    0 < shortfall <= amber tolerance: at risk; beyond it: off track. No tolerance means
    any shortfall is off track. No value by the date: no status ("no data"), never a
    colour. No target: no status ("no target to judge against"). Text measures have none.
    Direction not stated: the value and the target are shown, with no status (nobody said
    whether higher or lower is better: a colour would be a guess), and the reason says so.

Trend
    The change since the previous value and since the baseline, called better or worse
    by the measure's direction (for a range: closer to, or further from, the band); with
    no stated direction only up or down.

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
HIGHER, LOWER, RANGE, NONE = "higher", "lower", "range", "none"
STEP, LINE = "step", "line"
_PLACES = Decimal("0.0001")  # the precision values are stored in


@dataclass(frozen=True)
class TargetRow:
    """A target as the maths needs it (built from `metrics.models.Target`)."""

    id: int
    kind: str
    due_date: date | None  # None: the plan gives no date
    # The number a value is judged against: the target's own, or its change worked out
    # from the baseline; None for a target in words or a change with no baseline yet.
    value: Decimal | None
    value_high: Decimal | None = None
    set_on: date | None = None  # None: in force from the start
    replaces_id: int | None = None
    written: str = ""  # the plan's words ("10% increase", "7:10", "all staff")
    change_by: str = ""  # "percent", "factor", "amount": a change from the baseline
    change: Decimal | None = None  # its size: -10 for a 10% decrease, 0.5 for halve

    @property
    def heading(self) -> str:
        """Which way a change from the baseline goes ("higher", "lower"; "" if none)."""
        if not self.change_by or self.change is None:
            return ""
        pivot = 1 if self.change_by == "factor" else 0
        return "higher" if self.change > pivot else "lower" if self.change < pivot else ""

    @property
    def due(self) -> date:
        """The due date to sort and compare by: a target with no date comes last."""
        return self.due_date or date.max

    @property
    def judged(self) -> bool:
        return self.value is not None


@dataclass(frozen=True)
class Point:
    period_end: date
    value: Decimal
    reported: bool = False  # dated by the report that gave it, not by its period
    written: str = ""  # as the document writes it (a ratio, 7:10): shown in its place


@dataclass(frozen=True)
class Trend:
    change: Decimal
    # "up" and "down" only for a measure with no stated direction.
    direction: Literal["better", "worse", "same", "up", "down"]


@dataclass(frozen=True)
class Aim:
    """What a value was judged against on its date: the target itself (a step) or the
    point on the straight line leading to it."""

    on: date
    value: Decimal
    value_high: Decimal | None
    target: TargetRow
    # Line only: where the line came from (the baseline or the previous target).
    line_from: Point | None = None

    @property
    def interpolated(self) -> bool:
        return self.line_from is not None


@dataclass(frozen=True)
class Assessment:
    status: Status | None
    reason: str
    latest: Point | None = None
    previous: Point | None = None
    # The target the latest value works towards, and what it was judged against.
    target: TargetRow | None = None
    aim: Aim | None = None
    shortfall: Decimal | None = None
    since_previous: Trend | None = None
    since_baseline: Trend | None = None
    on_course: bool | None = None

    @property
    def has_data(self) -> bool:
        return self.latest is not None

    @property
    def note(self) -> str:
        """Why there is no status, in a few words for a table cell ("" with a status)."""
        if self.status is not None:
            return ""
        return self.reason.split(":", 1)[0] if ":" in self.reason else self.reason.rstrip(".")


def apply_change(baseline: Decimal, change_by: str, change: Decimal) -> Decimal:
    """The number a change from the baseline comes to: 14 with a 10% increase
    ("percent", 10) is 15.4; 40 halved ("factor", 0.5) is 20; 60% and +5 percentage
    points ("amount", 5) is 65%."""
    match change_by:
        case "percent":
            value = baseline * (1 + change / 100)
        case "factor":
            value = baseline * change
        case _:
            value = baseline + change
    return value.quantize(_PLACES)


def targets_known_at(targets: list[TargetRow], as_at: date) -> list[TargetRow]:
    """The targets agreed by `as_at` that no revision agreed by then has replaced."""
    known = [t for t in targets if t.set_on is None or t.set_on <= as_at]
    replaced = {t.replaces_id for t in known if t.replaces_id is not None}
    return [t for t in known if t.id not in replaced]


def target_in_force(targets: list[TargetRow], as_at: date) -> TargetRow | None:
    """The step target for a value dated `as_at`, knowing only what was agreed by then."""
    return _step(targets_known_at(targets, as_at), as_at)


def targets_for(targets: list[TargetRow], day: date, as_at: date) -> list[TargetRow]:
    """The targets agreed by `as_at`, each chain of revisions resolved to the revision in
    force on `day` (its first target when no revision was yet in force)."""
    known = {t.id: t for t in targets if t.set_on is None or t.set_on <= as_at}
    revision_of = {t.replaces_id: t for t in known.values() if t.replaces_id in known}
    result = []
    for target in known.values():
        if target.replaces_id in known:
            continue  # reached through the chain's first target
        current = target
        while (nxt := revision_of.get(current.id)) is not None and (
            nxt.set_on is None or nxt.set_on <= day
        ):
            current = nxt
        result.append(current)
    return result


def _step(targets: list[TargetRow], day: date) -> TargetRow | None:
    interims = sorted(
        (t for t in targets if t.kind == INTERIM and t.due >= day), key=lambda t: t.due
    )
    if interims:
        return interims[0]
    finals = sorted((t for t in targets if t.kind == FINAL), key=lambda t: t.due)
    if finals:
        upcoming = [t for t in finals if t.due >= day]
        return upcoming[0] if upcoming else finals[-1]
    past_interims = sorted((t for t in targets if t.kind == INTERIM), key=lambda t: t.due)
    return past_interims[-1] if past_interims else None


def aim_for(
    targets: list[TargetRow],
    day: date,
    *,
    as_at: date,
    path: str = STEP,
    baseline: Point | None = None,
) -> Aim | None:
    """What a value dated `day` is judged against, knowing what was agreed by `as_at`."""
    applying = targets_for(targets, day, as_at)
    target = _step(applying, day)
    if target is None:
        return None
    if path != LINE or target.due <= day or target.due_date is None or not target.judged:
        return Aim(day, target.value, target.value_high, target)
    # The line comes from the latest target (or the dated baseline) before the value.
    earlier = [t for t in applying if t.due < day and t.judged]
    start: Point | None = None
    start_high: Decimal | None = None
    if earlier:
        last = max(earlier, key=lambda t: (t.due, t.kind == FINAL))
        start, start_high = Point(last.due_date, last.value), last.value_high
    elif baseline is not None and baseline.period_end > UNDATED:
        start = baseline
    if start is None:
        return Aim(day, target.value, target.value_high, target)
    if start.period_end >= day:
        return Aim(day, start.value, start_high, target, line_from=start)
    share = Decimal((day - start.period_end).days) / Decimal(
        (target.due_date - start.period_end).days
    )

    def along(a: Decimal, b: Decimal) -> Decimal:
        return (a + (b - a) * share).quantize(_PLACES)

    high = None
    if target.value_high is not None:
        high = along(start_high if start_high is not None else start.value, target.value_high)
    return Aim(day, along(start.value, target.value), high, target, line_from=start)


def shortfall(value: Decimal, target: TargetRow | Aim, direction: str) -> Decimal:
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
    if direction == NONE:
        return Trend(change, "up" if change > 0 else "down")
    if direction == RANGE and target is not None and target.judged:
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
    if target.due_date is None:
        return True if met else None  # no date to project to
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
    path: str = STEP,
) -> Assessment:
    """The measure's status as at the end of `as_at`, with the reasons and numbers: the
    latest value known by then, judged at its own date (see the module's docstring)."""
    if unit == Unit.TEXT:
        return Assessment(None, "A qualitative measure: it has findings, not a status.")
    known = sorted((p for p in points if p.period_end <= as_at), key=lambda p: p.period_end)
    if not known:
        return Assessment(None, "No data yet.")
    latest = known[-1]
    previous = known[-2] if len(known) > 1 else None
    aim = aim_for(targets, latest.period_end, as_at=as_at, path=path, baseline=baseline)
    target = aim.target if aim else None
    since_baseline = (
        _trend(baseline.value, latest.value, direction, target)
        if baseline is not None and baseline.period_end <= latest.period_end
        else None
    )
    common = {
        "latest": latest,
        "previous": previous,
        "target": target,
        "aim": aim,
        "since_previous": (
            _trend(previous.value, latest.value, direction, target) if previous else None
        ),
        "since_baseline": since_baseline,
    }
    if aim is None:
        return Assessment(None, "No target to judge against.", **common)

    shown = latest.written or format_value(latest.value, unit)
    if aim.value is None:
        if target.change_by:
            return Assessment(
                None,
                f"No baseline: the target “{target.written}” is a change from the baseline, "
                f"and the measure has no baseline yet, so {shown} is shown without a colour.",
                **common,
            )
        return Assessment(
            None,
            f"Target in words: “{target.written}” is shown beside {shown}, not judged.",
            **common,
        )
    aim_words = _aim_words(aim, unit, direction)
    if direction == NONE:
        hint = (
            f" Its target “{target.written}” aims {target.heading}: say on the measure "
            f"that {target.heading} is better to colour it."
            if target.heading
            else ""
        )
        return Assessment(
            None,
            f"Direction not stated: the measure does not say whether a higher or a lower "
            f"value is better, so {shown} is shown beside the {aim_words} without a "
            f"colour.{hint}",
            **common,
        )
    gap = shortfall(latest.value, aim, direction)
    allowed = tolerance or Decimal(0)
    if gap <= 0:
        status, reason = Status.ON_TRACK, f"On track: {shown} meets the {aim_words}."
    elif gap <= allowed:
        status = Status.AT_RISK
        reason = (
            f"At risk: {shown} is {_amount(gap, unit)} short of the {aim_words}, within the "
            f"{_amount(allowed, unit)} tolerance."
        )
    else:
        status = Status.OFF_TRACK
        reason = f"Off track: {shown} is {_amount(gap, unit)} short of the {aim_words}."
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


def _aim_words(aim: Aim, unit: str, direction: str) -> str:
    """ "target of 50 FTE by 31 March 2007", or for a line "straight-line target of
    51.5 FTE on 30 September 2007 (on the way to the target of 53 FTE by 31 March 2008)"."""
    words = _target_words(aim.target, unit, direction)
    if not aim.interpolated or aim.on >= aim.target.due:
        return words
    if direction == RANGE and aim.value_high is not None:
        point = f"{format_value(aim.value, unit)} to {format_value(aim.value_high, unit)}"
    else:
        point = format_value(aim.value, unit) + (" or less" if direction == LOWER else "")
    return f"straight-line target of {point} on {aim.on:%-d %B %Y} (on the way to the {words})"


def _target_words(target: TargetRow, unit: str, direction: str) -> str:
    kind = "interim target" if target.kind == INTERIM else "target"
    due = f"by {target.due_date:%-d %B %Y}" if target.due_date else "(no date)"
    if direction == RANGE and target.value_high is not None:
        band = f"{format_value(target.value, unit)} to {format_value(target.value_high, unit)}"
        return f"{kind} of {band} {due}"
    at_most = " or less" if direction == LOWER else ""
    aim = f"{format_value(target.value, unit)}{at_most}"
    if target.written:
        aim += f" (“{target.written}”)"
    return f"{kind} of {aim} {due}"
