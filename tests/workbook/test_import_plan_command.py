"""`manage.py import_plan` with a council's own document: a Word .docx, an .xlsx or CSV
tracker. It prints the mapping it guessed, takes --map, --status and --as-at, and a
label it cannot place is a problem naming those options; all or nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from improvement.models import Action, Plan, ProgressUpdate
from improvement.models.imports import SavedColumnMapping
from tests.workbook.conftest import minimal_sheets, row_counts, xlsx
from tests.workbook.documents import activity_plan, tracker_csv, tracker_xlsx, what_plan

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def failing(*args) -> str:
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_plan", *args, stdout=io.StringIO(), stderr=err)
    return f"{err.getvalue()}\n{raised.value}"


@pytest.fixture
def word(tmp_path):
    def write(data: bytes, name: str = "plan.docx"):
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def test_the_guessed_mapping_is_printed_and_a_dry_run_saves_nothing(word):
    before = row_counts()
    out, _ = run(word(activity_plan()), "--dry-run", "--organisation", "Nottinghamshire")
    assert '"Improvement Key Activity" = Action (title)' in out
    assert '"Benefit to the customer" = Benefit' in out
    assert "Table 2: carries on the table before." in out
    assert "progress recorded as at 29/02/2004" in out
    assert "Table 1 row 2: create action 1.1" in out
    assert "Would import 'best-value-service-review-improvement-plan-update-february-2004'" in out
    assert row_counts() == before


def test_import_with_the_mapping_overridden_and_the_date_given(word):
    out, _ = run(
        word(activity_plan()),
        "--organisation",
        "Nottinghamshire",
        "--plan",
        "notts-2004",
        "--title",
        "Improvement plan",
        "--map",
        "Benefit to the customer=skip",
        "--map",
        "Progress=evidence",
        "--as-at",
        "2004-01-31",
    )
    assert '"Benefit to the customer" = not imported' in out
    plan = Plan.objects.get(slug="notts-2004")
    assert plan.title == "Improvement plan" and plan.organisation == "Nottinghamshire"
    assert set(Action.objects.values_list("benefit", flat=True)) == {""}
    update = ProgressUpdate.objects.get(action__reference="1.1")
    assert update.as_at == datetime.date(2004, 1, 31) and "Secondments" in str(update.evidence)
    assert SavedColumnMapping.objects.get(plan=plan).fields[2] == ""


def test_an_unknown_label_names_the_options_and_status_places_it(word):
    path = word(what_plan(unknown_label="Ongoing"))
    message = failing(path, "--organisation", "Anytown")
    assert "“Green” is not a status label this plan has." in message
    assert '--status "Ongoing=on track"' in message and "--map" in message
    assert not Plan.objects.exists()
    out, _ = run(
        path,
        "--organisation",
        "Anytown",
        "--status",
        "Green=on track",
        "--status",
        "Amber=at_risk",
        "--status",
        "Red=Off track",
        "--status",
        "Ongoing=on_track",
    )
    assert 'Status label "Ongoing" = on track' in out
    statuses = dict(ProgressUpdate.objects.values_list("action__title", "status"))
    assert statuses["Publish the improvement plan"] == "on_track"
    assert statuses["Set up an improvement board"] == "on_track"


def test_bad_options_are_refused_with_the_choices(word):
    path = word(activity_plan())
    assert "is not a field" in failing(path, "--map", "No=colour")
    assert "reference, title" in failing(path, "--map", "No=colour")
    assert "is not a standard status" in failing(path, "--status", "Achieved=done-ish")
    assert "YYYY-MM-DD" in failing(path, "--as-at", "31/01/2004")
    assert "NAME=VALUE" in failing(path, "--map", "no equals sign")


def test_a_tracker_in_excel_and_in_csv(word):
    statuses = ["--status", "Green=complete", "--status", "Amber=at risk"]
    run(word(tracker_xlsx(), "tracker.xlsx"), "--organisation", "Anytown", *statuses)
    assert Action.objects.filter(objective__plan__slug="workforce-improvement-tracker").count() == 3
    run(
        word(tracker_csv(), "tracker.csv"),
        "--organisation",
        "Anytown",
        "--plan",
        "csv-plan",
        "--title",
        "From CSV",
        "--as-at",
        "2025-01-31",
        *statuses,
    )
    assert (
        ProgressUpdate.objects.get(
            action__objective__plan__slug="csv-plan", action__reference="A1"
        ).status
        == "complete"
    )


def test_a_plan_workbook_still_imports_as_one(tmp_path):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx(minimal_sheets()))
    out, _ = run(str(path), "--dry-run")
    assert "Objectives row 3: create objective 2" in out


def test_a_hostile_document_is_a_message(word):
    assert "is not a Word document" in failing(word(b"hello", "plan.docx"))
    assert "macro-enabled" in failing(word(activity_plan(), "plan.docm"))
