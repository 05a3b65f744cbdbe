"""The Updates and Areas sheets of an import (a part of `Planner`).

Progress updates are append-only. A row identical to a stored update (same action or
objective, same date, same content in the columns the sheet has; a blank "Recorded by"
matches whoever recorded it) is unchanged; a row whose action (or objective) and date has
no stored update is a new update; a row that would change a stored one is a problem:
"add a new row with its own date".

A new update is recorded as the progress form records one: in the importing person's
name and dated today (a blank "As at" means today, a blank "Recorded by" the person
importing). Only an administrator imports an update in someone else's name or dated
before today (history: it is marked a correction, as in the admin). Nobody dates one in
the future or before the plan starts. Where the plan asks for sign-off, a new update
waits for it unless its author is one who signs off (`services.needs_sign_off`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from improvement.models import Action, AreaForDevelopment, Objective, ProgressUpdate
from improvement.models.progress import update_date_problem
from improvement.services import backdating_problem, is_correction, needs_sign_off
from improvement.workbook import format as fmt
from improvement.workbook.readers.workbook import INVALID, Row, SheetRows
from improvement.workbook.results import CREATE, KEEP, UNCHANGED
from improvement.workbook.stored import subject_name, update_key
from improvement.workbook.values import read_text, show


@dataclass
class _Update:
    """An Updates row, read and resolved."""

    row: Row
    ref: str
    subject: Action | Objective
    content: dict
    cells: dict


class UpdateSheets:
    """The Updates sheet, with the Areas sheet read alongside it (a mixin of `Planner`,
    whose reporting, reading and checking helpers it uses)."""

    def _areas(self, refs: dict[str, int]) -> dict[str, list[tuple[Row, dict]]] | None:
        """Areas rows by their Update ref; None when the workbook has no Areas sheet."""
        rows = self.read.sheets.get(fmt.AREAS.name)
        if rows is None or not rows.complete:
            return None
        by_ref: dict[str, list[tuple[Row, dict]]] = defaultdict(list)
        for row in rows.rows:
            values = self.cells(rows, row)
            ref = values.get("Update ref")
            if ref is INVALID:
                continue
            if ref not in refs:
                self.problem(
                    rows.title,
                    row.number,
                    "Update ref",
                    f"There is no update “{ref}” on the Updates sheet.",
                    "Use the Update ref of a row on the Updates sheet.",
                )
                continue
            by_ref[ref].append((row, values))
        return by_ref

    def _updates(self, rows: SheetRows) -> None:
        refs: dict[str, int] = {}
        parsed: list[_Update] = []
        for row in rows.rows:
            raw_ref = row.values.get("Update ref")
            if raw_ref is not None and raw_ref is not INVALID:
                refs.setdefault(read_text(raw_ref), row.number)
        areas_rows = self._areas(refs)
        areas_sheet = self.read.sheets.get(fmt.AREAS.name)
        # An Areas column left out keeps what is stored, so it is not compared either.
        area_columns = tuple(name for name in _AREA_FIELDS if areas_sheet and areas_sheet.has(name))
        first: dict[str, int] = {}
        for row in rows.rows:
            values = self.cells(rows, row)
            ref, objective_ref, as_at = (
                values.get("Update ref"),
                values.get("Objective"),
                values.get("As at"),
            )
            action_ref = values.get("Action") or ""
            if INVALID in (ref, objective_ref, as_at, action_ref):
                continue
            if as_at is None:
                as_at = values["As at"] = self.today
            if ref in first:
                self._duplicate(rows, row, "Update ref", f"Update ref “{ref}”", first[ref])
                continue
            first[ref] = row.number
            if action_ref:
                subject = self._action(rows, row.number, objective_ref, action_ref)
            else:
                subject = self._objective(rows, row.number, objective_ref)
            if subject is None:
                continue
            content = self._update_content(rows, row, values)
            if content is None:
                continue
            if areas_rows is not None:
                areas = [values for _, values in areas_rows.get(ref, [])]
                if any(INVALID in values.values() for values in areas):
                    continue
                content["areas"] = [tuple(a[c] for c in area_columns) for a in areas]
            parsed.append(_Update(row, ref, subject, content, values))

        # First every row identical to a stored update, then the rest: a row whose
        # action (or objective) and date has a stored update left over would change it.
        left = {key: list(group) for key, group in self.stored.updates.items()}
        outcome: dict[int, ProgressUpdate | None] = {}
        for update in parsed:
            group = left.get(update_key(update.subject, update.content["as_at"]), [])
            wanted = _comparable(update.content)
            same = next((u for u in group if _content(u, wanted, area_columns) == wanted), None)
            if same is not None:
                group.remove(same)
                outcome[update.row.number] = same
        for update in parsed:
            number = update.row.number
            thing = (
                f"update on {subject_name(update.subject)} as at {show(update.content['as_at'])}"
            )
            if number in outcome:
                self.step(rows, number, UNCHANGED, f"{thing} unchanged")
                self._area_steps(areas_sheet, areas_rows, update.ref, UNCHANGED)
                continue
            group = left.get(update_key(update.subject, update.content["as_at"]), [])
            if group:
                wanted = _comparable(update.content)
                stored = _content(group[0], wanted, area_columns)
                differ = [k for k in wanted if stored.get(k) != wanted[k]]
                names = ", ".join(_UPDATE_COLUMNS[k].lower() for k in differ)
                self.problem(
                    rows.title,
                    number,
                    _UPDATE_COLUMNS[differ[0]] if differ else "",
                    f"Updates cannot be changed: this row differs from the stored {thing} "
                    f"(in {names}).",
                    "Add a new row with its own date, and put this row back as it was.",
                )
                continue
            if not self._new_update(rows, update, areas_sheet, areas_rows):
                continue
            self.step(rows, number, CREATE, f"create {thing}")
            self._area_steps(areas_sheet, areas_rows, update.ref, CREATE)
        for group in left.values():
            for stored in group:
                self.step(
                    rows,
                    None,
                    KEEP,
                    f"keep the update on {subject_name(stored.subject)} as at "
                    f"{show(stored.as_at)} (updates are never deleted)",
                )

    def _update_content(self, rows, row, values) -> dict | None:
        content = {"as_at": values["As at"]}
        for column, name in _UPDATE_FIELDS.items():
            if column not in values:
                continue
            value = values[column]
            if value is INVALID:
                return None
            if column == "Reporting period" and value and value not in self.periods:
                self.problem(
                    rows.title,
                    row.number,
                    column,
                    f"There is no reporting period “{value}” in the tracker.",
                    "Use the name of a reporting period in the admin, or leave it blank.",
                )
                return None
            if column == "Recorded by" and self._user(rows, row.number, column, value) is INVALID:
                return None
            content[name] = value if value is not None else ""
        return content

    def _recorder(self, rows, update: _Update):
        """Who a new update is recorded by, or INVALID (a problem on the row)."""
        named = update.content.get("author", "")
        if self.administrator:
            return self.users.get(named) if named else self.user
        own = self.user.get_username()
        if named and named != own:
            self.problem(
                rows.title,
                update.row.number,
                "Recorded by",
                f"An update you import is recorded in your own name ({own}); only an "
                "administrator can import an update in someone else's name.",
                "Leave Recorded by blank, or write your own user name.",
            )
            return INVALID
        return self.user

    def _date_problem(self, rows, update: _Update) -> bool:
        """Whether the new update's date is refused (the problem is on its As at)."""
        as_at = update.content["as_at"]
        problem = update_date_problem(as_at=as_at, plan=self.plan, today=self.today)
        fix = "Correct the date."
        if problem is None and not self.administrator:
            problem = backdating_problem(user=self.user, as_at=as_at, today=self.today)
            fix = (
                "Leave As at blank (it means today) or write today's date; an "
                "administrator can import earlier updates."
            )
        if problem:
            self.problem(rows.title, update.row.number, "As at", problem, fix)
        return bool(problem)

    def _new_update(self, rows, update: _Update, areas_sheet, areas_rows) -> bool:
        """Plan a new update and its areas; False where it has a problem."""
        content = update.content
        subject = update.subject
        author = self._recorder(rows, update)
        if self._date_problem(rows, update) or author is INVALID:
            return False
        instance = ProgressUpdate(
            action=subject if isinstance(subject, Action) else None,
            objective=subject if isinstance(subject, Objective) else None,
            as_at=content["as_at"],
            status=content.get("status", ""),
            narrative=content.get("narrative", ""),
            achievements=content.get("achievements", []),
            evidence=content.get("evidence", []),
            period=self.periods.get(content.get("period", "")),
            author=author,
            correction=self.administrator
            and is_correction(as_at=content["as_at"], today=self.today),
        )
        self._check(instance, rows.title, self._where(rows, update.row.number))
        areas = []
        for position, (area_row, values) in enumerate(
            (areas_rows or {}).get(update.ref, []), start=1
        ):
            area = AreaForDevelopment(
                update=instance,
                description=values.get("Description") or "",
                timescale=values.get("Timescale") or "",
                due_date=values.get("Due date"),
                position=position,
            )
            self._check(area, areas_sheet.title, self._where(areas_sheet, area_row.number))
            areas.append(area)
        self._save(instance)
        for area in areas:
            self._save(area)
        return True

    def _before_saving(self, model) -> None:
        """Sign-off, decided once the plan is saved: once for each author."""
        if model is not ProgressUpdate:
            return
        decided: dict[int, bool] = {}
        for update in self.writes.new(ProgressUpdate):
            if update.author is None:
                continue  # history with nobody named: there is nobody to wait for
            if update.author.pk not in decided:
                decided[update.author.pk] = needs_sign_off(self.plan, update.author)
            update.needs_sign_off = decided[update.author.pk]

    def _area_steps(self, areas_sheet, areas_rows, ref: str, kind: str) -> None:
        if not areas_rows:
            return
        for position, (row, _values) in enumerate(areas_rows.get(ref, []), start=1):
            what = f"area for development {position} of update “{ref}”"
            self.step(
                areas_sheet,
                row.number,
                kind,
                f"create {what}" if kind == CREATE else f"{what} unchanged",
            )


# Updates sheet column -> the name of the compared part of an update
_UPDATE_FIELDS = {
    "Status": "status",
    "Progress": "narrative",
    "Achievements": "achievements",
    "Evidence": "evidence",
    "Reporting period": "period",
    "Recorded by": "author",
}
_UPDATE_COLUMNS = {
    "as_at": "As at",
    "areas": "Areas",
    **{name: column for column, name in _UPDATE_FIELDS.items()},
}


_AREA_FIELDS = {"Description": "description", "Timescale": "timescale", "Due date": "due_date"}


def _comparable(content: dict) -> dict:
    """A row's content as compared with stored updates: a blank Recorded by names
    nobody in particular, so it matches whoever recorded the update."""
    return {k: v for k, v in content.items() if not (k == "author" and not v)}


def _content(update: ProgressUpdate, like: dict, area_columns: tuple[str, ...]) -> dict:
    """A stored update's content, in the parts a row gives (`like`)."""
    full = {
        "as_at": update.as_at,
        "status": update.status,
        "narrative": update.narrative,
        "achievements": list(update.achievements or []),
        "evidence": list(update.evidence or []),
        "period": update.period.name if update.period_id else "",
        "author": update.author.get_username() if update.author_id else "",
        "areas": [
            tuple(getattr(area, _AREA_FIELDS[c]) for c in area_columns)
            for area in update.areas_for_development.all()
        ],
    }
    return {key: full[key] for key in like}
