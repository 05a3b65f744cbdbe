"""The plan workbook format: which sheets there are, what each column holds, and the
limits an upload must keep to.

Everything the "Read me" sheet says about a column comes from its `Column` here, so the
explanation and the importer cannot drift apart. The Plan sheet is a list of fields (a
Field column and a Value column); every other sheet is a table with one row per thing,
its column headings in row 1. Rows refer to each other by reference: an action names
its objective ("1"), a milestone its objective and action, an area for development its
update's "Update ref", a target or data point its measure.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from improvement.models import Cadence, PlanKind
from improvement.status import DISPLAY_ORDER, RollupRule, Status
from metrics.models import Direction, Target
from metrics.units import Unit

# -- limits ----------------------------------------------------------------------------
# A real plan is well under a megabyte; these leave room while keeping a hostile file
# from costing more than a few seconds or a few hundred megabytes of memory.


def max_upload_bytes() -> int:
    return getattr(settings, "WORKBOOK_MAX_BYTES", 5 * 1024 * 1024)


def max_unzipped_bytes() -> int:
    return getattr(settings, "WORKBOOK_MAX_UNZIPPED_BYTES", 50 * 1024 * 1024)


MAX_ZIP_ENTRIES = 200
# Rows in all the sheets together (headings and blank rows included). An import's time
# grows with its rows: bench/import_size.py measured about 0.3 ms of the app server's
# CPU a row to confirm one (read, plan again, save with history) and 0.15 ms to check
# one, plus PostgreSQL's share. 20,000 rows keep a confirmation to about 6 s of CPU and
# well inside gunicorn's 30-second timeout even on a machine busy with other work.
MAX_ROWS = 20_000
MAX_COLUMNS = 60
MAX_SHEETS = 30

# -- what a column holds ---------------------------------------------------------------

TEXT = "text"
LINES = "lines"
DATE = "date"
NUMBER = "number"
WHOLE = "whole"
YES_NO = "yes_no"
CHOICE = "choice"
STATUS = "status"
USER = "user"
USERS = "users"
REFERENCES = "references"
FIGURE = "figure"  # a number, or in a Ratio measure a ratio as written (7:10)

FORMATS = {
    TEXT: "Text, as written.",
    LINES: "Text, one item per line (Alt+Enter starts a new line inside an Excel cell). "
    "Where an item runs over several lines, start each item with a bullet (•): the lines "
    "up to the next bullet belong to it.",
    DATE: "A date: a real Excel date, or written 31/03/2013, 2013-03-31 or March 2014 "
    "(the end of that month). A date such as 04/03/2013 that could be read day-first or "
    "month-first is refused: write 2013-03-04.",
    NUMBER: "A number without its unit: 14 for 14%, 41000 for £41,000. Never a formula.",
    WHOLE: "A whole number.",
    YES_NO: "Yes or No.",
    STATUS: "One of the plan's own status labels (see the Status key sheet) or the "
    "standard words: Complete, On track, At risk, Off track, Not started; case and spaces "
    "do not matter. Blank: no status given.",
    USER: "The user name someone signs in to the tracker with; they must already exist.",
    USERS: "User names separated by commas; each must already exist.",
    REFERENCES: "References separated by commas: 1, 2.",
    FIGURE: "A number without its unit: 14 for 14%, 41000 for £41,000. In a Ratio "
    "measure it may be the ratio as the document writes it (7:10), which is shown as "
    "written. Never a formula.",
}

MONTH_YEAR_NOTE = (
    ' In a column headed "Due month" (month/year), 09/03 means September 2003 (the end '
    "of that month)."
)
# A "Due date" column may instead be headed as a month/year column; only there is a
# short "09/03" read as a month and year, never in an ordinary date column.
DUE_MONTH_ALIASES = ("Due month", "Timescale month", "Due date (month/year)")


def normalise_heading(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool
    meaning: str
    example: str = ""
    field: str = ""  # the model field it fills ("" where the importer handles it itself)
    aliases: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    default: object = None  # what a blank cell means where it is not "empty"
    format_note: str = ""
    # Read from older workbooks, never written: the Plan sheet's one label a status
    # (the Status key sheet replaced it).
    legacy: bool = False

    @property
    def format(self) -> str:
        if self.kind == CHOICE:
            words = ", ".join(label for _, label in self.choices)
            text = f"One of: {words}."
        else:
            text = FORMATS[self.kind]
        if self.aliases and self.kind == DATE:
            text += MONTH_YEAR_NOTE
        return f"{text} {self.format_note}".strip()

    def headings(self) -> set[str]:
        return {normalise_heading(h) for h in (self.name, *self.aliases)}


@dataclass(frozen=True)
class Sheet:
    name: str
    one_row_is: str
    columns: tuple[Column, ...]
    fields: bool = False  # the Plan sheet: a Field column and a Value column

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def find(self, heading: object) -> Column | None:
        wanted = normalise_heading(heading)
        return next((c for c in self.columns if wanted in c.headings()), None)


def _key_columns() -> tuple[Column, ...]:
    examples = {Status.ON_TRACK: "Green", Status.AT_RISK: "Amber", Status.OFF_TRACK: "Red"}
    columns = []
    for status in DISPLAY_ORDER:
        columns.append(
            Column(
                f"{status.label} label",
                TEXT,
                False,
                f"Older workbooks: what this plan calls “{status.label}”. The Status key "
                "sheet now holds every label; a row here makes it the first label for "
                f"{status.label}.",
                examples.get(status, ""),
                field=f"key:{status.value}:label",
                legacy=True,
            )
        )
        columns.append(
            Column(
                f"{status.label} meaning",
                TEXT,
                False,
                f"Older workbooks: what “{status.label}” means in this plan. Needs a label.",
                "",
                field=f"key:{status.value}:description",
                legacy=True,
            )
        )
    return tuple(columns)


PLAN = Sheet(
    "Plan",
    "one row per detail of the plan: its name in the Field column, its value in the Value "
    "column. Leave a row out to keep what the tracker has.",
    (
        Column(
            "Slug",
            TEXT,
            True,
            "The plan's short name in web addresses. It identifies the plan: importing a "
            "workbook with an existing plan's slug updates that plan.",
            "nottinghamshire-2004",
            field="slug",
            format_note="Lower-case letters, digits and hyphens.",
        ),
        Column("Title", TEXT, True, "The plan's title, as written.", "Improvement Plan", "title"),
        Column("Organisation", TEXT, True, "The council.", "Anytown Council", "organisation"),
        Column(
            "Kind",
            CHOICE,
            True,
            "What sort of plan it is.",
            "Service review",
            "kind",
            choices=tuple(PlanKind.choices),
        ),
        Column(
            "Reports to",
            TEXT,
            False,
            "The board or committee it reports to, as written.",
            "Improvement Board",
            "reports_to",
        ),
        Column("Start date", DATE, False, "When the plan starts.", "01/04/2003", "start_date"),
        Column(
            "End date", DATE, False, "When it ends; not before it starts.", "31/03/2005", "end_date"
        ),
        Column("Description", TEXT, False, "The plan's purpose, as written.", "", "description"),
        Column(
            "Objectives are called",
            TEXT,
            False,
            "What the plan calls its objectives: objective, outcome, requirement, theme. "
            "Blank: objective.",
            "requirement",
            "objective_term",
            default="objective",
        ),
        Column(
            "Roll-up rule",
            CHOICE,
            False,
            "How an objective's status comes from its actions (and the plan's from its "
            "objectives). Blank: worst wins.",
            "Worst wins",
            "rollup_rule",
            choices=tuple(RollupRule.choices),
            default=RollupRule.WORST_WINS.value,
        ),
        Column(
            "Off track at (%)",
            WHOLE,
            False,
            "By proportion: off track when at least this % of the children are off track. "
            "Blank: 25.",
            "25",
            "off_track_threshold",
            default=25,
        ),
        Column(
            "At risk at (%)",
            WHOLE,
            False,
            "By proportion: at risk when at least this % are at risk or off track. Blank: 10.",
            "10",
            "at_risk_threshold",
            default=10,
        ),
        Column(
            "Restricted",
            YES_NO,
            False,
            "Yes: only administrators, viewers, clerks, its editors and its action owners "
            "see the plan. Only administrators may change it. Blank: No.",
            "No",
            "restricted",
            default=False,
        ),
        Column(
            "Updates need sign-off",
            YES_NO,
            False,
            "Yes: an owner's update waits for a plan editor's approval. Blank: No.",
            "No",
            "requires_sign_off",
            default=False,
        ),
        Column(
            "Measures count in the roll-up",
            YES_NO,
            False,
            "Yes: the status of each measure linked to an objective counts with its actions. "
            "Blank: No.",
            "No",
            "measures_in_rollup",
            default=False,
        ),
        Column(
            "Overdue counts as at risk",
            YES_NO,
            False,
            "Yes: work past its due date and not complete counts as at risk in the roll-up. "
            "Blank: Yes.",
            "Yes",
            "overdue_at_risk",
            default=True,
        ),
        Column(
            "Minimum share rated (%)",
            WHOLE,
            False,
            "Below this share of rated actions (or objectives) a status is “Not enough "
            "updates”, not a colour. 0 to 100. Blank: 50.",
            "50",
            "minimum_rated",
            default=50,
        ),
        Column(
            "Stale after (reporting periods)",
            WHOLE,
            False,
            "Evidence older than this many reporting periods is flagged stale. 1 to 24. Blank: 2.",
            "2",
            "staleness_periods",
            default=2,
        ),
        Column(
            "Reporting cadence",
            CHOICE,
            False,
            "How often owners report: its reporting periods follow the financial year "
            "(April to March) from the start date. Blank: quarterly.",
            "Quarterly",
            "reporting_cadence",
            choices=tuple(Cadence.choices),
            default=Cadence.QUARTERLY.value,
        ),
        *_key_columns(),
    ),
    fields=True,
)

STATUS_KEY = Sheet(
    "Status key",
    "one row per label the plan uses for a status, in the plan's order. Several labels "
    "may mean the same standard status (Green and On target both mean On track); the "
    "first of them is the one shown for that status. A label in the tracker but not on "
    "the sheet is kept",
    (
        Column(
            "Label",
            TEXT,
            True,
            "The word the plan uses, as written; unique in the plan whatever its case. "
            "Statuses on the Updates sheet are matched to it ignoring case and spaces.",
            "Achieved",
            "label",
        ),
        Column(
            "Status",
            CHOICE,
            True,
            "The standard status it means, so that plans compare and roll up.",
            "Complete",
            "status",
            choices=tuple(Status.choices),
        ),
        Column("Meaning", TEXT, False, "What it means in this plan.", "", "description"),
        Column(
            "Summary phrase",
            TEXT,
            False,
            "How a report's summary counts it, written for several: have been completed, "
            "are progressing. Blank: a standard phrase.",
            "have been achieved",
            "phrase",
        ),
    ),
)

SECTIONS = Sheet(
    "Sections",
    "one row per section heading, in the order the plan gives them",
    (
        Column(
            "Title",
            TEXT,
            True,
            "A heading that groups objectives; unique in the plan.",
            "Leadership and Governance",
            "title",
        ),
    ),
)

_OBJECTIVE_REF = Column(
    "Objective",
    TEXT,
    True,
    "The reference of the objective, as on the Objectives sheet (or already in the plan).",
    "1",
)
_ACTION_REF = Column(
    "Action", TEXT, True, "The reference of the action, as on the Actions sheet.", "1.1"
)
_TEXT_REFERENCE_NOTE = "Format the column as text, so that Excel keeps 1.10 as written."

_NUMBERED = (
    "Yes: the plan gives no reference and the tracker numbered it (exports say so). "
    "Blank: No, or what the tracker has where the column is left out."
)

OBJECTIVES = Sheet(
    "Objectives",
    "one row per objective (outcome, requirement, theme)",
    (
        Column(
            "Reference",
            TEXT,
            False,
            "As written (1, 27, Objective Six, A); unique in the plan. Blank where the plan "
            "gives none: the tracker numbers it by its place on the sheet (the third "
            "objective is 3, or the next number free), and other sheets refer to it by "
            "that number.",
            "1",
            "reference",
            format_note=_TEXT_REFERENCE_NOTE,
        ),
        Column(
            "Section",
            TEXT,
            False,
            "The title of its section, as on the Sections sheet. Blank: under no section.",
            "Leadership and Governance",
            "section",
        ),
        Column(
            "Title",
            TEXT,
            False,
            "A short title if the document gives one. An objective needs a title or a description.",
            "Workforce Planning",
            "title",
        ),
        Column(
            "Description", TEXT, False, "The objective, as written.", "Recruit and …", "description"
        ),
        Column(
            "Source reference",
            TEXT,
            False,
            "Where it comes from.",
            "Final report Recommendation 9.1",
            "source_reference",
        ),
        Column(
            "Success measures", TEXT, False, "Success measures as written.", "", "success_measures"
        ),
        Column("Owner", USER, False, "Who owns it in the tracker.", "jsmith", "owner"),
        Column("Reference numbered", YES_NO, False, _NUMBERED, "No"),
    ),
)

ACTIONS = Sheet(
    "Actions",
    "one row per action",
    (
        _OBJECTIVE_REF,
        Column(
            "Reference",
            TEXT,
            False,
            "As written (1.1, A); unique within its objective. Blank where the plan gives "
            "none: the tracker numbers it by its place among its objective's actions "
            "(1.1, 1.2 under objective 1; 1, 2 under an objective called in words).",
            "1.1",
            "reference",
            format_note=_TEXT_REFERENCE_NOTE,
        ),
        Column("Title", TEXT, True, "The action.", "Increase secondments to 10 a year", "title"),
        Column(
            "Source reference",
            TEXT,
            False,
            "Where it comes from.",
            "Recommendation 9.14",
            "source_reference",
        ),
        Column("Benefit", TEXT, False, "The benefit to the customer.", "", "benefit"),
        Column(
            "Steps",
            TEXT,
            False,
            "The steps required, one per line, numbering kept.",
            "1. Purchase 5 more places on courses.",
            "steps",
        ),
        Column(
            "Responsible",
            TEXT,
            False,
            "The responsible person or team, as written.",
            "Service Manager",
            "responsible",
        ),
        Column("Owner", USER, False, "Who owns it in the tracker.", "jsmith", "owner"),
        Column(
            "Delegates",
            USERS,
            False,
            "People who may record progress for the owner.",
            "asmith, bjones",
            "delegates",
        ),
        Column("Timescale", TEXT, False, "The timescale, as written.", "Quarter 2", "timescale"),
        Column(
            "Due date",
            DATE,
            False,
            "When it is due, where the timescale gives a date.",
            "30/09/2004",
            "due_date",
            aliases=DUE_MONTH_ALIASES,
        ),
        Column("Reference numbered", YES_NO, False, _NUMBERED, "No"),
    ),
)

MILESTONES = Sheet(
    "Milestones",
    "one row per milestone of an action",
    (
        _OBJECTIVE_REF,
        _ACTION_REF,
        Column("Title", TEXT, True, "The step.", "Recruit potential secondees", "title"),
        Column(
            "Due date",
            DATE,
            False,
            "When it is due.",
            "31/12/2003",
            "due_date",
            aliases=DUE_MONTH_ALIASES,
        ),
        Column("Completed on", DATE, False, "When it was done.", "15/12/2003", "completed_on"),
    ),
)

UPDATES = Sheet(
    "Updates",
    "one row per progress update, on an action or on an objective itself. Updates are "
    "never changed: a row that differs from a stored update is refused; add a new row "
    "with its own date instead",
    (
        Column(
            "Update ref",
            TEXT,
            True,
            "Any label unique on this sheet; the Areas sheet uses it to say which update an "
            "area for development belongs to.",
            "1",
        ),
        _OBJECTIVE_REF,
        Column(
            "Action",
            TEXT,
            False,
            "The reference of the action. Blank: the update is on the objective itself.",
            "1.1",
        ),
        Column(
            "As at",
            DATE,
            False,
            "The date the update reports on. Blank: today. Only an administrator imports a "
            "new update dated before today (it is marked as a correction); none is dated in "
            "the future or before the plan starts.",
            "29/02/2004",
            "as_at",
        ),
        Column("Status", STATUS, False, "The status it gives.", "Green", "status"),
        Column("Progress", TEXT, False, "The progress narrative.", "", "narrative"),
        Column("Achievements", LINES, False, "What was achieved.", "", "achievements"),
        Column("Evidence", LINES, False, "The evidence, as text.", "", "evidence"),
        Column(
            "Reporting period",
            TEXT,
            False,
            "The name of a reporting period already in the tracker; the date must fall in it.",
            "Quarter 2 2013/14",
            "period",
        ),
        Column(
            "Recorded by",
            USER,
            False,
            "Who made the update. Blank: you, for a new update. Only an administrator "
            "imports a new update in someone else's name.",
            "jsmith",
            "author",
        ),
    ),
)

AREAS = Sheet(
    "Areas",
    "one row per key area for development named in an update, in order",
    (
        Column("Update ref", TEXT, True, "The Update ref of its update.", "1"),
        Column(
            "Description", TEXT, True, "The area for development.", "Embed the audit", "description"
        ),
        Column("Timescale", TEXT, False, "Its timescale, as written.", "Quarter 2", "timescale"),
        Column(
            "Due date",
            DATE,
            False,
            "Where the timescale gives one.",
            "30/09/2013",
            "due_date",
            aliases=DUE_MONTH_ALIASES,
        ),
    ),
)

MEASURES = Sheet(
    "Measures",
    "one row per success measure (KPI)",
    (
        Column(
            "Reference",
            TEXT,
            False,
            "Optional; unique in the plan. Targets and Data rows name a measure by its "
            "reference where it has one, else by its name.",
            "M1",
            "reference",
        ),
        Column(
            "Name",
            TEXT,
            True,
            "Short, as a table row would say it.",
            "Staff seconded to social work training",
            "name",
        ),
        Column("Description", TEXT, False, "The measure as written.", "", "description"),
        Column(
            "Unit",
            CHOICE,
            True,
            "The unit of its values.",
            "Count",
            "unit",
            choices=tuple(Unit.choices),
        ),
        # targets15 (issue 15, item 4): a blank direction is "not stated", never a guess.
        Column(
            "Direction",
            CHOICE,
            False,
            "Blank: not stated, and its values are shown against the target without a colour.",
            "Higher is better",
            "direction",
            choices=tuple(Direction.choices),
            default=Direction.NONE.value,
        ),
        Column("Baseline", NUMBER, False, "The baseline value.", "3", "baseline_value"),
        Column(
            "Baseline date", DATE, False, "The date of the baseline.", "01/04/2003", "baseline_date"
        ),
        Column(
            "Amber tolerance",
            NUMBER,
            False,
            "How far short of the target still counts as amber, in the unit (percentage "
            "points for %).",
            "1",
            "amber_tolerance",
        ),
        Column("Source", TEXT, False, "Where the figures come from.", "exit interviews", "source"),
        Column(
            "Objectives", REFERENCES, False, "The objectives it measures.", "1, 2", "objectives"
        ),
        Column(
            "Actions",
            REFERENCES,
            False,
            "The actions it measures, by their references (unique in the plan).",
            "1.2, 2.6",
            "actions",
        ),
        Column("Owner", USER, False, "Who owns it in the tracker.", "jsmith", "owner"),
    ),
)

_MEASURE_REF = Column(
    "Measure",
    TEXT,
    True,
    "The measure: its Reference on the Measures sheet, or its Name where it has none.",
    "Student placements",
)

TARGETS = Sheet(
    "Targets",
    "one row per target of a measure, interim or final; a revised target is a later row "
    "with the same measure, kind and due date, and a later In force from and a Reason",
    (
        _MEASURE_REF,
        Column(
            "Kind",
            CHOICE,
            False,
            "Blank: final.",
            "Final target",
            "kind",
            choices=tuple(Target.Kind.choices),
            default=Target.Kind.FINAL.value,
        ),
        # targets15 (issue 15, item 4): the target as the plan words it (read, and written
        # back, by improvement/workbook/measures.py and metrics/wording.py), and no date.
        Column(
            "Value",
            TEXT,
            True,
            "The target as the plan words it: a number (14 for 14%; for a range, its lower "
            "end); a change from the measure's Baseline (“10% increase”, “reduce by 60%”, "
            "“halve”, “double”, “+5 percentage points”); a ratio for a Ratio measure (“7:10”); "
            'or text in quotes (“"a robust system in place"”), which is shown but never '
            "judged. In a Percentage measure “all staff” and “100% of staff” mean 100.",
            "10",
        ),
        Column("Upper value", NUMBER, False, "For a range, its upper end.", "16", "value_high"),
        Column(
            "Due date",
            DATE,
            False,
            "When it is due. Blank: the plan gives no date, and the latest value is judged "
            "against it.",
            "30/09/2004",
            "due_date",
        ),
        Column(
            "In force from",
            DATE,
            False,
            "The day it was agreed. Blank: in force from the start.",
            "",
            "set_on",
        ),
        Column("Reason", TEXT, False, "Why a revised target was set.", "", "reason"),
    ),
)

DATA = Sheet(
    "Data",
    "one row per value of a measure (data point)",
    (
        _MEASURE_REF,
        # targets15 (issue 15, item 4): a figure dated by the report that gave it.
        Column(
            "Period end",
            DATE,
            False,
            "The date the figure is for. Where the document gives none, leave it blank and "
            "fill in Reported in.",
            "30/09/2003",
        ),
        Column(
            "Reported in",
            DATE,
            False,
            "For a figure the document gives without its own date: the date of the report "
            "it was given in (as “reported in the February 2004 update”). Give this or the "
            "Period end, not both.",
            "",
        ),
        # roundtrip (issue 15, item 4): a ratio figure as written ("7:10").
        Column(
            "Value",
            FIGURE,
            False,
            "The figure (numeric measures). In a Text measure, words here are taken as "
            "what was found where the Text is blank.",
            "9",
            "value",
        ),
        Column("Text", TEXT, False, "What was found (text measures).", "", "text"),
        Column("Note", TEXT, False, "A note on the figure.", "", "note"),
    ),
)

# roundtrip (issue 15, item 7): the column mappings a document import saved for the
# plan, so that they travel with it. One row per column of a council's table (a
# blank heading is a column too); the rows of one table shape share a Mapping label.
# The field names are `workbook.mapping.FIELDS` (which imports this module, so they
# are written out here; tests/workbook/test_round_trip_everything.py keeps them equal).
MAPPED_FIELDS = (
    "Reference, Action (title), Objective, Section, Benefit, Steps, Responsible, "
    "Timescale, Due date, Status, Progress, Success measures, Evidence"
)

COLUMN_MAPPINGS = Sheet(
    "Column mappings",
    "one row per column of a council's own table whose mapping a document import "
    "saved, in the table's order; the rows of one table share a Mapping label. The next "
    "Word document or tracker of the same shape (the same heading row) for this plan, "
    "or another plan of the same council, is mapped the same way",
    (
        Column(
            "Mapping",
            TEXT,
            True,
            "A label shared by the rows of one table's heading row (1, 2 …); unique for "
            "each heading row.",
            "1",
        ),
        Column(
            "Heading",
            TEXT,
            False,
            "The column's heading, as written in the council's table. Blank: a column "
            "with no heading.",
            "Improvement Key Activity",
        ),
        Column(
            "Field",
            TEXT,
            False,
            "What the column goes to. Blank: the column is not imported.",
            "Action (title)",
            format_note=f"One of: {MAPPED_FIELDS}.",
        ),
        Column(
            "Status labels",
            LINES,
            False,
            "Status words the table uses and the standard status each means, one a "
            "line as “label = standard status”; on any row of the mapping (exports put "
            "them on its first).",
            "Achieved = Complete",
        ),
    ),
)

SHEETS: tuple[Sheet, ...] = (
    PLAN,
    STATUS_KEY,
    SECTIONS,
    OBJECTIVES,
    ACTIONS,
    MILESTONES,
    UPDATES,
    AREAS,
    MEASURES,
    TARGETS,
    DATA,
    COLUMN_MAPPINGS,
)
README = "Read me"
# A hidden sheet of the values the drop-down lists offer (the plan's status labels,
# its people): written with a workbook, ignored when one is read.
LISTS = "Lists"
FIELD_HEADINGS = ("Field", "Value")


def sheet_named(name: object) -> Sheet | None:
    wanted = normalise_heading(name)
    return next((s for s in SHEETS if normalise_heading(s.name) == wanted), None)


def is_readme(name: object) -> bool:
    return normalise_heading(name) == normalise_heading(README)


def is_ignored(name: object) -> bool:
    """Sheets of ours that are never imported: the Read me and the drop-downs' lists."""
    return normalise_heading(name) in (normalise_heading(README), normalise_heading(LISTS))


README_INTRO = [
    "This workbook holds one improvement plan for the Improvement tracker.",
    "Each sheet below has its column headings in row 1 and one row per thing (the Plan "
    "sheet has one row per detail: Field and Value). Rows refer to each other by "
    "reference: an action names its objective, a milestone its objective and action.",
    "Importing is all or nothing: you first see what will be created or changed, row by "
    "row, and every problem at once; nothing is saved until you confirm, and nothing at "
    "all if any row has a problem. Importing the same workbook again changes nothing.",
    "Imports never delete: something in the tracker but not in the workbook is kept. A "
    "column left out of a sheet keeps what the tracker has; a blank cell in a column "
    "that is there empties the value.",
    "Columns of statuses, references and people offer a drop-down list of what the plan "
    "has; Excel warns about anything else (a new label or reference added on its own "
    "sheet in the same workbook is fine: answer Yes to keep it).",
    "Type values, never formulas: a cell holding a formula is refused. Text that starts "
    "with = + - or @ is written with an apostrophe in front (Excel shows it as text).",
    f"Up to {MAX_ROWS:,} rows in all the sheets together; the file up to 5 MB. A larger "
    "plan can be imported in several workbooks (an import never deletes, so each adds to "
    "what the one before saved). This Read me sheet is not imported.",
]
README_HEADINGS = ["Sheet", "Column", "Required", "Format", "Example", "What it is"]


def readme_rows() -> list[list[str]]:
    rows: list[list[str]] = [[line] for line in README_INTRO]
    rows.append([])
    rows.append(list(README_HEADINGS))
    for sheet in SHEETS:
        rows.append([sheet.name, "", "", "", "", f"The {sheet.name} sheet has {sheet.one_row_is}."])
        for column in sheet.columns:
            required = "Yes" if column.required else "No"
            if sheet is PLAN and column.required and column.name != "Slug":
                required = "For a new plan"
            rows.append(
                [sheet.name, column.name, required, column.format, column.example, column.meaning]
            )
    return rows
