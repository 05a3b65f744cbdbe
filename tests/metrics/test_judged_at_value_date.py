"""Measures on the pages: a value judged at its own date (the straight-line target where
the measure says so), and a measure with no stated direction shown with its value and
target, no colour, and why, on the list, its page and in the plan's report."""

import datetime

import pytest
from django.urls import reverse

from improvement.reports.assembly import progress_report
from tests.factories import DataPointFactory, MeasureFactory, PlanFactory, TargetFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def test_the_measure_page_shows_the_straight_line_target_a_value_was_judged_against(
    signed_in,
):
    measure = MeasureFactory(unit="fte", target_path="line", baseline_value=45,
                             baseline_date=D(2006, 3, 31))  # fmt: skip
    TargetFactory(measure=measure, kind="interim", value=50, due_date=D(2007, 3, 31), set_on=None)
    TargetFactory(measure=measure, kind="interim", value=53, due_date=D(2008, 3, 31), set_on=None)
    DataPointFactory(measure=measure, period_end=D(2007, 3, 31), value="50.32")
    DataPointFactory(measure=measure, period_end=D(2007, 9, 30), value=51)
    response = signed_in.get(measure.get_absolute_url() + "?as_at=2007-10-01")
    state = response.context["state"]
    assert state.target_at(D(2007, 3, 31)).value == 50
    assert state.target_at(D(2007, 9, 30)).value == pytest.approx(51.5)
    html = response.content.decode()
    assert "straight-line target of 51.5 FTE on 30 September 2007" in html


def test_a_measure_with_no_direction_has_no_colour_anywhere(signed_in):
    plan = PlanFactory()
    measure = MeasureFactory(plan=plan, name="Contacts received", unit="count", direction="none")
    TargetFactory(measure=measure, value=900)
    DataPointFactory(measure=measure, period_end=D(2025, 3, 31), value=1000)
    DataPointFactory(measure=measure, period_end=D(2025, 6, 30), value=1040)
    listed = signed_in.get(reverse("measure-list") + "?as_at=2025-07-01").content.decode()
    page = signed_in.get(measure.get_absolute_url() + "?as_at=2025-07-01").content.decode()
    for html in (listed, page):
        assert "Contacts received" in html
        assert "app-status--none" in html
        assert "app-status--red" not in html and "app-status--green" not in html
    assert "does not say whether a higher or a lower value is better" in page
    [reported] = progress_report(plan, D(2025, 7, 1)).measures
    assert (reported.status.code, reported.status.label) == ("", "Direction not stated")
    assert reported.latest_value == "1,040" and "900" in reported.target_value
    assert reported.trend.startswith("↑ up")
