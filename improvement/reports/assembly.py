"""What a committee progress report and an exceptions report say, as at a date: decided
here once, and only rendered by each format's module (html, spreadsheet, word, pdf).

Built from `improvement.history` (so a report as at June is the same whenever it is
drawn). Everything a format needs is in the dataclasses below, as plain values (text,
numbers, dates, lists): a format module never goes back to the database, not even for
a chart. The shape follows the seed committee papers:

    ProgressReport
      cover: Cover            committee paper cover block: plan, report title, committee,
                              meeting date, agenda item, report of, author and contact,
                              document reference, as-at date; purpose; recommendations
                              (`Cover.lines` gives the block as (label, text) pairs)
      summary: str            counts per label of the plan's key, in the key's phrases
      status, status_reason   the plan's rolled-up status and why
      key: [KeyLine]          only the labels the report shows, each with its meaning
                              (and the Overdue flag where something is overdue)
      action_labels: [ReportStatus]   the labels actions carry, in key order (columns)
      summary_table: [SummaryRow]     one line per objective: status and why, counts of
                                      its actions per label, overdue
      objectives: [ReportObjective]   in plan order, each with
          description, success_measures (paragraphs), measures ([ReportMeasure] linked),
          update: ReportUpdate | None  its own latest narrative (date, author, narrative,
                                       achievements, evidence, areas for development)
          actions: [ReportAction]      reference, title, steps, responsible, timescale,
                                       status, overdue, progress, evidence, last update
      sections                 objectives grouped under their section headings
      measures: [ReportMeasure]  name, unit, direction, baseline, latest, target (as text
                                 and as numbers), "value (target)", status, trend, why,
                                 chart: ChartData (points, baseline, targets as known)

    ExceptionsReport
      report: ProgressReport (the whole report it was cut from), since, cover, key,
      summary, objectives and actions: [ExceptionItem] (the objective or action with its
      narrative, its status as at `since` and what moved), measures off target,
      changes: [ReportChange] (every status that moved since `since`)

Every status anywhere is a `ReportStatus` made by `report_status`, the one place that
turns a status into the plan's word, the standard word, its colour and the phrases the
summary counts it with: a new rolled-up status needs an entry in `STATUS_WORDING` (and
its colour in `improvement.status.COLOURS`), nothing in the formats.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from django.db.models import prefetch_related_objects

from improvement.history import (
    ActionState,
    Change,
    ObjectiveState,
    PlanState,
    changes_between,
    plan_state_as_at,
)
from improvement.models import Plan, PlanKind, ReportCover
from improvement.status import (
    DISPLAY_ORDER,
    NOT_ENOUGH_UPDATES,
    SEVERITY,
    Status,
    as_status,
    status_style,
    status_word,
)
from metrics.models import Direction
from metrics.selectors import MeasureState, measure_states
from metrics.status import UNDATED, Point, TargetRow, targets_known_at
from metrics.units import Unit, format_change, format_value
from metrics.wording import due_words, figure_words, target_value_words

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
DAY = "%-d %B %Y"


# -- statuses: the one helper -------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """How the report speaks of a status where the plan says nothing of its own: the
    summary's phrase (written for several) and what the status means."""

    phrase: str
    meaning: str


STATUS_WORDING: dict[Status | None, Wording] = {
    Status.COMPLETE: Wording("have been completed", "The work is finished."),
    Status.ON_TRACK: Wording("are on track", "Progressing as planned, to be met on time."),
    Status.AT_RISK: Wording("are at risk", "Some slippage; may not be met on time."),
    Status.OFF_TRACK: Wording("are off track", "Will not be met on time without action."),
    Status.NOT_STARTED: Wording("have not yet started", "Work has not begun."),
    None: Wording(
        "have no status recorded", "No update gives a status, or there is nothing to roll up."
    ),
}
OVERDUE_MEANING = "Past its due date and not complete: a flag beside the status."
# For one, the phrase's first word changes: "have been completed" → "has been completed".
SINGULAR = {
    "have": "has",
    "are": "is",
    "were": "was",
    "do": "does",
    "need": "needs",
    "remain": "remains",
    "require": "requires",
    "continue": "continues",
}


@dataclass(frozen=True)
class ReportStatus:
    """A status as every format shows it: the plan's word, always with its colour."""

    code: str  # the standard status's value ("on_track"); "" for no status
    label: str  # the plan's own word ("Green"), else the standard word
    standard: str  # the standard word ("On track"); "No status" for none
    colour: str  # blue, green, amber, red, grey; "none" for no status

    @property
    def status(self) -> Status | None:
        return as_status(self.code)

    @property
    def differs(self) -> bool:
        """The plan's word is its own ("Green" for On track)."""
        return self.label != self.standard

    @property
    def severity(self) -> int:
        return SEVERITY.get(self.status, -1)

    def __str__(self) -> str:
        return self.label


def report_status(
    status: Status | str | None, labels: dict, *, none_label: str = ""
) -> ReportStatus:
    """The one way a status becomes words and colour (through `status_word`, so the plan's
    own labels apply). `none_label`: what "no status" is called here ("No data")."""
    status = as_status(status)
    if status is None:
        word = none_label or status_word(None)
        return ReportStatus(code="", label=word, standard=status_word(None), colour="none")
    return ReportStatus(
        code=status.value,
        label=status_word(status, labels),
        standard=status.label,
        colour=status_style(status),  # "not-enough": a pattern, never a colour
    )


@dataclass(frozen=True)
class KeyLine:
    """One line of the status key: a label and what it means; `phrase` is how the summary
    counts it (written for several). A line with no `status` is the Overdue flag."""

    label: str
    meaning: str
    status: ReportStatus | None = None
    phrase: str = ""

    @property
    def is_flag(self) -> bool:
        return self.status is None

    @property
    def standard_word(self) -> str:
        """The common word ("On track") where the plan's own label ("Green") differs."""
        return self.status.standard if self.status and self.status.differs else ""

    def phrase_for(self, count: int) -> str:
        """ "have been completed" for several, "has been completed" for one."""
        if count != 1:
            return self.phrase
        first, space, rest = self.phrase.partition(" ")
        return SINGULAR.get(first.lower(), first) + space + rest


def key_line(status: Status | None, labels: dict, entries: dict) -> KeyLine:
    """The key line for a status: the plan's label, description and phrase where it gives
    them (`entries`: status → StatusKeyEntry), else the standard wording."""
    shown = report_status(status, labels)
    wording = STATUS_WORDING.get(status, STATUS_WORDING[None])
    entry = entries.get(status)
    phrase = entry.phrase.strip() if entry is not None else ""
    if not phrase:
        phrase = wording.phrase
        if shown.differs:
            phrase += f" ({shown.label})"
    description = entry.description.strip() if entry is not None else ""
    return KeyLine(
        label=shown.label, meaning=description or wording.meaning, status=shown, phrase=phrase
    )


def key_order() -> list[Status | None]:
    """Every status in the order keys and counts list them ("no status" last); a status
    added to the vocabulary but not yet to DISPLAY_ORDER still counts, after the rest."""
    return [*DISPLAY_ORDER, *(s for s in Status if s not in DISPLAY_ORDER), None]


def standard_key(labels: dict | None = None, entries: dict | None = None) -> dict:
    """Status (and None) → KeyLine, for every status."""
    return {s: key_line(s, labels or {}, entries or {}) for s in key_order()}


NOT_ENOUGH_MEANING = (
    "Too few of the actions (or objectives) beneath it are rated to give a status: below "
    "the plan's minimum share. Not a colour."
)


def key_for(shown: list[ReportStatus], overdue: bool, lines: dict) -> list[KeyLine]:
    """The key lines of the statuses a report shows, in key order; the Overdue flag last."""
    codes = {s.code for s in shown}
    used = [lines[s] for s in key_order() if (s.value if s else "") in codes]
    if NOT_ENOUGH_UPDATES.value in codes:
        used.append(
            KeyLine(
                label=NOT_ENOUGH_UPDATES.label,
                meaning=NOT_ENOUGH_MEANING,
                status=report_status(NOT_ENOUGH_UPDATES, {}),
            )
        )
    if overdue:
        used.append(KeyLine(label="Overdue", meaning=OVERDUE_MEANING))
    return used


# -- the summary paragraph ----------------------------------------------------------


def _plural(n: int, singular: str, plural: str | None = None) -> str:
    return f"{n} {singular if n == 1 else (plural or singular + 's')}"


def _joined(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def counted_in_words(statuses: list[Status | None], lines: dict) -> str:
    """ "20 have been completed, 10 are progressing and 2 have not yet started";
    "all 4 have been completed"; "it has been completed" (for one). Labels with none are
    left out."""
    counts = Counter(statuses)
    total = len(statuses)
    order = [s for s in key_order() if counts[s]]
    if total == 1:
        return f"it {lines[order[0]].phrase_for(1)}"
    if len(order) == 1:
        return f"all {total} {lines[order[0]].phrase_for(total)}"
    return _joined([f"{counts[s]} {lines[s].phrase_for(counts[s])}" for s in order])


def summary_paragraph(
    *,
    kind_noun: str,
    objective_term: str,
    objectives: int,
    statuses: list[Status | None],
    key: dict | None = None,
    overdue: int = 0,
    assessed: list[Status | None] = (),
) -> str:
    """The plain-English count paragraph that opens the report, in the key's phrases.

    "The action plan has 8 objectives and 32 actions. Of these, 20 have been completed, 10
    are progressing and 2 have not yet started. 3 actions are overdue."
    `key`: status → KeyLine (default: the standard wording); `assessed`: the statuses of
    the objectives with no actions, counted by assessment where the plan has no actions.
    """
    lines = key or standard_key()
    actions = len(statuses)
    objective_words = _plural(objectives, objective_term) if objectives else f"no {objective_term}s"
    if not actions:
        text = f"The {kind_noun} has {objective_words} and no actions."
        if assessed:
            counted = counted_in_words(list(assessed), lines)
            if len(assessed) == 1:
                text += f" By assessment, {counted}."
            else:
                text += f" By assessment, of the {_plural(len(assessed), objective_term)}, "
                text += f"{counted}."
        return text
    text = f"The {kind_noun} has {objective_words} and {_plural(actions, 'action')}."
    counted = counted_in_words(statuses, lines)
    if actions == 1:
        text += f" {counted[:1].upper()}{counted[1:]}."
    elif counted.startswith("all "):
        text += f" All{counted[3:]}."
    else:
        text += f" Of these, {counted}."
    if overdue:
        text += f" {_plural(overdue, 'action')} {'is' if overdue == 1 else 'are'} overdue."
    return text


# -- the content --------------------------------------------------------------------


@dataclass(frozen=True)
class Cover:
    """The cover block of a committee paper."""

    report_title: str  # "Progress report", "Exceptions report"
    plan_title: str
    organisation: str
    as_at: date
    committee: str = ""
    meeting_date: date | None = None
    agenda_item: str = ""
    report_of: str = ""
    author: str = ""
    contact: str = ""
    document_reference: str = ""
    purpose: str = ""
    recommendations: list[str] = field(default_factory=list)
    since: date | None = None

    @property
    def title(self) -> str:
        """ "Progress report: Children's services improvement plan" """
        return f"{self.report_title}: {self.plan_title}"

    @property
    def lines(self) -> list[tuple[str, str]]:
        """The block as (label, text) pairs, leaving out what was not given."""
        pairs = [
            ("Committee", self.committee),
            ("Meeting date", f"{self.meeting_date:{DAY}}" if self.meeting_date else ""),
            ("Agenda item", self.agenda_item),
            ("Report of", self.report_of),
            ("Author", self.author),
            ("Contact", self.contact),
            ("Reference", self.document_reference),
            ("As at", f"{self.as_at:{DAY}}"),
            ("Changes since", f"{self.since:{DAY}}" if self.since else ""),
        ]
        return [(label, text) for label, text in pairs if text]


COVER_VALUES = (
    "committee",
    "meeting_date",
    "agenda_item",
    "report_of",
    "author",
    "contact",
    "document_reference",
    "purpose",
    "recommendations",
)


def make_cover(
    plan: Plan, as_at: date, values: dict | None, *, report_title: str, since: date | None = None
) -> Cover:
    """The cover from the values entered on the report page (or saved with a report);
    with no committee given, the one the plan reports to."""
    values = {k: v for k, v in (values or {}).items() if k in COVER_VALUES}
    recommendations = values.pop("recommendations", "") or ""
    if isinstance(recommendations, str):
        recommendations = recommendations.splitlines()
    values["committee"] = values.get("committee") or plan.reports_to
    return Cover(
        report_title=report_title,
        plan_title=plan.title,
        organisation=plan.organisation,
        as_at=as_at,
        since=since,
        recommendations=[r.strip() for r in recommendations if r.strip()],
        **{k: v if v is not None or k == "meeting_date" else "" for k, v in values.items()},
    )


@dataclass(frozen=True)
class ChartData:
    """What a measure's chart draws: its values, baseline and the targets known at the
    as-at date. `points` are (period_end, value) pairs; `targets` each have `due_date`,
    `value` and, for a range, `value_high`."""

    title: str
    unit: str
    points: list[Point]
    baseline: Point | None
    targets: list[TargetRow]

    @property
    def empty(self) -> bool:
        return not self.points and not self.targets


@dataclass
class ReportMeasure:
    reference: str
    name: str
    unit: str
    unit_label: str
    direction: str
    direction_label: str
    baseline: str
    latest_value: str
    latest_date: date | None
    target_value: str
    target_due: date | None
    status: ReportStatus
    trend: str
    objectives: str
    reason: str
    # The numbers behind the words, for spreadsheets (None: no such number).
    baseline_number: Decimal | None = None
    latest_number: Decimal | None = None
    target_number: Decimal | None = None
    chart: ChartData | None = None  # None for a measure of text
    pk: int = 0
    # The latest figure is dated by the report that gave it, not by its own period.
    latest_reported: bool = False
    # The target as the plan words it ("10% increase", "all staff"; "" for a number).
    target_written: str = ""

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def latest(self) -> str:
        if self.latest_date is None:
            return self.latest_value
        reported = "reported " if self.latest_reported else ""
        return f"{self.latest_value} ({reported}{self.latest_date:%b %Y})"

    @property
    def target(self) -> str:
        if not self.target_value:
            return ""
        due = due_words(self.target_due, short=True) if self.target_due else "(no date)"
        return f"{self.target_value} {due}"

    @property
    def value_and_target(self) -> str:
        """ "14.0% (8.0%)": the value, and the target in brackets, as committee papers
        write an indicator."""
        return f"{self.latest_value} ({self.target_value or 'no target'})"

    @property
    def in_brackets(self) -> str:
        """ "Vacancy rate 14.0% (8.0%)": indicator, value and target in brackets."""
        return f"{self.name} {self.value_and_target}"


@dataclass
class ReportUpdate:
    """The latest progress update as at the date: an objective's own narrative."""

    as_at: date
    author: str
    narrative: str
    achievements: list[str]
    evidence: list[str]
    areas: list[tuple[str, str]]
    correction: bool = False

    @property
    def byline(self) -> str:
        """ "15 June 2025, Priya Shah" """
        return ", ".join(filter(None, [f"{self.as_at:{DAY}}", self.author]))

    @property
    def empty(self) -> bool:
        return not (self.narrative or self.achievements or self.evidence or self.areas)


@dataclass
class ReportAction:
    reference: str
    title: str
    steps: str
    responsible: str
    timescale: str
    status: ReportStatus
    overdue: bool
    progress: str
    evidence: list[str]
    last_updated: date | None
    updated_by: str
    awaiting_sign_off: bool
    url: str
    # The timescale exactly as the plan writes it, and the due date, for spreadsheets
    # (`timescale` above joins the two for reading).
    written_timescale: str = ""
    due_date: date | None = None
    benefit: str = ""
    # The latest update was recorded by an administrator after the date it reports on:
    # a report as at that date drawn earlier said something else.
    correction: bool = False

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def updated_line(self) -> str:
        """ "Updated 29 Feb 2004, Priya Shah (a correction)" """
        if not self.last_updated:
            return ""
        line = ", ".join(filter(None, [f"Updated {self.last_updated:%-d %b %Y}", self.updated_by]))
        return f"{line} (a correction)" if self.correction else line


@dataclass
class LabelCount:
    status: ReportStatus
    count: int

    def __str__(self) -> str:
        return f"{self.count} {self.status.label}"


@dataclass
class ReportObjective:
    reference: str
    label: str
    title: str
    description: str
    section: str
    status: ReportStatus
    reason: str
    assessed: ReportStatus | None
    assessed_on: date | None
    assessment_kinder: bool
    success_measures: list[str]
    measures: list[ReportMeasure]
    update: ReportUpdate | None
    actions: list[ReportAction]
    url: str
    source_reference: str = ""

    @property
    def heading(self) -> str:
        return f"{self.label}: {self.title}" if self.title else self.label

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def assessed_label(self) -> str:
        return self.assessed.label if self.assessed else ""

    @property
    def overdue_actions(self) -> list[ReportAction]:
        return [a for a in self.actions if a.overdue]

    @property
    def assessment_differs(self) -> bool:
        """An assessed status to show beside the rolled-up one (only where it differs)."""
        return self.assessed is not None and self.assessed.code != self.status.code

    @property
    def progress(self) -> str:
        return self.update.narrative if self.update else ""

    @property
    def achievements(self) -> list[str]:
        return self.update.achievements if self.update else []

    @property
    def evidence(self) -> list[str]:
        return self.update.evidence if self.update else []

    @property
    def areas(self) -> list[tuple[str, str]]:
        return self.update.areas if self.update else []


@dataclass
class SummaryRow:
    """One line of the one-page summary table."""

    reference: str
    title: str
    status: ReportStatus
    reason: str
    counts: list[LabelCount]  # one per label the plan's actions carry, zeros included
    actions: int
    overdue: int

    @property
    def counts_in_words(self) -> str:
        """ "2 Complete, 1 Red"; "No actions" """
        if not self.actions:
            return "No actions"
        return ", ".join(str(c) for c in self.counts if c.count)


@dataclass
class ProgressReport:
    plan: Plan  # for the views (address, permissions); formats use the fields below
    as_at: date
    title: str
    organisation: str
    reports_to: str
    objective_term: str
    cover: Cover
    key: list[KeyLine]
    summary: str
    status: ReportStatus
    status_reason: str
    action_labels: list[ReportStatus]
    summary_table: list[SummaryRow]
    objectives: list[ReportObjective]
    measures: list[ReportMeasure]
    overdue: int = 0
    plan_slug: str = ""
    # For the exceptions report only: the history's state and the plan's key lines.
    state: PlanState | None = field(default=None, repr=False, compare=False)
    key_lines: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def objective_term_plural(self) -> str:
        return f"{self.objective_term}s"

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


def _person(user) -> str:
    return (user.get_full_name() or user.get_username()) if user else ""


def _paragraphs(text: str) -> list[str]:
    """Text split at blank lines (a paragraph's own line breaks kept)."""
    return [p.strip() for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _update(update, areas: bool) -> ReportUpdate | None:
    if update is None:
        return None
    return ReportUpdate(
        as_at=update.as_at,
        author=_person(update.author),
        narrative=update.narrative,
        achievements=list(update.achievements),
        evidence=list(update.evidence),
        areas=[(a.description, a.timescale) for a in update.areas_for_development.all()]
        if areas
        else [],
        correction=update.correction,
    )


def _action(a: ActionState, labels: dict) -> ReportAction:
    action, update = a.action, a.latest_update
    return ReportAction(
        reference=action.reference,
        title=action.title,
        steps=action.steps,
        benefit=action.benefit,
        responsible="; ".join(filter(None, [_person(action.owner), action.responsible])),
        timescale="; ".join(
            filter(
                None,
                [action.timescale, f"due {action.due_date:{DAY}}" if action.due_date else ""],
            )
        ),
        status=report_status(a.status, _as_written(labels, update, a.status)),
        overdue=a.overdue,
        progress=update.narrative if update else "",
        evidence=list(update.evidence) if update else [],
        last_updated=a.last_updated_on,
        updated_by=_person(update.author) if update else "",
        awaiting_sign_off=a.awaiting_sign_off is not None,
        url=action.get_absolute_url(),
        written_timescale=action.timescale,
        due_date=action.due_date,
        correction=bool(update and update.correction),
    )


def _as_written(labels: dict, update, status) -> dict:
    """The plan's labels, with the one the latest update was given in ("Achieved" where
    the plan also says "Complete") for the status it gives, so the report says what the
    council wrote."""
    written = getattr(update, "status_label", "") if update is not None else ""
    if written and status and update.status == status:
        return {**labels, status: written}
    return labels


def _objective(
    state: ObjectiveState, labels: dict, measures_by_pk: dict[int, ReportMeasure]
) -> ReportObjective:
    objective = state.objective
    return ReportObjective(
        reference=objective.reference,
        label=objective.label,
        title=objective.title,
        description=objective.description,
        section=objective.section.title if objective.section else "",
        source_reference=objective.source_reference,
        status=report_status(state.status, labels),
        # The reason with its coverage ("Evidence: 5 of 6 actions rated; 1 overdue."), or
        # the assessment's date and whether it is stale.
        reason=(
            state.derived.explanation
            if state.basis != "assessment"
            else f"The assessment as at {state.assessed_on:{DAY}}."
            + (" It is stale." if state.assessed_stale else "")
        ),
        assessed=(
            report_status(
                state.assessed, _as_written(labels, state.assessed_update, state.assessed)
            )
            if state.assessed
            else None
        ),
        assessed_on=state.assessed_update.as_at if state.assessed_update else None,
        assessment_kinder=state.assessment_kinder,
        success_measures=_paragraphs(objective.success_measures),
        measures=[
            measures_by_pk[m.measure.pk] for m in state.measures if m.measure.pk in measures_by_pk
        ],
        update=_update(state.latest_update, areas=True),
        actions=[_action(a, labels) for a in state.actions],
        url=objective.get_absolute_url(),
    )


def _measure(state: MeasureState, labels: dict, as_at: date) -> ReportMeasure:
    measure, a = state.measure, state.assessment
    unit = measure.unit
    # As the plan words it: "15.4% (10% increase)", "7:10", "all staff (100.0%)".
    target = target_value_words(a.target, unit) if a.target is not None else ""
    trend = ""
    if a.since_previous is not None:
        trend = (
            f"{ARROWS[a.since_previous.direction]} {a.since_previous.direction} "
            f"({format_change(a.since_previous.change, unit)})"
        )
    chart = None
    if not measure.is_text:
        chart = ChartData(
            title=f"{measure.name}: values over time",
            unit=unit,
            points=list(state.points),
            # An undated baseline still shows, as a line across the chart.
            baseline=Point(measure.baseline_date or UNDATED, measure.baseline_value)
            if measure.baseline_value is not None
            else None,
            targets=targets_known_at(state.targets, as_at),
        )
    return ReportMeasure(
        pk=measure.pk,
        reference=measure.reference,
        name=measure.name,
        unit=unit,
        unit_label=Unit(unit).label if unit in Unit.values else unit,
        direction=measure.direction,
        direction_label=Direction(measure.direction).label
        if measure.direction in Direction.values
        else "",
        baseline=format_value(measure.baseline_value, unit)
        if measure.baseline_value is not None
        else "",
        latest_value=(
            figure_words(a.latest, unit)  # as written where it was (a ratio, 7:10)
            if a.latest
            else ("Qualitative" if measure.is_text else "No data")
        ),
        latest_date=a.latest.period_end if a.latest else None,
        latest_reported=bool(a.latest and a.latest.reported),
        target_value=target,
        target_due=a.target.due_date if a.target else None,
        target_written=a.target.written if a.target else "",
        # With no status, why in a few words ("Direction not stated"), never a colour.
        status=report_status(
            a.status, labels, none_label=(a.note or "No status") if a.latest else "No data"
        ),
        trend=trend,
        objectives=", ".join(o.reference for o in measure.objectives.all()),
        reason=a.reason,
        baseline_number=measure.baseline_value,
        latest_number=a.latest.value if a.latest else None,
        target_number=a.target.value if a.target else None,
        chart=chart,
    )


def _summary_row(objective: ReportObjective, columns: list[ReportStatus]) -> SummaryRow:
    counts = Counter(a.status.code for a in objective.actions)
    return SummaryRow(
        reference=objective.reference,
        title=objective.title or objective.description,
        status=objective.status,
        reason=objective.reason,
        counts=[LabelCount(s, counts[s.code]) for s in columns],
        actions=len(objective.actions),
        overdue=len(objective.overdue_actions),
    )


def _key_entries(plan: Plan) -> dict:
    # Where the plan has several labels for a status, its first (in order) speaks for it.
    return plan.first_entries()


def _with_other_labels(lines: dict, plan: Plan) -> dict:
    """The key's lines, each saying the other labels the plan writes for its status
    ("Also written “Achieved”."), since an action shows the label its update used."""
    for entry in plan.key():
        line = lines.get(entry.status)
        if line is None or not entry.also:
            continue
        also = "; ".join(
            f"“{a.label}”" + (f" ({a.description})" if a.description else "") for a in entry.also
        )
        lines[entry.status] = replace(line, meaning=f"{line.meaning} Also written {also}.".strip())
    return lines


def _in_order(codes: set[str], lines: dict) -> list[ReportStatus]:
    """The statuses with these codes, in key order ("no status" last)."""
    return [lines[s].status for s in key_order() if (s.value if s else "") in codes]


def progress_report(plan: Plan, as_at: date, cover: dict | None = None) -> ProgressReport:
    """The committee progress report as at the end of `as_at`; `cover`: the values of the
    cover block entered on the report page (see `COVER_VALUES`)."""
    plan = Plan.objects.prefetch_related("status_key").get(pk=plan.pk)
    state = plan_state_as_at(plan, as_at)
    updates = [
        u
        for o in state.objectives
        for u in [o.latest_update, *(a.latest_update for a in o.actions)]
        if u is not None
    ]
    # Every update's author, and objectives' areas for development, in one query each.
    prefetch_related_objects(updates, "author")
    prefetch_related_objects(
        [o.latest_update for o in state.objectives if o.latest_update is not None],
        "areas_for_development",
    )
    labels = plan.labels()
    lines = _with_other_labels(standard_key(labels, _key_entries(plan)), plan)
    measures = [
        _measure(m, labels, as_at)
        for m in measure_states(plan.measures.prefetch_related("objectives"), as_at)
    ]
    by_pk = {m.pk: m for m in measures}
    objectives = [_objective(o, labels, by_pk) for o in state.objectives]
    actions = [a for o in objectives for a in o.actions]
    action_labels = _in_order({a.status.code for a in actions}, lines)
    no_actions = [o for o in objectives if not o.actions]
    status = report_status(state.status, labels)
    overdue = sum(1 for a in actions if a.overdue)
    shown = [status, *(a.status for a in actions), *(m.status for m in measures if m.status.code)]
    for o in objectives:
        shown += [o.status, *([o.assessed] if o.assessed else [])]
    return ProgressReport(
        plan=plan,
        plan_slug=plan.slug,
        as_at=as_at,
        title=plan.title,
        organisation=plan.organisation,
        reports_to=plan.reports_to,
        objective_term=plan.objective_term,
        cover=make_cover(plan, as_at, cover, report_title="Progress report"),
        key=key_for(shown, overdue > 0, lines),
        summary=summary_paragraph(
            kind_noun=KIND_NOUNS.get(plan.kind, "plan"),
            objective_term=plan.objective_term,
            objectives=len(objectives),
            statuses=[a.status.status for a in actions],
            key=lines,
            overdue=overdue,
            assessed=[o.status.status for o in no_actions if o.assessed is not None],
        ),
        status=status,
        status_reason=state.rollup.explanation,
        action_labels=action_labels,
        summary_table=[_summary_row(o, action_labels) for o in objectives],
        objectives=objectives,
        measures=measures,
        overdue=overdue,
        state=state,
        key_lines=lines,
    )


# -- the exceptions report ----------------------------------------------------------


@dataclass(frozen=True)
class ReportChange:
    """One status that moved, in words: "Action 1.2: On track to At risk, ↓ worse"."""

    level: str
    reference: str
    what: str
    title: str
    before: ReportStatus
    after: ReportStatus
    direction: str

    @property
    def mark(self) -> str:
        return CHANGE_MARKS.get(self.direction, "")

    @property
    def in_words(self) -> str:
        return f"{self.mark} {self.direction}".strip()

    @property
    def before_label(self) -> str:
        return self.before.label

    @property
    def after_label(self) -> str:
        return self.after.label


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
        before=report_status(change.before, labels),
        after=report_status(change.after, labels),
        direction=change.direction,
    )


@dataclass
class ExceptionItem:
    """An objective, or an action with its objective, in the exceptions report, with its
    status as at the comparison date and what moved ("↓ worse", "no change")."""

    objective: ReportObjective
    action: ReportAction | None
    before: ReportStatus | None
    movement: str

    @property
    def item(self) -> ReportObjective | ReportAction:
        return self.action or self.objective

    @property
    def narrative(self) -> str:
        return self.action.progress if self.action else self.objective.progress


@dataclass
class ExceptionsReport:
    report: ProgressReport
    since: date | None
    cover: Cover
    key: list[KeyLine]
    objectives: list[ExceptionItem]
    actions: list[ExceptionItem]
    measures: list[ReportMeasure]
    changes: list[ReportChange]

    @property
    def empty(self) -> bool:
        return not (self.objectives or self.actions or self.measures)

    @property
    def as_at(self) -> date:
        return self.report.as_at

    @property
    def change_rows(self) -> list[ReportChange]:
        return self.changes

    @property
    def overdue_count(self) -> int:
        return sum(1 for item in self.actions if item.action.overdue)

    @property
    def summary(self) -> str:
        """ "As at 30 June 2025, 2 objectives are off track or at risk; 5 actions are off
        track, at risk or overdue (3 of them overdue); 1 measure is off target." """
        as_at = f"{self.as_at:{DAY}}"
        if self.empty:
            return (
                f"As at {as_at} nothing is off track, at risk or overdue, and no measure is "
                "off target."
            )

        def count(n: int, noun: str) -> str:
            return f"{n} {noun}{'s' if n != 1 else ''} {'is' if n == 1 else 'are'}"

        overdue = ""
        if self.overdue_count:
            them = "it" if len(self.actions) == 1 else "them"
            overdue = f" ({self.overdue_count} of {them} overdue)"
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


TROUBLE = {Status.AT_RISK.value, Status.OFF_TRACK.value}


def _movement(change: Change | None, compared: bool) -> str:
    if not compared:
        return ""
    if change is None:
        return "no change"
    return f"{CHANGE_MARKS.get(change.direction, '')} {change.direction}".strip()


def exceptions_report(
    plan: Plan, as_at: date, since: date | None, cover: dict | None = None
) -> ExceptionsReport:
    """Only what is off track, at risk or overdue, measures off target, and what moved
    since `since` (each item with its status then)."""
    report = progress_report(plan, as_at, cover)
    labels = report.plan.labels()
    raw: list[Change] = []
    before_state: PlanState | None = None
    if since is not None:
        before_state = plan_state_as_at(plan, since)
        raw = changes_between(before_state, report.state)
    moved = {(c.level, c.item.pk): c for c in raw if c.level != "plan"}
    before_objectives = (
        {o.objective.pk: o.status for o in before_state.objectives} if before_state else {}
    )
    before_actions = {a.action.pk: a.status for a in before_state.actions} if before_state else {}

    objectives, actions = [], []
    states = report.state.objectives
    for objective, state in zip(report.objectives, states, strict=True):
        pk = state.objective.pk
        if objective.status.code in TROUBLE:
            objectives.append(
                ExceptionItem(
                    objective=objective,
                    action=None,
                    before=report_status(before_objectives.get(pk), labels)
                    if before_state
                    else None,
                    movement=_movement(moved.get(("objective", pk)), before_state is not None),
                )
            )
        for action, action_state in zip(objective.actions, state.actions, strict=True):
            if action.status.code in TROUBLE or action.overdue:
                apk = action_state.action.pk
                actions.append(
                    ExceptionItem(
                        objective=objective,
                        action=action,
                        before=report_status(before_actions.get(apk), labels)
                        if before_state
                        else None,
                        movement=_movement(moved.get(("action", apk)), before_state is not None),
                    )
                )
    measures = [m for m in report.measures if m.status.code in TROUBLE]
    changes = [_change(c, labels) for c in raw]
    shown = [report.status, *(i.item.status for i in objectives + actions)]
    shown += [m.status for m in measures]
    shown += [s for c in changes for s in (c.before, c.after)]
    shown += [i.before for i in objectives + actions if i.before is not None]
    return ExceptionsReport(
        report=report,
        since=since,
        cover=make_cover(report.plan, as_at, cover, report_title="Exceptions report", since=since),
        key=key_for(shown, any(i.action.overdue for i in actions), report.key_lines),
        objectives=objectives,
        actions=actions,
        measures=measures,
        changes=changes,
    )


def remembered_cover(plan: Plan) -> dict:
    """The plan's last-used cover values (none yet: the committee it reports to), which
    its reports and board packs are drawn with unless others are given."""
    cover = ReportCover.objects.filter(plan=plan).first()
    values = cover.cover_values() if cover is not None else {}
    values["committee"] = values.get("committee") or plan.reports_to
    return values
