"""Status roll-up: an objective's status from its actions, a plan's from its objectives.

Plain functions over plain values, so every rule can be tested without a database.

Two rules, chosen per plan:

worst wins (the default)
    any child off track -> off track; else any at risk -> at risk; else every child
    complete -> complete; else every child not started -> not started; else on track
    (so one complete and two not started is on track).

by proportion
    off track when at least `off_track_threshold` % of the rated children are off track;
    else at risk when at least `at_risk_threshold` % are at risk or off track; else the
    same complete / not started / on track tail as worst wins.

A child with no status (it has updates but none gives a status, as in a transcribed
report with no RAG column) is left out of the counts: it cannot make a parent complete
(nobody said it was), nor on track on its own; when no child has a status the parent
has none either. Every result carries the children that decided it and a
sentence saying why, so a page can explain any colour it shows.

Overdue is a flag beside the status, never a status: due date passed and not complete.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from improvement.status import DISPLAY_ORDER, SEVERITY, RollupRule, Status


@dataclass(frozen=True)
class Child:
    """One thing being rolled up: an action (into an objective) or an objective (into a plan)."""

    reference: str
    status: Status | None
    overdue: bool = False
    # What the explanation calls it ("action 1.3", "objective 2").
    noun: str = "action"

    @property
    def name(self) -> str:
        return f"{self.noun} {self.reference}"


@dataclass(frozen=True)
class Rollup:
    status: Status | None
    rule: RollupRule
    reason: str
    deciding: tuple[Child, ...] = ()
    children: tuple[Child, ...] = ()
    counts: dict[Status, int] = field(default_factory=dict)

    @property
    def unrated(self) -> tuple[Child, ...]:
        return tuple(c for c in self.children if c.status is None)

    @property
    def overdue(self) -> tuple[Child, ...]:
        return tuple(c for c in self.children if c.overdue)

    def count(self, status: Status) -> int:
        return self.counts.get(status, 0)


def is_overdue(*, due_date: date | None, status: Status | None, as_at: date) -> bool:
    """Past its due date and not complete, as at a date."""
    return due_date is not None and due_date < as_at and status != Status.COMPLETE


def rollup_status(
    children: list[Child] | tuple[Child, ...],
    *,
    rule: RollupRule | str = RollupRule.WORST_WINS,
    off_track_threshold: int = 25,
    at_risk_threshold: int = 10,
    noun_plural: str = "actions",
    noun_singular: str | None = None,
) -> Rollup:
    """The rolled-up status of `children` under `rule`, with its explanation."""
    rule = RollupRule(rule)
    noun = _Noun(noun_singular or noun_plural[:-1], noun_plural)
    children = tuple(children)
    counts = Counter(c.status for c in children if c.status is not None)
    ordered_counts = {s: counts[s] for s in DISPLAY_ORDER if counts[s]}

    def result(status: Status | None, reason: str, deciding=()) -> Rollup:
        return Rollup(status, rule, reason, tuple(deciding), children, ordered_counts)

    if not children:
        return result(None, f"No status: there are no {noun.plural} to roll up.")
    rated = [c for c in children if c.status is not None]
    if not rated:
        return result(
            None, f"No status: none of the {_count(len(children), noun)} has a status yet."
        )

    off = [c for c in rated if c.status == Status.OFF_TRACK]
    at_risk = [c for c in rated if c.status == Status.AT_RISK]

    if rule == RollupRule.WORST_WINS:
        if off:
            return result(
                Status.OFF_TRACK, f"Off track because {_names(off)} {_is(off)} off track.", off
            )
        if at_risk:
            return result(
                Status.AT_RISK,
                f"At risk because {_names(at_risk)} {_is(at_risk)} at risk.",
                at_risk,
            )
    else:
        n = len(rated)
        # Integer arithmetic: "at least 25%" must not depend on float rounding.
        if off and len(off) * 100 >= off_track_threshold * n:
            return result(
                Status.OFF_TRACK,
                f"Off track because {_share(off, n, noun)} off track, at or above the "
                f"{off_track_threshold}% threshold ({_names(off)}).",
                off,
            )
        troubled = off + at_risk
        if troubled and len(troubled) * 100 >= at_risk_threshold * n:
            return result(
                Status.AT_RISK,
                f"At risk because {_share(troubled, n, noun)} at risk or off track, at or "
                f"above the {at_risk_threshold}% threshold ({_names(troubled)}).",
                troubled,
            )

    unrated = len(children) - len(rated)
    if all(c.status == Status.COMPLETE for c in rated) and not unrated:
        return result(
            Status.COMPLETE,
            f"Complete: all {_count(len(children), noun)} are complete.",
            children,
        )
    if all(c.status == Status.NOT_STARTED for c in rated):
        if unrated:
            rated_noun = _Noun(f"rated {noun.singular}", f"rated {noun.plural}")
            reason = (
                f"Not started: none of the {_count(len(rated), rated_noun)} has "
                f"started; {unrated} {_without_status(unrated, noun)}."
            )
        else:
            reason = f"Not started: none of the {_count(len(children), noun)} has started."
        return result(Status.NOT_STARTED, reason, rated)
    return result(Status.ON_TRACK, _on_track_reason(rule, ordered_counts, unrated), rated)


def _without_status(n: int, noun: _Noun) -> str:
    return f"{noun(n)} {'has' if n == 1 else 'have'} no status"


def _on_track_reason(rule: RollupRule, counts: dict[Status, int], unrated: int) -> str:
    parts = [f"{n} {s.label.lower()}" for s, n in counts.items()]
    if unrated:
        parts.append(f"{unrated} without a status")
    summary = ", ".join(parts)
    if rule == RollupRule.WORST_WINS:
        return f"On track: {summary}; none at risk or off track."
    return f"On track: {summary}; below the at-risk and off-track thresholds."


def is_kinder(assessed: Status | None, derived: Status | None) -> bool:
    """True when a human assessment paints a better picture than the actions do."""
    if assessed is None or derived is None:
        return False
    return SEVERITY[assessed] < SEVERITY[derived]


def _names(children) -> str:
    names = [c.name for c in children]
    if len(names) > 6:
        return ", ".join(names[:5]) + f" and {len(names) - 5} more"
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + " and " + names[-1]


def _is(children) -> str:
    return "is" if len(children) == 1 else "are"


@dataclass(frozen=True)
class _Noun:
    singular: str
    plural: str

    def __call__(self, n: int) -> str:
        return self.singular if n == 1 else self.plural


def _count(n: int, noun: _Noun) -> str:
    return f"{n} {noun(n)}"


def _share(part, n: int, noun: _Noun) -> str:
    percent = round(len(part) * 100 / n)
    return f"{len(part)} of {n} rated {noun.plural} ({percent}%) {_is(part)}"
