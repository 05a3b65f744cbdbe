"""What an import found and did: its problems (each with sheet, row and column, what is
wrong and how to fix it) and its steps (row by row: create, change, unchanged, kept)."""

from __future__ import annotations

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


@dataclass
class ImportResult:
    file_name: str
    problems: list[Problem] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    plan_slug: str = ""
    plan_title: str = ""
    plan: object = None  # the Plan, once saved
    saved: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

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
