"""What an import found and did: its problems (each with sheet, row and column, what is
wrong and how to fix it) and its steps (row by row: create, change, unchanged, kept).

The steps of a dry run are kept with the upload (`steps_record`) until it is confirmed;
the confirmation works them out again against the tracker as it is then, and where they
differ (`differences`) someone has changed the plan meanwhile: nothing is saved, and the
page shows what changed."""

from __future__ import annotations

import json
import zlib
from collections import Counter
from dataclasses import dataclass, field

CREATE, CHANGE, UNCHANGED, KEEP = "create", "change", "unchanged", "keep"
NEVER_DELETED = "imports never delete: remove it in the admin if it should go"


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str
    fix: str = ""
    # A status label the plan's key lacks: the dry run offers to add it (key15).
    label_to_add: str = ""

    def __str__(self) -> str:
        where = self.sheet or "File"
        if self.row:
            where += f" row {self.row}"
        if self.column:
            where += f", {self.column}"
        text = f"{where}: {self.message}"
        return f"{text} {self.fix}".rstrip() if self.fix else text


@dataclass(frozen=True)
class Step:
    sheet: str
    row: int | None
    kind: str  # CREATE, CHANGE, UNCHANGED or KEEP
    what: str

    def __str__(self) -> str:
        where = (
            f"{self.sheet} row {self.row}" if self.row else f"{self.sheet} (not in the workbook)"
        )
        return f"{where}: {self.what}"


@dataclass(frozen=True)
class Difference:
    """A row the import would now handle differently from what its dry run said."""

    sheet: str
    row: int | None
    before: str  # what the dry run said ("" where it did not mention it)
    now: str  # what the import would do now ("" where it no longer would)


def steps_record(steps: list[Step]) -> bytes:
    """The steps, compressed to be kept in the database until the import is confirmed."""
    rows = [[s.sheet, s.row, s.kind, s.what] for s in steps]
    return zlib.compress(json.dumps(rows, ensure_ascii=False).encode(), 6)


def steps_from_record(data: bytes) -> list[Step]:
    if not data:
        return []
    return [Step(*row) for row in json.loads(zlib.decompress(bytes(data)))]


def differences(before: list[Step], now: list[Step]) -> list[Difference]:
    """What differs between two runs' steps, paired row by row where rows match."""
    gone = Counter(before) - Counter(now)
    new = Counter(now) - Counter(before)
    if not gone and not new:
        return []
    unpaired_new: dict[tuple, list[Step]] = {}
    for step in now:
        if new[step] > 0:
            new[step] -= 1
            unpaired_new.setdefault((step.sheet, step.row), []).append(step)
    found = []
    for step in before:
        if gone[step] <= 0:
            continue
        gone[step] -= 1
        partners = unpaired_new.get((step.sheet, step.row)) if step.row else None
        now_what = partners.pop(0).what if partners else ""
        found.append(Difference(step.sheet, step.row, step.what, now_what))
    for steps in unpaired_new.values():
        found.extend(Difference(s.sheet, s.row, "", s.what) for s in steps)
    return found


@dataclass
class ImportResult:
    file_name: str
    problems: list[Problem] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    plan_slug: str = ""
    plan_title: str = ""
    plan: object = None  # the Plan, once saved
    saved: bool = False
    # Confirming: how the plan changed since the dry run (nothing is saved if it did).
    changed_since: list[Difference] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def labels_to_add(self) -> list[str]:
        """Status labels the workbook uses that the plan's key lacks, in the order first
        found: each can be added under a standard status and the check run again
        (`plan_import(add_labels=...)`)."""
        found: dict[str, str] = {}
        for problem in self.problems:
            if problem.label_to_add:
                found.setdefault(problem.label_to_add.casefold(), problem.label_to_add)
        return list(found.values())

    @property
    def counts(self) -> Counter:
        return Counter(step.kind for step in self.steps)

    @property
    def changes_anything(self) -> bool:
        counts = self.counts
        return bool(counts[CREATE] or counts[CHANGE])

    def summary(self) -> str:
        counts = self.counts
        parts = [
            f"{counts[CREATE]} to create",
            f"{counts[CHANGE]} to change",
            f"{counts[UNCHANGED]} unchanged",
        ]
        if counts[KEEP]:
            parts.append(f"{counts[KEEP]} in the tracker but not in the workbook (kept)")
        return ", ".join(parts)
