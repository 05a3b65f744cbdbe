"""Importing a plan workbook and exporting a plan as one: what the pages and the
`import_plan` / `export_plan` commands call.

`plan_import` is all or nothing: it reads the upload, works out every step and every
problem, and saves only when asked to (`confirm=True`) and only when there is no
problem at all, in one transaction. The same call with `confirm=False` is the dry run.
Confirming a dry run shown to someone, pass its steps as `expected`: where the plan has
changed since, so that the import would now do something else, nothing is saved and
`changed_since` says what differs.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from improvement import roles
from improvement.models import Plan
from improvement.permissions import is_administrator, user_roles
from improvement.workbook import format as fmt
from improvement.workbook.planner import ImportFailed, Planner, apply_planned
from improvement.workbook.readers.workbook import ReadWorkbook, read_upload
from improvement.workbook.results import ImportResult, Problem, Step, differences
from improvement.workbook.writer import (
    XLSX_TYPE,
    ZIP_TYPE,
    plan_sheets,
    to_csv_zip,
    to_xlsx,
)

_SHEET_ORDER = {s.name: i for i, s in enumerate(fmt.SHEETS, start=1)}


def can_import_plans(user) -> bool:
    """Administrators and plan editors may use the import page (what they may import
    into is decided per plan: see `Planner`)."""
    return is_administrator(user) or roles.PLAN_EDITOR in user_roles(user)


def plan_import(
    *,
    data: bytes,
    file_name: str,
    user=None,
    confirm: bool = False,
    check_permissions: bool = True,
    expected: list[Step] | None = None,
) -> ImportResult:
    """The dry run (`confirm=False`) or the import of an uploaded plan workbook."""
    return import_read(
        read_upload(data, file_name),
        file_name=file_name,
        user=user,
        confirm=confirm,
        check_permissions=check_permissions,
        expected=expected,
    )


def import_read(
    read: ReadWorkbook,
    *,
    file_name: str,
    user=None,
    confirm: bool = False,
    check_permissions: bool = True,
    expected: list[Step] | None = None,
) -> ImportResult:
    """The dry run or the import of rows any reader made (a workbook, a Word document,
    a tracker): the one planner, its problems, and its all-or-nothing save."""
    result = ImportResult(file_name=file_name)
    with transaction.atomic():
        planner = Planner(read, user=user, check_permissions=check_permissions, lock=confirm)
        planner.run()
        result.steps = planner.steps
        result.problems = planner.problems
        if planner.plan is not None:
            result.plan_slug, result.plan_title = planner.plan.slug, planner.plan.title
        if confirm and expected is not None:
            result.changed_since = differences(expected, planner.steps)
        if confirm and not result.problems and not result.changed_since:
            try:
                result.plan = apply_planned(planner)
                result.saved = True
            except ImportFailed as exc:
                result.problems.append(
                    Problem(
                        "",
                        None,
                        "",
                        f"Nothing was saved: the tracker refused a change ({exc}).",
                        "Upload the workbook again to see what has changed meanwhile.",
                    )
                )
    titles = {s.title: s.sheet.name for s in read.sheets.values()}
    result.problems.sort(
        key=lambda p: (
            _SHEET_ORDER.get(titles.get(p.sheet, p.sheet), 0 if not p.sheet else 99),
            p.row or 0,
        )
    )
    return result


@dataclass(frozen=True)
class ExportFile:
    data: bytes
    file_name: str
    content_type: str


def plan_export(*, plan: Plan, as_csv: bool = False) -> ExportFile:
    """The plan as its workbook (.xlsx), or as a .zip of one CSV file per sheet."""
    sheets = plan_sheets(plan)
    if as_csv:
        return ExportFile(to_csv_zip(sheets), f"{plan.slug}-csv.zip", ZIP_TYPE)
    return ExportFile(to_xlsx(sheets), f"{plan.slug}.xlsx", XLSX_TYPE)
