"""Working out what importing a plan workbook would do, row by row, and doing it.

The planner reads what the tracker holds for the plan (by its slug) in a fixed number of
queries, then walks the sheets in the order things depend on each other (plan, sections,
objectives, actions, milestones, measures, targets, data, updates with their areas),
matching each row to what is stored by its references: a plan by slug, an objective by
reference, an action by its objective's reference and its own, a milestone by its
action and title, a measure by reference (or name), a target by measure, kind and due
date, a data point by measure and date. Each row becomes a step (create, change with
every changed field from and to, or unchanged) or a problem with its sheet, row and
column.

Every new or changed object is checked with the models' own rules (`full_clean`) without
touching the database: foreign keys are set from objects already in hand, uniqueness is
what the references guarantee, and the check constraints are evaluated in Python
(`objects.holds`). So a dry run costs the same number of queries for 5 rows or 5,000. Only
when there is no problem at all, and the import is confirmed, are the objects saved,
each with `save()` so django-simple-history records who changed what; in one
transaction, so a failure saves nothing.

Progress updates are append-only: a row identical to a stored update is unchanged, a new
row is a new update, and a row that would change a stored update (same action or
objective and date, different content) is a problem. Imports never delete: what is in
the tracker but not in the workbook is kept, and the dry run says so.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction
from django.db.models import CheckConstraint
from django.utils import timezone

from improvement import plan_versions, status_timeline
from improvement.models import (
    Action,
    Milestone,
    Objective,
    Plan,
    ReportingPeriod,
    Section,
    StatusKeyEntry,
)
from improvement.models.progress import AppendOnlyError
from improvement.periods import (
    EARLIEST_PERIOD,
    generate_periods,
    period_dates,
    regenerate_periods,
)
from improvement.permissions import can_edit_plan, is_administrator, is_plan_editor
from improvement.references import numbered_reference
from improvement.status import DISPLAY_ORDER, Status, status_match_key
from improvement.workbook import format as fmt
from improvement.workbook.apply import Writes
from improvement.workbook.column_mappings import ColumnMappingSheet
from improvement.workbook.measures import MeasureSheets
from improvement.workbook.objects import holds, model_field, same
from improvement.workbook.readers.workbook import INVALID, ReadWorkbook, Row, SheetRows
from improvement.workbook.results import (
    CHANGE,
    CREATE,
    KEEP,
    NEVER_DELETED,
    UNCHANGED,
    Problem,
    Step,
)
from improvement.workbook.stored import Stored
from improvement.workbook.updates import UpdateSheets
from improvement.workbook.values import (
    CellProblem,
    UnknownStatus,
    fits_a_cell,
    lines_out,
    read_choice,
    read_date,
    read_figure_cell,
    read_lines,
    read_list,
    read_number,
    read_status,
    read_text,
    read_whole,
    read_yes_no,
    show,
    status_words,
)
from metrics.models import Measure

NOT_YOURS = (
    "You can import only into plans you edit; a new plan can be created by import by a "
    "plan editor or an administrator."
)


def can_create_plans(user) -> bool:
    """Who may create a plan by importing it: administrators and plan editors (who
    become the new plan's editors)."""
    return is_administrator(user) or is_plan_editor(user)


class Planner(MeasureSheets, UpdateSheets, ColumnMappingSheet):
    """Works out (`run`) and saves (`apply`) the import of one read workbook; its
    sheets of measures and of updates are in `measures.py` and `updates.py`."""

    def __init__(
        self,
        read: ReadWorkbook,
        *,
        user=None,
        check_permissions: bool = True,
        lock=False,
        today: date | None = None,
        add_labels: dict[str, str] | None = None,
    ):
        self.read = read
        # Labels the person chose, in the dry run, to add to the plan's key.
        self.add_labels = dict(add_labels or {})
        self.joins_as_editor = False  # a plan editor creating a plan becomes its editor
        self.lock = lock  # confirming: hold the plan's rows until the import is saved
        self.user = user
        self.check_permissions = check_permissions
        # On the command line (no permission checks) the person running it is trusted
        # as an administrator is: they may import history in anyone's name.
        self.administrator = not check_permissions or is_administrator(user)
        self.today = today or timezone.localdate()
        self.problems: list[Problem] = []
        self._problem_cells: set[tuple] = set()
        self._problem_keys: set[tuple] = set()
        self.steps: list[Step] = []
        self.writes = Writes(reason=f"Imported from a {read.source}")
        self.plan: Plan | None = None
        self.stored = Stored(None)
        self.labels: dict[str, str] = {}  # status -> the label shown for it
        self.words = status_words({})
        self.key: list[StatusKeyEntry] = []
        self._key_by_word: dict[str, StatusKeyEntry] = {}
        self.users: dict[str, object] = {}
        self.periods: dict[str, ReportingPeriod] = {}
        self.objectives: dict[str, Objective] = {}
        self.actions: dict[tuple[str, str], Action] = {}
        self.sections: dict[str, Section] = {}
        self.measures: dict[str, Measure] = {}
        for problem in read.problems:
            self.problem(
                problem.sheet,
                problem.row,
                problem.column,
                problem.message,
                problem.fix,
                problem.label_to_add,
            )

    # -- reporting -----------------------------------------------------------------------

    def problem(self, sheet, row, column, message, fix="", label_to_add="") -> None:
        """Record a problem; one per cell (the first), and no exact repeats.
        `label_to_add`: a status label the plan's key lacks, which the dry run offers to
        add (`ImportResult.labels_to_add`)."""
        if column and (sheet, row, column) in self._problem_cells:
            return
        key = (sheet, row, column, message)
        if key in self._problem_keys:
            return
        self._problem_keys.add(key)
        if column:
            self._problem_cells.add((sheet, row, column))
        self.problems.append(Problem(sheet, row, column, message, fix, label_to_add))

    def step(self, rows: SheetRows | str, row: int | None, kind: str, what: str) -> None:
        title = rows.title if isinstance(rows, SheetRows) else rows
        self.steps.append(Step(title, row, kind, what))

    def _outcome(self, rows, row, instance, thing: str, changes: list[str], created: bool):
        if created:
            self.step(rows, row, CREATE, f"create {thing}")
        elif changes:
            self.step(rows, row, CHANGE, f"change {thing}: {'; '.join(changes)}")
        else:
            self.step(rows, row, UNCHANGED, f"{thing} unchanged")

    # -- reading cells -------------------------------------------------------------------

    def _parse(self, rows: SheetRows, column: fmt.Column, raw):
        if raw is INVALID:
            return INVALID
        match column.kind:
            case fmt.TEXT:
                text = read_text(raw)
                fits_a_cell(text)
                return text
            case fmt.USER:
                return read_text(raw)
            case fmt.LINES:
                items = read_lines(raw)
                fits_a_cell(lines_out(items))
                return items
            case fmt.DATE:
                return read_date(raw, month_year=rows.month_year(column.name))
            case fmt.NUMBER:
                return read_number(raw)
            case fmt.FIGURE:
                return read_figure_cell(raw)
            case fmt.WHOLE:
                return read_whole(raw)
            case fmt.YES_NO:
                return read_yes_no(raw)
            case fmt.CHOICE:
                return read_choice(raw, column.choices)
            case fmt.STATUS:
                return read_status(raw, self.words)
            case fmt.USERS | fmt.REFERENCES:
                return read_list(raw)
        raise AssertionError(column.kind)

    def _cell(self, rows: SheetRows, number: int | None, column: fmt.Column, raw):
        try:
            value = self._parse(rows, column, raw)
        except UnknownStatus as exc:
            self.problem(rows.title, number, column.name, exc.message, exc.fix, exc.label)
            return INVALID
        except CellProblem as exc:
            self.problem(rows.title, number, column.name, exc.message, exc.fix)
            return INVALID
        if column.required and value in (None, "", []):
            self.problem(
                rows.title,
                number,
                column.name,
                f"The {column.name} is blank.",
                f"Fill it in. {column.meaning}",
            )
            return INVALID
        return value

    def cells(self, rows: SheetRows, row: Row) -> dict:
        """The row's values by column, read; INVALID where the cell has a problem. A
        column the sheet leaves out is not in the result (it keeps what is stored)."""
        return {
            c.name: self._cell(rows, row.number, c, row.values.get(c.name))
            for c in rows.sheet.columns
            if rows.has(c.name)
        }

    def _user(self, rows, number, column, username: str):
        if not username:
            return None
        user = self.users.get(username)
        if user is None:
            self.problem(
                rows.title,
                number,
                column,
                f"There is no user “{username}” in the tracker.",
                "Check the user name (the one they sign in with), add them in the admin "
                "first, or leave the cell blank.",
            )
            return INVALID
        return user

    # -- filling and checking objects ----------------------------------------------------

    def _fill(self, instance, rows: SheetRows, number, values: dict, changes: list[str]):
        """Set the instance's fields from the row's columns, noting each change."""
        for column in rows.sheet.columns:
            name = column.field
            if not name or column.name not in values or name.startswith("key:"):
                continue
            stored_as = model_field(instance, name)
            if stored_as is None or stored_as.many_to_many:
                continue
            value = values[column.name]
            if value is INVALID:
                continue
            if column.kind == fmt.USER:
                user = self._user(rows, number, column.name, value)
                if user is INVALID:
                    continue
                old = getattr(instance, name) if getattr(instance, f"{name}_id") else None
                if (old.pk if old else None) != (user.pk if user else None):
                    changes.append(
                        f"{column.name.lower()} from {show(old and old.get_username())} "
                        f"to {show(user and user.get_username())}"
                    )
                    setattr(instance, name, user)
                continue
            if stored_as.is_relation:
                continue  # set by the sheet's own code (section, period)
            if value is None or value == "":
                if column.default is not None:
                    value = column.default
                elif isinstance(stored_as, models.CharField | models.TextField):
                    value = ""
            old = getattr(instance, name)
            if old != value:
                changes.append(
                    f"{column.name.lower()} from {self._show(column, old)} "
                    f"to {self._show(column, value)}"
                )
                setattr(instance, name, value)

    def _show(self, column: fmt.Column, value) -> str:
        if column.kind == fmt.CHOICE and value:
            return show(dict(column.choices).get(value, value))
        if column.kind == fmt.STATUS and value:
            return show(self.labels.get(value) or Status(value).label)
        return show(value)

    def _check(self, instance, title: str, where: Callable[[str], tuple[int | None, str]]):
        """The model's own rules, without queries: field checks and clean(), then its
        check constraints in Python. Foreign keys are objects already in hand."""
        exclude = [f.name for f in instance._meta.fields if f.is_relation]
        try:
            instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                number, column = where(name)
                for message in messages:
                    self.problem(title, number, column, message, _fix_for(column))
        for constraint in instance._meta.constraints:
            if isinstance(constraint, CheckConstraint) and not holds(constraint, instance):
                number, column = where("__all__")
                self.problem(title, number, "", constraint.get_violation_error_message())

    def _where(self, rows: SheetRows, number: int):
        columns = {c.field: c.name for c in rows.sheet.columns if c.field}

        def where(name: str) -> tuple[int | None, str]:
            return number, columns.get(name, "")

        return where

    def _save(self, instance) -> None:
        """Save later, when the import is confirmed and nothing is wrong."""
        self.writes.save(instance)

    def _relate(self, instance, relation: str, objects: list | None) -> None:
        """Set a many-to-many relation once saved (None: leave it as it is)."""
        if objects is not None:
            self.writes.relate(instance, relation, objects)

    # -- the whole workbook --------------------------------------------------------------

    def run(self) -> None:
        if not self.read.readable:
            return
        plan_rows = self.read.sheets.get(fmt.PLAN.name)
        if plan_rows is None:
            if not any(p.sheet == fmt.PLAN.name for p in self.problems):
                self.problem(
                    fmt.PLAN.name,
                    None,
                    "",
                    "The workbook has no Plan sheet, so it does not say which plan it is.",
                    "Add a Plan sheet with at least the Slug (download the template).",
                )
            return
        if not self._plan(plan_rows):
            return
        self._preload()
        key_rows = self.read.sheets.get(fmt.STATUS_KEY.name)
        if key_rows is not None and key_rows.complete:
            self._key_sheet(key_rows)
        self._added_labels()
        self._finish_key()
        for name, method in [
            (fmt.SECTIONS.name, self._sections),
            (fmt.OBJECTIVES.name, self._objectives),
            (fmt.ACTIONS.name, self._actions),
            (fmt.MILESTONES.name, self._milestones),
            (fmt.MEASURES.name, self._measures),
            (fmt.TARGETS.name, self._targets),
            (fmt.DATA.name, self._data),
            (fmt.UPDATES.name, self._updates),
            (fmt.COLUMN_MAPPINGS.name, self._column_mappings),
        ]:
            rows = self.read.sheets.get(name)
            if rows is not None and rows.complete:
                method(rows)
            elif rows is None and name == fmt.UPDATES.name and fmt.AREAS.name in self.read.sheets:
                self.problem(
                    self.read.sheets[fmt.AREAS.name].title,
                    None,
                    "",
                    "There are areas for development but no Updates sheet for them to belong to.",
                    "Add the Updates sheet, or remove the Areas sheet.",
                )

    def apply(self) -> Plan:
        """Save everything planned, in bulk. The caller holds the transaction."""
        stored = (
            Plan.objects.filter(pk=self.plan.pk).values("reporting_cadence", "start_date").first()
            if self.plan.pk
            else None
        )
        self.writes.apply(user=self.user, before=self._before_saving)
        if self.joins_as_editor:
            # Recorded in the plan's history (its editors are), in the importer's name.
            self.plan._history_user = self.user
            self.plan.editors.add(self.user)
        # The plan's reporting periods from its start date to today (those the updates
        # named were saved with them); a changed cadence or start date replaces the
        # generated periods nothing points at yet.
        if stored and (stored["reporting_cadence"], stored["start_date"]) != (
            self.plan.reporting_cadence,
            self.plan.start_date,
        ):
            regenerate_periods(
                self.plan,
                old_cadence=stored["reporting_cadence"],
                old_start=stored["start_date"],
                today=self.today,
            )
        else:
            generate_periods(self.plan, self.today)
        # Bulk writes send no signals: move the plan's version on and rewrite its status
        # timeline here, in the caller's transaction.
        plan_versions.bump([self.plan.pk])
        status_timeline.rebuild_plans([self.plan.pk])
        return self.plan

    def _plan_periods(self, names: set[str]) -> dict[str, ReportingPeriod]:
        """The plan's periods named in the workbook. A new plan's are the ones its cadence
        gives (`period_dates`, any year, even before its start date), saved with it when
        an update names them."""
        if self.plan.pk:
            return {
                p.name: p for p in ReportingPeriod.objects.filter(plan=self.plan, name__in=names)
            }
        planned = {
            p.name: ReportingPeriod(
                plan=self.plan,
                name=p.name,
                start=p.start,
                end=p.end,
                update_deadline=p.update_deadline,
            )
            for p in period_dates(self.plan.reporting_cadence, EARLIEST_PERIOD, self.today)
            if p.name in names
        }
        for period in planned.values():
            self._save(period)
        return planned

    # -- preloading: users and reporting periods named anywhere, in one query each -------

    def _preload(self) -> None:
        usernames, periods = set(), set()
        for rows in self.read.sheets.values():
            for column in rows.sheet.columns:
                if not rows.has(column.name):
                    continue
                if column.kind in (fmt.USER, fmt.USERS):
                    for row in rows.rows:
                        raw = row.values.get(column.name)
                        if raw is not None and raw is not INVALID:
                            usernames.update(read_list(raw))
                if column.field == "period":
                    for row in rows.rows:
                        raw = row.values.get(column.name)
                        if raw is not None and raw is not INVALID:
                            periods.add(read_text(raw))
        if usernames:
            User = get_user_model()  # noqa: N806
            field_name = User.USERNAME_FIELD
            self.users = {
                u.get_username(): u for u in User.objects.filter(**{f"{field_name}__in": usernames})
            }
        if periods:
            self.periods = self._plan_periods(periods)

    # -- Plan ----------------------------------------------------------------------------

    def _field(self, rows: SheetRows, name: str):
        """(row number, value) of a Plan sheet field, or None when the row is left out."""
        if name not in rows.fields:
            return None
        number, raw = rows.fields[name]
        column = rows.sheet.column(name)
        try:
            return number, self._parse(rows, column, raw)
        except CellProblem as exc:
            self.problem(rows.title, number, "Value", exc.message, exc.fix)
            return number, INVALID

    def _plan(self, rows: SheetRows) -> bool:
        title = rows.title
        slug_cell = self._field(rows, "Slug")
        if slug_cell is None or slug_cell[1] in (INVALID, ""):
            self.problem(
                title,
                slug_cell[0] if slug_cell else None,
                "Value" if slug_cell else "Field",
                "The plan's Slug is missing: it says which plan the workbook is.",
                "Add a row with Slug in the Field column and the plan's slug (e.g. "
                "anytown-2025) in the Value column.",
            )
            return False
        slug_row, slug = slug_cell
        plans = Plan.objects.select_for_update() if self.lock else Plan.objects
        stored = plans.filter(slug=slug).first()
        if self.check_permissions:
            allowed = can_edit_plan(self.user, stored) if stored else can_create_plans(self.user)
            if not allowed:
                # Nothing more is read: the plan's contents are not this person's to see.
                self.problem(title, slug_row, "Value", NOT_YOURS, "Check the slug.")
                return False
        self.stored = Stored.load(stored, lock=self.lock)
        plan = stored or Plan(slug=slug)
        self.plan = plan
        created = stored is None

        values, numbers = {}, {}
        for column in rows.sheet.columns:
            cell = self._field(rows, column.name)
            if cell is None:
                if created and column.required:
                    self.problem(
                        title,
                        None,
                        column.name,
                        f"A new plan needs its {column.name}, and the Plan sheet has no "
                        f"{column.name} row.",
                        f"Add a row with {column.name} in the Field column. {column.meaning}",
                    )
                continue
            number, value = cell
            numbers[column.field] = number
            if column.required and value in (None, ""):
                self.problem(title, number, "Value", f"The {column.name} is blank.", column.meaning)
                value = INVALID
            values[column.name] = value

        changes: list[str] = []
        restricted_before = plan.restricted
        self._fill_plan(plan, rows, values, numbers, changes)
        if (
            plan.restricted != restricted_before
            and self.check_permissions
            and not is_administrator(self.user)
        ):
            self.problem(
                title,
                numbers.get("restricted"),
                "Value",
                "Only administrators can change whether a plan is restricted.",
                "Set Restricted back to what the plan has (No for a new plan), or ask an "
                "administrator.",
            )

        names = {c.field: c.name for c in rows.sheet.columns}

        def where(name: str):
            if name in numbers:
                return numbers[name], "Value"
            return None, names.get(name, "")

        if created or changes:
            self._check(plan, title, where)
            self._save(plan)
        self._outcome(title, slug_row, plan, f"plan {slug}", changes, created)
        if created and self.check_permissions and not is_administrator(self.user):
            self.joins_as_editor = True
            self.step(
                title,
                slug_row,
                CREATE,
                f"make you ({self.user.get_username()}) an editor of plan {slug}",
            )
        self._start_key()
        self._status_key(rows, values, numbers)
        return True

    def _fill_plan(self, plan, rows, values, numbers, changes) -> None:
        for column in rows.sheet.columns:
            if column.name not in values or column.field.startswith("key:"):
                continue
            value = values[column.name]
            if value is INVALID or column.field == "slug":
                continue
            if value is None or value == "":
                value = column.default if column.default is not None else value
                if value is None and column.kind in (fmt.TEXT, fmt.CHOICE):
                    value = ""
            old = getattr(plan, column.field)
            if old != value:
                changes.append(
                    f"{column.name.lower()} from {self._show(column, old)} "
                    f"to {self._show(column, value)}"
                )
                setattr(plan, column.field, value)

    # -- the status key ------------------------------------------------------------------

    def _start_key(self) -> None:
        """The key as stored, in order; the Plan sheet's older label rows, the Status key
        sheet and labels added in the dry run then add to it."""
        rank = {status.value: i for i, status in enumerate(DISPLAY_ORDER)}
        self.key = sorted(
            self.stored.key, key=lambda e: (rank.get(e.status, len(rank)), e.position, e.pk)
        )
        self._key_by_word = {status_match_key(e.label): e for e in self.key}

    def _finish_key(self) -> None:
        rank = {status.value: i for i, status in enumerate(DISPLAY_ORDER)}
        ordered = sorted(
            enumerate(self.key),
            key=lambda pair: (rank.get(pair[1].status, len(rank)), pair[1].position, pair[0]),
        )
        self.key = [entry for _, entry in ordered]
        self.labels = {}
        for entry in self.key:
            self.labels.setdefault(entry.status, entry.label)
        self.words = status_words([(e.label, e.status) for e in self.key])

    def _new_label(self, label: str, status: str, position: int) -> StatusKeyEntry:
        entry = StatusKeyEntry(plan=self.plan, status=status, label=label, position=position)
        self.key.append(entry)
        self._key_by_word[status_match_key(label)] = entry
        return entry

    def _status_key(self, rows: SheetRows, values: dict, numbers: dict) -> None:
        """The Plan sheet's "<status> label" and "<status> meaning" rows of older
        workbooks: each makes its label the first for its status (renaming the first
        label the status has, as they always did)."""
        title = rows.title
        seen: dict[str, str] = {}
        for status in Status:
            label_column, meaning_column = f"{status.label} label", f"{status.label} meaning"
            label = values.get(label_column)
            meaning = values.get(meaning_column)
            number = numbers.get(f"key:{status.value}:label") or numbers.get(
                f"key:{status.value}:description"
            )
            if label is INVALID or meaning is INVALID:
                continue
            label = " ".join((label or "").split())
            first = next((e for e in self.key if e.status == status.value), None)
            if label:
                other = seen.get(label.casefold())
                if other:
                    self.problem(
                        title,
                        number,
                        "Value",
                        f"“{label}” is already the label for {other}.",
                        "Give each status its own label.",
                    )
                    continue
                seen[label.casefold()] = status.label
            if not label:
                if meaning and label_column in values and not first:
                    self.problem(
                        title,
                        numbers.get(f"key:{status.value}:description"),
                        "Value",
                        f"“{status.label}” has a meaning but no label.",
                        f"Fill in the {label_column} row too.",
                    )
                elif first and label_column in values:
                    self.step(
                        title,
                        number,
                        KEEP,
                        f"keep the label “{first.label}” for {status.label} ({NEVER_DELETED})",
                    )
                continue
            existing = self._key_by_word.get(status_match_key(label))
            if existing is not None and existing.status != status.value:
                self.problem(
                    title,
                    number,
                    "Value",
                    f"“{label}” is already the plan's label for {Status(existing.status).label}.",
                    "Give each status its own labels, or change it in the Status key sheet.",
                )
                continue
            # A label the status already has stays where it is; otherwise the status's
            # first label is renamed (or, where it has none, one is created).
            entry = existing or first
            changes: list[str] = []
            created = entry is None
            if created:
                entry = self._new_label(label, status.value, 0)
            elif entry.label != label:
                changes.append(f"label from {show(entry.label)} to {show(label)}")
                self._key_by_word.pop(status_match_key(entry.label), None)
                entry.label = label
                self._key_by_word[status_match_key(label)] = entry
            if meaning_column in values and entry.description != (meaning or ""):
                changes.append(f"meaning from {show(entry.description)} to {show(meaning or '')}")
                entry.description = meaning or ""
            if created or changes:
                self._check(entry, title, lambda name, n=number: (n, "Value"))
                self._save(entry)
            self._outcome(
                title, number, entry, f"status label “{label}” for {status.label}", changes, created
            )

    def _key_sheet(self, rows: SheetRows) -> None:
        """The Status key sheet: one row a label, in the plan's order."""
        first: dict[str, int] = {}
        found: list[tuple[Row, StatusKeyEntry, list[str], bool]] = []
        for position, row in enumerate(rows.rows, start=1):
            values = self.cells(rows, row)
            label, status = values.get("Label"), values.get("Status")
            if INVALID in (label, status):
                continue
            label = " ".join(label.split())
            word = status_match_key(label)
            if word in first:
                self._duplicate(rows, row, "Label", f"label “{label}”", first[word])
                continue
            first[word] = row.number
            entry = self._key_by_word.get(word)
            created = entry is None
            changes: list[str] = []
            if created:
                entry = self._new_label(label, status, position)
            else:
                if entry.status != status:
                    changes.append(
                        f"status from {show(Status(entry.status).label)} to "
                        f"{show(Status(status).label)}"
                    )
                    entry.status = status
                if entry.label != label:
                    changes.append(f"label from {show(entry.label)} to {show(label)}")
                    entry.label = label
            for column, name in (("Meaning", "description"), ("Summary phrase", "phrase")):
                value = values.get(column)
                if column not in values or value is INVALID:
                    continue
                if getattr(entry, name) != (value or ""):
                    if not created:
                        changes.append(
                            f"{column.lower()} from {show(getattr(entry, name))} to {show(value)}"
                        )
                    setattr(entry, name, value or "")
            found.append((row, entry, changes, created))
        self._key_order(found)
        for row, entry, changes, created in found:
            if created or changes:
                self._check(entry, rows.title, self._where(rows, row.number))
                self._save(entry)
            self._outcome(
                rows,
                row.number,
                entry,
                f"status label “{entry.label}” for {Status(entry.status).label}",
                changes,
                created,
            )
        for entry in self.stored.key:
            if status_match_key(entry.label) not in first:
                self.step(
                    rows,
                    None,
                    KEEP,
                    f"keep the status label “{entry.label}” for "
                    f"{Status(entry.status).label} ({NEVER_DELETED})",
                )

    def _key_order(self, found: list) -> None:
        """Each status's labels in the sheet's order. Where the stored order (and the
        new labels' places) already give it, nothing is renumbered; else the status's
        labels on the sheet take their row's place as their order."""
        by_status: dict[str, list[tuple[int, StatusKeyEntry, list[str], bool]]] = defaultdict(list)
        for place, (_row, entry, changes, created) in enumerate(found, start=1):
            by_status[entry.status].append((place, entry, changes, created))
        for listed in by_status.values():
            wanted = [entry for _, entry, _, _ in listed]
            ordered = sorted(
                listed, key=lambda item: (item[1].position, item[1].pk is None, item[1].pk or 0)
            )
            if [entry for _, entry, _, _ in ordered] == wanted:
                continue
            for place, entry, changes, created in listed:
                if entry.position != place:
                    if not created:
                        changes.append(f"order from {entry.position} to {place}")
                    entry.position = place

    def _added_labels(self) -> None:
        """Labels the person chose to add in the dry run (`add_labels`: label -> status),
        each after the plan's labels for its status."""
        for label, status in self.add_labels.items():
            label = " ".join(str(label).split())
            if not label or status not in Status.values:
                continue
            existing = self._key_by_word.get(status_match_key(label))
            if existing is not None:
                continue  # the workbook (or the plan) has it already
            position = 1 + max((e.position for e in self.key if e.status == status), default=0)
            entry = self._new_label(label, status, position)
            self._check(entry, fmt.STATUS_KEY.name, lambda name: (None, "Label"))
            self._save(entry)
            self.step(
                fmt.STATUS_KEY.name,
                None,
                CREATE,
                f"create status label “{label}” for {Status(status).label} (added in the check)",
            )

    # -- Sections ------------------------------------------------------------------------

    def _sections(self, rows: SheetRows) -> None:
        first: dict[str, int] = {}
        for position, row in enumerate(rows.rows, start=1):
            values = self.cells(rows, row)
            section_title = values.get("Title")
            if section_title is INVALID:
                continue
            if section_title in first:
                self._duplicate(
                    rows, row, "Title", f"section “{section_title}”", first[section_title]
                )
                continue
            first[section_title] = row.number
            section = self.stored.sections.get(section_title)
            created = section is None
            if created:
                section = Section(plan=self.plan, title=section_title)
            changes: list[str] = []
            if section.position != position:
                if not created:
                    changes.append(f"position from {section.position} to {position}")
                section.position = position
            self.sections[section_title] = section
            if created or changes:
                self._check(section, rows.title, self._where(rows, row.number))
                self._save(section)
            self._outcome(rows, row.number, section, f"section “{section_title}”", changes, created)
        for section_title in self.stored.sections:
            if section_title not in first:
                self.step(rows, None, KEEP, f"keep section “{section_title}” ({NEVER_DELETED})")

    def _duplicate(self, rows, row, column, thing, earlier: int) -> None:
        self.problem(
            rows.title,
            row.number,
            column,
            f"The {thing} is already on row {earlier}.",
            "Each one appears once: remove the duplicate row or correct its reference.",
        )

    # -- Objectives ----------------------------------------------------------------------

    def _section(self, rows, number, name: str):
        if not name:
            return None
        section = self.sections.get(name) or self.stored.sections.get(name)
        if section is None:
            self.problem(
                rows.title,
                number,
                "Section",
                f"There is no section “{name}” on the Sections sheet or in the plan.",
                "Add it to the Sections sheet, or correct the title.",
            )
            return INVALID
        return section

    def _objectives(self, rows: SheetRows) -> None:
        first: dict[str, int] = {}
        numbers = self._numbered(
            [(row, "") for row in rows.rows],
            lambda group, ref: self.stored.objectives.get(ref),
        )
        for row in rows.rows:
            values = self.cells(rows, row)
            reference = values.get("Reference")
            if reference is INVALID:
                continue
            numbered = not reference
            reference = values["Reference"] = reference or numbers[row.number]
            if reference in first:
                self._duplicate(rows, row, "Reference", f"objective {reference}", first[reference])
                continue
            first[reference] = row.number
            objective = self.stored.objectives.get(reference)
            created = objective is None
            if created:
                objective = Objective(plan=self.plan, reference=reference)
            self.objectives[reference] = objective
            changes: list[str] = []
            self._mark_numbered(objective, values, numbered, created, changes)
            self._fill(objective, rows, row.number, values, changes)
            if "Section" in values and values["Section"] is not INVALID:
                section = self._section(rows, row.number, values["Section"])
                if section is not INVALID and not same(objective.section, section):
                    if not created:
                        changes.append(
                            f"section from {show(objective.section and objective.section.title)} "
                            f"to {show(section and section.title)}"
                        )
                    objective.section = section
            if created or changes:
                self._check(objective, rows.title, self._where(rows, row.number))
                self._save(objective)
            thing = f"objective {reference}" + (NUMBERED_NOTE if numbered and created else "")
            self._outcome(rows, row.number, objective, thing, changes, created)
        self._keep(rows, self.stored.objectives, first, lambda ref: f"objective {ref}")

    # -- references the plan does not give -------------------------------------------------

    def _numbered(self, rows: list[tuple[Row, str]], stored) -> dict[int, str]:
        """The number each row without a reference is given, by its place among the rows
        of its group (an objective's actions; all the objectives), in document order:
        the third is 3 (or 1.3 under objective 1), or the next number no reference on
        the sheet or written in the plan already has. A number the tracker gave before
        is the same thing again, so importing the same rows twice matches them."""
        written: dict[str, set[str]] = defaultdict(set)
        places: dict[str, int] = defaultdict(int)
        blank: list[tuple[Row, str, int]] = []
        for row, group in rows:
            places[group] += 1
            raw = row.values.get("Reference")
            text = read_text(raw) if raw is not INVALID else "?"
            if text:
                written[group].add(text)
            else:
                blank.append((row, group, places[group]))
        numbers: dict[int, str] = {}
        for row, group, place in blank:

            def taken(reference: str, group=group) -> bool:
                held = stored(group, reference)
                return reference in written[group] or (
                    held is not None and not held.reference_numbered
                )

            reference = numbered_reference(place, taken, group)
            written[group].add(reference)
            numbers[row.number] = reference
        return numbers

    def _mark_numbered(self, instance, values: dict, numbered: bool, created, changes) -> None:
        """Whether the reference was numbered by the tracker: a blank reference is; a
        written one is as the "Reference numbered" column says (left out: as stored)."""
        given = values.get("Reference numbered")
        if given is INVALID:
            return
        if not numbered and "Reference numbered" in values:
            numbered = bool(given)
        elif not numbered:
            return
        if instance.reference_numbered != numbered:
            if not created:
                changes.append(
                    f"reference numbered from {show(instance.reference_numbered)} to "
                    f"{show(numbered)}"
                )
            instance.reference_numbered = numbered

    def _keep(self, rows, stored: dict, seen, name: Callable) -> None:
        for key in stored:
            if key not in seen:
                self.step(rows, None, KEEP, f"keep {name(key)} ({NEVER_DELETED})")

    def _objective(self, rows, number, reference: str, column: str = "Objective"):
        objective = self.objectives.get(reference) or self.stored.objectives.get(reference)
        if objective is None:
            self.problem(
                rows.title,
                number,
                column,
                f"There is no objective “{reference}” on the Objectives sheet or in the plan.",
                "Add it to the Objectives sheet, or correct the reference.",
            )
        return objective

    def _action(self, rows, number, objective_ref: str, reference: str, column="Action"):
        key = (objective_ref, reference)
        action = self.actions.get(key) or self.stored.actions.get(key)
        if action is None:
            self.problem(
                rows.title,
                number,
                column,
                f"Objective {objective_ref} has no action “{reference}” on the Actions sheet "
                "or in the plan.",
                "Add it to the Actions sheet, or correct the references.",
            )
        return action

    # -- Actions -------------------------------------------------------------------------

    def _actions(self, rows: SheetRows) -> None:
        first: dict[tuple, int] = {}
        numbers = self._numbered(
            [(row, _objective_of(row)) for row in rows.rows],
            lambda group, ref: self.stored.actions.get((group, ref)),
        )
        for row in rows.rows:
            values = self.cells(rows, row)
            objective_ref, reference = values.get("Objective"), values.get("Reference")
            if INVALID in (objective_ref, reference):
                continue
            numbered = not reference
            reference = values["Reference"] = reference or numbers[row.number]
            objective = self._objective(rows, row.number, objective_ref)
            if objective is None:
                continue
            key = (objective_ref, reference)
            if key in first:
                self.problem(
                    rows.title,
                    row.number,
                    "Reference",
                    f"Action {reference} of objective {objective_ref} is already on row "
                    f"{first[key]}.",
                    "Each action appears once: remove the duplicate row or correct its reference.",
                )
                continue
            first[key] = row.number
            action = self.stored.actions.get(key)
            created = action is None
            if created:
                action = Action(objective=objective, reference=reference)
            self.actions[key] = action
            changes: list[str] = []
            self._mark_numbered(action, values, numbered, created, changes)
            self._fill(action, rows, row.number, values, changes)
            delegates = self._delegates(rows, row, values, action, created, changes)
            if created or changes:
                self._check(action, rows.title, self._where(rows, row.number))
                self._save(action)
                self._relate(action, "delegates", delegates)
            thing = f"action {reference}" + (NUMBERED_NOTE if numbered and created else "")
            self._outcome(rows, row.number, action, thing, changes, created)
        self._keep(rows, self.stored.actions, first, lambda key: f"action {key[1]}")

    def _delegates(self, rows, row, values, action, created, changes):
        """The delegates to set after saving, or None to leave them as they are."""
        names = values.get("Delegates")
        if names is None or names is INVALID:
            return None
        users = [self._user(rows, row.number, "Delegates", name) for name in names]
        if INVALID in users:
            return None
        old = set() if created else {u.pk for u in action.delegates.all()}
        if {u.pk for u in users} == old:
            return None
        if not created:
            before = sorted(u.get_username() for u in action.delegates.all())
            changes.append(
                f"delegates from {show(before)} to {show(sorted(u.get_username() for u in users))}"
            )
        return users

    # -- Milestones ----------------------------------------------------------------------

    def _milestones(self, rows: SheetRows) -> None:
        seen: dict[tuple, int] = defaultdict(int)
        for row in rows.rows:
            values = self.cells(rows, row)
            objective_ref, action_ref = values.get("Objective"), values.get("Action")
            milestone_title = values.get("Title")
            if INVALID in (objective_ref, action_ref, milestone_title):
                continue
            action = self._action(rows, row.number, objective_ref, action_ref)
            if action is None:
                continue
            key = (objective_ref, action_ref, milestone_title)
            nth = seen[key]
            seen[key] += 1
            same_title = self.stored.milestones.get(key, [])
            milestone = same_title[nth] if nth < len(same_title) else None
            created = milestone is None
            if created:
                milestone = Milestone(action=action, title=milestone_title)
            changes: list[str] = []
            self._fill(milestone, rows, row.number, values, changes)
            if created or changes:
                self._check(milestone, rows.title, self._where(rows, row.number))
                self._save(milestone)
            self._outcome(
                rows,
                row.number,
                milestone,
                f"milestone “{milestone_title}” of action {action_ref}",
                changes,
                created,
            )
        for key, milestones in self.stored.milestones.items():
            for milestone in milestones[seen.get(key, 0) :]:
                self.step(
                    rows,
                    None,
                    KEEP,
                    f"keep milestone “{milestone.title}” of action {key[1]} ({NEVER_DELETED})",
                )


NUMBERED_NOTE = " (numbered by the tracker: the row gives no reference)"


def _objective_of(row: Row) -> str:
    raw = row.values.get("Objective")
    return read_text(raw) if raw is not INVALID else ""


def _fix_for(column: str) -> str:
    return f"See the {column} column on the Read me sheet." if column else ""


class ImportFailed(Exception):
    """Saving failed after the plan said it would work (the data changed meanwhile)."""


def apply_planned(planner: Planner) -> Plan:
    """Save what was planned; on any database refusal roll the whole import back."""
    try:
        with transaction.atomic():
            return planner.apply()
    except (DatabaseError, ValidationError, AppendOnlyError, ValueError) as exc:
        raise ImportFailed(str(exc)) from exc
