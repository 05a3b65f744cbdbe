"""Council documents this project had not seen, as a tester built them: an Excel tracker
whose deadlines are real Excel dates, a CSV saved in Windows-1252 behind a byte-order
mark, an Ofsted plan with one activity's reference merged down over its several actions,
a RAG key the plan did not have, dates written as councils write them, a plan editor
importing a document dated before today."""

from __future__ import annotations

import csv
import datetime
import io

import docx
import pytest
from openpyxl import Workbook

from improvement.models import Action, Objective, Plan, ProgressUpdate, StatusKeyEntry
from improvement.workbook.documents import document_import, read_document
from improvement.workbook.mapping import Choices

pytestmark = pytest.mark.django_db

RAG = {"green": "on_track", "amber": "at_risk", "red": "off_track"}


def run(data, name, *, confirm=True, user=None, **choices):
    choices.setdefault("organisation", "Anytown Council")
    return document_import(
        data=data,
        file_name=name,
        choices=Choices(**choices),
        user=user,
        confirm=confirm,
        check_permissions=user is not None,
    )


def _xlsx(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _docx(headings, rows, *, before=()) -> bytes:
    document = docx.Document()
    for text in before:
        document.add_paragraph(text)
    table = document.add_table(rows=0, cols=len(headings))
    for values in [headings, *rows]:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_a_real_excel_date_early_in_a_month_is_that_date():
    # 1 April 2025 as an Excel date, not text: nothing about it is ambiguous
    data = _xlsx(
        [
            ["Ref", "Action", "Deadline"],
            ["A1", "Launch the campaign", datetime.datetime(2025, 4, 1)],
        ]
    )
    outcome = run(data, "tracker.xlsx")
    assert outcome.result.saved, outcome.result.problems
    assert Action.objects.get(reference="A1").due_date == datetime.date(2025, 4, 1)


def test_a_windows_1252_csv_behind_a_byte_order_mark():
    buffer = io.StringIO()
    csv.writer(buffer).writerows(
        [["Ref", "Action", "Comments"], ["1", "Café drop-in for care leavers", "£25k agreed"]]
    )
    data = b"\xef\xbb\xbf" + buffer.getvalue().encode("cp1252")
    found = read_document(data, "tracker.csv")
    assert found.tables[0].rows[0][1] == ["Ref", "Action", "Comments"]
    assert found.tables[0].rows[1][1][1] == "Café drop-in for care leavers"


OFSTED_HEADINGS = [
    "No",
    "Improvement Key Activity",
    "Benefit to the customer",
    "Actions Required",
    "Timescale Milestones",
    "Progress",
]


def ofsted_plan() -> bytes:
    """One activity (its number, title and benefit merged down) with two actions
    required, each with its own timescale and progress; then an activity of one row."""
    document = docx.Document()
    document.add_paragraph("Priority 1: Strengthen the front door")
    table = document.add_table(rows=0, cols=len(OFSTED_HEADINGS))
    rows = [
        OFSTED_HEADINGS,
        ["1.1", "Review MASH thresholds", "Timely help", "Agree thresholds", "March 2025",
         "Complete - signed off"],
        ["", "", "", "Brief schools", "June 2025", "At risk: 34 of 60 schools briefed"],
        ["1.2", "Faster contact decisions", "Decisions in 24 hours", "Daily tracking",
         "May 2025", "On track"],
    ]  # fmt: skip
    for values in rows:
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    for column in (0, 1, 2):
        table.cell(1, column).merge(table.cell(2, column))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_an_activity_merged_down_over_its_actions_required_is_one_action():
    outcome = run(ofsted_plan(), "ofsted.docx", as_at=datetime.date(2025, 1, 31))
    assert outcome.result.saved, outcome.result.problems
    thresholds = Action.objects.get(reference="1.1")
    assert thresholds.title == "Review MASH thresholds"
    assert thresholds.steps == "Agree thresholds\nBrief schools"
    assert thresholds.timescale == "March 2025\nJune 2025"
    assert thresholds.due_date == datetime.date(2025, 6, 30)  # the later milestone
    update = ProgressUpdate.objects.get(action=thresholds)
    assert update.status == "at_risk"  # the worse of the two rows
    assert update.narrative == "signed off\n34 of 60 schools briefed"
    assert Action.objects.count() == 2


WHAT_HEADINGS = ["What", "Who", "How", "When", "Success measures", "Current status"]


def test_the_documents_own_labels_become_the_new_plans_key_and_are_shown_as_written():
    data = _docx(
        WHAT_HEADINGS,
        [
            ["Children seen every 10 days", "Head of Service", "Clinic", "Ongoing", "", "Green"],
            ["Reduce agency staff", "HR", "Campaign", "March 2025", "", "Red: two failed"],
            ["ASYE programme", "PSW", "", "Sept 2024", "", "Complete"],
        ],
    )
    as_at = datetime.date(2025, 1, 31)
    outcome = run(data, "plan.docx", statuses=RAG, as_at=as_at)
    assert outcome.result.saved, outcome.result.problems
    plan = Plan.objects.get()
    key = StatusKeyEntry.objects.filter(plan=plan)
    assert sorted(key.values_list("label", "status")) == [
        ("Green", "on_track"),
        ("Red", "off_track"),
    ]  # Amber is not written in the document; Complete is a standard word
    written = dict(ProgressUpdate.objects.values_list("action__title", "status_label"))
    assert written["Children seen every 10 days"] == "Green"
    assert written["Reduce agency staff"] == "Red"
    # the same document again: nothing to add, nothing to change
    again = run(data, "plan.docx", plan_slug=plan.slug, as_at=as_at, confirm=False)
    changing = [s for s in again.result.steps if s.kind not in ("unchanged", "keep")]
    assert not again.result.problems and not changing, changing


def test_an_editor_told_once_that_the_documents_date_is_before_today(editor):
    # the document states its date ("as at 31 January 2025"): every update is dated so
    data = _docx(
        ["Ref", "Action", "Progress"],
        [["1", "Recruit", "On track - 3 of 8"], ["2", "Audit", "Complete"]],
        before=["Improvement plan: progress as at 31 January 2025"],
    )
    outcome = run(data, "plan.docx", user=editor)
    assert not outcome.result.saved and not Plan.objects.exists()
    [problem] = outcome.result.problems  # one, not one an update
    assert problem.sheet == "The plan" and problem.row is None
    assert problem.column == "Date of the progress it records"
    assert "31/01/2025" in problem.message
    assert "today's date" in problem.fix and "As at blank" not in problem.fix


@pytest.mark.parametrize(
    "written, due",
    [
        ("01/04/2025", datetime.date(2025, 4, 1)),  # a UK document: day first
        ("1st April 2025", datetime.date(2025, 4, 1)),
        ("By end of Sept 24", datetime.date(2024, 9, 30)),
        ("By end of March 2025", datetime.date(2025, 3, 31)),
        ("end March 2025", datetime.date(2025, 3, 31)),
        ("Q3 2024/25", datetime.date(2024, 12, 31)),  # the financial year's third quarter
        ("Q4 2024/25", datetime.date(2025, 3, 31)),
        ("Q1 2025-26", datetime.date(2025, 6, 30)),
        ("2025/26", datetime.date(2026, 3, 31)),
    ],
)
def test_dates_as_councils_write_them(written, due):
    data = _docx(["Ref", "Action", "Target date"], [["1", "Recruit", written]])
    outcome = run(data, "plan.docx")
    assert outcome.result.saved, outcome.result.problems
    assert Action.objects.get().due_date == due


def test_a_due_date_column_saying_ongoing_keeps_it_as_the_timescale():
    data = _docx(
        ["Ref", "Action", "Deadline"], [["1", "Audit", "Ongoing"], ["2", "Recruit", "Monthly"]]
    )
    outcome = run(data, "plan.docx")
    assert outcome.result.saved, outcome.result.problems
    audit = Action.objects.get(reference="1")
    assert audit.due_date is None and audit.timescale == "Ongoing"


def test_a_line_before_a_table_that_names_its_own_objectives_is_not_an_objective():
    document = docx.Document()
    document.add_paragraph("Updated: 14th October 2024")
    table = document.add_table(rows=0, cols=3)
    for values in (["Action", "Who", "Current status"], ["", "", ""], ["Recruit", "HR", ""]):
        for cell, text in zip(table.add_row().cells, values, strict=True):
            cell.text = text
    table.cell(1, 0).merge(table.cell(1, 2)).text = "Objective One: A stable workforce"
    buffer = io.BytesIO()
    document.save(buffer)
    outcome = run(buffer.getvalue(), "plan.docx", as_at=datetime.date(2024, 10, 14))
    assert outcome.result.saved, outcome.result.problems
    assert [(o.reference, o.title) for o in Objective.objects.all()] == [
        ("Objective One", "A stable workforce")
    ]


def test_a_new_plan_whose_title_is_another_plans_is_not_imported_into_that_plan():
    data = _docx(["Ref", "Action"], [["1", "Recruit"]], before=["Improvement Plan"])
    first = run(data, "Improvement Plan.docx", organisation="Anytown Council")
    assert first.result.saved, first.result.problems
    # another council's document of the same title, imported as a new plan
    second = run(data, "Improvement Plan.docx", organisation="Elsewhere Council")
    assert not second.result.saved
    [problem] = second.result.problems
    assert "already" in problem.message and "improvement-plan" in problem.message
    assert "Import into" in problem.fix
    assert Plan.objects.get().organisation == "Anytown Council"
    command = document_import(
        data=data,
        file_name="Improvement Plan.docx",
        choices=Choices(organisation="Elsewhere", for_command=True),
        check_permissions=False,
    )
    assert "--plan improvement-plan" in command.result.problems[0].fix


def test_an_old_word_file_on_the_command_line_is_called_a_word_file(tmp_path):
    from django.core.management import CommandError, call_command

    old = tmp_path / "plan.doc"
    old.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    errors = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_plan", str(old), "--dry-run", stderr=errors, stdout=io.StringIO())
    assert "old-style Word file (.doc)" in errors.getvalue()
    assert "Excel" not in errors.getvalue()
