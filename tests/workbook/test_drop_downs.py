"""The template and every exported workbook carry drop-down lists (Excel data
validation) with an input message, for statuses (the plan's labels), references
(objectives and actions, from their own sheets) and people (the plan's user names), so
that a typo is caught in Excel before upload. Read back with openpyxl."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from improvement.workbook.services import plan_export, plan_import
from improvement.workbook.writer import example_sheets, template_sheets, to_xlsx
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory, ProgressUpdateFactory
from tests.workbook.conftest import minimal_sheets, xlsx

pytestmark = pytest.mark.django_db


def _drop_downs(data: bytes) -> tuple[dict, object]:
    """(sheet, column heading) -> its validation; and the workbook."""
    book = load_workbook(io.BytesIO(data))
    found = {}
    for sheet in book:
        headings = [c.value for c in sheet[1]] if sheet.max_row else []
        for validation in sheet.data_validations.dataValidation:
            first = str(validation.sqref).split(":")[0]
            column = first.rstrip("0123456789")
            index = sheet[f"{column}1"].column - 1
            found[(sheet.title, headings[index])] = validation
    return found, book


def _listed(book, formula: str) -> list[str]:
    """The values a list's range holds."""
    sheet_name, cells = formula.lstrip("=").split("!")
    start, end = cells.replace("$", "").split(":")
    sheet = book[sheet_name.strip("'")]
    return [c.value for row in sheet[start:end] for c in row if c.value is not None]


@pytest.fixture
def plan_with_key(db):
    key = [
        ["Label", "Status"],
        ["Achieved", "Complete"],
        ["Green", "On track"],
        ["On target", "On track"],
        ["Amber", "At risk"],
    ]
    sheets = minimal_sheets(**{"Status key": key})
    sheets["Objectives"][0].append("Owner")
    from tests.factories import UserFactory

    UserFactory(username="jsmith")
    UserFactory(username="nobody-here")  # not one of the plan's people
    sheets["Objectives"][1].append("jsmith")
    result = plan_import(
        data=xlsx(sheets), file_name="p.xlsx", check_permissions=False, confirm=True
    )
    assert result.saved, [str(p) for p in result.problems]
    return result.plan


def test_an_exported_workbook_offers_the_plans_labels_references_and_people(plan_with_key):
    found, book = _drop_downs(plan_export(plan=plan_with_key).data)

    status = found[("Updates", "Status")]
    assert status.type == "list" and status.showInputMessage and status.showErrorMessage
    assert status.promptTitle == "Status" and "Status key sheet" in status.prompt
    assert _listed(book, status.formula1) == [
        "Achieved", "Green", "On target", "Amber",  # the plan's labels, in its order
        "Off track", "Not started",  # the standard words it has no label for
    ]  # fmt: skip
    assert "Complete" not in _listed(book, status.formula1)  # Achieved means complete here

    for sheet in ("Actions", "Milestones", "Updates"):
        objective = found[(sheet, "Objective")]
        assert objective.formula1.startswith("=Objectives!$A$2:$A$")
        assert _listed(book, objective.formula1) == ["1", "2"]
    action = found[("Updates", "Action")]
    assert _listed(book, action.formula1) == ["1.1", "1.2", "2.1"]
    assert found[("Objectives", "Section")].formula1.startswith("=Sections!$A$2")

    for sheet, column in [
        ("Objectives", "Owner"),
        ("Actions", "Owner"),
        ("Updates", "Recorded by"),
    ]:
        people = found[(sheet, column)]
        assert _listed(book, people.formula1) == ["jsmith"]
        assert people.promptTitle == "User name"
    assert book["Lists"].sheet_state == "hidden"

    standard = found[("Status key", "Status")]
    assert standard.errorStyle == "stop"  # a label must mean one of the five
    assert _listed(book, standard.formula1) == [
        "Complete", "On track", "At risk", "Off track", "Not started",
    ]  # fmt: skip
    # Elsewhere Excel warns, so a label or reference added in the same workbook is kept.
    assert status.errorStyle == "warning" and found[("Actions", "Objective")].errorStyle == (
        "warning"
    )


def test_the_template_and_the_example_offer_the_standard_words_and_their_own_sheets():
    for data in (to_xlsx(template_sheets()), to_xlsx(list(example_sheets()))):
        found, book = _drop_downs(data)
        assert _listed(book, found[("Updates", "Status")].formula1) == [
            "Complete", "On track", "At risk", "Off track", "Not started",
        ]  # fmt: skip
        assert ("Actions", "Objective") in found
        assert ("Objectives", "Owner") not in found  # no plan: nobody's name is given out


def test_a_workbook_with_its_lists_imports_as_before(plan_with_key):
    data = plan_export(plan=plan_with_key).data
    result = plan_import(data=data, file_name="p.xlsx", check_permissions=False)
    assert result.ok, [str(p) for p in result.problems]
    assert not any(s.sheet == "Lists" for s in result.steps)


def test_the_lists_cost_the_same_queries_however_many_people_the_plan_has():
    def queries_for(n: int) -> int:
        plan = PlanFactory()
        objective = ObjectiveFactory(plan=plan)
        for _ in range(n):
            ProgressUpdateFactory(action=ActionFactory(objective=objective))
        with CaptureQueriesContext(connection) as captured:
            plan_export(plan=plan)
        return len(captured)

    assert queries_for(3) == queries_for(30)
