"""What goes into a committee progress report and an exceptions report, as at a date.

Built once from `improvement.history` (so a report as at June is the same whenever it is
drawn) and rendered by each format's module. The shape follows the seed reports: title
lines, the plan's status key, a summary paragraph of counts, then each objective with
its status and its actions (reference, action, responsible, timescale, status, progress,
evidence), then the measures table.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from django.db.models import prefetch_related_objects

from improvement.history import (
    Change,
    ObjectiveState,
    PlanState,
    changes_between,
    plan_state_as_at,
)
from improvement.models import Plan, PlanKind
from improvement.status import DISPLAY_ORDER, Status, status_word
from metrics.selectors import MeasureState, measure_states
from metrics.units import format_change, format_value

# How the summary paragraph names each kind of plan.
KIND_NOUNS = {
    PlanKind.IMPROVEMENT_NOTICE: "improvement notice",
    PlanKind.ACTION_PLAN: "action plan",
    PlanKind.WORKFORCE_STRATEGY: "workforce strategy",
    PlanKind.SERVICE_REVIEW: "improvement plan",
    PlanKind.PERFORMANCE_PLAN: "performance plan",
}
ARROWS = {"better": "↑", "worse": "↓", "same": "→", "up": "↑", "down": "↓"}
# A change of status is shown with an arrow (or mark) AND its word, never the mark alone.
CHANGE_MARKS = {"better": "↑", "worse": "↓", "completed": "✓", "new": "★", "no status": "–"}
ONE_ACTION = {
    Status.COMPLETE: "has been completed",
    Status.ON_TRACK: "is in progress",
    Status.AT_RISK: "is in progress but at risk",
    Status.OFF_TRACK: "is in progress but off track",
    Status.NOT_STARTED: "has not yet started",
    None: "has no status recorded",
}


@dataclass(frozen=True)
class KeyLine:
    status: Status
    label: str
    description: str

    @property
    def standard_word(self) -> str:
        """The common word ("On track") where the plan's own label ("Green") differs."""
        return self.status.label if self.label != self.status.label else ""


@dataclass
class ReportAction:
    reference: str
    title: str
    responsible: str
    timescale: str
    status: Status | None
    status_label: str
    overdue: bool
    progress: str
    evidence: list[str]
    last_updated: date | None
    awaiting_sign_off: bool
    url: str
    # The timescale exactly as the plan writes it, and the due date, for spreadsheets
    # (`timescale` above joins the two for reading).
    written_timescale: str = ""
    due_date: date | None = None


@dataclass
class ReportObjective:
    reference: str
    label: str
    title: str
    description: str
    section: str
    status: Status | None
    status_label: str
    reason: str
    assessed_label: str
    assessment_kinder: bool
    progress: str
    achievements: list[str]
    evidence: list[str]
    areas: list[tuple[str, str]]
    actions: list[ReportAction]
    url: str
    assessed: Status | None = None
    assessed_on: date | None = None

    @property
    def heading(self) -> str:
        return f"{self.label}: {self.title}" if self.title else self.label

    @property
    def overdue_actions(self) -> list[ReportAction]:
        return [a for a in self.actions if a.overdue]

    @property
    def assessment_differs(self) -> bool:
        """An assessed status to show beside the rolled-up one (only where it differs)."""
        return self.assessed is not None and self.assessed != self.status


@dataclass
class ReportMeasure:
    name: str
    unit: str
    baseline: str
    latest_value: str
    latest_date: date | None
    target_value: str
    target_due: date | None
    status: Status | None
    status_label: str
    trend: str
    objectives: str
    reason: str
    # The values, baseline and targets behind the numbers, for the chart.
    state: MeasureState | None = field(default=None, repr=False, compare=False)

    @property
    def latest(self) -> str:
        if self.latest_date is None:
            return self.latest_value
        return f"{self.latest_value} ({self.latest_date:%b %Y})"

    @property
    def target(self) -> str:
        return f"{self.target_value} by {self.target_due:%b %Y}" if self.target_due else ""

    @property
    def in_brackets(self) -> str:
        """ "Vacancy rate 14.0% (8.0%)": indicator, value and target in brackets."""
        return f"{self.name} {self.latest_value} ({self.target_value or 'no target'})"


@dataclass
class ProgressReport:
    plan: Plan
    as_at: date
    title: str
    organisation: str
    reports_to: str
    key: list[KeyLine]
    summary: str
    status: Status | None
    status_label: str
    status_reason: str
    objectives: list[ReportObjective]
    measures: list[ReportMeasure]
    objective_term: str
    labels: dict = field(default_factory=dict)
    # The history's state the report was drawn from (the exceptions report compares it).
    state: PlanState | None = field(default=None, repr=False, compare=False)

    @property
    def actions(self) -> list[ReportAction]:
        return [a for o in self.objectives for a in o.actions]

    @property
    def sections(self) -> list[tuple[str, list[ReportObjective]]]:
        groups: list[tuple[str, list[ReportObjective]]] = []
        for objective in self.objectives:
            if not groups or groups[-1][0] != objective.section:
                groups.append((objective.section, []))
            groups[-1][1].append(objective)
        return groups


def _label(status: Status | None, labels: dict) -> str:
    return status_word(status, labels)


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def summary_paragraph(
    *, kind_noun: str, objective_term: str, objectives: int, statuses: list[Status | None]
) -> str:
    """The plain-English count paragraph that opens the report.

    "The action plan has 8 objectives and 32 actions. Of these, 20 have been completed, 10
    are in progress and 2 have not yet started."
    """
    actions = len(statuses)
    objective_words = _plural(objectives, objective_term) if objectives else f"no {objective_term}s"
    if not actions:
        return f"The {kind_noun} has {objective_words} and no actions."
    first = f"The {kind_noun} has {objective_words} and {_plural(actions, 'action')}."
    counts = Counter(statuses)
    complete = counts[Status.COMPLETE]
    in_progress = counts[Status.ON_TRACK] + counts[Status.AT_RISK] + counts[Status.OFF_TRACK]
    not_started = counts[Status.NOT_STARTED]
    unrated = counts[None]
    parts = []
    if complete:
        parts.append(f"{complete} {'has' if complete == 1 else 'have'} been completed")
    if in_progress:
        part = f"{in_progress} {'is' if in_progress == 1 else 'are'} in progress"
        troubled = counts[Status.AT_RISK] + counts[Status.OFF_TRACK]
        if troubled:
            part += f" ({troubled} of {'it' if in_progress == 1 else 'them'} at risk or off track)"
        parts.append(part)
    if not_started:
        parts.append(f"{not_started} {'has' if not_started == 1 else 'have'} not yet started")
    if unrated:
        parts.append(f"{unrated} {'has' if unrated == 1 else 'have'} no status recorded")
    if actions == 1:
        return f"{first} It {ONE_ACTION[statuses[0]]}."
    joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"{first} Of these, {joined}."


def _objective(state: ObjectiveState, labels: dict) -> ReportObjective:
    objective = state.objective
    update = state.latest_update
    return ReportObjective(
        reference=objective.reference,
        label=objective.label,
        title=objective.title,
        description=objective.description,
        section=objective.section.title if objective.section else "",
        status=state.status,
        status_label=_label(state.status, labels),
        # The reason with its coverage ("Evidence: 5 of 6 actions rated; 1 overdue.").
        reason=(
            state.derived.explanation
            if state.basis != "assessment"
            else f"The assessment as at {state.assessed_on:%-d %B %Y}."
            + (" It is stale." if state.assessed_stale else "")
        ),
        assessed_label=_label(state.assessed, labels) if state.assessed else "",
        assessment_kinder=state.assessment_kinder,
        progress=update.narrative if update else "",
        achievements=list(update.achievements) if update else [],
        evidence=list(update.evidence) if update else [],
        # Prefetched for every objective at once by `progress_report`.
        areas=[(area.description, area.timescale) for area in update.areas_for_development.all()]
        if update
        else [],
        assessed=state.assessed,
        assessed_on=state.assessed_update.as_at if state.assessed_update else None,
        actions=[
            ReportAction(
                reference=a.action.reference,
                title=a.action.title,
                responsible="; ".join(
                    filter(None, [_person(a.action.owner), a.action.responsible])
                ),
                timescale="; ".join(
                    filter(
                        None,
                        [
                            a.action.timescale,
                            f"due {a.action.due_date:%-d %B %Y}" if a.action.due_date else "",
                        ],
                    )
                ),
                status=a.status,
                status_label=_label(a.status, labels),
                overdue=a.overdue,
                progress=a.latest_update.narrative if a.latest_update else "",
                evidence=list(a.latest_update.evidence) if a.latest_update else [],
                last_updated=a.last_updated_on,
                awaiting_sign_off=a.awaiting_sign_off is not None,
                url=a.action.get_absolute_url(),
                written_timescale=a.action.timescale,
                due_date=a.action.due_date,
            )
            for a in state.actions
        ],
        url=objective.get_absolute_url(),
    )


def _measure(state: MeasureState, labels: dict) -> ReportMeasure:
    measure, a = state.measure, state.assessment
    unit = measure.unit
    target = ""
    if a.target is not None:
        target = format_value(a.target.value, unit)
        if a.target.value_high is not None:
            target += f" to {format_value(a.target.value_high, unit)}"
    trend = ""
    if a.since_previous is not None:
        trend = (
            f"{ARROWS[a.since_previous.direction]} {a.since_previous.direction} "
            f"({format_change(a.since_previous.change, unit)})"
        )
    return ReportMeasure(
        name=measure.name,
        unit=unit,
        baseline=format_value(measure.baseline_value, unit)
        if measure.baseline_value is not None
        else "",
        latest_value=(
            format_value(a.latest.value, unit)
            if a.latest
            else ("Qualitative" if measure.is_text else "No data")
        ),
        latest_date=a.latest.period_end if a.latest else None,
        target_value=target,
        target_due=a.target.due_date if a.target else None,
        status=a.status,
        status_label=_label(a.status, labels)
        if a.status
        else ("No data" if not a.latest else "No status"),
        trend=trend,
        objectives=", ".join(o.reference for o in measure.objectives.all()),
        reason=a.reason,
        state=state,
    )


def progress_report(plan: Plan, as_at: date) -> ProgressReport:
    plan = Plan.objects.prefetch_related("status_key").get(pk=plan.pk)
    state = plan_state_as_at(plan, as_at)
    # Every objective's areas for development in one query, not one per objective.
    prefetch_related_objects(
        [o.latest_update for o in state.objectives if o.latest_update is not None],
        "areas_for_development",
    )
    labels = plan.labels()
    measures = measure_states(plan.measures.prefetch_related("objectives"), as_at)
    statuses = [a.status for a in state.actions]
    term = plan.objective_term
    summary = summary_paragraph(
        kind_noun=KIND_NOUNS.get(plan.kind, "plan"),
        objective_term=term,
        objectives=len(state.objectives),
        statuses=statuses,
    )
    assessed = Counter(o.assessed for o in state.objectives if o.assessed is not None)
    if assessed and not statuses:
        parts = [f"{assessed[s]} {labels.get(s, s.label)}" for s in DISPLAY_ORDER if assessed[s]]
        joined = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        summary += f" Of the {_plural(len(state.objectives), term)}, {joined} by assessment."
    return ProgressReport(
        plan=plan,
        as_at=as_at,
        title=plan.title,
        organisation=plan.organisation,
        reports_to=plan.reports_to,
        key=[KeyLine(e.status, e.label, e.description) for e in plan.key()],
        summary=summary,
        status=state.status,
        status_label=_label(state.status, labels),
        status_reason=state.rollup.explanation,
        objectives=[_objective(o, labels) for o in state.objectives],
        measures=[_measure(m, labels) for m in measures],
        objective_term=term,
        labels=labels,
        state=state,
    )


@dataclass(frozen=True)
class ReportChange:
    """One status that moved, in words: "Action 1.2: On track to At risk, ↓ worse"."""

    level: str
    reference: str
    what: str
    title: str
    before: Status | None
    before_label: str
    after: Status | None
    after_label: str
    direction: str

    @property
    def mark(self) -> str:
        return CHANGE_MARKS.get(self.direction, "")

    @property
    def in_words(self) -> str:
        return f"{self.mark} {self.direction}".strip()


def _change(change: Change, labels: dict) -> ReportChange:
    item = change.item
    if change.level == "plan":
        what, reference, title = "The plan", "", item.title
    elif change.level == "objective":
        what, reference, title = item.label, item.reference, item.display_title
    else:
        what, reference, title = f"Action {item.reference}", item.reference, item.title
    return ReportChange(
        level=change.level,
        reference=reference,
        what=what,
        title=title,
        before=change.before,
        before_label=_label(change.before, labels),
        after=change.after,
        after_label=_label(change.after, labels),
        direction=change.direction,
    )


@dataclass
class ExceptionsReport:
    report: ProgressReport
    since: date | None
    objectives: list[ReportObjective]
    actions: list[tuple[ReportObjective, ReportAction]]
    measures: list[ReportMeasure]
    changes: list[Change]

    @property
    def empty(self) -> bool:
        return not (self.objectives or self.actions or self.measures)

    @property
    def as_at(self) -> date:
        return self.report.as_at

    @property
    def change_rows(self) -> list[ReportChange]:
        return [_change(c, self.report.labels) for c in self.changes]

    @property
    def overdue_count(self) -> int:
        return sum(1 for _, a in self.actions if a.overdue)

    @property
    def summary(self) -> str:
        """ "As at 30 June 2025, 2 objectives are off track or at risk; 5 actions are off
        track, at risk or overdue (3 of them overdue); 1 measure is off target." """
        as_at = f"{self.as_at:%-d %B %Y}"
        if self.empty:
            return (
                f"As at {as_at} nothing is off track, at risk or overdue, and no measure is "
                "off target."
            )

        def count(n: int, noun: str) -> str:
            return f"{n} {noun}{'s' if n != 1 else ''} {'is' if n == 1 else 'are'}"

        overdue = f" ({self.overdue_count} of them overdue)" if self.overdue_count else ""
        parts = [
            f"{count(len(self.objectives), self.report.objective_term)} off track or at risk"
            if self.objectives
            else "",
            f"{count(len(self.actions), 'action')} off track, at risk or overdue{overdue}"
            if self.actions
            else "",
            f"{count(len(self.measures), 'measure')} off target" if self.measures else "",
        ]
        return f"As at {as_at}, " + "; ".join(filter(None, parts)) + "."


TROUBLE = {Status.AT_RISK, Status.OFF_TRACK}


def exceptions_report(plan: Plan, as_at: date, since: date | None) -> ExceptionsReport:
    """Only what is off track, at risk or overdue, measures off target, and what moved."""
    report = progress_report(plan, as_at)
    changes = []
    if since is not None:
        changes = changes_between(plan_state_as_at(plan, since), report.state)
    return ExceptionsReport(
        report=report,
        since=since,
        objectives=[o for o in report.objectives if o.status in TROUBLE],
        actions=[
            (o, a) for o in report.objectives for a in o.actions if a.status in TROUBLE or a.overdue
        ],
        measures=[m for m in report.measures if m.status in TROUBLE],
        changes=changes,
    )
