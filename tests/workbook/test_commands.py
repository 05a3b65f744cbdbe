"""`manage.py export_plan` and `manage.py import_plan`."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from improvement.models import Plan
from improvement.plan_files import _delete_plan
from tests.workbook.conftest import cells, minimal_sheets, rezipped, row_counts, seed, xlsx

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_export_plan_writes_the_workbook_and_the_csv_files(tmp_path):
    seed("slough-2014")
    workbook = tmp_path / "slough.xlsx"
    run("export_plan", "slough-2014", "-o", str(workbook))
    assert cells(workbook.read_bytes())["Plan"][1] == ["Slug", "slough-2014"]

    run("export_plan", "slough-2014", "--csv-dir", str(tmp_path / "csv"))
    assert (
        (tmp_path / "csv" / "Objectives.csv")
        .read_text(encoding="utf-8-sig")
        .startswith("Reference,Section,Title")
    )


def test_export_plan_refuses_an_unknown_slug():
    with pytest.raises(CommandError, match="no plan with the slug 'nope'"):
        run("export_plan", "nope")


def test_import_plan_dry_run_prints_the_steps_and_saves_nothing(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx(minimal_sheets()))
    out, _ = run("import_plan", str(path), "--dry-run")
    assert "Objectives row 3: create objective 2" in out
    assert "Would import 'anytown-2025': 6 to create, 0 to change, 0 unchanged." in out
    assert not Plan.objects.exists()


def test_import_plan_prints_every_problem_and_fails(tmp_path):
    sheets = minimal_sheets()
    sheets["Actions"].append(["9", "9.1", "Orphan", "soon"])
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx(sheets))
    counts = row_counts()
    err = io.StringIO()
    with pytest.raises(CommandError, match="2 problem"):
        call_command("import_plan", str(path), stdout=io.StringIO(), stderr=err)
    assert "Actions row 5, Objective: There is no objective “9”" in err.getvalue()
    assert "Actions row 5, Due date: “soon” is not a date." in err.getvalue()
    assert row_counts() == counts


def test_the_csv_folder_export_imports_back(tmp_path):
    plan = seed("herefordshire-2013")
    run("export_plan", plan.slug, "--csv-dir", str(tmp_path))
    _delete_plan(plan)
    out, _ = run("import_plan", str(tmp_path))
    assert "Imported 'herefordshire-2013'" in out
    assert Plan.objects.get().objectives.count() == 28


def test_import_plan_records_the_changes_as_made_by_the_named_user(tmp_path, administrator):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx(minimal_sheets()))
    run("import_plan", str(path), "--user", administrator.username)
    assert Plan.objects.get().history.first().history_user == administrator
    with pytest.raises(CommandError, match="no user 'ghost'"):
        run("import_plan", str(path), "--user", "ghost")


def test_import_plan_says_a_damaged_workbook_is_damaged(tmp_path):
    data = xlsx(minimal_sheets())
    path = tmp_path / "plan.xlsx"
    path.write_bytes(rezipped(data, corrupt="xl/worksheets/sheet2.xml"))
    counts = row_counts()
    with pytest.raises(CommandError, match="nothing was imported"):
        run("import_plan", str(path))
    assert row_counts() == counts
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(path), stdout=io.StringIO(), stderr=err)
    assert "“plan.xlsx” is damaged: it cannot be opened." in err.getvalue()
