"""From a council's own tables to the rows of a plan workbook: which column holds what
(guessed from the heading words, or as the person or a saved mapping says), where the
sections and objectives are (the headings and paragraphs between the tables, a heading
row inside a table, or a column), and each row as an action with its progress update.

The result is a `ReadWorkbook` like the one the workbook reader makes, so the planner,
its dry run, its problems and its history apply to it unchanged; `Located` turns the
planner's sheet-and-row problems and steps back into the document's own tables and rows.

A table broken across a page is two tables with nothing written between them: the
second has the same heading row again, or none (its first row is already an action).
Either way its rows carry on under the same objective, with the same columns. A table
with no column for the action's title (a contents page, a table of measures) is left
out and the preview says so.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date

from django.utils.text import slugify

from improvement.models import PlanKind
from improvement.status import SEVERITY, Status
from improvement.workbook import format as fmt
from improvement.workbook.readers.tables import FoundDocument, FoundTable
from improvement.workbook.readers.workbook import ReadWorkbook, Row, SheetRows
from improvement.workbook.results import Difference, Problem, Step
from improvement.workbook.values import CellProblem, read_date

# -- the fields a column may hold --------------------------------------------------------

REFERENCE, OBJECTIVE, SECTION, TITLE = "reference", "objective", "section", "title"
BENEFIT, STEPS, RESPONSIBLE, TIMESCALE = "benefit", "steps", "responsible", "timescale"
DUE, STATUS, PROGRESS, MEASURES, EVIDENCE = (
    "due date",
    "status",
    "progress",
    "success measures",
    "evidence",
)
SKIP = ""


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    meaning: str
    headings: tuple[str, ...]  # heading words that name it, as normalised


FIELDS: tuple[Field, ...] = (
    Field(
        REFERENCE,
        "Reference",
        "the action's reference (1.1, A)",
        (
            "no",
            "no.",
            "number",
            "ref",
            "ref.",
            "reference",
            "ref no",
            "item",
            "id",
            "#",
            "action no",
            "action number",
            "action ref",
            "action reference",
        ),
    ),
    Field(
        TITLE,
        "Action (title)",
        "the action itself",
        (
            "improvement key activity",
            "key activity",
            "activity",
            "action",
            "actions",
            "what",
            "task",
            "key action",
            "key actions",
            "improvement action",
            "action to be taken",
            "description",
            "what we will do",
            "action description",
            "improvement",
        ),
    ),
    Field(
        OBJECTIVE,
        "Objective",
        "the objective (outcome, priority) the row belongs to",
        (
            "objective",
            "objectives",
            "outcome",
            "outcomes",
            "priority",
            "requirement",
            "recommendation",
            "area for improvement",
            "improvement area",
            "key objective",
            "strategic objective",
            "aim",
        ),
    ),
    Field(
        SECTION,
        "Section",
        "the section (theme, workstream) the row belongs to",
        ("section", "theme", "workstream", "work stream", "strand", "domain"),
    ),
    Field(
        BENEFIT,
        "Benefit",
        "the benefit to the customer",
        (
            "benefit",
            "benefits",
            "benefit to the customer",
            "why",
            "benefit to children",
            "expected outcome",
            "impact on children",
            "outcome for children",
        ),
    ),
    Field(
        STEPS,
        "Steps",
        "the steps required",
        (
            "actions required",
            "how",
            "steps",
            "steps required",
            "tasks",
            "key tasks",
            "method",
            "key steps",
            "actions needed",
            "sub actions",
        ),
    ),
    Field(
        RESPONSIBLE,
        "Responsible",
        "the responsible person or team, as written",
        (
            "who",
            "responsible",
            "lead",
            "owner",
            "lead officer",
            "responsible officer",
            "accountable",
            "by whom",
            "responsibility",
            "lead person",
            "action owner",
        ),
    ),
    Field(
        TIMESCALE,
        "Timescale",
        "the timescale, as written",
        (
            "timescale",
            "timescales",
            "when",
            "timescale milestones",
            "milestones",
            "timeframe",
            "time frame",
            "by when",
        ),
    ),
    Field(
        DUE,
        "Due date",
        "the date it is due",
        (
            "due date",
            "due",
            "deadline",
            "target date",
            "completion date",
            "date due",
            "end date",
            "target completion date",
            "due by",
        ),
    ),
    Field(
        STATUS,
        "Status",
        "the status label (a cell that starts with one gives the progress after it)",
        (
            "status",
            "rag",
            "rag status",
            "rating",
            "current status",
            "rag rating",
            "red amber green",
            "brag",
        ),
    ),
    Field(
        PROGRESS,
        "Progress",
        "the progress, recorded as an update",
        (
            "progress",
            "progress update",
            "update",
            "progress to date",
            "comments",
            "commentary",
            "current position",
            "position",
            "latest update",
            "progress made",
            "update on progress",
            "progress comments",
        ),
    ),
    Field(
        MEASURES,
        "Success measures",
        "the objective's success measures",
        (
            "success measures",
            "success measure",
            "success criteria",
            "measures of success",
            "measure",
            "measures",
            "how will we know",
            "outcome measures",
            "kpi",
            "kpis",
            "performance measure",
            "indicator",
            "target",
            "targets",
        ),
    ),
    Field(
        EVIDENCE,
        "Evidence",
        "the evidence, recorded with the update",
        (
            "evidence",
            "evidence of impact",
            "source of evidence",
            "evidence of progress",
            "evidence of completion",
        ),
    ),
)
FIELD_KEYS = {f.key for f in FIELDS}
FIELD_LABELS = {f.key: f.label for f in FIELDS}
SKIP_WORDS = {"", "-", "none", "skip", "not imported", "nothing", "ignore"}
SHOWN_FIELD_NAMES = ", ".join(f.key for f in FIELDS)


def normalise(text: object) -> str:
    """A heading as compared: case, spacing and punctuation at its ends ignored."""
    return " ".join(str(text or "").split()).casefold().strip(" :*")


def field_named(text: str) -> str | None:
    """The field a person names ("due date", "Due_date", "Success measures", "skip")."""
    wanted = normalise(text).replace("_", " ")
    if wanted in SKIP_WORDS:
        return SKIP
    for f in FIELDS:
        if wanted in (f.key, normalise(f.label)):
            return f.key
    return None


def _score(heading: str, f: Field) -> int:
    text = normalise(heading)
    if not text:
        return 0
    if text in f.headings:
        return 100
    words = re.sub(r"[^\w#]+", " ", text).split()
    best = 0
    for alias in f.headings:
        alias_words = alias.split()
        for i in range(len(words) - len(alias_words) + 1):
            if words[i : i + len(alias_words)] == alias_words:
                best = max(best, 50 + len(alias))
    return best


def guess(headings: list[str]) -> list[str]:
    """Each column's field from its heading words: the best-scoring pairs first, each
    field to one column at most; a column with no recognisable heading is not imported."""
    pairs = sorted(
        (
            (-_score(h, f), i, n)
            for i, h in enumerate(headings)
            for n, f in enumerate(FIELDS)
            if _score(h, f)
        ),
    )
    fields = [SKIP] * len(headings)
    used: set[str] = set()
    for _, column, n in pairs:
        key = FIELDS[n].key
        if fields[column] or key in used:
            continue
        fields[column] = key
        used.add(key)
    return fields


def recognised(cells: list[str]) -> int:
    return sum(1 for c in cells if c and len(c) <= 80 and any(_score(c, f) for f in FIELDS))


def shape_of(headings: list[str]) -> str:
    """A table's shape, to find its saved mapping: its heading row, normalised."""
    return "|".join(normalise(h) for h in headings)


def shape_key(headings: list[str]) -> str:
    return hashlib.sha1(shape_of(headings).encode()).hexdigest()  # noqa: S324 - a key


# -- the person's choices ---------------------------------------------------------------


@dataclass
class Choices:
    """What the person said, or what was saved: the plan, the date of the progress found,
    each table shape's fields, a field for any heading, and labels' standard statuses."""

    plan_slug: str = ""
    title: str = ""
    organisation: str = ""
    kind: str = PlanKind.ACTION_PLAN.value
    as_at: date | None = None
    layouts: dict[str, list[str]] = field(default_factory=dict)  # shape key -> fields
    columns: dict[str, str] = field(default_factory=dict)  # normalised heading -> field
    statuses: dict[str, str] = field(default_factory=dict)  # normalised label -> status
    for_command: bool = False  # problems name the command's options, not the page's

    def as_options(self) -> dict:
        return {
            "plan_slug": self.plan_slug,
            "title": self.title,
            "organisation": self.organisation,
            "kind": self.kind,
            "as_at": self.as_at.isoformat() if self.as_at else "",
            "layouts": self.layouts,
            "columns": self.columns,
            "statuses": self.statuses,
        }

    @classmethod
    def from_options(cls, options: dict) -> Choices:
        as_at = options.get("as_at") or ""
        return cls(
            plan_slug=options.get("plan_slug", ""),
            title=options.get("title", ""),
            organisation=options.get("organisation", ""),
            kind=options.get("kind") or PlanKind.ACTION_PLAN.value,
            as_at=date.fromisoformat(as_at) if as_at else None,
            layouts=dict(options.get("layouts") or {}),
            columns=dict(options.get("columns") or {}),
            statuses=dict(options.get("statuses") or {}),
        )


def status_named(text: str) -> str | None:
    """A standard status by its word or its code ("complete", "On track", "on_track")."""
    wanted = normalise(text).replace("_", " ")
    for status in Status:
        if wanted in (normalise(status.value).replace("_", " "), normalise(status.label)):
            return status.value
    return None


STANDARD_NAMES = ", ".join(s.label.lower() for s in Status)


# -- the tables as laid out --------------------------------------------------------------


@dataclass
class Layout:
    table: FoundTable
    headings: list[str]
    fields: list[str]
    heading_row: int | None  # None: no heading row of its own (carries on the one before)
    continues: bool = False
    guessed: list[str] = field(default_factory=list)
    skipped: str = ""  # why its rows are not imported

    @property
    def key(self) -> str:
        return shape_key(self.headings)

    def heading_of(self, key: str) -> str:
        for heading, name in zip(self.headings, self.fields, strict=False):
            if name == key:
                return heading
        return FIELD_LABELS.get(key, key)


def _find_heading_row(table: FoundTable) -> int | None:
    best, best_count = None, 1
    for number, cells in table.rows[: table.heading_within]:
        count = recognised(cells)
        if count > best_count:
            best, best_count = number, count
            if table.heading_within == 1 or count >= max(2, len([c for c in cells if c]) - 1):
                break
    return best


def lay_out(found: FoundDocument, choices: Choices, saved: dict[str, list[str]]) -> list[Layout]:
    layouts: list[Layout] = []
    previous: Layout | None = None
    for table in found.tables:
        if not table.rows:
            continue
        width = max(len(cells) for _, cells in table.rows)
        heading_row = _find_heading_row(table)
        nothing_between = not table.before
        first = table.rows[0][1]
        if previous is not None and (
            (nothing_between and shape_of(first) == shape_of(previous.headings))
            or (heading_row is None and width == len(previous.headings))
        ):
            repeated = shape_of(first) == shape_of(previous.headings)
            layouts.append(
                Layout(
                    table,
                    previous.headings,
                    previous.fields,
                    table.rows[0][0] if repeated else None,
                    continues=nothing_between,
                    guessed=previous.guessed,
                    skipped=previous.skipped,
                )
            )
            previous = layouts[-1]
            continue
        if heading_row is None:
            heading_row = table.rows[0][0]
        headings = next(cells for n, cells in table.rows if n == heading_row)
        headings = headings + [""] * (width - len(headings))
        guessed = guess(headings)
        key = shape_key(headings)
        fields = list(choices.layouts.get(key) or saved.get(key) or guessed)
        fields = (fields + [SKIP] * width)[:width]
        for index, heading in enumerate(headings):
            override = choices.columns.get(normalise(heading))
            if override is not None:
                fields[index] = override
        layout = Layout(table, headings, fields, heading_row, guessed=guessed)
        if TITLE not in fields:
            layout.skipped = "no column holds the action's title"
        layouts.append(layout)
        previous = layout
    return layouts


# -- objectives and references written in text ------------------------------------------

_NUMBER_WORDS = (
    "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    "fifteen|sixteen|seventeen|eighteen|nineteen|twenty"
)
_KEYWORD = r"objective|outcome|priority|theme|requirement|recommendation|aim|area|workstream"
_REFERENCE = re.compile(
    rf"^(?:(?P<keyword>(?:{_KEYWORD})\s+(?:\d+(?:\.\d+)*|{_NUMBER_WORDS}|[A-Z])\b)"
    r"|(?P<number>\d+(?:\.\d+)*)(?=[\s.:)\-–—]|$)"
    r"|(?P<letter>[A-Z])(?=[.):]))"
    r"[\s.:)\-–—]*(?P<rest>.*)$",
    re.IGNORECASE | re.DOTALL,
)


def split_reference(text: str) -> tuple[str, str]:
    """("1", "Workforce Planning – …") from "1 Workforce Planning – …"; ("Objective One",
    …) from "Objective One: …"; ("", text) where it starts with no reference."""
    match = _REFERENCE.match(text.strip())
    if not match:
        return "", text.strip()
    reference = match.group("keyword") or match.group("number") or match.group("letter")
    return " ".join(reference.split()), match.group("rest").strip()


def split_title(text: str) -> tuple[str, str]:
    """An objective's (title, description): a short lead before a dash or colon is its
    title; short text is all title; long text is all description."""
    one_line = text.replace("\n", " ")
    match = re.match(r"^(.{3,100}?)\s*(?:\s[–—-]\s|:\s)\s*(.+)$", one_line, re.DOTALL)
    if match:
        return match.group(1).strip(), match.group(2).strip()
    if len(one_line) <= 150:
        return one_line, ""
    return "", text


# -- building the rows -----------------------------------------------------------------


@dataclass
class ActionDraft:
    reference: str
    title: str
    numbered: bool
    values: dict[str, str]  # field -> text
    status: str = ""  # a standard status
    label: str = ""  # as written
    progress: str = ""
    where: tuple[str, int] = ("", 0)

    @property
    def standard(self) -> str:
        """The standard status's name ("On track"), "" where none is given or placed."""
        return Status(self.status).label if self.status else ""


@dataclass
class ObjectiveDraft:
    reference: str
    title: str
    description: str
    section: str
    numbered: bool
    where: tuple[str, int | None]
    measures: list[str] = field(default_factory=list)
    actions: list[ActionDraft] = field(default_factory=list)


@dataclass
class Built:
    read: ReadWorkbook
    layouts: list[Layout]
    objectives: list[ObjectiveDraft]
    sections: list[str]
    labels: dict[str, str]  # label as written -> standard status ("" where not placed)
    as_at: date
    located: Located


@dataclass
class Located:
    """Where each row the planner reads came from in the document."""

    rows: dict[tuple[str, int], tuple[str, int | None, dict[str, str]]] = field(
        default_factory=dict
    )

    def problem(self, p: Problem) -> Problem:
        where = self.rows.get((p.sheet, p.row or 0))
        if where is None:
            return p
        table, row, columns = where
        return Problem(
            table, row, columns.get(p.column, p.column), p.message, p.fix, p.label_to_add
        )

    def step(self, s: Step) -> Step:
        where = self.rows.get((s.sheet, s.row or 0))
        if where is None:
            return s
        return Step(where[0], where[1], s.kind, s.what)

    def difference(self, d: Difference) -> Difference:
        where = self.rows.get((d.sheet, d.row or 0))
        if where is None:
            return d
        return Difference(where[0], where[1], d.before, d.now)


_PLAN_FIELDS = ("Slug", "Title", "Organisation", "Kind")
PLAN_DETAILS = "The plan"


class _Builder:
    def __init__(
        self,
        found,
        layouts,
        choices: Choices,
        key_words: dict[str, str],
        today,
        key_labels: list[str] | tuple = (),
        add_labels: dict[str, str] | None = None,
    ):
        self.found, self.layouts, self.choices = found, layouts, choices
        self.words = dict(key_words)  # normalised label -> standard status
        for status in Status:
            self.words.setdefault(normalise(status.value).replace("_", " "), status.value)
            self.words.setdefault(normalise(status.label), status.value)
        self.words.update(choices.statuses)
        # Labels the person chose on the check page to add to the plan's key: the key
        # will have them, so they are placed as the key's own labels are.
        added = {
            normalise(label): status
            for label, status in (add_labels or {}).items()
            if normalise(label) and status in Status.values
        }
        self.words.update(added)
        # The key's labels (and those added): an update keeps the label it was written
        # in, so the planner is given the label, which it matches to the key.
        self.key_words = {**key_words, **added}
        self.key_labels = [label for label in key_labels if label]
        self.as_at = choices.as_at or found.stated_date or today
        self.problems: list[Problem] = []
        self.objectives: list[ObjectiveDraft] = []
        self.by_text: dict[str, ObjectiveDraft] = {}
        self.sections: list[str] = []
        self.section_where: dict[str, tuple[str, int | None]] = {}
        self.labels: dict[str, str] = {}
        self.located = Located()

    # labels ----------------------------------------------------------------------------

    def _label_at_start(self, text: str) -> tuple[str, str, str] | None:
        """(label as written, status, the rest) where the text starts with a label."""
        folded = text.casefold()
        for word in sorted(self.words, key=len, reverse=True):
            if not word or not folded.startswith(word):
                continue
            after = text[len(word) :]
            if after and (after[0].isalnum()):
                continue
            rest = re.sub(r"^[\s:;,.\-–—/()]+", "", after).strip()
            return text[: len(word)], self.words[word], rest
        return None

    def _unplaced(self, layout: Layout, number: int, label: str) -> None:
        self.labels.setdefault(label, "")
        if self.choices.for_command:
            fix = (
                f'Say which standard status it is with --status "{label}=on track" (one of: '
                f"{STANDARD_NAMES}), or, if the column is not a status, "
                f'--map "{layout.heading_of(STATUS)}=progress".'
            )
        else:
            fix = (
                f"Choose its standard status under “Status labels” ({STANDARD_NAMES}), "
                "add it to the plan's key under “Statuses the plan's key does not have”, "
                "or map the column to another field."
            )
        own = ", ".join(self.key_labels) if self.key_labels else "none of its own"
        self.problems.append(
            Problem(
                layout.table.where,
                number,
                layout.heading_of(STATUS),
                f"“{label}” is not a status label this plan has. Its labels: {own}.",
                fix,
                label_to_add=label,
            )
        )

    def status_cell(self, action: ActionDraft) -> str | None:
        """What the Updates row says of an action's status: the label as written where
        the plan's key has it (or will, added on the check page) for the same status, so
        the update keeps it; else the standard status."""
        if action.label and self.key_words.get(normalise(action.label)) == action.status:
            return action.label
        return action.status or None

    def _status_and_progress(self, layout, number, values: dict[str, str]):
        status, label, progress = "", "", values.get(PROGRESS, "")
        cell = values.get(STATUS, "")
        if cell:
            found = self._label_at_start(cell)
            if found:
                label, status, rest = found
                if rest:
                    progress = f"{rest}\n{progress}".strip()
            elif unknown := _unknown_label(cell):
                label, rest = unknown
                self._unplaced(layout, number, label)
                if rest:
                    progress = f"{rest}\n{progress}".strip()
            else:
                progress = f"{cell}\n{progress}".strip()
        elif progress:
            found = self._label_at_start(progress)
            if found and (found[2] or len(progress) <= 30):
                label, status, progress = found
        if label:
            self.labels.setdefault(label, status)
        return status, label, progress

    # objectives and sections -----------------------------------------------------------

    def _objective(self, text: str, section: str, where) -> ObjectiveDraft:
        known = self.by_text.get(normalise(text))
        if known is not None:
            return known
        reference, rest = split_reference(text)
        title, description = split_title(rest or text)
        numbered = not reference
        if numbered:
            taken = {o.reference for o in self.objectives}
            n = len(self.objectives) + 1
            while str(n) in taken:
                n += 1
            reference = str(n)
        objective = ObjectiveDraft(reference, title, description, section, numbered, where)
        self.objectives.append(objective)
        self.by_text[normalise(text)] = objective
        return objective

    def _section(self, text: str, where: tuple[str, int | None]) -> str:
        title = text.replace("\n", " ")[:300]
        if title and title not in self.sections:
            self.sections.append(title)
            self.section_where[title] = where
        return title

    def build(self) -> list[ObjectiveDraft]:
        section, objective = "", None
        # The text before a table is its objective only once an action lands under it:
        # a table that starts with its own objective row (merged across) leaves it out,
        # so a line such as "Updated: 14th October 2024" is not an objective of none.
        pending = None
        title = normalise(self.found.title)
        for layout in self.layouts:
            table = layout.table
            if not layout.continues:
                blocks = [b for b in table.before if normalise(b.text) != title]
                if blocks:
                    where = (f"Text before {table.where}", None)
                    chosen = _objective_block(blocks)
                    above = blocks[chosen - 1] if chosen else None
                    if above is not None and above.level is not None:
                        section = self._section(above.text, where)
                    if not layout.skipped:
                        objective, pending = None, (blocks[chosen], where)
            if layout.skipped:
                continue
            for number, cells in table.rows:
                if layout.heading_row is not None and number <= layout.heading_row:
                    continue
                texts = [c for c in cells if c]
                if not texts:
                    continue
                if number in table.spanning or (
                    len(texts) == 1 and cells[0] and len(layout.headings) >= 3
                ):
                    section = self._unused(pending, section)
                    pending = None
                    objective = self._objective(texts[0], section, (table.where, number))
                    continue
                values = {
                    name: cells[i] if i < len(cells) else ""
                    for i, name in enumerate(layout.fields)
                    if name
                }
                if values.get(SECTION):
                    section = self._section(values[SECTION], (table.where, number))
                if values.get(OBJECTIVE):
                    section = self._unused(pending, section)
                    pending = None
                    objective = self._objective(values[OBJECTIVE], section, (table.where, number))
                if objective is None and pending is not None:
                    block, where = pending
                    objective, pending = self._objective(block.text, section, where), None
                if objective is None:
                    objective = self._objective(
                        self.found.title or "Actions", section, (table.where, number)
                    )
                if objective.actions and _merged_down(layout, number, TITLE):
                    self._more_of_action(layout, number, objective.actions[-1], values)
                    continue
                self._action(layout, number, objective, values)
        return self.objectives

    def _unused(self, pending, section: str) -> str:
        """The section, where the text before a table was not its objective after all
        (the table names its own): a heading there is the section of what follows."""
        if pending is None or pending[0].level is None or pending[0].level == 0:
            return section
        return self._section(pending[0].text, pending[1])

    def _more_of_action(self, layout, number, action: ActionDraft, values) -> None:
        """A row under an action whose title cell is merged down over it: more of the
        same action (another action required, its timescale and progress), joined to
        it line by line; its status is the worse of the two."""
        status, label, progress = self._status_and_progress(layout, number, values)
        for key, text in values.items():
            had = action.values.get(key, "")
            if text and text not in had.split("\n"):
                action.values[key] = f"{had}\n{text}" if had else text
        if progress and progress not in action.progress.split("\n"):
            action.progress = f"{action.progress}\n{progress}".strip()
        if status and (not action.status or SEVERITY[status] > SEVERITY[action.status]):
            action.status, action.label = status, label

    def _action(self, layout, number, objective: ObjectiveDraft, values) -> None:
        reference = values.get(REFERENCE, "").replace("\n", " ").strip()
        numbered = not reference
        if numbered:
            n = len(objective.actions) + 1
            prefix = f"{objective.reference}." if objective.reference.isdigit() else ""
            reference = f"{prefix}{n}"
        status, label, progress = self._status_and_progress(layout, number, values)
        if values.get(MEASURES) and values[MEASURES] not in objective.measures:
            objective.measures.append(values[MEASURES])
        objective.actions.append(
            ActionDraft(
                reference,
                values.get(TITLE, ""),
                numbered,
                values,
                status,
                label,
                progress,
                (layout.table.where, number),
            )
        )


def _merged_down(layout: Layout, number: int, key: str) -> bool:
    """Whether the row's cell for a field is merged down from the row above."""
    merged = layout.table.merged_down.get(number)
    return bool(merged) and any(
        name == key and index in merged for index, name in enumerate(layout.fields)
    )


_LEAD = re.compile(r"^([^\W\d][\w ]{0,28}?)\s*(?::|\s[-–—]|[-–—]\s)")


def _objective_block(blocks) -> int:
    """Which of the headings and paragraphs before a table is its objective: the last
    that starts with a reference ("2 Training", "Objective One: …"), else the last. The
    heading just above it, if any, is its section; text further up (notes on the table
    before, its targets) is neither."""
    for index in range(len(blocks) - 1, -1, -1):
        if split_reference(blocks[index].text)[0]:
            return index
    return len(blocks) - 1


def _unknown_label(cell: str) -> tuple[str, str] | None:
    """(label, the rest) where the cell looks like a status label the plan does not have:
    a short cell ("Ongoing"), or a short lead before a colon or dash ("Blue: not started")."""
    if len(cell) <= 30 and len(cell.split()) <= 3:
        return cell, ""
    lead = _LEAD.match(cell)
    if lead and len(lead.group(1).split()) <= 2:
        rest = re.sub(r"^[\s:;,.\-–—]+", "", cell[lead.end() :]).strip()
        return lead.group(1).strip(), rest
    return None


def _sheet(sheet: fmt.Sheet, columns: list[str]) -> SheetRows:
    return SheetRows(sheet, sheet.name, headings={c: c for c in columns})


def build(
    found: FoundDocument,
    choices: Choices,
    *,
    saved: dict[str, list[str]],
    key_words: dict[str, str],
    new_plan: bool,
    today: date,
    key_labels: list[str] | tuple = (),
    add_labels: dict[str, str] | None = None,
) -> Built:
    """The rows a plan workbook with this document's plan would have. `key_labels`: the
    plan's own labels as written, named in a problem about a label it lacks;
    `add_labels` (label -> standard status): labels the person chose to add to its key."""
    layouts = lay_out(found, choices, saved)
    builder = _Builder(found, layouts, choices, key_words, today, key_labels, add_labels)
    objectives = builder.build()
    read = ReadWorkbook(source=found.kind)
    read.rows_read = found.rows_read
    located = builder.located
    problems = builder.problems

    if not any(not layout.skipped for layout in layouts):
        fix = (
            f'Say which column holds the actions: --map "COLUMN HEADING=title" (fields: '
            f"{SHOWN_FIELD_NAMES})."
            if choices.for_command
            else "Choose “Action (title)” for the column that holds the actions."
        )
        problems.append(
            Problem(
                "",
                None,
                "",
                f"No table in “{found.file_name}” has a column for the actions."
                if found.tables
                else f"“{found.file_name}” has no tables.",
                fix if found.tables else "Import a document whose plan is set out in tables.",
            )
        )

    plan = SheetRows(fmt.PLAN, fmt.PLAN.name)
    slug = choices.plan_slug or slugify(choices.title or found.title)[:80].strip("-")
    plan.fields["Slug"] = (2, slug)
    if new_plan:
        values = {
            "Title": (choices.title or found.title)[:300],
            "Organisation": choices.organisation,
            "Kind": choices.kind,
        }
        for number, name in enumerate(_PLAN_FIELDS[1:], start=3):
            plan.fields[name] = (number, values[name] or None)
    for number, name in enumerate(_PLAN_FIELDS, start=2):
        located.rows[(fmt.PLAN.name, number)] = (PLAN_DETAILS, None, {"Value": name})
    read.sheets[fmt.PLAN.name] = plan

    sections = _sheet(fmt.SECTIONS, ["Title"])
    objectives_sheet = _sheet(
        fmt.OBJECTIVES,
        ["Reference", "Section", "Title", "Description"]
        + (["Success measures"] if any(o.measures for o in objectives) else []),
    )
    used = {f for layout in layouts if not layout.skipped for f in layout.fields}
    if _due_dates(objectives):
        used.add(TIMESCALE)
    action_columns = {
        REFERENCE: None,
        TITLE: "Title",
        BENEFIT: "Benefit",
        STEPS: "Steps",
        RESPONSIBLE: "Responsible",
        TIMESCALE: "Timescale",
        DUE: "Due date",
    }
    columns = ["Objective", "Reference", "Title"] + [
        name for key, name in action_columns.items() if name and key in used and name != "Title"
    ]
    if TIMESCALE in used and "Due date" not in columns:
        columns.append("Due date")  # from a timescale that is a date
    actions_sheet = _sheet(fmt.ACTIONS, columns)
    updates = _sheet(
        fmt.UPDATES,
        ["Update ref", "Objective", "Action", "As at", "Status", "Progress"]
        + (["Evidence"] if EVIDENCE in used else []),
    )
    # Labels the person placed (Green = on track) that the key lacks join it with the
    # import (`labels_to_keep`), so the updates written in them keep them as well.
    builder.key_words.update(
        {
            normalise(label): status
            for label, status in labels_to_keep(builder.labels, key_words).items()
        }
    )
    for n, title in enumerate(builder.sections, start=2):
        sections.rows.append(Row(n, {"Title": title}))
        located.rows[(fmt.SECTIONS.name, n)] = (*builder.section_where[title], {})
    objective_number, action_number, update_number = 1, 1, 1
    for objective in objectives:
        objective_number += 1
        objectives_sheet.rows.append(
            Row(
                objective_number,
                {
                    "Reference": objective.reference,
                    "Section": objective.section or None,
                    "Title": objective.title[:300] or None,
                    "Description": objective.description or None,
                    "Success measures": "\n".join(objective.measures) or None,
                },
            )
        )
        located.rows[(fmt.OBJECTIVES.name, objective_number)] = (*objective.where, {})
        for action in objective.actions:
            action_number += 1
            layout_columns = _layout_headings(layouts, action.where[0])
            row = {"Objective": objective.reference, "Reference": action.reference}
            for key, name in action_columns.items():
                if name and name in columns:
                    row[name] = action.values.get(key) or None
            if "Due date" in columns and not row.get("Due date") and action.values.get(TIMESCALE):
                row["Due date"] = _date_in(action.values[TIMESCALE])
            actions_sheet.rows.append(Row(action_number, row))
            located.rows[(fmt.ACTIONS.name, action_number)] = (*action.where, layout_columns)
            if action.status or action.progress or action.values.get(EVIDENCE):
                update_number += 1
                updates.rows.append(
                    Row(
                        update_number,
                        {
                            "Update ref": f"{objective.reference}/{action.reference}",
                            "Objective": objective.reference,
                            "Action": action.reference,
                            "As at": builder.as_at,
                            "Status": builder.status_cell(action),
                            "Progress": action.progress or None,
                            "Evidence": action.values.get(EVIDENCE) or None,
                        },
                    )
                )
                located.rows[(fmt.UPDATES.name, update_number)] = (*action.where, layout_columns)
    for sheet in (sections, objectives_sheet, actions_sheet, updates):
        if sheet.rows:
            read.sheets[sheet.sheet.name] = sheet
    read.problems = problems
    return Built(
        read, layouts, objectives, builder.sections, builder.labels, builder.as_at, located
    )


def labels_to_keep(labels: dict[str, str], key_words: dict[str, str]) -> dict[str, str]:
    """The labels written in the document and placed (label -> standard status) that the
    plan's key lacks and that are not a standard status's own word: the import adds them
    to the key, so the plan shows "Green" where the document says Green."""
    standard = {normalise(s.label) for s in Status} | {
        normalise(s.value).replace("_", " ") for s in Status
    }
    kept: dict[str, str] = {}
    seen: set[str] = set()
    for label, status in labels.items():
        word = normalise(label)
        if status and word not in key_words and word not in standard and word not in seen:
            kept[label] = status
            seen.add(word)
    return kept


def _layout_headings(layouts: list[Layout], where: str) -> dict[str, str]:
    """The workbook's column names as the document's headings, for the problems."""
    layout = next((x for x in layouts if x.table.where == where), None)
    if layout is None:
        return {}
    names = {
        REFERENCE: "Reference",
        TITLE: "Title",
        BENEFIT: "Benefit",
        STEPS: "Steps",
        RESPONSIBLE: "Responsible",
        TIMESCALE: "Timescale",
        DUE: "Due date",
        STATUS: "Status",
        PROGRESS: "Progress",
        EVIDENCE: "Evidence",
    }
    return {
        names[key]: heading
        for heading, key in zip(layout.headings, layout.fields, strict=False)
        if key in names and heading
    }


def _date_in(timescale: str) -> date | None:
    """A timescale that is a date and nothing else ("09/03", "March 2014", "Q3 2024/25");
    over several lines (an action's milestones), the latest of them."""
    dates = [council_date(line) for line in timescale.split("\n")]
    return max((d for d in dates if d), default=None)


_BY = re.compile(
    r"^(?:(?:to be )?(?:completed )?by|before|due)?\s*(?:the\s+)?(?:end\s+(?:of\s+)?)?", re.I
)
_QUARTER = re.compile(r"^q([1-4])\s*(?:of\s+)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", re.I)
_FINANCIAL_YEAR = re.compile(r"^(?:fy\s*)?(\d{4})\s*[/-]\s*(\d{2}|\d{4})$", re.I)
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.](\d{1,2})[/.](\d{4})$")
_MONTH_SHORT_YEAR = re.compile(r"^([a-z]+)\.?,?\s+'?(\d{2})$", re.I)
QUARTER_ENDS = {1: (0, 6, 30), 2: (0, 9, 30), 3: (0, 12, 31), 4: (1, 3, 31)}


def _financial_year(first: str, second: str) -> int | None:
    """The first calendar year of a financial year written "2024/25" or "2024-2025"."""
    start = int(first)
    if int(second) % 100 != (start + 1) % 100:
        return None
    return start


def council_date(text: str) -> date | None:
    """A date as a UK council writes one in a plan, or None: day first ("01/04/2025" is
    1 April), "1st April 2025", "By end of Sept 24", "March 2025", a financial year's
    quarter ("Q3 2024/25" ends 31 December 2024) or the year itself ("2025/26" ends
    31 March 2026). "Ongoing", "Monthly" and other words are not dates."""
    import calendar

    from improvement.workbook.values import MONTHS

    line = _BY.sub("", " ".join(text.split()).rstrip(".")).strip()
    line = re.sub(r"\b(\d{1,2})(?:st|nd|rd|th)\b", r"\1", line, flags=re.I)
    try:
        if match := _QUARTER.match(line):
            start = _financial_year(match[2], match[3])
            if start is not None:
                later, month, day = QUARTER_ENDS[int(match[1])]
                return date(start + later, month, day)
            return None
        if match := _FINANCIAL_YEAR.match(line):
            start = _financial_year(match[1], match[2])
            return date(start + 1, 3, 31) if start is not None else None
        if match := _DAY_FIRST.match(line):
            return date(int(match[3]), int(match[2]), int(match[1]))
        if (match := _MONTH_SHORT_YEAR.match(line)) and match[1].casefold() in MONTHS:
            year, month = 2000 + int(match[2]), MONTHS[match[1].casefold()]
            return date(year, month, calendar.monthrange(year, month)[1])
        return read_date(line, month_year=True)
    except (CellProblem, ValueError):
        return None


# A due date that looks like a date but is not one ("31/02/2025") stays a problem to
# correct; words ("Ongoing", "Monthly") are the action's timescale as written.
_DATE_SHAPED = re.compile(r"^\d{1,4}[/.-]\d{1,2}([/.-]\d{1,4})?$")


def _due_dates(objectives: list[ObjectiveDraft]) -> bool:
    """Each action's due date as a date where it is one; a due date written in words
    becomes the timescale, where the action has none. Whether any did."""
    moved = False
    for objective in objectives:
        for action in objective.actions:
            text = action.values.get(DUE)
            if not text or not isinstance(text, str):
                continue
            if (due := _date_in(text)) is not None:
                action.values[DUE] = due
            elif not action.values.get(TIMESCALE) and not _DATE_SHAPED.match(text.strip()):
                action.values[TIMESCALE], action.values[DUE] = text, ""
                moved = True
    return moved
