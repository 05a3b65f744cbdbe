"""Nothing is cut to fit a spreadsheet cell (32,767 characters): text up to the limit
exports whole and imports back; longer text stops an export with a message saying where
it is (the page, the command), and an import refuses it on its cell."""

import csv
import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from improvement.models import Plan, ProgressUpdate
from improvement.plan_files import _delete_plan
from improvement.workbook.services import plan_export, plan_import
from improvement.workbook.values import CELL_LIMIT, lines_out
from improvement.workbook.writer import CellTooLong
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory, ProgressUpdateFactory
from tests.workbook.conftest import cells, crafted_xlsx, csv_zip, minimal_sheets, row_counts

pytestmark = pytest.mark.django_db


def long_text(length: int, word: str = "improvement ") -> str:
    """Words to exactly `length` characters, ending with a full stop."""
    return (word * (length // len(word) + 1))[: length - 1] + "."


def accepted(field, value) -> bool:
    try:
        field.clean(value, None)
    except ValidationError:
        return False
    return True


def longest_text(model, name: str) -> str:
    """The longest text the field accepts (its model's own rules), up to a cell's limit."""
    field = model._meta.get_field(name)
    low, high = 1, CELL_LIMIT
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if accepted(field, long_text(middle)) else (low, middle - 1)
    return long_text(low)


def longest_list(model, name: str) -> list[str]:
    """The longest list of items the field accepts whose cell (a line an item) fits."""
    field = model._meta.get_field(name)
    low, high = 1, CELL_LIMIT
    while low < high:
        middle = (low + high + 1) // 2
        ok = accepted(field, [long_text(middle)])
        low, high = (middle, high) if ok else (low, middle - 1)
    items = []
    while True:
        more = [*items, long_text(low, f"item {len(items)} ")]
        if not accepted(field, more) or len(lines_out(more)) > CELL_LIMIT:
            return items
        items = more


@pytest.fixture
def plan():
    plan = PlanFactory(slug="long-2025", description=longest_text(Plan, "description"))
    action = ActionFactory(objective=ObjectiveFactory(plan=plan, reference="1"), reference="1.1")
    ProgressUpdateFactory(
        action=action,
        narrative=longest_text(ProgressUpdate, "narrative"),
        achievements=longest_list(ProgressUpdate, "achievements"),
    )
    return plan


@pytest.mark.parametrize("as_csv", [False, True])
def test_text_up_to_a_cells_limit_exports_whole_and_imports_back(plan, as_csv):
    stored = ProgressUpdate.objects.get()
    narrative, achievements = stored.narrative, stored.achievements
    first = plan_export(plan=plan, as_csv=as_csv).data
    _delete_plan(plan)

    result = plan_import(
        data=first, file_name="plan.zip" if as_csv else "plan.xlsx", check_permissions=False,
        confirm=True,
    )  # fmt: skip

    assert result.saved, [str(p) for p in result.problems]
    imported = ProgressUpdate.objects.get()
    assert (imported.narrative, imported.achievements) == (narrative, achievements)
    assert len(lines_out(achievements)) > 8_000  # long: as long as the tracker takes
    assert Plan.objects.get().description == plan.description
    second = plan_export(plan=Plan.objects.get(), as_csv=as_csv).data
    if as_csv:
        with zipfile.ZipFile(io.BytesIO(first)) as a, zipfile.ZipFile(io.BytesIO(second)) as b:
            assert all(a.read(n) == b.read(n) for n in a.namelist())
    else:
        assert cells(first) == cells(second)


def test_a_value_too_long_for_a_cell_stops_the_export_saying_where_it_is(plan):
    update = ProgressUpdate.objects.get()
    achievements = [long_text(20_000), long_text(20_000)]
    ProgressUpdate.objects.filter(pk=update.pk).update(achievements=achievements)
    length = len("\n".join(achievements))

    for as_csv in (False, True):
        with pytest.raises(CellTooLong) as refused:
            plan_export(plan=plan, as_csv=as_csv)
        assert (refused.value.sheet, refused.value.row, refused.value.column) == (
            "Updates",
            2,
            "Achievements",
        )
    assert str(refused.value) == (
        "The plan cannot be exported whole: on the Updates sheet, row 2 (Update ref 1, "
        f"Objective 1, Action 1.1, As at 2025-06-30), the Achievements is {length:,} characters "
        "long, and a spreadsheet cell holds at most 32,767. Shorten it in the tracker (or "
        "split it into several entries), then export again."
    )


def test_the_export_page_and_command_say_so_too(plan, client, administrator, tmp_path):
    Plan.objects.filter(pk=plan.pk).update(description=long_text(CELL_LIMIT + 10))
    client.force_login(administrator)

    for format_ in ("xlsx", "csv"):
        url = reverse("plan-export", kwargs={"slug": plan.slug}) + f"?format={format_}"
        response = client.get(url)
        assert response.status_code == 409
        page = response.content.decode()
        assert "The plan cannot be exported as a spreadsheet" in page
        assert "on the Plan sheet, row 9 (Field Description), the Description is 32,777" in page

    with pytest.raises(CommandError, match="on the Plan sheet, row 9"):
        call_command("export_plan", plan.slug, "-o", str(tmp_path / "plan.xlsx"))
    assert not (tmp_path / "plan.xlsx").exists()


@pytest.mark.parametrize("as_csv", [False, True])
def test_an_import_refuses_a_cell_too_long_to_export(administrator, as_csv):
    too_long, lines = long_text(CELL_LIMIT + 1), "Short\n" + long_text(CELL_LIMIT)
    updates = [
        ["Update ref", "Objective", "Action", "Progress", "Achievements"],
        ["1", "1", "1.1", too_long, lines],
    ]
    sheets = minimal_sheets(Updates=updates)
    if as_csv:
        files = {}
        for name, rows in sheets.items():
            buffer = io.StringIO()
            csv.writer(buffer).writerows(rows)
            files[f"{name}.csv"] = buffer.getvalue()
        data, name = csv_zip(files), "plan.zip"
    else:  # written by hand: openpyxl itself would cut the cells
        data, name = crafted_xlsx(sheets), "plan.xlsx"
    counts = row_counts()

    result = plan_import(data=data, file_name=name, user=administrator, confirm=True)

    assert not result.saved and row_counts() == counts
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [
        ("Updates", 2, "Progress"),
        ("Updates", 2, "Achievements"),
    ]
    assert "a spreadsheet cell holds at most 32,767" in result.problems[0].message
