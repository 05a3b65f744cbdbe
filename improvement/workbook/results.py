"""What an import found and did: its problems (each with sheet, row and column, what is
wrong and how to fix it) and its steps (row by row: create, change, unchanged, kept).

The steps of a dry run are kept with the upload (`steps_record`) until it is confirmed;
the confirmation works them out again against the tracker as it is then, and where they
differ (`differences`) someone has changed the plan meanwhile: nothing is saved, and the
page shows what changed.

A dry run is shown changes first (`DryRun`): what will be created or changed, each change
field by field, then what is in the tracker but not in the file (kept: imports never
delete), and the unchanged rows only as a count, to open if wanted. Its summary is in the
future tense ("3 to create") until the import is done ("created 3")."""

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
        """What the import will do (before it is confirmed): "3 to create, …"."""
        return summary(self.counts)

    def done_summary(self) -> str:
        """What the import did (once saved): "created 3, …"."""
        return summary(self.counts, done=True)

    def dry_run(self, shown: int | None = None) -> DryRun:
        return DryRun.of(self.steps, shown)


def summary(counts: Counter, *, done: bool = False) -> str:
    """The counts of a dry run ("3 to create, 1 to change, 76 unchanged") or, once the
    import is done, of what it did ("created 3, changed 1, 76 unchanged")."""
    if done:
        parts = [f"created {counts[CREATE]}", f"changed {counts[CHANGE]}"]
    else:
        parts = [f"{counts[CREATE]} to create", f"{counts[CHANGE]} to change"]
    parts.append(f"{counts[UNCHANGED]} unchanged")
    if counts[KEEP]:
        parts.append(f"{counts[KEEP]} in the tracker but not in the workbook (kept)")
    return ", ".join(parts)


# -- the dry run as a page shows it ----------------------------------------------------


def _outside_quotes(text: str, separator: str) -> list[str]:
    """`text` split at `separator`, except inside “quoted” values."""
    pieces, start, depth, at = [], 0, 0, 0
    while at < len(text):
        if text[at] == "“":
            depth += 1
        elif text[at] == "”" and depth:
            depth -= 1
        elif depth == 0 and text.startswith(separator, at):
            pieces.append(text[start:at])
            at += len(separator)
            start = at
            continue
        at += 1
    pieces.append(text[start:])
    return pieces


@dataclass(frozen=True)
class ShownStep:
    """A step as the dry run shows it: what (“Change action 1.1”) and, for a change, each
    field's change on a line of its own ("Title from “A” to “B”")."""

    sheet: str
    row: int | None
    kind: str
    headline: str
    details: tuple[str, ...] = ()

    @classmethod
    def of(cls, step: Step) -> ShownStep:
        headline, details = step.what, ()
        if step.kind == CHANGE:
            head, *rest = _outside_quotes(step.what, ": ")
            if rest:
                headline = head
                details = tuple(_field_changes(": ".join(rest)))
        return cls(step.sheet, step.row, step.kind, _capital(headline), details)


def _field_changes(text: str) -> list[str]:
    # Changes are joined with "; ", as are the items of a list value ("“a”; “b”"): a
    # piece that does not start with a field's (lower-case) name continues a list.
    changes: list[str] = []
    for piece in _outside_quotes(text, "; "):
        if changes and not piece[:1].islower():
            changes[-1] += f"; {piece}"
        else:
            changes.append(piece)
    return [_capital(change) for change in changes]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class DryRun:
    """A dry run's steps grouped as the page shows them: the changes (creates and
    changes, in the file's order), what is kept though not in the file, and the rows
    left as they are. At most `shown` rows of each group are listed (all, if None);
    `counts` are of every step."""

    counts: Counter
    changes: list[ShownStep]
    kept: list[ShownStep]
    unchanged: list[ShownStep]

    @classmethod
    def of(cls, steps: list[Step], shown: int | None = None) -> DryRun:
        groups: dict[str, list[ShownStep]] = {"changes": [], "kept": [], "unchanged": []}
        for step in steps:
            group = {CREATE: "changes", CHANGE: "changes", KEEP: "kept"}.get(step.kind)
            listed = groups[group or "unchanged"]
            if shown is None or len(listed) < shown:
                listed.append(ShownStep.of(step))
        return cls(Counter(step.kind for step in steps), **groups)

    @property
    def change_count(self) -> int:
        return self.counts[CREATE] + self.counts[CHANGE]

    @property
    def more_changes(self) -> int:
        return self.change_count - len(self.changes)

    @property
    def more_kept(self) -> int:
        return self.counts[KEEP] - len(self.kept)

    @property
    def more_unchanged(self) -> int:
        return self.counts[UNCHANGED] - len(self.unchanged)

    @property
    def to_create(self) -> int:
        return self.counts[CREATE]

    @property
    def to_change(self) -> int:
        return self.counts[CHANGE]

    @property
    def unchanged_count(self) -> int:
        return self.counts[UNCHANGED]

    @property
    def kept_count(self) -> int:
        return self.counts[KEEP]

    def summary(self) -> str:
        return summary(self.counts)
