"""A plan exported, imported into an empty database and exported again gives the same
workbook, cell for cell, for every seed plan; importing the same workbook twice changes
nothing; the template and the example are workbooks the importer takes."""

import io
import zipfile

import pytest

from improvement.models import Action, Plan, ProgressUpdate
from improvement.plan_files import _delete_plan
from improvement.workbook.results import CREATE, KEEP, UNCHANGED
from improvement.workbook.services import plan_export, plan_import
from improvement.workbook.writer import example_sheets, template_sheets, to_xlsx
from tests.workbook.conftest import SEEDS, cells, history_count, row_counts, seed, xlsx

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
        "Updates", "Areas", "Measures", "Targets", "Data", "Column mappings", "Lists",
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


def _plan_with_its_own_key_and_references():
    """A plan with several labels per status, updates given in different labels of one
    status, and objectives and actions with references as written and numbered."""
    sheets = {
        "Plan": [
            ["Field", "Value"],
            ["Slug", "own-words-2025"],
            ["Title", "A plan in its own words"],
            ["Organisation", "Anytown Council"],
            ["Kind", "Action plan"],
            ["Start date", "2024-04-01"],
        ],
        "Status key": [
            ["Label", "Status", "Meaning", "Summary phrase"],
            ["Complete", "Complete", "Done", "have been completed"],
            ["Achieved", "Complete", "Met, as the council says", None],
            ["Green", "On track", None, None],
            ["On target", "On track", None, None],
            ["Ongoing", "On track", "Continuing", None],
            ["Red", "Off track", None, None],
        ],
        "Objectives": [
            ["Reference", "Title"],
            ["Objective One", "Workforce"],
            [None, "Practice"],
        ],
        "Actions": [
            ["Objective", "Reference", "Title"],
            ["Objective One", None, "Recruit"],
            ["Objective One", "A", "Retain"],
            ["2", None, "Audit"],
        ],
        "Updates": [
            ["Update ref", "Objective", "Action", "As at", "Status", "Progress"],
            ["1", "Objective One", "1", "30/06/2024", "achieved", "Ten recruited"],
            ["2", "Objective One", "A", "30/06/2024", "ON TARGET", "Going well"],
            ["3", "2", "2.1", "30/06/2024", " ongoing ", "Audits monthly"],
            ["4", "2", "2.1", "30/09/2024", "Complete", "Done"],
            ["5", "2", None, "30/09/2024", "On track", "The standard word"],
        ],
    }
    result = _import(xlsx(sheets), confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    return result.plan


def _state(plan):
    return {
        "key": [(e.label, e.status, e.description, e.phrase) for e in plan.key_entries()],
        "objectives": sorted((o.reference, o.reference_numbered) for o in plan.objectives.all()),
        "actions": sorted(
            (a.objective.reference, a.reference, a.reference_numbered)
            for a in Action.objects.filter(objective__plan=plan).select_related("objective")
        ),
        "updates": sorted(
            (str(u.as_at), u.narrative, u.status, u.status_word(plan.labels()))
            for u in [
                *ProgressUpdate.objects.filter(action__objective__plan=plan),
                *ProgressUpdate.objects.filter(objective__plan=plan),
            ]
        ),
    }


@pytest.mark.parametrize("as_csv", [False, True])
def test_several_labels_per_status_and_numbered_references_round_trip(as_csv):
    plan = _plan_with_its_own_key_and_references()
    before = _state(plan)
    assert ("2", True) in before["objectives"] and ("Objective One", "1", True) in before["actions"]
    assert ("2024-06-30", "Ten recruited", "complete", "Achieved") in before["updates"]
    first = plan_export(plan=plan, as_csv=as_csv).data
    _empty_the_database(plan)

    result = _import(first, name="plan.zip" if as_csv else "plan.xlsx", confirm=True)

    assert result.saved, [str(p) for p in result.problems]
    restored = Plan.objects.get(slug="own-words-2025")
    assert _state(restored) == before
    second = plan_export(plan=restored, as_csv=as_csv).data
    if as_csv:
        with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
            assert {n: a.read(n) for n in a.namelist()} == {n: b.read(n) for n in b.namelist()}
    else:
        assert cells(first) == cells(second)
    again = _import(second, name="plan.zip" if as_csv else "plan.xlsx")
    assert again.steps and {s.kind for s in again.steps} == {UNCHANGED}
