"""Importing a plan from a council's own Word document or tracker (the service): tables
found in two Word layouts, with merged cells and a table broken across a page; the
mapping guessed from the headings and overridden; an Excel tracker with its own column
names and a CSV tracker; the saved mapping reused; progress recorded as updates as at
the date given or stated; a label split into status and progress; an unknown label
reported; the dry run equal to the import; hostile files refused with a message."""

from __future__ import annotations

import copy
import datetime
import io
import zipfile

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE as RT

from improvement.models import Action, Objective, Plan, ProgressUpdate, Section
from improvement.models.imports import SavedColumnMapping
from improvement.workbook import format as fmt
from improvement.workbook.documents import document_import, read_document
from improvement.workbook.mapping import Choices, guess, split_reference
from improvement.workbook.readers.tables import MAX_DOCUMENT_ROWS, MAX_TABLES
from tests.factories import PlanFactory, StatusKeyEntryFactory
from tests.workbook.conftest import row_counts
from tests.workbook.documents import (
    ACTIVITY_HEADINGS,
    WHAT_HEADINGS,
    activity_plan,
    tracker_csv,
    tracker_xlsx,
    what_plan,
)

pytestmark = pytest.mark.django_db

ATTACHED_TEMPLATE = (
    "http://schemas.openxmlformats.org/officeDocument/2006/relationships/attachedTemplate"
)
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


def keyed_plan(**kwargs):
    plan = PlanFactory(start_date=datetime.date(2014, 4, 1), **kwargs)
    for status, label in (("on_track", "Green"), ("at_risk", "Amber"), ("off_track", "Red")):
        StatusKeyEntryFactory(plan=plan, status=status, label=label)
    return plan


def test_the_headings_of_real_plans_are_mapped_to_fields():
    assert guess(ACTIVITY_HEADINGS) == [
        "reference",
        "title",
        "benefit",
        "steps",
        "timescale",
        "progress",
    ]
    assert guess(WHAT_HEADINGS) == [
        "title",
        "responsible",
        "steps",
        "timescale",
        "success measures",
        "status",
    ]
    assert guess(["Outcome", "Measure", "Target"]) == ["objective", "success measures", ""]
    assert guess(["Page", ""]) == ["", ""]


def test_references_written_in_words_are_kept():
    assert split_reference("1 Workforce Planning – Overall") == (
        "1",
        "Workforce Planning – Overall",
    )
    assert split_reference("Objective One: Strong leadership") == (
        "Objective One",
        "Strong leadership",
    )
    assert split_reference("A. Leadership") == ("A", "Leadership")
    assert split_reference("A sufficient and stable workforce") == (
        "",
        "A sufficient and stable workforce",
    )


def test_a_word_plan_with_an_objective_before_each_table():
    outcome = run(activity_plan(), "plan.docx")
    assert outcome.result.saved, outcome.result.problems
    plan = Plan.objects.get()
    assert plan.title == "Best Value Service Review Improvement Plan Update February 2004"
    assert plan.organisation == "Anytown Council"
    objectives = {o.reference: o for o in Objective.objects.filter(plan=plan)}
    assert objectives["1"].title == "Workforce Planning"
    assert objectives["1"].description.startswith("Overall Objective to ensure recruitment")
    assert objectives["2"].title == "Practice"
    assert objectives["2"].description == "Improve the quality of assessments"
    # the notes between the tables are neither a section nor an objective
    assert not Section.objects.exists() and len(objectives) == 2
    actions = {a.reference: a for a in Action.objects.filter(objective__plan=plan)}
    # 1.3 is in the table's second part, after the page break (its heading row repeated)
    assert sorted(actions) == ["1.1", "1.2", "1.3", "2.1", "2.2"]
    assert actions["1.3"].objective == objectives["1"]
    assert actions["1.1"].steps.startswith("1. Purchase 5 more places on courses.")
    assert actions["1.2"].timescale == "09/03"
    assert actions["1.2"].due_date == datetime.date(2003, 9, 30)
    # the benefit merged down over two rows belongs to both
    assert actions["2.1"].benefit == actions["2.2"].benefit == "Better decisions"
    updates = {u.action.reference: u for u in ProgressUpdate.objects.all()}
    assert sorted(updates) == ["1.1", "1.2", "2.2"]
    # the progress as at the date the document states: "Update February 2004"
    assert {u.as_at for u in updates.values()} == {datetime.date(2004, 2, 29)}
    assert updates["1.1"].narrative == "Secondments increased to 9 this year."


def test_a_word_plan_in_what_who_how_when_columns_with_the_plans_own_key():
    plan = keyed_plan(slug="anytown", organisation="Anytown Council")
    outcome = run(what_plan(), "plan.docx", plan_slug="anytown")
    assert outcome.result.saved, outcome.result.problems
    assert list(Section.objects.filter(plan=plan).values_list("title", flat=True)) == [
        "Leadership and Governance"
    ]
    one = Objective.objects.get(plan=plan, reference="Objective One")
    two = Objective.objects.get(plan=plan, reference="Objective Two")
    assert one.title == "Strong and visible leadership" and one.section.title.startswith("Lead")
    assert one.success_measures == "Board meets monthly"
    assert two.title == "Good practice"  # a row merged across the table
    assert [a.title for a in Action.objects.filter(objective=one).order_by("sort_key")] == [
        "Set up an improvement board",
        "Publish the improvement plan",
    ]
    # the second part of the table, broken across a page, has no heading row
    assert [a.title for a in Action.objects.filter(objective=two).order_by("sort_key")] == [
        "Audit cases",
        "Supervise staff",
    ]
    board = Action.objects.get(title="Set up an improvement board")
    assert board.responsible == "Chief Executive" and board.steps.startswith("Appoint")
    updates = {u.action.title: u for u in ProgressUpdate.objects.all()}
    # a cell that starts with one of the key's labels: the status, then the progress
    assert updates["Set up an improvement board"].status == "on_track"
    assert updates["Set up an improvement board"].narrative == "the board has met twice."
    assert updates["Publish the improvement plan"].status == "complete"
    assert updates["Audit cases"].status == "at_risk"
    assert updates["Supervise staff"].status == "off_track"
    assert updates["Supervise staff"].narrative == "not yet started"
    assert {u.as_at for u in updates.values()} == {datetime.date(2014, 9, 30)}


def test_progress_is_recorded_as_at_the_date_given():
    run(activity_plan(), "plan.docx", as_at=datetime.date(2004, 1, 15))
    assert set(ProgressUpdate.objects.values_list("as_at", flat=True)) == {
        datetime.date(2004, 1, 15)
    }


def test_the_mapping_can_be_changed():
    outcome = run(
        activity_plan(),
        "plan.docx",
        columns={"benefit to the customer": "", "progress": "evidence"},
    )
    assert outcome.result.saved, outcome.result.problems
    assert set(Action.objects.values_list("benefit", flat=True)) == {""}
    update = ProgressUpdate.objects.get(action__reference="1.1")
    assert update.narrative == "" and "Secondments increased to 9" in str(update.evidence)


def test_the_dry_run_is_the_import():
    before = row_counts()
    dry = run(what_plan(), "plan.docx", confirm=False, statuses=RAG)
    assert not dry.result.problems and not dry.result.saved
    assert row_counts() == before
    done = run(what_plan(), "plan.docx", statuses=RAG)
    assert done.result.saved
    assert done.result.steps == dry.result.steps
    assert any(s.sheet == "Table 2" and s.row == 1 for s in done.result.steps)
    again = run(
        what_plan(), "plan.docx", confirm=False, statuses=RAG, plan_slug=done.result.plan_slug
    )
    assert not again.result.changes_anything and not again.result.problems


def test_an_unknown_label_is_a_problem_that_names_what_to_do():
    outcome = run(what_plan(unknown_label="Ongoing"), "plan.docx", statuses=RAG)
    assert not outcome.result.saved and not Plan.objects.exists()
    [problem] = outcome.result.problems
    assert (problem.sheet, problem.row, problem.column) == ("Table 1", 3, "Current status")
    assert "“Ongoing” is not a status label" in problem.message
    assert "Status labels" in problem.fix
    command = document_import(
        data=what_plan(unknown_label="Ongoing"),
        file_name="plan.docx",
        choices=Choices(organisation="Anytown", statuses=RAG, for_command=True),
        check_permissions=False,
    )
    [problem] = command.result.problems
    assert '--status "Ongoing=on track"' in problem.fix and "--map" in problem.fix


def test_a_tracker_with_its_own_column_names():
    outcome = run(tracker_xlsx(), "tracker.xlsx", statuses=RAG)
    assert outcome.result.saved, outcome.result.problems
    plan = Plan.objects.get()
    assert plan.title == "Workforce improvement tracker"
    layout = outcome.built.layouts[0]
    assert layout.heading_row == 4  # below its title and date
    objectives = Objective.objects.filter(plan=plan).order_by("sort_key")
    assert [(o.reference, o.title) for o in objectives] == [("1", "Recruitment"), ("2", "Quality")]
    campaign = Action.objects.get(reference="A1")
    assert campaign.responsible == "HR" and campaign.due_date == datetime.date(2015, 3, 31)
    update = ProgressUpdate.objects.get(action=campaign)
    assert update.status == "on_track" and update.narrative == "Campaign launched"
    assert "Adverts" in str(update.evidence)
    assert update.as_at == datetime.date(2015, 3, 31)  # "Updated March 2015"
    assert not ProgressUpdate.objects.filter(action__reference="B1").exists()


def test_a_csv_tracker():
    outcome = run(
        tracker_csv(), "workforce_tracker.csv", statuses=RAG, as_at=datetime.date(2025, 1, 31)
    )
    assert outcome.result.saved, outcome.result.problems
    assert Plan.objects.get().title == "workforce tracker"
    assert Action.objects.count() == 3
    assert ProgressUpdate.objects.get(action__reference="A2").status == "at_risk"


def test_the_saved_mapping_is_used_for_the_next_document_of_the_same_shape():
    first = run(
        activity_plan(),
        "plan.docx",
        plan_slug="notts",
        columns={"benefit to the customer": ""},
    )
    assert first.result.saved
    saved = SavedColumnMapping.objects.get()
    assert saved.plan.slug == "notts" and saved.fields[2] == ""
    # the same plan, no choices: the saved mapping, not the guess
    second = run(activity_plan(), "plan.docx", plan_slug="notts", confirm=False)
    assert second.built.layouts[0].fields[2] == ""
    # another plan of the same organisation
    third = run(activity_plan(), "plan.docx", plan_slug="notts-2", confirm=False)
    assert third.built.layouts[0].fields[2] == ""
    # another organisation's: guessed afresh
    other = run(
        activity_plan(), "plan.docx", plan_slug="x", organisation="Elsewhere", confirm=False
    )
    assert other.built.layouts[0].fields[2] == "benefit"


def test_saved_labels_are_used_again():
    run(what_plan(), "plan.docx", plan_slug="anytown", statuses=RAG)
    again = run(what_plan(), "plan.docx", plan_slug="anytown", confirm=False)
    assert not again.result.problems


def test_an_editor_imports_only_into_a_plan_they_edit(editor):
    mine = keyed_plan(slug="mine")
    mine.editors.add(editor)
    keyed_plan(slug="theirs")
    today = datetime.date.today()
    refused = run(what_plan(), "plan.docx", plan_slug="theirs", user=editor, as_at=today)
    assert not refused.result.saved and refused.result.problems
    assert not Action.objects.exists()
    done = run(what_plan(), "plan.docx", plan_slug="mine", user=editor, as_at=today)
    assert done.result.saved, done.result.problems
    assert Action.objects.filter(objective__plan=mine).count() == 4


# -- hostile files -----------------------------------------------------------------------


def _docx(build) -> bytes:
    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def refused(data: bytes, name: str) -> str:
    before = row_counts()
    outcome = run(data, name)
    assert not outcome.result.saved and outcome.result.problems
    assert row_counts() == before
    return outcome.result.problems[0].message


def test_a_file_that_is_not_a_word_document():
    assert "is not a Word document" in refused(b"just some text", "plan.docx")
    assert "is not a Word document" in refused(tracker_xlsx(), "plan.docx")
    assert "not a Word document, Excel workbook or CSV file" in refused(b"x", "plan.pdf")
    assert "damaged" in refused(b"PK\x03\x04" + b"\0" * 100, "plan.docx")


def test_a_macro_enabled_document_is_refused():
    assert "macro-enabled" in refused(activity_plan(), "plan.docm")
    source = zipfile.ZipFile(io.BytesIO(activity_plan()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as rebuilt:
        for entry in source.infolist():
            rebuilt.writestr(entry, source.read(entry))
        rebuilt.writestr("word/vbaProject.bin", b"\0" * 10)
    assert "contains macros" in refused(buffer.getvalue(), "plan.docx")


def test_a_zip_bomb_is_refused_unopened():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as z:
        z.writestr("word/document.xml", "<w:document/>")
        with z.open("word/media/big.bin", "w", force_zip64=True) as big:
            chunk = b" " * (1 << 20)
            for _ in range(fmt.max_unzipped_bytes() // len(chunk) + 5):
                big.write(chunk)
    found = read_document(buffer.getvalue(), "bomb.docx")
    assert "would unpack to" in found.problems[0].message
    assert found.rows_read == 0 and found.bytes_read == 0


def test_a_document_with_thousands_of_tables_is_refused_after_the_cap():
    def build(document):
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text = "What"
        for _ in range(10_000):
            document.element.body.append(copy.deepcopy(table._tbl))

    found = read_document(_docx(build), "many.docx")
    assert f"more than {MAX_TABLES} tables" in found.problems[0].message
    assert found.rows_read == MAX_TABLES and not found.tables


def test_a_table_of_100000_rows_is_refused_after_the_cap():
    def build(document):
        table = document.add_table(rows=1, cols=1)
        row = table.rows[0]._tr
        for _ in range(100_000):
            table._tbl.append(copy.deepcopy(row))

    found = read_document(_docx(build), "long.docx")
    assert f"more than {MAX_DOCUMENT_ROWS:,} table rows" in found.problems[0].message
    assert found.rows_read == MAX_DOCUMENT_ROWS + 1 and not found.tables


def test_a_tracker_of_100000_rows_is_refused_after_the_cap():
    from tests.workbook.conftest import crafted_xlsx

    rows = (["Action", "Progress"] if n == 0 else [f"Action {n}", ""] for n in range(100_000))
    found = read_document(crafted_xlsx({"Tracker": rows}), "long.xlsx")
    assert f"more than {fmt.MAX_ROWS:,} table rows" in found.problems[0].message
    assert found.rows_read == fmt.MAX_ROWS + 1 and not found.tables


def test_links_to_outside_files_are_never_followed(monkeypatch):
    import socket

    def no_network(*args, **kwargs):
        raise AssertionError("the import tried to reach the network")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)

    def build(document):
        document.part.relate_to("http://example.invalid/picture.png", RT.IMAGE, is_external=True)
        document.part._settings_part.relate_to(
            "http://example.invalid/template.dotx", ATTACHED_TEMPLATE, is_external=True
        )
        document.add_paragraph("1 Workforce")
        table = document.add_table(rows=2, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "No", "Action"
        table.cell(1, 0).text, table.cell(1, 1).text = "1.1", "Recruit"

    outcome = run(_docx(build), "linked.docx")
    assert outcome.result.saved, outcome.result.problems
    assert Action.objects.get().title == "Recruit"


def test_empty_tables_give_a_message():
    def build(document):
        document.add_table(rows=3, cols=3)
        document.add_table(rows=0, cols=2)

    message = refused(_docx(build), "empty.docx")
    assert "has a column for the actions" in message or "has no tables" in message
    assert "has no tables" in refused(_docx(lambda d: d.add_paragraph("Hello")), "text.docx")


def test_a_plan_workbook_is_sent_to_the_workbook_import():
    from tests.workbook.conftest import minimal_sheets, xlsx

    message = refused(xlsx(minimal_sheets()), "plan.xlsx")
    assert "plan workbook" in message


def test_an_unknown_label_before_the_progress_keeps_the_progress():
    outcome = run(what_plan(), "plan.docx", confirm=False)
    board = outcome.built.objectives[0].actions[0]
    assert (board.label, board.status, board.progress) == ("Green", "", "the board has met twice.")
    assert {p.message for p in outcome.result.problems} >= {
        "“Green” is not a status label this plan has. Its labels: none of its own.",
        "“Red” is not a status label this plan has. Its labels: none of its own.",
    }
    assert outcome.result.labels_to_add == ["Green", "Amber", "Red"]


def test_a_section_is_located_in_the_document():
    outcome = run(what_plan(), "plan.docx", confirm=False, statuses=RAG)
    assert any(
        s.sheet == "Text before Table 1" and "create section" in s.what
        for s in outcome.result.steps
    )
    board = outcome.built.objectives[0].actions[0]
    assert board.standard == "On track"


def test_an_objective_in_a_column_merged_down_its_actions():
    def build(document):
        document.add_heading("Safeguarding improvement plan", 0)
        rows = [
            ["Outcome", "Action", "Lead", "By when", "RAG"],
            ["1 - A stable workforce", "Recruit social workers", "HR", "March 2015", "Green"],
            ["", "Cut caseloads", "Head of Service", "June 2015", "Amber"],
            ["2 - Good practice", "Audit cases", "QA", "Ongoing", ""],
        ]
        table = document.add_table(rows=len(rows), cols=5)
        for r, values in enumerate(rows):
            for c, text in enumerate(values):
                table.cell(r, c).text = text
        merged = table.cell(1, 0).merge(table.cell(2, 0))
        merged.text = "1 - A stable workforce"

    outcome = run(_docx(build), "plan.docx", statuses=RAG, as_at=datetime.date(2015, 3, 31))
    assert outcome.result.saved, outcome.result.problems
    one = Objective.objects.get(reference="1")
    assert one.title == "A stable workforce"
    assert [a.title for a in Action.objects.filter(objective=one).order_by("sort_key")] == [
        "Recruit social workers",
        "Cut caseloads",
    ]
    assert Action.objects.get(title="Cut caseloads").due_date == datetime.date(2015, 6, 30)
    assert Action.objects.get(title="Audit cases").objective.reference == "2"


@pytest.mark.parametrize(
    ("build", "name", "source"),
    [
        (activity_plan, "plan.docx", "Word document"),
        (tracker_xlsx, "tracker.xlsx", "spreadsheet"),
        (tracker_csv, "tracker.csv", "CSV file"),
    ],
)
def test_the_history_says_what_the_plan_was_imported_from(build, name, source):
    outcome = run(build(), name, statuses=RAG, as_at=datetime.date(2025, 1, 31))
    assert outcome.result.saved, outcome.result.problems
    action = Action.objects.order_by("pk").first()
    assert action.history.get().history_change_reason == f"Imported from a {source}"
    plan = Plan.objects.get()
    assert plan.history.first().history_change_reason == f"Imported from a {source}"
