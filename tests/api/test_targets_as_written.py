"""The API gives a target as the plan words it beside the number it comes to, a target
with no date as null, the reason a measure has no status, and a figure dated by its
report."""

import datetime

import pytest

from improvement import roles
from metrics.models import Target
from tests.factories import DataPointFactory, MeasureFactory, user_with_role

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_measure_gives_its_target_as_written_and_why_it_has_no_status(api_as):
    api = api_as(user_with_role(roles.VIEWER))
    halve = MeasureFactory(name="Agency staff", unit="fte", direction="none", baseline_value=40)
    Target.objects.create(
        measure=halve, written="halve", change_by="factor", change="0.5", set_on=None
    )
    DataPointFactory(measure=halve, period_end=D(2025, 3, 31), value=30, dated="reported")
    (measure,) = api.results("measures/", as_at="2025-06-30")
    assert measure["target_value"] == "20"
    assert measure["target_written"] == "halve"
    assert measure["target_change_by"] == "factor"
    assert measure["target_due_date"] is None
    assert measure["target_display"] == "20 FTE (halve) (no date)"
    assert measure["direction"] == "none"
    assert (measure["status"], measure["status_note"]) == (None, "Direction not stated")
    assert (measure["latest_period_end"], measure["latest_reported"]) == ("2025-03-31", True)
    (point,) = api.results(f"measures/{halve.pk}/data-points/", as_at="2025-06-30")
    assert (point["period_end"], point["dated"]) == ("2025-03-31", "reported")


def test_a_target_in_words_has_no_number(api_as):
    api = api_as(user_with_role(roles.VIEWER))
    measure = MeasureFactory(direction="higher")
    Target.objects.create(measure=measure, written="a robust system in place", set_on=None)
    DataPointFactory(measure=measure, period_end=D(2025, 3, 31), value=40)
    (row,) = api.results("measures/", as_at="2025-06-30")
    assert (row["target_value"], row["target_written"]) == (None, "a robust system in place")
    assert (row["status"], row["status_note"]) == (None, "Target in words")
