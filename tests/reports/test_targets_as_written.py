"""A committee report shows targets and figures as the plan words them, the same in every
format: a target with no date, a change from the baseline (with the number it comes to),
a target in words, a figure dated by its report, and no colour for a measure whose
direction is not stated."""

import datetime
from decimal import Decimal

import pytest

from improvement.reports.assembly import progress_report
from metrics.models import Target
from tests.factories import DataPointFactory, MeasureFactory, ObjectiveFactory, PlanFactory
from tests.reports.test_read_back import csv_text, download, html_text, xlsx_text
from tests.reports.test_read_back_word_pdf import docx_text, pdf_text

pytestmark = pytest.mark.django_db
D = datetime.date
AS_AT = D(2025, 6, 30)


@pytest.fixture
def plan(db):
    plan = PlanFactory(slug="as-written", title="Workforce plan")
    objective = ObjectiveFactory(plan=plan, reference="1", title="A stable workforce")
    placements = MeasureFactory(
        plan=plan, name="Student placements", unit="count", direction="higher", baseline_value=32
    )
    Target.objects.create(
        measure=placements,
        written="increase by 5",
        change_by="amount",
        change=5,
        due_date=D(2026, 3, 31),
        set_on=None,
    )
    DataPointFactory(measure=placements, period_end=D(2025, 3, 31), value=35)
    trained = MeasureFactory(plan=plan, name="Staff trained", unit="percent", direction="none")
    Target.objects.create(measure=trained, value=100, written="all staff", set_on=None)
    DataPointFactory(measure=trained, period_end=D(2025, 2, 28), value=80, dated="reported")
    system = MeasureFactory(plan=plan, name="IRO system", unit="percent", direction="higher")
    Target.objects.create(measure=system, written="a robust system in place", set_on=None)
    DataPointFactory(measure=system, period_end=D(2025, 3, 31), value=40)
    for measure in (placements, trained, system):
        measure.objectives.add(objective)
    return plan


def test_the_assembled_report_words_each_target_and_figure_as_written(plan):
    measures = {m.name: m for m in progress_report(plan, AS_AT).measures}
    placements = measures["Student placements"]
    assert placements.target == "37 (increase by 5) by Mar 2026"
    assert placements.target_number == Decimal(37)
    assert placements.status.label == "Off track"
    trained = measures["Staff trained"]
    assert trained.target == "all staff (100.0%) (no date)"
    assert trained.latest == "80.0% (reported Feb 2025)"
    assert (trained.status.code, trained.status.label) == ("", "Direction not stated")
    assert trained.direction_label == "Direction not stated"
    system = measures["IRO system"]
    assert system.value_and_target == "40.0% (a robust system in place)"
    assert (system.status.code, system.status.label) == ("", "Target in words")


@pytest.mark.parametrize("fmt", ["html", "xlsx", "csv", "docx", "pdf"])
def test_every_format_shows_the_targets_as_written(signed_in, plan, fmt):
    content = download(signed_in, plan, fmt, AS_AT)
    text = {
        "html": html_text,
        "xlsx": xlsx_text,
        "csv": csv_text,
        "docx": docx_text,
        "pdf": pdf_text,
    }[fmt](content)
    for said in (
        "35 (37 (increase by 5))",
        "80.0% (all staff (100.0%))",
        "40.0% (a robust system in place)",
        "Direction not stated",
        "Target in words",
    ):
        assert said in text, (fmt, said)
    if fmt != "csv":  # the CSV has no column for the target's date
        assert "reported" in text
