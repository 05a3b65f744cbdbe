"""A confirmed import saves in bulk: the same number of queries for 5 rows or 30 (so a
large plan is saved well inside gunicorn's timeout; bench/import_size.py times it), with
every history record in the importing person's name, many-to-many relations included.

30, not 50: SQLite takes at most 999 parameters a statement, so Django splits a bulk
insert of 50 historical measures (20-odd columns each) in two; 30 stay in one statement
on SQLite, and PostgreSQL splits only at `saving.BATCH` (1,000 rows)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.models import Action, Milestone, Objective, ProgressUpdate
from improvement.references import natural_key
from improvement.workbook.services import plan_import
from metrics.models import Measure, Target
from tests.workbook.conftest import minimal_sheets, xlsx

pytestmark = pytest.mark.django_db

AS_AT = datetime.date(2025, 6, 30)


def workbook(
    n: int, *, slug: str, title: str = "Action", delegates: str = "admin-user, editor-user"
) -> bytes:
    """A plan with n actions (with delegates), milestones, updates with areas, measures
    linked to actions, targets revised once, and data."""
    sheets = minimal_sheets()
    sheets["Plan"][1][1] = slug
    sheets["Plan"].append(["Start date", datetime.date(2024, 4, 1)])
    refs = [f"1.{i}" for i in range(1, n + 1)]
    sheets["Actions"] = [["Objective", "Reference", "Title", "Owner", "Delegates"]] + [
        ["1", r, f"{title} {r}", "editor-user", delegates] for r in refs
    ]
    sheets["Milestones"] = [["Objective", "Action", "Title", "Due date"]] + [
        ["1", r, "Plan agreed", datetime.date(2026, 3, 31)] for r in refs
    ]
    sheets["Updates"] = [["Update ref", "Objective", "Action", "As at", "Status",
                          "Recorded by"]] + [
        [str(i), "1", r, AS_AT, "On track", "editor-user"] for i, r in enumerate(refs, 1)
    ]  # fmt: skip
    sheets["Areas"] = [["Update ref", "Description"]] + [
        [str(i), f"Embed the audit {i}"] for i in range(1, n + 1)
    ]
    sheets["Measures"] = [["Reference", "Name", "Unit", "Actions"]] + [
        [f"M{i}", f"Measure {i}", "Count", r] for i, r in enumerate(refs, 1)
    ]
    sheets["Targets"] = [["Measure", "Kind", "Value", "Due date", "In force from", "Reason"]] + [
        row
        for i in range(1, n + 1)
        for row in (
            [f"M{i}", "Final", 10, datetime.date(2026, 3, 31), None, None],
            [f"M{i}", "Final", 12, datetime.date(2026, 3, 31), datetime.date(2025, 1, 1), "Raised"],
        )
    ]
    sheets["Data"] = [["Measure", "Period end", "Value"]] + [
        [f"M{i}", datetime.date(2025, 3, 31), i] for i in range(1, n + 1)
    ]
    return xlsx(sheets)


def confirm(data: bytes, user) -> tuple[int, object]:
    user = type(user).objects.get(pk=user.pk)  # as a request has it: roles not yet read
    with CaptureQueriesContext(connection) as queries:
        result = plan_import(data=data, file_name="plan.xlsx", user=user, confirm=True)
    assert result.saved, [str(p) for p in result.problems][:5]
    return len(queries), result


MANY = 30


def test_saving_a_new_plan_costs_the_same_queries_for_5_rows_or_30(administrator, editor):
    few, _ = confirm(workbook(5, slug="few"), administrator)
    many, result = confirm(workbook(MANY, slug="many"), administrator)

    assert few == many
    plan = result.plan
    assert Action.objects.filter(objective__plan=plan).count() == MANY
    assert Milestone.objects.filter(action__objective__plan=plan).count() == MANY
    assert ProgressUpdate.objects.filter(action__objective__plan=plan).count() == MANY
    assert Target.objects.filter(measure__plan=plan, replaces__isnull=False).count() == MANY


def test_changing_every_row_costs_the_same_queries_for_5_rows_or_30(administrator, editor):
    confirm(workbook(5, slug="few"), administrator)
    confirm(workbook(MANY, slug="many"), administrator)

    few, _ = confirm(workbook(5, slug="few", title="Renamed"), administrator)
    many, result = confirm(workbook(MANY, slug="many", title="Renamed"), administrator)

    assert few == many
    titles = set(Action.objects.filter(objective__plan=result.plan).values_list("title", flat=True))
    assert titles == {f"Renamed 1.{i}" for i in range(1, MANY + 1)}


def test_what_is_saved_in_bulk_is_what_save_would_have_saved(administrator, editor):
    _, result = confirm(workbook(3, slug="bulk"), administrator)

    action = Action.objects.get(objective__plan=result.plan, reference="1.2")
    assert action.sort_key == natural_key("1.2")  # as Action.save() sets it
    assert Objective.objects.get(plan=result.plan, reference="1").sort_key == natural_key("1")
    # One history record for each object, by the person importing, with its relations.
    record = action.history.get()
    assert (record.history_type, record.history_user) == ("+", administrator)
    assert record.history_change_reason == "Imported from a plan workbook"
    assert {d.user.username for d in record.delegates.all()} == {"admin-user", "editor-user"}
    measure = Measure.objects.get(plan=result.plan, reference="M2")
    assert [a.action.reference for a in measure.history.get().actions.all()] == ["1.2"]
    area = ProgressUpdate.objects.get(action=action).areas_for_development.get()
    assert area.history.get().history_user == administrator

    # A change: a new "~" record, with the delegates as they now are.
    confirm(workbook(3, slug="bulk", delegates="editor-user"), administrator)
    latest = action.history.first()
    assert (latest.history_type, latest.history_user) == ("~", administrator)
    assert [d.user.username for d in latest.delegates.all()] == ["editor-user"]
    assert [u.username for u in action.delegates.all()] == ["editor-user"]


def test_a_stored_objective_moves_to_a_section_new_in_the_same_workbook(administrator):
    sheets = minimal_sheets()
    confirm(xlsx(sheets), administrator)
    sheets["Sections"] = [["Title"], ["Workforce and training"]]
    sheets["Objectives"] = [["Reference", "Section"], ["1", "Workforce and training"]]

    _, result = confirm(xlsx(sheets), administrator)

    objective = Objective.objects.get(plan=result.plan, reference="1")
    assert objective.section.title == "Workforce and training"
    assert objective.title == "Workforce"  # a column left out keeps what is stored
    assert objective.history.first().section_id == objective.section_id
