"""The dry run as the import pages show it (`improvement.workbook.results.DryRun`):
changes first, each change field by field, what is kept and what is unchanged apart, and
summaries in the right tense before and after the import."""

from collections import Counter

import pytest
from django.core.management import call_command

from improvement.workbook.results import (
    CHANGE,
    CREATE,
    KEEP,
    UNCHANGED,
    DryRun,
    ImportResult,
    ShownStep,
    Step,
    summary,
)
from tests.workbook.conftest import minimal_sheets, xlsx


def test_a_change_is_shown_field_by_field_even_with_lists_and_quotes_in_its_values():
    step = Step(
        "Actions",
        4,
        CHANGE,
        "change action 1.1: title from “Hire; train” to “Hire: and train”; "
        "delegates from “ann”; “bob” to (blank); due date from 31/03/2026 to 30/06/2026",
    )

    shown = ShownStep.of(step)

    assert shown.headline == "Change action 1.1"
    assert shown.details == (
        "Title from “Hire; train” to “Hire: and train”",
        "Delegates from “ann”; “bob” to (blank)",
        "Due date from 31/03/2026 to 30/06/2026",
    )


def test_a_section_whose_name_holds_a_colon_keeps_its_whole_name():
    shown = ShownStep.of(
        Step("Sections", 2, CHANGE, "change section “Phase 2: practice”: position from 1 to 2")
    )
    assert shown.headline == "Change section “Phase 2: practice”"
    assert shown.details == ("Position from 1 to 2",)


def test_creates_and_other_steps_are_one_line():
    assert ShownStep.of(Step("Actions", 3, CREATE, "create action 2.2")).details == ()
    assert ShownStep.of(Step("Actions", 3, CREATE, "create action 2.2")).headline == (
        "Create action 2.2"
    )


def test_the_dry_run_groups_changes_kept_and_unchanged_in_the_files_order():
    steps = [
        Step("Objectives", 2, UNCHANGED, "objective 1 unchanged"),
        Step("Objectives", 3, CHANGE, "change objective 2: title from “A” to “B”"),
        Step("Actions", 2, UNCHANGED, "action 1.1 unchanged"),
        Step("Actions", 5, CREATE, "create action 2.2"),
        Step("Actions", None, KEEP, "keep action 1.2 (imports never delete)"),
    ]

    dry_run = DryRun.of(steps)

    assert [s.headline for s in dry_run.changes] == ["Change objective 2", "Create action 2.2"]
    assert [s.headline for s in dry_run.kept] == ["Keep action 1.2 (imports never delete)"]
    assert [s.row for s in dry_run.unchanged] == [2, 2]
    assert (dry_run.to_create, dry_run.to_change, dry_run.unchanged_count) == (1, 1, 2)
    assert dry_run.change_count == 2 and dry_run.kept_count == 1


def test_a_long_dry_run_lists_at_most_the_rows_asked_for_and_counts_the_rest():
    steps = [Step("Actions", n, UNCHANGED, f"action 1.{n} unchanged") for n in range(2, 12)]
    steps += [Step("Actions", 20 + n, CREATE, f"create action 2.{n}") for n in range(5)]

    dry_run = DryRun.of(steps, shown=3)

    assert len(dry_run.changes) == 3 and dry_run.more_changes == 2
    assert len(dry_run.unchanged) == 3 and dry_run.more_unchanged == 7
    assert dry_run.more_kept == 0


def test_the_summary_is_in_the_future_before_and_the_past_after():
    counts = Counter({CREATE: 3, CHANGE: 1, UNCHANGED: 76, KEEP: 2})
    assert summary(counts) == (
        "3 to create, 1 to change, 76 unchanged, 2 in the tracker but not in the workbook (kept)"
    )
    assert summary(counts, done=True) == (
        "created 3, changed 1, 76 unchanged, 2 in the tracker but not in the workbook (kept)"
    )
    result = ImportResult("plan.xlsx", steps=[Step("Actions", 2, CREATE, "create action 1.1")])
    assert result.summary().startswith("1 to create")
    assert result.done_summary().startswith("created 1")


@pytest.mark.django_db
def test_the_import_command_says_what_it_did_in_the_past(tmp_path, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx(minimal_sheets()))

    call_command("import_plan", str(path), "--dry-run")
    call_command("import_plan", str(path))

    out = capsys.readouterr().out
    assert "Would import 'anytown-2025': 6 to create, 0 to change" in out
    assert "Imported 'anytown-2025': created 6, changed 0" in out


@pytest.mark.django_db
def test_the_document_imports_check_page_shows_the_same_dry_run(client, administrator):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.workbook.documents import activity_plan

    client.force_login(administrator)
    response = client.post(
        "/plan-documents/import/",
        {
            "document": SimpleUploadedFile("plan.docx", activity_plan()),
            "plan": "",
            "organisation": "Anytown Council",
            "kind": "action_plan",
        },
    )
    assert response.status_code == 302

    page = client.get(response.url).content.decode()

    assert 'id="dry-run-summary"' in page and "to create" in page
    changes = page[page.index('id="steps"') :]
    assert "<strong>Create action 1.1</strong>" in changes
