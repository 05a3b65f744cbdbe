"""A plan exported, imported into an empty database and exported again gives the same
workbook, cell for cell, for every seed plan; importing the same workbook twice changes
nothing; the template and the example are workbooks the importer takes."""

import io
import zipfile

import pytest

from improvement.models import Plan, ProgressUpdate
from improvement.plan_files import _delete_plan
from improvement.workbook.results import CREATE, KEEP, UNCHANGED
from improvement.workbook.services import plan_export, plan_import
from improvement.workbook.writer import example_sheets, template_sheets, to_xlsx
from tests.workbook.conftest import SEEDS, cells, history_count, row_counts, seed

pytestmark = pytest.mark.django_db


def _import(data, name="plan.xlsx", **kwargs):
    return plan_import(data=data, file_name=name, check_permissions=False, **kwargs)


def _empty_the_database(plan):
    _delete_plan(plan)
    assert not Plan.objects.exists() and not ProgressUpdate.objects.exists()


@pytest.mark.parametrize("slug", SEEDS)
def test_export_import_into_an_empty_database_and_export_again_gives_the_same_cells(slug):
    first = plan_export(plan=seed(slug)).data
    _empty_the_database(Plan.objects.get(slug=slug))

    result = _import(first, confirm=True)

    assert result.saved, [str(p) for p in result.problems]
    second = plan_export(plan=Plan.objects.get(slug=slug)).data
    before, after = cells(first), cells(second)
    assert list(before) == list(after)
    for sheet in before:
        assert before[sheet] == after[sheet], sheet


@pytest.mark.parametrize("slug", SEEDS)
def test_the_csv_files_round_trip_too(slug):
    first = plan_export(plan=seed(slug), as_csv=True).data
    _empty_the_database(Plan.objects.get(slug=slug))

    result = _import(first, name="plan.zip", confirm=True)

    assert result.saved, [str(p) for p in result.problems]
    second = plan_export(plan=Plan.objects.get(slug=slug), as_csv=True).data
    with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
        assert a.namelist() == b.namelist()
        for name in a.namelist():
            assert a.read(name) == b.read(name), name


def test_the_seed_plan_survives_whole():
    plan = seed("nottinghamshire-2004")
    counts = row_counts()
    first = plan_export(plan=plan).data
    _empty_the_database(plan)
    _import(first, confirm=True)
    restored = Plan.objects.get(slug="nottinghamshire-2004")
    assert restored.objectives.count() == 4
    assert sum(o.actions.count() for o in restored.objectives.all()) == 19
    again = row_counts()
    for label in ("improvement.Objective", "improvement.Action", "improvement.Milestone",
                  "improvement.ProgressUpdate", "metrics.Measure", "metrics.Target",
                  "metrics.DataPoint"):  # fmt: skip
        assert again[label] == counts[label], label


@pytest.mark.parametrize("slug", SEEDS)
def test_importing_the_same_workbook_again_changes_nothing(slug):
    plan = seed(slug)
    data = plan_export(plan=plan).data
    counts, history = row_counts(), history_count()

    result = _import(data, confirm=True)

    assert result.saved
    assert result.steps and {s.kind for s in result.steps} == {UNCHANGED}
    assert row_counts() == counts
    assert history_count() == history


def test_a_workbook_imported_twice_creates_once_then_changes_nothing():
    data = plan_export(plan=seed("herefordshire-2013")).data
    _empty_the_database(Plan.objects.get())

    first = _import(data, confirm=True)
    counts, history = row_counts(), history_count()
    second = _import(data, confirm=True)

    assert {s.kind for s in first.steps} == {CREATE}
    assert {s.kind for s in second.steps} == {UNCHANGED}
    assert row_counts() == counts and history_count() == history


def test_the_dry_run_saves_nothing():
    data = plan_export(plan=seed("slough-2014")).data
    _empty_the_database(Plan.objects.get())
    counts = row_counts()

    result = _import(data)

    assert not result.saved and not result.problems
    assert result.counts[CREATE] > 50
    assert row_counts() == counts


def test_the_template_has_every_sheet_and_a_read_me_explaining_every_column():
    book = cells(to_xlsx(template_sheets()))
    assert list(book) == [
        "Read me", "Plan", "Status key", "Sections", "Objectives", "Actions", "Milestones",
        "Updates", "Areas", "Measures", "Targets", "Data", "Lists",
    ]  # fmt: skip
    readme = book["Read me"]
    table = readme[
        readme.index(["Sheet", "Column", "Required", "Format", "Example", "What it is"]) :
    ]
    explained = {(r[0], r[1]) for r in table[1:] if r[1]}
    for sheet, rows in book.items():
        if sheet in ("Read me", "Plan", "Lists"):
            continue
        assert all((sheet, heading) in explained for heading in rows[0]), sheet
    assert all(("Plan", row[0]) in explained for row in book["Plan"][1:])
    assert ("Updates", "Status") in explained
    required = {(r[0], r[1]): r[2] for r in table[1:] if r[1]}
    assert required[("Actions", "Title")] == "Yes"
    assert required[("Actions", "Due date")] == "No"


def test_the_blank_template_imports_to_a_clear_list_of_what_is_missing():
    result = _import(to_xlsx(template_sheets()))
    assert not result.saved
    assert any("Slug is missing" in p.message for p in result.problems)


def test_the_example_is_the_nottinghamshire_plan_and_imports_into_an_empty_database():
    data = to_xlsx(list(example_sheets()))
    assert cells(data)["Plan"][1] == ["Slug", "nottinghamshire-2004"]
    assert not Plan.objects.exists()  # making it left nothing behind

    result = _import(data, confirm=True)

    assert result.saved
    assert Plan.objects.get().title == "Best Value Service Review Improvement Plan"
    assert not [s for s in result.steps if s.kind == KEEP]
