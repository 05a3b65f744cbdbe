"""A plan as a plan workbook (.xlsx) or as CSV files, and the blank template and the
filled example people start from.

The rows come from `plan_sheets`, in a fixed number of queries and in an order that does
not depend on the database (sorted here, not by SQL collation), so exporting, importing
into an empty database and exporting again gives the same cells. Every text cell goes
through `values.escape` (improvement.reports.safe, made reversible), so nothing typed
into the tracker becomes a formula in Excel. Dates are real Excel dates; figures are
numbers.

A cell holds at most 32,767 characters (Excel's limit; openpyxl silently cuts longer
text). Nothing is cut here: a value that does not fit stops the export with
`CellTooLong`, naming the sheet, row and column, in both formats (a CSV file opened in
Excel is cut the same way), so that an export always imports back whole.
"""

from __future__ import annotations

import csv
import functools
import io
import uuid
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from improvement.models import (
    Action,
    Milestone,
    Objective,
    Plan,
    ProgressUpdate,
    Section,
)
from improvement.models.imports import SavedColumnMapping
from improvement.status import Status, status_match_key
from improvement.workbook import format as fmt
from improvement.workbook.mapping import FIELD_LABELS, shape_of
from improvement.workbook.measures import figure_dates, target_cell, target_sort_key
from improvement.workbook.values import (
    CELL_LIMIT,
    escape,
    lines_out,
    number_out,
    number_text,
)
from metrics.models import DataPoint, Direction, Measure, Target
from metrics.units import Unit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP_TYPE = "application/zip"
EXAMPLE_PLAN = Path(settings.BASE_DIR) / "fixtures" / "plans" / "nottinghamshire-2004.yaml"

Rows = list[list[object]]
Sheets = list[tuple[str, list[str], Rows]]


def _username(user) -> str:
    return user.get_username() if user else ""


def _yes_no(value: bool) -> str:
    return "Yes" if value else "No"


def _numbered(thing) -> str:
    """ "Yes" where the tracker numbered the reference; blank (No) where it is written."""
    return "Yes" if thing.reference_numbered else ""


def plan_sheets(plan: Plan) -> Sheets:
    """Every sheet of the plan's workbook as (name, headings, rows), Read me first."""
    key = plan.key_entries()
    first_labels = plan.labels()
    in_key = {status_match_key(e.label): e.status for e in key}
    sections = sorted(Section.objects.filter(plan=plan), key=lambda s: (s.position, s.pk))
    section_order = {s.pk: i for i, s in enumerate(sections)}
    objectives = sorted(
        Objective.objects.filter(plan=plan).select_related("section", "owner"),
        key=lambda o: (
            o.section_id is not None,
            section_order.get(o.section_id, -1),
            o.sort_key,
            o.pk,
        ),
    )
    objective_order = {o.pk: i for i, o in enumerate(objectives)}
    actions = sorted(
        Action.objects.filter(objective__plan=plan)
        .select_related("objective", "owner")
        .prefetch_related("delegates"),
        key=lambda a: (objective_order[a.objective_id], a.sort_key, a.pk),
    )
    action_order = {a.pk: i for i, a in enumerate(actions)}
    milestones = sorted(
        Milestone.objects.filter(action__objective__plan=plan).select_related("action__objective"),
        key=lambda m: (action_order[m.action_id], m.due_date is None, m.due_date, m.pk),
    )
    updates = ProgressUpdate.objects.select_related(
        "action__objective", "objective", "period", "author"
    ).prefetch_related("areas_for_development")
    updates = sorted(
        [*updates.filter(action__objective__plan=plan), *updates.filter(objective__plan=plan)],
        key=lambda u: (
            objective_order[u.action.objective_id if u.action_id else u.objective_id],
            -1 if not u.action_id else action_order[u.action_id],
            u.as_at,
            u.recorded_at,
            u.pk,
        ),
    )
    measures = sorted(
        Measure.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related("objectives", "actions"),
        key=lambda m: (m.reference, m.name, m.pk),
    )
    measure_order = {m.pk: i for i, m in enumerate(measures)}
    measure_key = {m.pk: m.reference or m.name for m in measures}
    targets = sorted(
        Target.objects.filter(measure__plan=plan),
        key=lambda t: (
            measure_order[t.measure_id],
            *target_sort_key(t),
            t.set_on is not None,
            t.set_on,
            t.pk,
        ),
    )
    points = sorted(
        DataPoint.objects.filter(measure__plan=plan, source=DataPoint.Source.ENTERED),
        key=lambda p: (measure_order[p.measure_id], p.period_end),
    )

    def status_word(update: ProgressUpdate) -> str:
        """The label the update was given in, while the key still has it for the same
        status (so it imports back as written); else the plan's first label for it."""
        if not update.status:
            return ""
        written = update.status_label
        if written and in_key.get(status_match_key(written)) == update.status:
            return written
        return first_labels.get(Status(update.status)) or Status(update.status).label

    plan_values = {
        "Slug": plan.slug,
        "Title": plan.title,
        "Organisation": plan.organisation,
        "Kind": plan.get_kind_display(),
        "Reports to": plan.reports_to,
        "Start date": plan.start_date,
        "End date": plan.end_date,
        "Description": plan.description,
        "Objectives are called": plan.objective_term,
        "Roll-up rule": plan.get_rollup_rule_display(),
        "Off track at (%)": plan.off_track_threshold,
        "At risk at (%)": plan.at_risk_threshold,
        "Restricted": _yes_no(plan.restricted),
        "Updates need sign-off": _yes_no(plan.requires_sign_off),
        "Measures count in the roll-up": _yes_no(plan.measures_in_rollup),
        "Overdue counts as at risk": _yes_no(plan.overdue_at_risk),
        "Minimum share rated (%)": plan.minimum_rated,
        "Stale after (reporting periods)": plan.staleness_periods,
        "Reporting cadence": plan.get_reporting_cadence_display(),
    }

    update_refs = {u.pk: str(i) for i, u in enumerate(updates, start=1)}
    units, directions = dict(Unit.choices), dict(Direction.choices)
    kinds = dict(Target.Kind.choices)
    sheets: dict[str, Rows] = {
        "Plan": [[c.name, plan_values[c.name]] for c in fmt.PLAN.columns if not c.legacy],
        "Status key": [[e.label, Status(e.status).label, e.description, e.phrase] for e in key],
        "Sections": [[s.title] for s in sections],
        "Objectives": [
            [
                o.reference,
                o.section.title if o.section else "",
                o.title,
                o.description,
                o.source_reference,
                o.success_measures,
                _username(o.owner),
                _numbered(o),
            ]
            for o in objectives
        ],
        "Actions": [
            [
                a.objective.reference,
                a.reference,
                a.title,
                a.source_reference,
                a.benefit,
                a.steps,
                a.responsible,
                _username(a.owner),
                ", ".join(sorted(_username(u) for u in a.delegates.all())),
                a.timescale,
                a.due_date,
                _numbered(a),
            ]
            for a in actions
        ],
        "Milestones": [
            [
                m.action.objective.reference,
                m.action.reference,
                m.title,
                m.due_date,
                m.completed_on,
            ]
            for m in milestones
        ],
        "Updates": [
            [
                update_refs[u.pk],
                (u.action.objective if u.action_id else u.objective).reference,
                u.action.reference if u.action_id else "",
                u.as_at,
                status_word(u),
                u.narrative,
                lines_out(u.achievements or []),
                lines_out(u.evidence or []),
                u.period.name if u.period_id else "",
                _username(u.author),
            ]
            for u in updates
        ],
        "Areas": [
            [update_refs[u.pk], a.description, a.timescale, a.due_date]
            for u in updates
            for a in u.areas_for_development.all()
        ],
        "Measures": [
            [
                m.reference,
                m.name,
                m.description,
                units.get(m.unit, m.unit),
                directions.get(m.direction, m.direction),
                m.baseline_value,
                m.baseline_date,
                m.amber_tolerance,
                m.source,
                ", ".join(
                    o.reference
                    for o in sorted(m.objectives.all(), key=lambda o: objective_order[o.pk])
                ),
                ", ".join(
                    a.reference for a in sorted(m.actions.all(), key=lambda a: action_order[a.pk])
                ),
                _username(m.owner),
            ]
            for m in measures
        ],
        "Targets": [
            [
                measure_key[t.measure_id],
                kinds[t.kind],
                target_cell(t),
                t.value_high,
                t.due_date,
                t.set_on,
                t.reason,
            ]
            for t in targets
        ],
        "Data": [
            [measure_key[p.measure_id], *figure_dates(p), p.written or p.value, p.text, p.note]
            for p in points
        ],
        "Column mappings": column_mapping_rows(plan),
    }
    return _with_readme(sheets)


def column_mapping_rows(plan: Plan) -> Rows:
    """The plan's saved column mappings, one row per column, each mapping numbered in
    the order of its heading row (not of when it was saved, so an export imported and
    exported again gives the same rows); its status labels on its first row."""
    mappings = sorted(
        SavedColumnMapping.objects.filter(plan=plan), key=lambda m: (shape_of(m.headings), m.shape)
    )
    rows: Rows = []
    for number, mapping in enumerate((m for m in mappings if m.headings), start=1):
        statuses = "\n".join(
            f"{label} = {Status(status).label}"
            for label, status in sorted((mapping.statuses or {}).items())
            if status in Status.values
        )
        fields = list(mapping.fields) + [""] * (len(mapping.headings) - len(mapping.fields))
        for index, (heading, field) in enumerate(zip(mapping.headings, fields, strict=False)):
            rows.append(
                [
                    str(number),
                    heading or None,
                    FIELD_LABELS.get(field, field) or None,
                    (statuses or None) if index == 0 else None,
                ]
            )
    return rows


def _headings(sheet: fmt.Sheet) -> list[str]:
    return list(fmt.FIELD_HEADINGS) if sheet.fields else [c.name for c in sheet.columns]


def _with_readme(rows: dict[str, Rows]) -> Sheets:
    # The Read me has no heading row: a few lines of explanation come above its table.
    return [
        (fmt.README, [], fmt.readme_rows()),
        *[(s.name, _headings(s), rows.get(s.name, [])) for s in fmt.SHEETS],
    ]


def template_sheets() -> Sheets:
    """The blank workbook: every sheet with its headings, the Plan sheet's fields listed."""
    return _with_readme({"Plan": [[c.name, None] for c in fmt.PLAN.columns if not c.legacy]})


@functools.lru_cache(maxsize=1)
def example_sheets() -> tuple:
    """The Nottinghamshire seed plan as a workbook. It is loaded into the database under
    a made-up slug inside a transaction that is then rolled back, so the example is
    always the seed file's, whatever the database holds."""
    document = yaml.safe_load(EXAMPLE_PLAN.read_text(encoding="utf-8"))
    slug = document["slug"]
    document["slug"] = f"workbook-example-{uuid.uuid4().hex[:12]}"
    from improvement.plan_files import load_plan_document

    with transaction.atomic():
        plan = load_plan_document(document, source=str(EXAMPLE_PLAN))
        sheets = plan_sheets(plan)
        transaction.set_rollback(True)
    for name, _, rows in sheets:
        if name == fmt.PLAN.name:
            rows[0][1] = slug
    return tuple(sheets)


# -- drop-down lists ------------------------------------------------------------------


@dataclass(frozen=True)
class Lists:
    """What the workbook's drop-down lists offer beyond its own sheets: the status words
    (the plan's labels in order, then the standard word of each status it has no label
    for) and
    the plan's people by user name. References and sections are offered from their own
    sheets' columns, so a row added there is offered at once."""

    statuses: tuple[str, ...] = tuple(Status.labels)
    people: tuple[str, ...] = ()


def plan_lists(plan: Plan) -> Lists:
    """The plan's drop-down lists, in a fixed number of queries: its key, and everyone
    who edits it, owns or is a delegate for its work, or recorded its updates."""
    entries = plan.key_entries()
    labels = [e.label for e in entries]
    # The standard word of a status the plan has no label for (a status it labels is
    # offered in its own words only; the standard word is still read on import).
    claimed = {status_match_key(label) for label in labels} | {e.status for e in entries}
    statuses = [
        *labels,
        *(
            s.label
            for s in Status
            if s.value not in claimed and status_match_key(s.label) not in claimed
        ),
    ]
    User = get_user_model()  # noqa: N806
    name = User.USERNAME_FIELD
    people: set[str] = set()
    for lookup in (
        {"edited_plans": plan},
        {"owned_objectives__plan": plan},
        {"owned_actions__objective__plan": plan},
        {"delegated_actions__objective__plan": plan},
        {"progress_updates__action__objective__plan": plan},
        {"progress_updates__objective__plan": plan},
        {"owned_measures__plan": plan},
    ):
        people.update(User.objects.filter(**lookup).values_list(name, flat=True).distinct())
    return Lists(statuses=tuple(statuses), people=tuple(sorted(people, key=str.casefold)))


# Rows a drop-down covers: every row a workbook may have.
LIST_ROWS = fmt.MAX_ROWS + 1
STATUS_PROMPT = (
    "Status",
    "One of the plan's labels (the Status key sheet) or a standard word: Complete, On "
    "track, At risk, Off track, Not started. Blank: no status.",
)
PERSON_PROMPT = (
    "User name",
    "The user name someone signs in with. The list has the plan's people; anyone else "
    "must already be in the tracker.",
)


def _column_range(sheet: fmt.Sheet, column: str) -> str:
    """ "'Status key'!$A$2:$A$20001": a column of a sheet, below its heading."""
    letter = get_column_letter([c.name for c in sheet.columns].index(column) + 1)
    return f"{_quoted(sheet.name)}!${letter}$2:${letter}${LIST_ROWS}"


def _quoted(name: str) -> str:
    return f"'{name}'" if not name.isalnum() else name


def _validations(lists: Lists) -> list[tuple[str, str, str, tuple[str, str], bool]]:
    """(sheet, column, list range, (title, message), strict) for every drop-down.
    Strict lists refuse anything else; the others warn, since a label, reference or
    section added elsewhere in the same workbook is valid too."""
    found = []
    status_list = _lists_range(0, len(lists.statuses))
    if status_list:
        found.append((fmt.UPDATES.name, "Status", status_list, STATUS_PROMPT, False))
    standard = _lists_range(1, len(Status.labels))
    found.append(
        (
            fmt.STATUS_KEY.name,
            "Status",
            standard,
            ("Standard status", "The standard status this label means."),
            True,
        )
    )
    objectives = _column_range(fmt.OBJECTIVES, "Reference")
    actions = _column_range(fmt.ACTIONS, "Reference")
    for sheet in (fmt.ACTIONS, fmt.MILESTONES, fmt.UPDATES):
        found.append(
            (
                sheet.name,
                "Objective",
                objectives,
                ("Objective", "The reference of an objective on the Objectives sheet."),
                False,
            )
        )
    for sheet in (fmt.MILESTONES, fmt.UPDATES):
        found.append(
            (
                sheet.name,
                "Action",
                actions,
                ("Action", "The reference of an action of that objective (Actions sheet)."),
                False,
            )
        )
    found.append(
        (
            fmt.OBJECTIVES.name,
            "Section",
            _column_range(fmt.SECTIONS, "Title"),
            ("Section", "The title of a section on the Sections sheet. Blank: none."),
            False,
        )
    )
    people = _lists_range(2, len(lists.people))
    if people:
        for sheet, column in (
            (fmt.OBJECTIVES, "Owner"),
            (fmt.ACTIONS, "Owner"),
            (fmt.UPDATES, "Recorded by"),
            (fmt.MEASURES, "Owner"),
        ):
            found.append((sheet.name, column, people, PERSON_PROMPT, False))
    return found


LISTS_HEADINGS = ("Status words", "Standard statuses", "People")


def _lists_range(index: int, count: int) -> str:
    if not count:
        return ""
    letter = get_column_letter(index + 1)
    return f"{fmt.LISTS}!${letter}$2:${letter}${count + 1}"


def _add_lists(book: Workbook, lists: Lists) -> None:
    """The hidden Lists sheet, and a drop-down with an input message on each column
    that names a status, a reference or a person."""
    sheet = book.create_sheet(title=fmt.LISTS)
    sheet.sheet_state = "hidden"
    sheet.append(list(LISTS_HEADINGS))
    columns = (lists.statuses, tuple(Status.labels), lists.people)
    for row in range(max(len(c) for c in columns)):
        sheet.append([_xlsx_value(c[row]) if row < len(c) else None for c in columns])
    for name, column, source, (title, message), strict in _validations(lists):
        target = book[name]
        headings = [c.value for c in target[1]]
        if column not in headings:
            continue
        letter = get_column_letter(headings.index(column) + 1)
        validation = DataValidation(
            type="list",
            formula1=f"={source}",
            allow_blank=True,
            showInputMessage=True,
            showErrorMessage=True,
            promptTitle=title[:32],
            prompt=message[:255],
            errorTitle=f"Not a {title.lower()} of this plan"[:32],
            error=(
                f"Choose one from the list. {message}"
                if strict
                else f"This is not in the list. {message} Keep it only if it is added "
                "elsewhere in this workbook."
            )[:255],
            errorStyle="stop" if strict else "warning",
        )
        validation.add(f"{letter}2:{letter}{LIST_ROWS}")
        target.add_data_validation(validation)


# -- files -----------------------------------------------------------------------------


class CellTooLong(Exception):
    """A value too long for a spreadsheet cell: the export would have to cut it."""

    def __init__(self, sheet: str, row: int, column: str, length: int, names: str):
        self.sheet, self.row, self.column, self.length = sheet, row, column, length
        self.names = names  # the row's references, so that people can find it
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"row {self.row}" + (f" ({self.names})" if self.names else "")
        return (
            f"The plan cannot be exported whole: on the {self.sheet} sheet, {where}, the "
            f"{self.column} is {self.length:,} characters long, and a spreadsheet cell holds "
            f"at most {CELL_LIMIT:,}."
        )

    fix = "Shorten it in the tracker (or split it into several entries), then export again."

    def __str__(self) -> str:
        return f"{self.message} {self.fix}"


# The columns that say which thing a row is about, for `CellTooLong`.
NAMING_COLUMNS = ("Field", "Update ref", "Objective", "Action", "Reference", "Measure", "As at")


def _check_lengths(sheets: Sheets, text_of) -> None:
    for name, headings, rows in sheets:
        if not headings:
            continue  # the Read me: our own words
        for number, values in enumerate(rows, start=2):
            for heading, value in zip(headings, values, strict=False):
                text = text_of(value)
                if isinstance(text, str) and len(text) > CELL_LIMIT:
                    row = dict(zip(headings, values, strict=False))
                    names = ", ".join(
                        f"{c} {_csv_value(row[c])}" for c in NAMING_COLUMNS if row.get(c)
                    )
                    column = row["Field"] if heading == "Value" and row.get("Field") else heading
                    raise CellTooLong(name, number, column, len(text), names)


TEXT_COLUMNS = {"Reference", "Objective", "Action", "Update ref", "Measure", "Field", "Mapping"}
WIDE_COLUMNS = {
    "Description", "Progress", "Achievements", "Evidence", "Steps", "Success measures",
    "Note", "Benefit", "Text", "What it is", "Format", "Value", "Title",
}  # fmt: skip


def _xlsx_value(value):
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", escape(value))
    if isinstance(value, Decimal):
        return number_out(value)
    return value


def to_xlsx(sheets: Sheets, lists: Lists | None = None) -> bytes:
    """The sheets as an Excel workbook, with drop-down lists (`lists`: the plan's; by
    default the standard statuses only, as in the blank template)."""
    _check_lengths(sheets, _xlsx_value)
    book = Workbook()
    book.remove(book.active)
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for name, headings, rows in sheets:
        sheet = book.create_sheet(title=name)
        readme = name == fmt.README
        if headings:
            sheet.append(headings)
            for cell in sheet[1]:
                cell.font = bold
            sheet.freeze_panes = "A2"
        for values in rows:
            sheet.append([_xlsx_value(v) for v in values])
            if readme and values == fmt.README_HEADINGS:
                for cell in sheet[sheet.max_row]:
                    cell.font = bold
        if readme:
            headings = fmt.README_HEADINGS
        for index, heading in enumerate(headings, start=1):
            letter = get_column_letter(index)
            wide = heading in WIDE_COLUMNS or (readme and index >= 4)
            sheet.column_dimensions[letter].width = 60 if wide else 18
            if heading in TEXT_COLUMNS and not readme:
                sheet.column_dimensions[letter].number_format = "@"
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(cell.value, str):
                    if "\n" in cell.value or len(cell.value) > 60:
                        cell.alignment = wrap
                    if not readme and headings[cell.column - 1] in TEXT_COLUMNS:
                        cell.number_format = "@"
    _add_lists(book, lists or Lists())
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return escape(value)
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def to_csv_files(sheets: Sheets) -> dict[str, bytes]:
    """One CSV file per sheet ("Plan.csv" …), UTF-8 with a byte-order mark for Excel."""
    _check_lengths(sheets, _csv_value)
    files = {}
    for name, headings, rows in sheets:
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        if headings:
            writer.writerow(headings)
        for values in rows:
            writer.writerow([_csv_value(v) for v in values])
        files[f"{name}.csv"] = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    return files


def to_csv_zip(sheets: Sheets) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in to_csv_files(sheets).items():
            archive.writestr(name, data)
    return buffer.getvalue()
