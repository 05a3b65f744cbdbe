"""Importing a plan from a council's own document (a Word .docx, or an .xlsx or CSV
tracker): read it (`readers`), map its columns (`mapping`), then the same dry run,
all-or-nothing import and history as a plan workbook (`services.import_read`).

A mapping the person confirms with a successful import is saved, per plan and table
shape (its heading row), and used first for the next document of the same shape for
that plan, or for another plan of the same organisation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from django.db.models import Q
from django.utils import timezone

from improvement.models import Plan, StatusKeyEntry
from improvement.models.imports import SavedColumnMapping
from improvement.permissions import can_edit_plan
from improvement.workbook import format as fmt
from improvement.workbook.mapping import (
    PLAN_DETAILS,
    Built,
    Choices,
    build,
    labels_to_keep,
    normalise,
)
from improvement.workbook.readers.document import read_docx
from improvement.workbook.readers.tables import FoundDocument, display_name
from improvement.workbook.readers.tracker import read_csv_tracker, read_xlsx_tracker
from improvement.workbook.results import ImportResult, Problem, Step
from improvement.workbook.services import import_read

ACCEPTED = ".docx,.xlsx,.csv"
WHAT_TO_UPLOAD = (
    "Upload the plan as a Word document (.docx), an Excel workbook (.xlsx) or a CSV file."
)


def read_document(data: bytes, file_name: str) -> FoundDocument:
    """The document's tables, by the kind of file it is."""
    name = display_name(file_name)
    extension = name.rpartition(".")[2].casefold() if "." in name else ""
    if extension in ("docm", "xlsm", "dotm"):
        found = FoundDocument(file_name=name, kind="document")
        return found.refuse(
            f"“{name}” is a macro-enabled file.",
            "Save it without macros (as a .docx or .xlsx) and upload that.",
        )
    # an old .doc is read as Word, to be refused as an old-style Word file
    readers = {
        "docx": read_docx,
        "doc": read_docx,
        "xlsx": read_xlsx_tracker,
        "csv": read_csv_tracker,
    }
    if extension in readers:
        found = readers[extension](data, name)
        if found.readable and not found.title:
            found.title = " ".join(name.rpartition(".")[0].replace("_", " ").split()).strip()
        return found
    found = FoundDocument(file_name=name, kind="document")
    return found.refuse(
        f"“{name}” is not a Word document, Excel workbook or CSV file.", WHAT_TO_UPLOAD
    )


def key_words(plan: Plan | None) -> dict[str, str]:
    """The plan's own status labels, normalised, with the standard status of each."""
    if plan is None or plan.pk is None:
        return {}
    return {
        normalise(label): status
        for label, status in StatusKeyEntry.objects.filter(plan=plan).values_list("label", "status")
        if label
    }


def key_labels(plan: Plan | None) -> list[str]:
    """The plan's own status labels as written, in the key's order."""
    if plan is None or plan.pk is None:
        return []
    return [entry.label for entry in plan.key_entries() if entry.label]


def saved_mappings(organisation: str, plan: Plan | None) -> list[SavedColumnMapping]:
    """The saved mappings that apply: the plan's own first, then its organisation's."""
    where = Q(organisation__iexact=organisation) if organisation else Q(pk__in=[])
    if plan is not None and plan.pk:
        where |= Q(plan=plan)
    mappings = list(SavedColumnMapping.objects.filter(where))
    mappings.sort(key=lambda m: (m.plan_id != (plan.pk if plan else None), -m.saved_at.timestamp()))
    return mappings


@dataclass
class DocumentResult:
    result: ImportResult
    found: FoundDocument
    built: Built | None = None
    plan: Plan | None = None  # the plan as stored before the import, where it exists
    choices: Choices | None = None
    raw_steps: list[Step] | None = None  # what to keep for the confirmation

    @property
    def new_plan(self) -> bool:
        return self.plan is None


def document_import(
    *,
    data: bytes,
    file_name: str,
    choices: Choices,
    user=None,
    confirm: bool = False,
    check_permissions: bool = True,
    expected: list[Step] | None = None,
    today: date | None = None,
    add_labels: dict[str, str] | None = None,
) -> DocumentResult:
    """The dry run (`confirm=False`) or the import of a council's own document.

    `add_labels` (label -> standard status): labels the document uses that the plan's
    key lacks (`ImportResult.labels_to_add`), which the person chose to add; they are
    added to the key with the import, and the updates written in them keep them."""
    found = read_document(data, file_name)
    result = ImportResult(file_name=found.file_name)
    if found.is_plan_workbook:
        found.refuse(
            f"“{found.file_name}” is a plan workbook in this tracker's own format.",
            "Import it on the “Import a plan workbook” page.",
        )
    if not found.readable:
        result.problems = list(found.problems)
        return DocumentResult(result, found, choices=choices)
    stored = Plan.objects.filter(slug=choices.plan_slug).first() if choices.plan_slug else None
    # A plan the person may not edit lends nothing (its labels, its mappings): the
    # planner refuses the import and says only that.
    visible = stored if stored and (not check_permissions or can_edit_plan(user, stored)) else None
    organisation = visible.organisation if visible else choices.organisation
    mappings = saved_mappings(organisation, visible)
    saved: dict[str, list[str]] = {}
    statuses: dict[str, str] = {}
    for mapping in reversed(mappings):  # the best last, so it wins
        saved[mapping.shape] = list(mapping.fields)
        statuses.update(mapping.statuses or {})
    choices = replace(choices, statuses={**statuses, **choices.statuses})
    words = key_words(visible)
    built = build(
        found,
        choices,
        saved=saved,
        key_words=words,
        new_plan=stored is None,
        today=today or timezone.localdate(),
        key_labels=key_labels(visible),
        add_labels=add_labels,
    )
    _plan_details(built, choices, stored is None)
    result = import_read(
        built.read,
        file_name=found.file_name,
        user=user,
        confirm=confirm,
        check_permissions=check_permissions,
        expected=expected,
        # Chosen on the check page, and the labels the person placed that the key lacks.
        add_labels={**labels_to_keep(built.labels, words), **(add_labels or {})},
    )
    # The steps as the planner names them (sheet and row of the rows built) are what a
    # confirmation compares (`expected`); the person sees them in the document's words.
    raw_steps = result.steps
    result.problems = _located_problems(built, result.problems, choices.for_command)
    result.steps = [built.located.step(s) for s in result.steps]
    result.changed_since = [built.located.difference(d) for d in result.changed_since]
    if result.saved:
        save_mappings(built, result.plan, user)
    return DocumentResult(result, found, built, stored, choices, raw_steps)


def _plan_details(built: Built, choices: Choices, new_plan: bool) -> None:
    """Problems with the plan's details, named as the page and the command ask for them."""
    command = choices.for_command
    plan = built.read.sheets["Plan"]
    slug = plan.fields["Slug"][1]
    problems = built.read.problems
    if not slug:
        problems.append(
            Problem(
                PLAN_DETAILS,
                None,
                "Slug",
                "The plan has no title, and the document gives none.",
                "Give one with --title (or name a plan with --plan SLUG)."
                if command
                else "Enter the plan's title.",
            )
        )
    if new_plan and not choices.plan_slug and slug and Plan.objects.filter(slug=slug).exists():
        # A new plan named like one already here must not quietly become that plan
        # (another council's, perhaps): the person says which they mean.
        problems.append(
            Problem(
                PLAN_DETAILS,
                None,
                "Slug",
                f"A plan “{slug}” is already here, and this document would be imported "
                "into it, though a new plan was asked for.",
                f"Import into it with --plan {slug}, or give the new plan another title "
                "with --title."
                if command
                else "Choose it under “Import into” to add to it, or give the new plan "
                "another title.",
            )
        )
    if new_plan and not choices.organisation:
        problems.append(
            Problem(
                PLAN_DETAILS,
                None,
                "Organisation",
                "A new plan needs its organisation (the council).",
                "Give it with --organisation." if command else "Enter the council's name.",
            )
        )


def _order(problem: Problem) -> tuple:
    if not problem.sheet:
        return (0, 0, 0)
    if problem.sheet == PLAN_DETAILS:
        return (1, 0, 0)
    numbers = re.findall(r"\d+", problem.sheet)
    return (2, int(numbers[0]) if numbers else 0, problem.row or 0)


PROGRESS_DATE = "Date of the progress it records"


def _progress_date_problem(built: Built, problem: Problem, for_command: bool) -> Problem:
    """A problem with an update's date, which in a document is the one date of all its
    progress (the date given, else the one it states): said once, of that date."""
    shown = f"{built.as_at:%d/%m/%Y}"
    if "administrator" in problem.fix:
        fix = (
            "Give today's date with --as-at, or import it as an administrator."
            if for_command
            else f"Enter today's date under “{PROGRESS_DATE}”, or ask an administrator "
            "to import the document (they may record its progress at its own date)."
        )
    else:
        fix = (
            "Give the right date with --as-at YYYY-MM-DD."
            if for_command
            else f"Correct the date under “{PROGRESS_DATE}”."
        )
    return Problem(
        PLAN_DETAILS,
        None,
        "--as-at" if for_command else PROGRESS_DATE,
        f"The progress in this document is dated {shown}. {problem.message}",
        fix,
    )


def _located_problems(
    built: Built, problems: list[Problem], for_command: bool = False
) -> list[Problem]:
    """The planner's problems in the document's words, one per cell, in document order;
    a problem with the progress's date once, of that date, not once an update."""
    seen, located = set(), []
    for problem in problems:
        if problem.sheet == fmt.UPDATES.name and problem.column == "As at":
            problem = _progress_date_problem(built, problem, for_command)
            if (problem.sheet, problem.message) in seen:
                continue
            seen.add((problem.sheet, problem.message))
            located.append(problem)
            continue
        p = built.located.problem(problem)
        cell = (p.sheet, p.row, p.column)
        if p.column and cell in seen:
            continue
        seen.add(cell)
        located.append(p)
    located.sort(key=_order)
    return located


def save_mappings(built: Built, plan: Plan, user) -> None:
    """Remember each table shape's mapping for this plan (and its organisation)."""
    shapes = {}
    for layout in built.layouts:
        if layout.heading_row is not None and not layout.continues:
            shapes.setdefault(layout.key, layout)
    used = {normalise(label): status for label, status in built.labels.items() if status}
    for key, layout in shapes.items():
        SavedColumnMapping.objects.update_or_create(
            plan=plan,
            shape=key,
            defaults={
                "organisation": plan.organisation,
                "headings": layout.headings,
                "fields": layout.fields,
                "statuses": used,
                "saved_by": user if getattr(user, "pk", None) else None,
                "saved_at": timezone.now(),
            },
        )
