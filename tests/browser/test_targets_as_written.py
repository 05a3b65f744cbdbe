"""A measure whose target is written as a change, with no date, and whose direction is
not stated, in a real browser: axe-core finds nothing on its page (with the data-entry
form and its "This date is" radios) or on the measures list, and a figure entered as
dated by its report shows as reported."""

import datetime
from decimal import Decimal

import pytest

from improvement import roles
from metrics.models import DataPoint, Target
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import DataPointFactory, MeasureFactory

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


def test_a_measure_with_a_target_as_written_is_accessible_and_takes_a_reported_figure(page):
    sign_in(page, roles.ADMINISTRATOR)
    measure = MeasureFactory(
        name="Agency social workers", unit="fte", direction="none", baseline_value=Decimal(40)
    )
    Target.objects.create(
        measure=measure, written="halve", change_by="factor", change=Decimal("0.5"), set_on=None
    )
    DataPointFactory(measure=measure, period_end=datetime.date(2025, 3, 31), value=30)

    page.goto(page.base + measure.get_absolute_url())
    assert "20 FTE (halve)" in page.content()
    assert page.get_by_text("Direction not stated").first.is_visible()
    assert_accessible(page)

    period_end = page.get_by_role("group", name="Period end")  # GOV.UK date input
    period_end.get_by_label("Day").fill("30")
    period_end.get_by_label("Month").fill("6")
    period_end.get_by_label("Year").fill("2025")
    page.get_by_label("The date of the report that gave the figure").check()
    page.get_by_label("Value", exact=True).fill("24")
    page.get_by_role("button", name="Save value").click()
    page.get_by_text("The value is saved.").wait_for()
    point = DataPoint.objects.get(measure=measure, period_end=datetime.date(2025, 6, 30))
    assert (point.value, point.dated) == (24, "reported")
    assert "reported 30 Jun 2025" in page.content()

    page.goto(page.base + "/measures/")
    assert "20 FTE (halve)" in page.content()
    assert_accessible(page)
