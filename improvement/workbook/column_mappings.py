"""The Column mappings sheet of an import (a part of `Planner`): the mappings a document
import saved for the plan (`SavedColumnMapping`), so that they travel with its workbook.

One row per column of a council's table, in the table's order; the rows of one table
share a Mapping label. A mapping is matched to the plan's stored one by its shape (its
heading row, normalised: `mapping.shape_key`), so the same heading row twice in a
workbook is a problem. Like everything an import brings, a mapping is created or
changed, never deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from improvement.models.imports import SavedColumnMapping
from improvement.status import Status
from improvement.workbook import format as fmt
from improvement.workbook.mapping import FIELD_LABELS, field_named, normalise, shape_key
from improvement.workbook.readers.workbook import INVALID, SheetRows
from improvement.workbook.results import KEEP, NEVER_DELETED
from improvement.workbook.values import CellProblem, read_choice, show

STATUS_LINE_FIX = (
    "Write one label a line as “label = standard status”, e.g. “Achieved = Complete”; "
    f"the standard statuses are {', '.join(Status.labels)}."
)


@dataclass
class _Mapping:
    label: str
    first_row: int
    headings: list[str] = field(default_factory=list)
    fields: list[str] = field(default_factory=list)
    statuses: dict[str, str] = field(default_factory=dict)
    readable: bool = True


def read_status_line(line: str) -> tuple[str, str]:
    """("achieved", "complete") from "Achieved = Complete"; `CellProblem` otherwise."""
    label, equals, status = line.rpartition("=")
    label = normalise(label)
    if not equals or not label or not status.strip():
        raise CellProblem(f"“{line}” is not a label = status.", STATUS_LINE_FIX)
    try:
        standard = read_choice(status, tuple(Status.choices))
    except CellProblem:
        raise CellProblem(
            f"“{status.strip()}” is not a standard status.", STATUS_LINE_FIX
        ) from None
    return label, standard


def _field_words(fields: list[str]) -> list[str]:
    return [FIELD_LABELS.get(f, f) if f else "not imported" for f in fields]


class ColumnMappingSheet:
    """The Column mappings sheet (a mixin of `Planner`, whose reporting, reading and
    saving helpers it uses)."""

    def _read_mapping_rows(self, rows: SheetRows) -> list[_Mapping]:
        mappings: dict[str, _Mapping] = {}
        for row in rows.rows:
            values = self.cells(rows, row)
            label = values.get("Mapping")
            if label is INVALID:
                continue
            mapping = mappings.setdefault(label, _Mapping(label, row.number))
            heading, named = values.get("Heading", ""), values.get("Field", "")
            if INVALID in (heading, named):
                mapping.readable = False
                continue
            key = field_named(named or "")
            if key is None:
                self.problem(
                    rows.title,
                    row.number,
                    "Field",
                    f"“{named}” is not one of the choices.",
                    f"Write one of: {fmt.MAPPED_FIELDS}; or leave it blank (not imported).",
                )
                mapping.readable = False
                continue
            mapping.headings.append(heading or "")
            mapping.fields.append(key)
            lines = values.get("Status labels") or []
            if lines is INVALID:
                mapping.readable = False
                continue
            for line in lines:
                try:
                    word, status = read_status_line(line)
                except CellProblem as exc:
                    self.problem(rows.title, row.number, "Status labels", exc.message, exc.fix)
                    mapping.readable = False
                    break
                mapping.statuses[word] = status
        return list(mappings.values())

    def _column_mappings(self, rows: SheetRows) -> None:
        missing = [name for name in ("Heading", "Field") if not rows.has(name)]
        if missing:
            # Without them every column would read as blank, not imported: a mapping's
            # columns are given whole or not at all.
            for name in missing:
                self.problem(
                    rows.title,
                    1,
                    name,
                    f"The {rows.sheet.name} sheet has no {name} column, which it needs.",
                    f"Add a column headed {name} (see the Read me sheet).",
                )
            return
        shapes: dict[str, _Mapping] = {}
        for read in self._read_mapping_rows(rows):
            if not read.readable:
                continue
            shape = shape_key(read.headings)
            if shape in shapes:
                self.problem(
                    rows.title,
                    read.first_row,
                    "Mapping",
                    f"Mapping {read.label} has the same heading row as mapping "
                    f"{shapes[shape].label} (headings are compared ignoring case and spaces).",
                    "Keep one of them.",
                )
                continue
            shapes[shape] = read
            mapping = self.stored.mappings.get(shape)
            created = mapping is None
            changes: list[str] = []
            if created:
                mapping = SavedColumnMapping(
                    plan=self.plan,
                    organisation=self.plan.organisation,
                    shape=shape,
                    saved_by=self.user if getattr(self.user, "pk", None) else None,
                )
            else:
                if mapping.headings != read.headings:
                    changes.append(
                        f"headings from {show(mapping.headings)} to {show(read.headings)}"
                    )
                if list(mapping.fields) != read.fields:
                    changes.append(
                        f"fields from {show(_field_words(mapping.fields))} to "
                        f"{show(_field_words(read.fields))}"
                    )
                if not rows.has("Status labels"):
                    read.statuses = dict(mapping.statuses or {})  # left out: kept as stored
                if dict(mapping.statuses or {}) != read.statuses:
                    changes.append(
                        f"status labels from {show(sorted(mapping.statuses or {}))} to "
                        f"{show(sorted(read.statuses))}"
                    )
            mapping.headings, mapping.fields = read.headings, read.fields
            mapping.statuses = read.statuses
            if created or changes:
                mapping.saved_at = timezone.now()
                self._check(mapping, rows.title, lambda name, n=read.first_row: (n, "Mapping"))
                self._save(mapping)
            thing = f"column mapping {read.label} ({' | '.join(read.headings)})"
            self._outcome(rows, read.first_row, mapping, _shown(thing), changes, created)
        for shape, mapping in self.stored.mappings.items():
            if shape not in shapes:
                thing = _shown(f"column mapping ({' | '.join(mapping.headings)})")
                self.step(rows, None, KEEP, f"keep {thing} ({NEVER_DELETED})")


def _shown(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 2].rstrip() + "…)"
