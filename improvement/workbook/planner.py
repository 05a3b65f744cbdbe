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
from improvement.permissions import can_edit_plan, is_administrator
from improvement.status import Status
from improvement.workbook import format as fmt
from improvement.workbook.apply import Writes
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
    fits_a_cell,
    lines_out,
    read_choice,
    read_date,
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

NOT_YOURS = "You can import only into plans you edit, and only administrators can create plans."


class Planner(MeasureSheets, UpdateSheets):
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
    ):
        self.read = read
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
        self.writes = Writes()
        self.plan: Plan | None = None
        self.stored = Stored(None)
        self.labels: dict[str, str] = {}
        self.words: dict[str, str] = status_words({})
        self.users: dict[str, object] = {}
        self.periods: dict[str, ReportingPeriod] = {}
        self.objectives: dict[str, Objective] = {}
        self.actions: dict[tuple[str, str], Action] = {}
        self.sections: dict[str, Section] = {}
        self.measures: dict[str, Measure] = {}
        for problem in read.problems:
            self.problem(problem.sheet, problem.row, problem.column, problem.message, problem.fix)

    # -- reporting -----------------------------------------------------------------------

    def problem(self, sheet, row, column, message, fix="") -> None:
        """Record a problem; one per cell (the first), and no exact repeats."""
        if column and (sheet, row, column) in self._problem_cells:
            return
        key = (sheet, row, column, message)
        if key in self._problem_keys:
            return
        self._problem_keys.add(key)
        if column:
            self._problem_cells.add((sheet, row, column))
        self.problems.append(Problem(sheet, row, column, message, fix))

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
            case fmt.WHOLE:
                return read_whole(raw)
            case fmt.YES_NO:
                return read_yes_no(raw)
            case fmt.CHOICE:
                return read_choice(raw, column.choices)
            case fmt.STATUS:
                return read_status(raw, self.words, self.labels)
            case fmt.USERS | fmt.REFERENCES:
                return read_list(raw)
        raise AssertionError(column.kind)

    def _cell(self, rows: SheetRows, number: int | None, column: fmt.Column, raw):
        try:
            value = self._parse(rows, column, raw)
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
        for name, method in [
            (fmt.SECTIONS.name, self._sections),
            (fmt.OBJECTIVES.name, self._objectives),
            (fmt.ACTIONS.name, self._actions),
            (fmt.MILESTONES.name, self._milestones),
            (fmt.MEASURES.name, self._measures),
            (fmt.TARGETS.name, self._targets),
            (fmt.DATA.name, self._data),
            (fmt.UPDATES.name, self._updates),
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
            allowed = can_edit_plan(self.user, stored) if stored else is_administrator(self.user)
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
            not created
            and plan.restricted != restricted_before
            and self.check_permissions
            and not is_administrator(self.user)
        ):
            self.problem(
                title,
                numbers.get("restricted"),
                "Value",
                "Only administrators can change whether a plan is restricted.",
                "Set Restricted back to what the plan has, or ask an administrator.",
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

    def _status_key(self, rows: SheetRows, values: dict, numbers: dict) -> None:
        title = rows.title
        stored_labels = {status: entry.label for status, entry in self.stored.key.items()}
        labels = dict(stored_labels)
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
            entry = self.stored.key.get(status.value)
            if label:
                labels[status.value] = label
                other = seen.get(label.casefold())
                if other:
                    self.problem(
                        title,
                        number,
                        "Value",
                        f"“{label}” is already the label for {other}.",
                        "Give each status its own label.",
                    )
                seen[label.casefold()] = status.label
            if not label:
                if meaning and label_column in values and not entry:
                    self.problem(
                        title,
                        numbers.get(f"key:{status.value}:description"),
                        "Value",
                        f"“{status.label}” has a meaning but no label.",
                        f"Fill in the {label_column} row too.",
                    )
                elif entry and label_column in values:
                    self.step(
                        title,
                        number,
                        KEEP,
                        f"keep the label “{entry.label}” for {status.label} ({NEVER_DELETED})",
                    )
                continue
            changes: list[str] = []
            created = entry is None
            if created:
                entry = StatusKeyEntry(plan=self.plan, status=status.value)
            if entry.label != label:
                changes.append(f"label from {show(entry.label)} to {show(label)}")
                entry.label = label
            if meaning_column in values and entry.description != (meaning or ""):
                changes.append(f"meaning from {show(entry.description)} to {show(meaning or '')}")
                entry.description = meaning or ""
            if created or changes:
                self._check(entry, title, lambda name, n=number: (n, "Value"))
                self._save(entry)
            self._outcome(
                title, number, entry, f"status label “{label}” for {status.label}", changes, created
            )
        self.labels = labels
        self.words = status_words(labels)

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
        for row in rows.rows:
            values = self.cells(rows, row)
            reference = values.get("Reference")
            if reference is INVALID:
                continue
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
            self._outcome(rows, row.number, objective, f"objective {reference}", changes, created)
        self._keep(rows, self.stored.objectives, first, lambda ref: f"objective {ref}")

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
        for row in rows.rows:
            values = self.cells(rows, row)
            objective_ref, reference = values.get("Objective"), values.get("Reference")
            if INVALID in (objective_ref, reference):
                continue
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
            self._fill(action, rows, row.number, values, changes)
            delegates = self._delegates(rows, row, values, action, created, changes)
            if created or changes:
                self._check(action, rows.title, self._where(rows, row.number))
                self._save(action)
                self._relate(action, "delegates", delegates)
            self._outcome(rows, row.number, action, f"action {reference}", changes, created)
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
