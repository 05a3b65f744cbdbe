"""An edited workbook changes exactly what was edited, with save() so the history says
who and when; progress updates stay append-only; one bad row and nothing is saved."""

import datetime
import io

import pytest
from django.db import IntegrityError
from django.utils import timezone
from openpyxl import load_workbook

from improvement.models import Action, Milestone, Objective, Plan, ProgressUpdate, StatusKeyEntry
from improvement.workbook import apply as saving
from improvement.workbook.results import CHANGE, CREATE, KEEP, UNCHANGED
from improvement.workbook.services import plan_export, plan_import
from metrics.models import DataPoint, Measure
from tests.factories import ReportingPeriodFactory
from tests.workbook.conftest import history_count, minimal_sheets, row_counts, seed, xlsx

pytestmark = pytest.mark.django_db


class Book:
    """An exported workbook opened for editing as a person would in Excel."""

    def __init__(self, data: bytes):
        self.book = load_workbook(io.BytesIO(data))

    def headings(self, sheet):
        return [c.value for c in self.book[sheet][1]]

    def find(self, sheet, **match):
        """The row number of the first row whose columns have these values."""
        headings = self.headings(sheet)
        for row in self.book[sheet].iter_rows(min_row=2):
            values = {h: c.value for h, c in zip(headings, row, strict=False)}
            if all(values.get(k.replace("_", " ").capitalize()) == v for k, v in match.items()):
                return row[0].row
        raise LookupError(match)

    def set(self, sheet, row, column, value):
        self.book[sheet].cell(row=row, column=self.headings(sheet).index(column) + 1, value=value)

    def append(self, sheet, **values):
        headings = self.headings(sheet)
        self.book[sheet].append([values.get(h.lower().replace(" ", "_")) for h in headings])
        return self.book[sheet].max_row

    def data(self) -> bytes:
        buffer = io.BytesIO()
        self.book.save(buffer)
        return buffer.getvalue()


@pytest.fixture
def notts(editor):
    plan = seed("nottinghamshire-2004")
    plan.editors.add(editor)
    return plan


def test_an_edited_workbook_changes_exactly_what_changed_and_history_says_who(notts, editor):
    book = Book(plan_export(plan=notts).data)
    row = book.find("Actions", objective="1", reference="1.2")
    book.set("Actions", row, "Due date", datetime.date(2004, 6, 30))
    book.set("Actions", row, "Responsible", "Head of Service")
    new_action = book.append(
        "Actions", objective="1", reference="1.7", title="Exit interviews for every leaver"
    )
    new_update = book.append(
        "Updates",
        update_ref="100",
        objective="1",
        action="1.2",
        status="On track",
        progress="Strategy agreed.",
        achievements="Advert placed\nInterviews held",
    )
    history = history_count()

    result = plan_import(data=book.data(), file_name="notts.xlsx", user=editor, confirm=True)

    assert result.saved, [str(p) for p in result.problems]
    changed = [s for s in result.steps if s.kind in (CHANGE, CREATE)]
    assert [(s.sheet, s.row, s.kind) for s in changed] == [
        ("Actions", row, CHANGE),
        ("Actions", new_action, CREATE),
        ("Updates", new_update, CREATE),
    ]
    assert changed[0].what == (
        "change action 1.2: responsible from (blank) to “Head of Service”; "
        "due date from 30/09/2003 to 30/06/2004"
    )
    assert changed[1].what == "create action 1.7"
    today = timezone.localdate()
    assert changed[2].what == f"create update on action 1.2 as at {today:%d/%m/%Y}"
    assert {s.kind for s in result.steps} - {CHANGE, CREATE} == {UNCHANGED}

    action = Action.objects.get(objective__plan=notts, reference="1.2")
    assert action.due_date == datetime.date(2004, 6, 30)
    record = action.history.first()
    assert record.history_type == "~" and record.history_user == editor
    assert record.history_change_reason == "Imported from a plan workbook"
    update = ProgressUpdate.objects.get(action=action, as_at=today)
    assert (update.status, update.achievements, update.author) == (
        "on_track",
        ["Advert placed", "Interviews held"],
        editor,
    )
    assert not update.correction
    assert update.history.first().history_user == editor
    # One history row for each thing saved, and nothing else.
    assert history_count() == history + 3


def test_a_row_identical_to_a_stored_update_is_unchanged_and_one_that_differs_is_refused(
    notts, editor
):
    book = Book(plan_export(plan=notts).data)
    row = book.find("Updates", objective="1", action="1.1")
    book.set("Updates", row, "Progress", "Rewritten after the event.")
    counts = row_counts()

    result = plan_import(data=book.data(), file_name="notts.xlsx", user=editor, confirm=True)

    assert not result.saved
    [problem] = result.problems
    assert (problem.sheet, problem.row, problem.column) == ("Updates", row, "Progress")
    assert problem.message.startswith("Updates cannot be changed")
    assert "add a new row with its own date" in problem.fix.lower()
    assert row_counts() == counts


def test_updates_missing_from_the_workbook_are_kept(notts, editor):
    book = Book(plan_export(plan=notts).data)
    book.book["Updates"].delete_rows(2, 5)
    result = plan_import(data=book.data(), file_name="notts.xlsx", user=editor, confirm=True)
    assert result.saved
    kept = [s for s in result.steps if s.kind == KEEP]
    assert len(kept) == 5 and all("never deleted" in s.what for s in kept)
    assert ProgressUpdate.objects.filter(action__objective__plan=notts).count() == 19


def test_objectives_left_out_are_kept_not_deleted(notts, editor):
    book = Book(plan_export(plan=notts).data)
    book.book["Objectives"].delete_rows(5)  # objective 4
    result = plan_import(data=book.data(), file_name="notts.xlsx", user=editor, confirm=True)
    assert result.saved
    assert any(s.kind == KEEP and s.what.startswith("keep objective 4") for s in result.steps)
    assert notts.objectives.count() == 4


def test_a_column_left_out_keeps_what_the_tracker_has(notts, editor):
    book = Book(plan_export(plan=notts).data)
    book.book["Actions"].delete_cols(book.headings("Actions").index("Timescale") + 1)
    result = plan_import(data=book.data(), file_name="notts.xlsx", user=editor, confirm=True)
    assert result.saved and {s.kind for s in result.steps} == {UNCHANGED}
    assert Action.objects.get(objective__plan=notts, reference="1.6").timescale == "Ongoing"


def test_one_bad_row_among_good_changes_saves_nothing_in_any_table(notts, editor):
    book = Book(plan_export(plan=notts).data)
    book.set("Objectives", book.find("Objectives", reference="2"), "Title", "A new title")
    book.append("Actions", objective="1", reference="1.7", title="A good new action")
    book.append("Measures", name="A new measure", unit="Count")
    bad = book.append("Actions", objective="1", reference="1.8", title="Bad", due_date="soon")
    counts = row_counts()

    result = plan_import(data=book.data(), file_name="notts.xlsx", user=editor, confirm=True)

    assert not result.saved
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("Actions", bad, "Due date")]
    assert row_counts() == counts
    assert Objective.objects.get(plan=notts, reference="2").title != "A new title"


def test_a_failure_while_saving_rolls_everything_back(notts, editor, monkeypatch):
    book = Book(plan_export(plan=notts).data)
    book.append("Actions", objective="1", reference="1.7", title="A good new action")
    book.set("Objectives", book.find("Objectives", reference="2"), "Title", "A new title")
    book.append("Milestones", objective="1", action="1.7", title="Started")
    counts = row_counts()
    original = saving.bulk_create_with_history

    def refuse(objects, model, *args, **kwargs):
        original(objects, model, *args, **kwargs)
        if model is Milestone:  # after the objective and the action have been written
            raise IntegrityError("simulated")

    monkeypatch.setattr(saving, "bulk_create_with_history", refuse)
    result = plan_import(data=book.data(), file_name="notts.xlsx", user=editor, confirm=True)

    assert not result.saved
    assert "Nothing was saved" in result.problems[0].message
    assert row_counts() == counts


def test_the_plans_own_status_labels_are_read_and_written(editor, administrator):
    sheets = minimal_sheets(
        Plan=[
            ["Field", "Value"],
            ["Slug", "rag-2025"],
            ["Title", "RAG plan"],
            ["Organisation", "Anytown Council"],
            ["Kind", "Improvement notice"],
            ["On track label", "Green"],
            ["At risk label", "Amber"],
            ["Off track label", "Red"],
            ["Off track meaning", "Not yet achieved"],
        ],
        Updates=[
            ["Update ref", "Objective", "Action", "As at", "Status"],
            ["1", "1", "1.1", "30/06/2025", "Amber"],
            ["2", "2", "", "2025-06-30", "green"],
            ["3", "1", "1.2", "30/06/2025", "Off track"],
        ],
    )
    result = plan_import(data=xlsx(sheets), file_name="rag.xlsx", user=administrator, confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    plan = Plan.objects.get(slug="rag-2025")
    assert {e.status: e.label for e in StatusKeyEntry.objects.filter(plan=plan)} == {
        "on_track": "Green",
        "at_risk": "Amber",
        "off_track": "Red",
    }
    statuses = dict(
        ProgressUpdate.objects.filter(action__objective__plan=plan).values_list(
            "action__reference", "status"
        )
    )
    assert statuses == {"1.1": "at_risk", "1.2": "off_track"}
    assert ProgressUpdate.objects.get(objective__plan=plan).status == "on_track"
    book = Book(plan_export(plan=plan).data)
    statuses = [r[4].value for r in book.book["Updates"].iter_rows(min_row=2)]
    assert sorted(statuses) == ["Amber", "Green", "Red"]


def test_month_year_dates_are_read_only_under_a_month_heading(administrator):
    sheets = minimal_sheets(
        Actions=[
            ["Objective", "Reference", "Title", "Due month"],
            ["1", "1.1", "Recruit", "09/03"],
        ]
    )
    result = plan_import(data=xlsx(sheets), file_name="a.xlsx", user=administrator, confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    assert Action.objects.get(reference="1.1").due_date == datetime.date(2003, 9, 30)

    sheets["Actions"][0][3] = "Due date"
    sheets["Plan"][1][1] = "another-2025"
    result = plan_import(data=xlsx(sheets), file_name="a.xlsx", user=administrator)
    assert [(p.column, p.row) for p in result.problems] == [("Due date", 2)]


def test_owners_delegates_periods_and_authors_are_named_by_user_name(administrator, editor):
    # A new plan's periods follow its cadence: the updates name them ("Quarter 1
    # 2025/26"); another plan's period of that name is not used.
    ReportingPeriodFactory(
        name="Quarter 1 2025/26",
        start=datetime.date(2025, 4, 1),
        end=datetime.date(2025, 6, 30),
    )
    sheets = minimal_sheets(
        Actions=[
            ["Objective", "Reference", "Title", "Owner", "Delegates"],
            ["1", "1.1", "Recruit", "editor-user", "admin-user, editor-user"],
        ],
        Updates=[
            ["Update ref", "Objective", "Action", "As at", "Reporting period", "Recorded by"],
            ["1", "1", "1.1", "15/05/2025", "Quarter 1 2025/26", "editor-user"],
            ["2", "1", "1.1", "15/07/2025", "Quarter 1 2025/26", "nobody"],
        ],
    )
    result = plan_import(data=xlsx(sheets), file_name="a.xlsx", user=administrator)
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (3, "Recorded by", "There is no user “nobody” in the tracker.")
    ]
    sheets["Updates"].pop()
    result = plan_import(data=xlsx(sheets), file_name="a.xlsx", user=administrator, confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    action = Action.objects.get(reference="1.1")
    assert action.owner == editor
    assert set(action.delegates.all()) == {administrator, editor}
    update = ProgressUpdate.objects.get(action=action)
    assert (update.author, update.period.name) == (editor, "Quarter 1 2025/26")
    assert update.period.plan == action.objective.plan
    # And its current period (it has no start date to count from).
    today = datetime.date.today()
    assert action.objective.plan.periods.filter(start__lte=today, end__gte=today).exists()


def test_measures_targets_and_data_by_reference_or_name(administrator):
    sheets = minimal_sheets(
        Measures=[
            ["Reference", "Name", "Unit", "Direction", "Baseline", "Objectives", "Actions"],
            ["M1", "Permanent social workers", "Percentage", "Higher", 46, "1, 2", "1.1"],
            [None, "Caseload", "Ratio", "Lower is better", None, "1", None],
        ],
        Targets=[
            ["Measure", "Kind", "Value", "Due date"],
            ["M1", "Interim", 60, "31/03/2016"],
            ["M1", "Final", 80, "31/03/2017"],
        ],
        Data=[
            ["Measure", "Period end", "Value", "Note"],
            ["Caseload", "March 2015", "16.5", "average"],
            ["M1", "2015-03-31", "150", ""],  # more than 100%
        ],
    )
    result = plan_import(data=xlsx(sheets), file_name="m.xlsx", user=administrator)
    assert [(p.sheet, p.row, p.column, p.message) for p in result.problems] == [
        ("Data", 3, "Value", "A percentage cannot be more than 100.")
    ]
    sheets["Data"][2][2] = "55"
    result = plan_import(data=xlsx(sheets), file_name="m.xlsx", user=administrator, confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    measure = Measure.objects.get(reference="M1")
    assert sorted(o.reference for o in measure.objectives.all()) == ["1", "2"]
    assert [a.reference for a in measure.actions.all()] == ["1.1"]
    assert [(t.kind, t.value, t.set_on) for t in measure.targets.all()] == [
        ("interim", 60, None),
        ("final", 80, None),
    ]
    assert DataPoint.objects.get(measure__name="Caseload").period_end == datetime.date(2015, 3, 31)


def test_only_an_administrator_may_change_whether_a_plan_is_restricted(notts, editor):
    book = Book(plan_export(plan=notts).data)
    row = book.find("Plan", field="Restricted")
    book.set("Plan", row, "Value", "Yes")

    result = plan_import(data=book.data(), file_name="notts.xlsx", user=editor, confirm=True)

    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("Plan", row, "Value")]
    assert "Only administrators" in result.problems[0].message
    notts.refresh_from_db()
    assert not notts.restricted
