"""Status roll-up: an objective's status from its actions, a plan's from its objectives.

Plain functions over plain values, so every rule can be tested without a database.

A status never claims more than its evidence. Every result carries its coverage: how many
children are rated (have one of the five statuses), unrated, overdue and stale (their
latest evidence is older than the plan's staleness window; see `improvement.periods`).
Then, in this order:

enough rated?
    below the plan's minimum share of rated children (`minimum_rated` %, default 50) the
    result is "Not enough updates" (`status.NOT_ENOUGH_UPDATES`), never a colour, with
    the coverage as its reason ("1 of 19 actions rated; 13 overdue"). With a minimum of
    0 and no child rated there is simply no status.

overdue counts as at risk (a plan setting, on by default)
    a rated child that is overdue and rated better than at risk (on track, not started)
    counts as at risk; an off-track child stays off track. Unrated children stay
    unrated: being late says nothing about how the work is going.

then one of two rules, chosen per plan:

worst wins (the default)
    any child off track -> off track; else any at risk -> at risk; else every child
    complete -> complete; else every rated child not started -> not started; else on
    track (so one complete and two not started is on track).

by proportion
    off track when at least `off_track_threshold` % of the rated children are off track;
    else at risk when at least `at_risk_threshold` % are at risk or off track; else the
    same complete / not started / on track tail as worst wins.

A child with no status (it has updates but none gives a status, as in a transcribed
report with no RAG column, or an objective that itself has not enough updates) is left
out of the counts: it cannot make a parent complete (nobody said it was), nor on track
on its own. Stale children keep their status (the page says how old it is) and are
counted in the coverage. Every result carries the children that decided it and a
sentence saying why, so a page can explain any status it shows.

Overdue is a flag beside the status, never a status: due date passed and not complete.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from improvement.status import (
    DISPLAY_ORDER,
    NOT_ENOUGH_UPDATES,
    SEVERITY,
    RollupRule,
    Status,
    Verdict,
    is_rated,
)


@dataclass(frozen=True)
class Child:
    """One thing being rolled up: an action (into an objective) or an objective (into a plan)."""

    reference: str
    # One of the five statuses; None (no status) or "Not enough updates" are unrated.
    status: Status | Verdict | None
    overdue: bool = False
    # What the explanation calls it ("action 1.3", "objective 2").
    noun: str = "action"
    stale: bool = False

    @property
    def name(self) -> str:
        return f"{self.noun} {self.reference}"

    @property
    def rated(self) -> bool:
        return is_rated(self.status)


@dataclass(frozen=True)
class _Noun:
    singular: str
    plural: str

    def __call__(self, n: int) -> str:
        return self.singular if n == 1 else self.plural


@dataclass(frozen=True)
class Coverage:
    """How much evidence stands behind a rolled-up status."""

    total: int
    rated: int
    overdue: int
    stale: int
    noun: _Noun = field(default=_Noun("action", "actions"), compare=False)
    # Of the unrated children, those that are themselves "Not enough updates".
    not_enough: int = 0

    @property
    def unrated(self) -> int:
        return self.total - self.rated

    @property
    def percent_rated(self) -> int:
        return round(self.rated * 100 / self.total) if self.total else 0

    @property
    def words(self) -> str:
        """ "1 of 19 actions rated; 13 overdue; 2 stale" (parts that are zero left out)."""
        if not self.total:
            return f"no {self.noun.plural}"
        parts = [f"{self.rated} of {self.total} {self.noun.plural} rated"]
        if self.not_enough:
            parts.append(f"{self.not_enough} with not enough updates")
        if self.overdue:
            # An action is overdue; an objective has overdue actions.
            late = "overdue" if self.noun.singular.startswith("action") else "with overdue actions"
            parts.append(f"{self.overdue} {late}")
        if self.stale:
            parts.append(f"{self.stale} stale")
        return "; ".join(parts)

    @classmethod
    def of(cls, children, noun: _Noun | None = None) -> Coverage:
        children = tuple(children)
        return cls(
            total=len(children),
            rated=sum(1 for c in children if c.rated),
            overdue=sum(1 for c in children if c.overdue),
            stale=sum(1 for c in children if c.stale),
            noun=noun or _Noun("action", "actions"),
            not_enough=sum(1 for c in children if c.status == NOT_ENOUGH_UPDATES),
        )


@dataclass(frozen=True)
class Rollup:
    status: Status | Verdict | None
    rule: RollupRule
    reason: str
    deciding: tuple[Child, ...] = ()
    children: tuple[Child, ...] = ()
    counts: dict[Status, int] = field(default_factory=dict)
    coverage: Coverage = field(default_factory=lambda: Coverage(0, 0, 0, 0))

    @property
    def unrated(self) -> tuple[Child, ...]:
        return tuple(c for c in self.children if not c.rated)

    @property
    def overdue(self) -> tuple[Child, ...]:
        return tuple(c for c in self.children if c.overdue)

    @property
    def stale(self) -> tuple[Child, ...]:
        return tuple(c for c in self.children if c.stale)

    @property
    def not_enough(self) -> bool:
        return self.status == NOT_ENOUGH_UPDATES

    @property
    def explanation(self) -> str:
        """The reason and the coverage in one paragraph, for reports and exports."""
        if self.not_enough or not self.children:
            return self.reason
        return f"{self.reason} Evidence: {self.coverage.words}."

    def count(self, status: Status) -> int:
        return self.counts.get(status, 0)


def is_overdue(*, due_date: date | None, status: Status | None, as_at: date) -> bool:
    """Past its due date and not complete, as at a date."""
    return due_date is not None and due_date < as_at and status != Status.COMPLETE


def is_stale(*, evidence_on: date | None, status, stale_before: date | None) -> bool:
    """Its latest evidence is dated before the plan's staleness cut-off. Something
    complete does not go stale, and something never reported on has no evidence to age."""
    return (
        stale_before is not None
        and evidence_on is not None
        and evidence_on < stale_before
        and status != Status.COMPLETE
    )


def rollup_status(
    children: list[Child] | tuple[Child, ...],
    *,
    rule: RollupRule | str = RollupRule.WORST_WINS,
    off_track_threshold: int = 25,
    at_risk_threshold: int = 10,
    overdue_at_risk: bool = True,
    minimum_rated: int = 50,
    noun_plural: str = "actions",
    noun_singular: str | None = None,
) -> Rollup:
    """The rolled-up status of `children` under `rule`, with its coverage and explanation."""
    rule = RollupRule(rule)
    noun = _Noun(noun_singular or noun_plural[:-1], noun_plural)
    children = tuple(children)
    rated = [c for c in children if c.rated]
    counts = Counter(c.status for c in rated)
    ordered_counts = {s: counts[s] for s in DISPLAY_ORDER if counts[s]}
    coverage = Coverage.of(children, noun)

    def result(status, reason: str, deciding=()) -> Rollup:
        return Rollup(status, rule, reason, tuple(deciding), children, ordered_counts, coverage)

    if not children:
        return result(None, f"No status: there are no {noun.plural} to roll up.")
    # Integer arithmetic: "at least 50%" must not depend on float rounding.
    if minimum_rated and len(rated) * 100 < minimum_rated * len(children):
        return result(
            NOT_ENOUGH_UPDATES,
            f"Not enough updates: {coverage.words}. At least {minimum_rated}% of the "
            f"{noun.plural} must be rated for a status.",
            [c for c in children if not c.rated],
        )
    if not rated:
        return result(
            None, f"No status: none of the {_count(len(children), noun)} has a status yet."
        )

    # Overdue work counts as at risk: decide on each rated child's effective status.
    late = [
        c
        for c in rated
        if overdue_at_risk and c.overdue and SEVERITY[c.status] < SEVERITY[Status.AT_RISK]
    ]
    late_ids = {id(c) for c in late}

    def effective(c: Child) -> Status:
        return Status.AT_RISK if id(c) in late_ids else c.status

    off = [c for c in rated if effective(c) == Status.OFF_TRACK]
    at_risk = [c for c in rated if effective(c) == Status.AT_RISK]

    if rule == RollupRule.WORST_WINS:
        if off:
            return result(
                Status.OFF_TRACK, f"Off track because {_names(off)} {_is(off)} off track.", off
            )
        if at_risk:
            return result(
                Status.AT_RISK, f"At risk because {_at_risk_words(at_risk, late_ids)}.", at_risk
            )
    else:
        n = len(rated)
        if off and len(off) * 100 >= off_track_threshold * n:
            return result(
                Status.OFF_TRACK,
                f"Off track because {_share(off, n, noun)} off track, at or above the "
                f"{off_track_threshold}% threshold ({_names(off)}).",
                off,
            )
        troubled = off + at_risk
        if troubled and len(troubled) * 100 >= at_risk_threshold * n:
            overdue_note = (
                f"; {_names(late)} {_is(late)} overdue, which counts as at risk" if late else ""
            )
            return result(
                Status.AT_RISK,
                f"At risk because {_share(troubled, n, noun)} at risk or off track, at or "
                f"above the {at_risk_threshold}% threshold ({_names(troubled)}"
                f"{overdue_note}).",
                troubled,
            )

    unrated = len(children) - len(rated)
    if all(c.status == Status.COMPLETE for c in rated) and not unrated:
        return result(
            Status.COMPLETE,
            f"Complete: all {_count(len(children), noun)} are complete.",
            children,
        )
    if all(effective(c) == Status.NOT_STARTED for c in rated):
        if unrated:
            rated_noun = _Noun(f"rated {noun.singular}", f"rated {noun.plural}")
            reason = (
                f"Not started: none of the {_count(len(rated), rated_noun)} has "
                f"started; {unrated} {_without_status(unrated, noun)}."
            )
        else:
            reason = f"Not started: none of the {_count(len(children), noun)} has started."
        return result(Status.NOT_STARTED, reason, rated)
    return result(Status.ON_TRACK, _on_track_reason(rule, ordered_counts, unrated, late), rated)


def _at_risk_words(at_risk: list[Child], late_ids: set[int]) -> str:
    rated_at_risk = [c for c in at_risk if id(c) not in late_ids]
    late = [c for c in at_risk if id(c) in late_ids]
    parts = []
    if rated_at_risk:
        parts.append(f"{_names(rated_at_risk)} {_is(rated_at_risk)} at risk")
    if late:
        parts.append(f"{_names(late)} {_is(late)} overdue, which counts as at risk")
    return " and ".join(parts)


def _without_status(n: int, noun: _Noun) -> str:
    return f"{noun(n)} {'has' if n == 1 else 'have'} no status"


def _on_track_reason(
    rule: RollupRule, counts: dict[Status, int], unrated: int, late: list[Child]
) -> str:
    parts = [f"{n} {s.label.lower()}" for s, n in counts.items()]
    if unrated:
        parts.append(f"{unrated} without a status")
    summary = ", ".join(parts)
    if rule == RollupRule.WORST_WINS:
        return f"On track: {summary}; none at risk or off track."
    late_note = f" ({len(late)} overdue, counted as at risk)" if late else ""
    return f"On track: {summary}; below the at-risk and off-track thresholds{late_note}."


def is_kinder(assessed, derived) -> bool:
    """True when a human assessment paints a better picture than the actions do."""
    if not is_rated(assessed) or not is_rated(derived):
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


def _count(n: int, noun: _Noun) -> str:
    return f"{n} {noun(n)}"


def _share(part, n: int, noun: _Noun) -> str:
    percent = round(len(part) * 100 / n)
    return f"{len(part)} of {n} rated {noun.plural} ({percent}%) {_is(part)}"
