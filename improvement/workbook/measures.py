"""The Measures, Targets and Data sheets of an import (a part of `Planner`), and how a
target and a figure's date are written back to them.

A target's Value is read as the plan words it (`metrics.wording.read_target`): a number,
a change from the baseline, a ratio, or text in quotes; its words are kept and written
back, so an export imports as the same target. A figure is dated by its Period end, or,
where the document gives none, by the date of the report it was given in (Reported in).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from improvement.workbook.objects import same_objects
from improvement.workbook.readers.workbook import INVALID, SheetRows
from improvement.workbook.results import KEEP, NEVER_DELETED
from improvement.workbook.values import CellProblem, FigureText, read_number, read_text, show
from metrics.models import DataPoint, Measure, Target
from metrics.units import value_problem
from metrics.wording import (
    NUMBER,
    FigureNotUnderstood,
    TargetNotUnderstood,
    TargetWords,
    read_figure,
    read_target,
    words_out,
)

TARGET_FIX = (
    "Write the target as a number (80), a change from the baseline (“10% increase”, "
    '“halve”, “+5 percentage points”), or text in quotes (“"all staff"”).'
)
FIGURE_FIX = (
    "Write the figure as a number without its unit (14 for 14%); in a Ratio measure it "
    "may be a ratio, as 7:10."
)
DATE_FIX = (
    "Give the Period end (the date the figure is for) or, where the document gives none, "
    "Reported in (the date of the report it comes from)."
)


def target_cell(target: Target):
    """A target's Value cell: its number, or its words (text in quotes)."""
    return words_out(
        value=target.value,
        value_high=target.value_high,
        written=target.written,
        change_by=target.change_by,
    )


def target_sort_key(target: Target) -> tuple:
    """Targets in due order, those with no date last (after every dated one)."""
    return (target.due_date is None, target.due_date or date.max)


def figure_dates(point: DataPoint) -> tuple[date | None, date | None]:
    """A figure's (Period end, Reported in) cells: one of them holds its date."""
    return (None, point.period_end) if point.is_reported else (point.period_end, None)


class MeasureSheets:
    """The Measures, Targets and Data sheets (a mixin of `Planner`, whose reporting,
    reading and checking helpers it uses). A measure is named by its reference where it
    has one, else by its name; a target is matched by measure, kind and due date; a data
    point by measure and date."""

    # -- Measures ------------------------------------------------------------------------

    def _stored_measure(self, reference: str, name: str) -> Measure | None:
        if reference:
            for measure in self.stored.measures:
                if measure.reference == reference:
                    return measure
        named = [
            m for m in self.stored.measures if m.name == name and not (reference and m.reference)
        ]
        return named[0] if len(named) == 1 else None

    def _measures(self, rows: SheetRows) -> None:
        first: dict[str, int] = {}
        matched: dict[int, int] = {}
        for row in rows.rows:
            values = self.cells(rows, row)
            reference = values.get("Reference") or ""
            name = values.get("Name")
            if INVALID in (reference, name):
                continue
            key = reference or name
            if key in first:
                self.problem(
                    rows.title,
                    row.number,
                    "Reference" if reference else "Name",
                    f"The measure “{key}” is already on row {first[key]}.",
                    "Each measure appears once; give two measures of the same name their own "
                    "references.",
                )
                continue
            first[key] = row.number
            measure = self._stored_measure(reference, name)
            if measure is not None and measure.pk in matched:
                self.problem(
                    rows.title,
                    row.number,
                    "Name",
                    f"This row and row {matched[measure.pk]} are the same stored measure.",
                    "Give the measures their own references.",
                )
                continue
            created = measure is None
            if created:
                measure = Measure(plan=self.plan)
            else:
                matched[measure.pk] = row.number
            self.measures[key] = measure
            if reference:
                self.measures.setdefault(name, measure)
            changes: list[str] = []
            self._fill(measure, rows, row.number, values, changes)
            links = self._measure_links(rows, row, values, measure, created, changes)
            if created or changes:
                self._check(measure, rows.title, self._where(rows, row.number))
                self._save(measure)
                for relation, objects in links.items():
                    self._relate(measure, relation, objects)
            self._outcome(rows, row.number, measure, f"measure “{key}”", changes, created)
        for measure in self.stored.measures:
            if measure.pk not in matched:
                label = measure.reference or measure.name
                self.step(rows, None, KEEP, f"keep measure “{label}” ({NEVER_DELETED})")

    def _measure_links(self, rows, row, values, measure, created, changes) -> dict:
        links = {}
        for column, relation in (("Objectives", "objectives"), ("Actions", "actions")):
            references = values.get(column)
            if references is None or references is INVALID:
                continue
            objects = []
            for reference in references:
                found = (
                    self._objective(rows, row.number, reference, column)
                    if relation == "objectives"
                    else self._plan_action(rows, row.number, reference)
                )
                if found is None:
                    break
                objects.append(found)
            else:
                old = [] if created else list(getattr(measure, relation).all())
                old_refs = sorted(o.reference for o in old)
                new_refs = sorted(o.reference for o in objects)
                if created or not same_objects(old, objects):
                    if not created:
                        changes.append(
                            f"{column.lower()} from {show(old_refs)} to {show(new_refs)}"
                        )
                    links[relation] = objects
        return links

    def _plan_action(self, rows, number, reference: str):
        """An action named by its reference alone, as a measure names it."""
        matches = {
            key: action
            for key, action in [*self.stored.actions.items(), *self.actions.items()]
            if key[1] == reference
        }
        if len(matches) == 1:
            return next(iter(matches.values()))
        self.problem(
            rows.title,
            number,
            "Actions",
            f"There is no action “{reference}” in the plan."
            if not matches
            else f"Action “{reference}” is ambiguous: several objectives have one.",
            "Correct the reference (as on the Actions sheet)."
            if not matches
            else "Give the actions references unique in the plan.",
        )
        return None

    def _measure(self, rows, number, key: str) -> Measure | None:
        measure = self.measures.get(key) or self._stored_measure(key, key)
        if measure is None:
            measure = next((m for m in self.stored.measures if m.name == key), None)
        if measure is None:
            self.problem(
                rows.title,
                number,
                "Measure",
                f"There is no measure “{key}” on the Measures sheet or in the plan.",
                "Write the measure's Reference, or its Name where it has no reference.",
            )
        return measure

    # -- Targets and Data ----------------------------------------------------------------

    def _targets(self, rows: SheetRows) -> None:
        """Targets, matched by measure, kind and due date. Several rows for one measure,
        kind and due date are a revision history, oldest first: each row revises (replaces)
        the one before it, which keeps the old target, its day and the reason for the
        change (the writer puts them in that order)."""
        seen: dict[tuple, int] = defaultdict(int)
        matched: set[int] = set()
        previous: dict[tuple, Target] = {}
        for row in rows.rows:
            values = self.cells(rows, row)
            key_text, due = values.get("Measure"), values.get("Due date")
            if INVALID in (key_text, due):
                continue
            measure = self._measure(rows, row.number, key_text)
            if measure is None:
                continue
            kind = values.get("Kind") or Target.Kind.FINAL.value
            if kind is INVALID:
                continue
            key = (measure.pk or id(measure), kind, due)
            nth = seen[key]
            seen[key] += 1
            candidates = self.stored.targets.get(key, []) if measure.pk else []
            target = candidates[nth] if nth < len(candidates) else None
            created = target is None
            if created:
                target = Target(measure=measure, kind=kind, due_date=due, set_on=None)
            else:
                matched.add(target.pk)
            changes: list[str] = []
            self._fill(target, rows, row.number, values, changes)
            words = self._target_words(rows, row, measure)
            if words is not None:
                self._set_target(target, words, created, changes)
            before = previous.get(key)
            now = target.replaces if target.replaces_id else None
            if not _same(now, before):
                target.replaces = before
                if before is None:
                    changes.append("no longer revises an earlier target")
                else:
                    agreed = show(before.set_on) if before.set_on else "at the start"
                    changes.append(f"now revises the target agreed {agreed}")
            previous[key] = target
            self._check_values(rows, row.number, measure, target, ("value_high",))
            if measure.direction == "range" and words is not None and words.kind != NUMBER:
                self.problem(
                    rows.title,
                    row.number,
                    "Value",
                    "A range's target is two numbers: its lower end here, its upper end in "
                    "Upper value.",
                    "Write the lower end as a number.",
                )
            elif measure.direction == "range" and target.value_high is None:
                self.problem(
                    rows.title,
                    row.number,
                    "Upper value",
                    "A range needs its upper end.",
                    "Fill in the Upper value.",
                )
            if (created or changes) and (words is not None or not rows.has("Value")):
                # (an unreadable Value already has its problem; the target is not checked
                # again for want of one)
                self._check(target, rows.title, self._target_where(rows, row.number))
                self._save(target)
            label = dict(Target.Kind.choices)[kind].lower()
            self._outcome(
                rows,
                row.number,
                target,
                f"{label} of “{key_text}” " + (f"due {show(due)}" if due else "with no date"),
                changes,
                created,
            )
        for targets in self.stored.targets.values():
            for target in targets:
                if target.pk not in matched:
                    name = target.measure.reference or target.measure.name
                    due = f"due {show(target.due_date)}" if target.due_date else "with no date"
                    self.step(
                        rows,
                        None,
                        KEEP,
                        f"keep the target of “{name}” {due} ({NEVER_DELETED})",
                    )

    def _target_words(self, rows: SheetRows, row, measure: Measure) -> TargetWords | None:
        """The row's Value read as the plan words it, for the measure's unit (None where
        it cannot be read: a problem says why, or the measure's own row has one)."""
        if not rows.has("Value") or not measure.unit:
            return None
        raw = row.values.get("Value")
        try:
            if isinstance(raw, int | float | Decimal) and not isinstance(raw, bool):
                number = read_number(raw)  # a number cell: refuses a percentage-formatted one
                return TargetWords(NUMBER, value=number)
            text = read_text(raw)
            if not text:
                return None  # the blank Value is already reported as required
            return read_target(text, measure.unit)
        except CellProblem as exc:
            self.problem(rows.title, row.number, "Value", exc.message, exc.fix)
        except TargetNotUnderstood as exc:
            self.problem(rows.title, row.number, "Value", str(exc), TARGET_FIX)
        return None

    @staticmethod
    def _set_target(target: Target, words: TargetWords, created: bool, changes: list) -> None:
        old = target_cell(target)
        target.value = words.value
        target.written = words.written
        target.change_by = words.change_by
        target.change = words.change
        new = target_cell(target)
        if not created and show(old) != show(new):
            changes.append(f"value from {show(old)} to {show(new)}")

    def _target_where(self, rows: SheetRows, number: int):
        """Where a target's own rules point: its number, words and change are all in
        the Value column."""
        where = self._where(rows, number)

        def target_where(name: str) -> tuple[int | None, str]:
            if name in ("value", "written", "change", "change_by"):
                return number, "Value"
            return where(name)

        return target_where

    def _check_values(self, rows, number, measure, instance, names) -> None:
        """A measure's unit rules, checked here too because a new measure's targets and
        data cannot ask it through the model until it is saved."""
        columns = {c.field: c.name for c in rows.sheet.columns}
        for name in names:
            value = getattr(instance, name)
            if value is not None and measure.unit:
                problem = value_problem(value, measure.unit)
                if problem:
                    self.problem(rows.title, number, columns[name], problem, "Correct the value.")

    def _figure_words(self, rows: SheetRows, row, measure: Measure, values: dict) -> str | None:
        """A figure's Value written in words, read for its measure: a ratio (7:10) in a
        Ratio measure becomes its value, kept as written; words in a Text measure are what
        was found, where the Text is blank. Returns the words to keep ("" for a plain
        number), or None where the Value is left out or has a problem."""
        figure = values.get("Value")
        if "Value" not in values or figure is INVALID:
            return None
        if not isinstance(figure, FigureText):
            return ""
        if measure.is_text and not values.get("Text"):
            values["Value"], values["Text"] = None, str(figure)
            return ""
        try:
            values["Value"], written = read_figure(figure, measure.unit)
            return written
        except FigureNotUnderstood as exc:
            message, fix = str(exc), FIGURE_FIX
        if measure.is_text:
            message = f"“{figure}” is given as the Value and there is Text too."
            fix = "Keep what was found in the Text column, and empty the Value."
        self.problem(rows.title, row.number, "Value", message, fix)
        values["Value"] = INVALID
        return None

    def _data(self, rows: SheetRows) -> None:
        first: dict[tuple, int] = {}
        for row in rows.rows:
            values = self.cells(rows, row)
            key_text = values.get("Measure")
            period_end, reported_in = values.get("Period end"), values.get("Reported in")
            if INVALID in (key_text, period_end, reported_in):
                continue
            if (period_end is None) == (reported_in is None):
                self.problem(
                    rows.title,
                    row.number,
                    "Period end",
                    "The figure has two dates: its Period end and Reported in."
                    if period_end
                    else "The figure has no date.",
                    DATE_FIX if not period_end else "Keep one: the Period end where it is known.",
                )
                continue
            dated = DataPoint.Dated.PERIOD if period_end else DataPoint.Dated.REPORTED
            period_end = period_end or reported_in
            measure = self._measure(rows, row.number, key_text)
            if measure is None:
                continue
            if measure.indicator:
                self.problem(
                    rows.title,
                    row.number,
                    "Measure",
                    f"“{key_text}” is fed by the workforce returns, not typed in.",
                    "Remove the row; change the workforce returns instead.",
                )
                continue
            key = (measure.pk or id(measure), period_end)
            date_column = "Period end" if dated == DataPoint.Dated.PERIOD else "Reported in"
            if key in first:
                self.problem(
                    rows.title,
                    row.number,
                    date_column,
                    f"“{key_text}” already has a value for {show(period_end)} on row {first[key]}.",
                    "Keep one row per measure and date.",
                )
                continue
            first[key] = row.number
            point = self.stored.data.get(key) if measure.pk else None
            created = point is None
            if created:
                point = DataPoint(measure=measure, period_end=period_end, dated=dated)
            changes: list[str] = []
            if not created and point.dated != dated:
                was = "reported in" if point.is_reported else "period end"
                now = "reported in" if dated == DataPoint.Dated.REPORTED else "period end"
                changes.append(f"its date {show(period_end)} from {was} to {now}")
                point.dated = dated
            written = self._figure_words(rows, row, measure, values)
            if written is not None and point.written != written:
                if not created:
                    changes.append(
                        f"value as written from {show(point.written)} to {show(written)}"
                    )
                point.written = written
            self._fill(point, rows, row.number, values, changes)
            if measure.unit == "text":
                if point.value is not None:
                    self.problem(
                        rows.title,
                        row.number,
                        "Value",
                        "This measure takes text, not a number.",
                        "Put what was found in the Text column.",
                    )
                elif not point.text.strip():
                    self.problem(
                        rows.title, row.number, "Text", "Describe what was found.", "Fill in Text."
                    )
            elif point.value is None and measure.unit:
                self.problem(rows.title, row.number, "Value", "Enter a value.", "Fill in Value.")
            else:
                self._check_values(rows, row.number, measure, point, ("value",))
            if (created or changes) and values.get("Value") is not INVALID:
                # (an unreadable Value already has its problem; the figure is not checked
                # again for want of one)
                self._check(point, rows.title, self._where(rows, row.number))
                self._save(point)
            when = ("reported " if dated == DataPoint.Dated.REPORTED else "for ") + show(period_end)
            self._outcome(
                rows, row.number, point, f"value of “{key_text}” {when}", changes, created
            )
        for (measure_pk, period_end), point in self.stored.data.items():
            if (measure_pk, period_end) not in first and point.source == DataPoint.Source.ENTERED:
                name = point.measure.reference or point.measure.name
                self.step(
                    rows,
                    None,
                    KEEP,
                    f"keep the value of “{name}” for {show(period_end)} ({NEVER_DELETED})",
                )


def _same(a, b) -> bool:
    """The same target: the same object, or two stored copies of one row."""
    return a is b or (a is not None and b is not None and a.pk is not None and a.pk == b.pk)
