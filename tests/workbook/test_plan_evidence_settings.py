"""The plan's evidence settings travel in the workbook: written on export, read on import,
and a bad value refused on its row with nothing saved."""

import pytest

from improvement.models import Plan
from improvement.workbook.services import plan_export, plan_import
from tests.factories import PlanFactory
from tests.workbook.conftest import minimal_sheets, rows_of, xlsx

pytestmark = pytest.mark.django_db


def with_plan_rows(*rows):
    sheets = minimal_sheets()
    sheets["Plan"] += [list(r) for r in rows]
    return xlsx(sheets)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("Minimum share rated (%)", 150, "Enter a share from 0 to 100%."),
        ("Stale after (reporting periods)", 0, "Enter at least 1 reporting period."),
    ],
)
def test_a_bad_setting_is_refused_on_its_row_and_nothing_is_saved(
    administrator, field, value, message
):
    data = with_plan_rows([field, value])
    result = plan_import(data=data, file_name="a.xlsx", user=administrator, confirm=True)
    assert not result.saved
    on_row = [p for p in result.problems if (p.sheet, p.row, p.column) == ("Plan", 6, "Value")]
    assert [message in p.message for p in on_row] == [True]
    assert not Plan.objects.exists()


def test_settings_are_read_and_written(administrator):
    data = with_plan_rows(
        ["Overdue counts as at risk", "No"],
        ["Minimum share rated (%)", 0],
        ["Stale after (reporting periods)", 4],
    )
    result = plan_import(data=data, file_name="a.xlsx", user=administrator, confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    plan = Plan.objects.get()
    assert (plan.overdue_at_risk, plan.minimum_rated, plan.staleness_periods) == (False, 0, 4)
    exported = dict(
        (row[0], row[1])
        for row in rows_of(plan_export(plan=PlanFactory(minimum_rated=75)).data, "Plan")
    )
    assert exported["Minimum share rated (%)"] == 75
    assert exported["Overdue counts as at risk"] == "Yes"
    assert exported["Stale after (reporting periods)"] == 2
