"""A plan with too few rated actions: every report format says "Not enough updates", with
its key line and the coverage behind it, never as a colour."""

import datetime
import io
import zipfile

import pytest

from improvement.reports.assembly import progress_report
from improvement.views.reports import Format, Kind, report_file
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db
AS_AT = datetime.date(2025, 6, 30)


@pytest.fixture
def plan():
    plan = PlanFactory(title="Best value review")
    objective = ObjectiveFactory(plan=plan, reference="1")
    for i in range(4):
        ProgressUpdateFactory(
            action=ActionFactory(objective=objective, reference=f"1.{i + 1}"),
            as_at=datetime.date(2025, 6, 1),
            status="on_track" if i == 0 else "",
        )
    return plan


def test_the_report_says_not_enough_updates_with_its_key_line_and_coverage(plan):
    report = progress_report(plan, AS_AT)
    assert (report.status.code, report.status.label, report.status.colour) == (
        "not_enough_updates", "Not enough updates", "not-enough",
    )  # fmt: skip
    assert "Not enough updates" in [line.label for line in report.key]
    [objective] = report.objectives
    assert objective.reason.startswith("Not enough updates: 1 of 4 actions rated.")


@pytest.mark.parametrize("fmt", [Format.HTML, Format.DOCX, Format.XLSX, Format.CSV])
def test_every_format_carries_the_word(plan, fmt):
    file = report_file(plan=plan, kind=Kind.PROGRESS, fmt=fmt, as_at=AS_AT, since=None)
    content = file.content
    if fmt in (Format.DOCX, Format.XLSX):
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(n) for n in archive.namelist() if n.endswith(".xml"))
    assert b"Not enough updates" in content
    assert b"1 of 4 actions rated" in content
