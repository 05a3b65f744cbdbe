"""The measures list and a measure's page: values in their units, status in words,
chart with a text alternative, data entry with clear refusals, constant query counts."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement import roles
from metrics.models import DataPoint
from tests.factories import (
    DataPointFactory,
    MeasureFactory,
    PlanFactory,
    TargetFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


def measure_with_history(plan, n_points, **kwargs):
    measure = MeasureFactory(plan=plan, **kwargs)
    first = TargetFactory(measure=measure, value=80, due_date=D(2027, 3, 31))
    TargetFactory(
        measure=measure,
        value=75,
        due_date=D(2027, 3, 31),
        set_on=D(2025, 1, 1),
        replaces=first,
        reason="Revised",
    )
    TargetFactory(measure=measure, kind="interim", value=60, due_date=D(2025, 3, 31))
    findings = MeasureFactory(plan=plan, unit="text")
    for i in range(n_points // 10 + 1):
        DataPointFactory(
            measure=findings, period_end=D(2020 + i, 3, 31), value=None, text=f"Finding {i}"
        )
    for i in range(n_points):
        DataPointFactory(
            measure=measure, period_end=D(2020 + i // 12, i % 12 + 1, 28), value=40 + i % 30
        )
    return measure


def test_the_list_shows_values_in_units_status_words_and_trend(signed_in):
    plan = PlanFactory()
    vacancy = MeasureFactory(plan=plan, name="Vacancy rate", direction="lower", amber_tolerance=2)
    TargetFactory(measure=vacancy, value=8, due_date=D(2026, 3, 31))
    DataPointFactory(measure=vacancy, period_end=D(2025, 3, 31), value=Decimal("14"))
    DataPointFactory(measure=vacancy, period_end=D(2025, 6, 30), value=Decimal("9.5"))
    html = signed_in.get(reverse("measure-list") + "?as_at=2025-07-01").content.decode()
    assert "Vacancy rate" in html
    assert "9.5%" in html and "8.0%" in html
    assert '<strong class="app-status app-status--amber">At risk</strong>' in html
    assert "Better" in html and "-4.5 percentage points" in html


def test_the_list_filters_by_plan_status_and_owner(signed_in):
    owner = user_with_role(roles.ACTION_OWNER)
    plan, other = PlanFactory(), PlanFactory()
    met = MeasureFactory(plan=plan, name="Met", owner=owner)
    TargetFactory(measure=met, value=10)
    DataPointFactory(measure=met, value=20)
    MeasureFactory(plan=other, name="No data")

    def names(query):
        response = signed_in.get(reverse("measure-list") + "?as_at=2025-07-01&" + query)
        return [row.record.measure.name for row in response.context["table"].rows]

    assert names(f"plan={plan.pk}") == ["Met"]
    assert names("status=on_track") == ["Met"]
    assert names("status=none") == ["No data"]
    assert names(f"owner={owner.pk}") == ["Met"]


def test_the_list_hides_measures_of_plans_the_user_cannot_read(client):
    MeasureFactory(plan=PlanFactory(restricted=True), name="Secret")
    client.force_login(user_with_role(roles.ACTION_OWNER))
    assert "Secret" not in client.get(reverse("measure-list")).content.decode()


def test_list_and_measure_page_query_counts_do_not_grow_with_data(signed_in):
    plan = PlanFactory()
    small = measure_with_history(plan, 3)
    few, _ = queries(signed_in, reverse("measure-list"))
    small_page, _ = queries(signed_in, small.get_absolute_url())
    large = None
    for _ in range(6):
        large = measure_with_history(plan, 60)
    many, _ = queries(signed_in, reverse("measure-list"))
    large_page, _ = queries(signed_in, large.get_absolute_url())
    assert many == few
    assert large_page == small_page


def test_the_measure_page_has_a_chart_with_a_text_alternative_and_a_data_table(signed_in):
    measure = measure_with_history(
        PlanFactory(),
        5,
        name="Permanent social workers",
        baseline_value=39,
        baseline_date=D(2019, 12, 31),
    )
    html = signed_in.get(measure.get_absolute_url() + "?as_at=2025-12-31").content.decode()
    assert 'role="img"' in html and "<title id=" in html and "<desc id=" in html
    assert "Baseline 39.0%" in html and "Target 75.0%" in html and "Milestone 60.0%" in html
    assert "Target 80.0%" not in html  # revised on 1 January 2025
    assert "Values over time" in html and "Period end" in html
    assert "Distance to target" in html and "On course?" in html


def test_a_revised_target_is_kept_and_the_page_shows_the_one_in_force(signed_in):
    measure = MeasureFactory()
    old = TargetFactory(measure=measure, value=80, due_date=D(2027, 3, 31), set_on=D(2024, 4, 1))
    TargetFactory(
        measure=measure,
        value=70,
        due_date=D(2027, 3, 31),
        set_on=D(2025, 4, 1),
        replaces=old,
        reason="Market conditions",
    )
    DataPointFactory(measure=measure, period_end=D(2024, 12, 31), value=72)
    before = signed_in.get(measure.get_absolute_url() + "?as_at=2025-01-31")
    after = signed_in.get(measure.get_absolute_url() + "?as_at=2025-05-31")
    # The December value is judged against the target of its day, before and after the
    # revision: a new target alone does not change a status.
    assert before.context["state"].target.value == 80
    assert after.context["state"].target.value == 80
    assert "Replaced 80.0%: Market conditions" in after.content.decode()
    DataPointFactory(measure=measure, period_end=D(2025, 4, 30), value=72)
    later = signed_in.get(measure.get_absolute_url() + "?as_at=2025-05-31")
    assert later.context["state"].target.value == 70


@pytest.fixture
def owner_and_measure(client):
    owner = user_with_role(roles.ACTION_OWNER)
    measure = MeasureFactory(owner=owner, unit="percent")
    client.force_login(owner)
    return owner, measure


def test_a_measure_owner_enters_a_value(client, owner_and_measure):
    owner, measure = owner_and_measure
    response = client.post(
        measure.get_absolute_url(), {"period_end": "2025-06-30", "value": "12.5", "note": "Q1"}
    )
    assert response.status_code == 302
    point = DataPoint.objects.get(measure=measure)
    assert (point.value, point.entered_by, point.note) == (Decimal("12.5"), owner, "Q1")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"period_end": "2025-06-30", "value": "101"}, "A percentage cannot be more than 100."),
        ({"period_end": "2025-06-30", "value": "-1"}, "cannot be negative"),
        ({"period_end": "2025-06-30", "value": "twelve"}, "Enter a number, like 14.5."),
        ({"period_end": "2025-06-30", "value": ""}, "Enter a value."),
        ({"period_end": "30 June", "value": "5"}, "The period end must be a real date"),
        ({"period_end": "2025-03-31", "value": "5"}, "There is already a value for 31 March 2025"),
    ],
)
def test_bad_values_are_refused_next_to_the_field_and_nothing_saved(
    client, owner_and_measure, data, message
):
    _, measure = owner_and_measure
    DataPointFactory(measure=measure, period_end=D(2025, 3, 31), value=3)
    response = client.post(measure.get_absolute_url(), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and "There is a problem" in html
    assert DataPoint.objects.filter(measure=measure).count() == 1


def test_negative_fte_is_refused(client, owner_and_measure):
    _, measure = owner_and_measure
    measure.unit = "fte"
    measure.save()
    response = client.post(measure.get_absolute_url(), {"period_end": "2025-06-30", "value": "-2"})
    assert "cannot be negative" in response.content.decode()
    assert not DataPoint.objects.exists()


def test_a_qualitative_measure_takes_text(client, owner_and_measure):
    _, measure = owner_and_measure
    measure.unit = "text"
    measure.save()
    response = client.post(
        measure.get_absolute_url(), {"period_end": "2025-06-30", "text": "Staff feel supported"}
    )
    assert response.status_code == 302
    assert DataPoint.objects.get().text == "Staff feel supported"


def test_only_owners_editors_and_administrators_enter_values(client):
    measure = MeasureFactory()
    viewer = user_with_role(roles.VIEWER)
    client.force_login(viewer)
    assert "Enter a value" not in client.get(measure.get_absolute_url()).content.decode()
    response = client.post(measure.get_absolute_url(), {"period_end": "2025-06-30", "value": "5"})
    assert response.status_code == 403
    assert not DataPoint.objects.exists()
    client.force_login(user_with_role(roles.ACTION_OWNER))
    secret = MeasureFactory(plan=PlanFactory(restricted=True))
    assert client.get(secret.get_absolute_url()).status_code == 404


def test_values_of_a_workforce_fed_measure_are_not_entered_by_hand(client):
    administrator = user_with_role(roles.ADMINISTRATOR)
    measure = MeasureFactory(indicator="vacancy")
    client.force_login(administrator)
    page = client.get(measure.get_absolute_url()).content.decode()
    assert "Values come from the workforce returns" in page
    response = client.post(measure.get_absolute_url(), {"period_end": "2025-06-30", "value": "5"})
    assert response.status_code == 403


def _count_assessed(monkeypatch) -> list[int]:
    """How many measures each call to `measure_states` assessed on the list page."""
    from metrics import views

    assessed: list[int] = []
    real = views.measure_states

    def counting(measures, as_at, **kwargs):
        states = real(measures, as_at, **kwargs)
        assessed.append(len(states))
        return states

    monkeypatch.setattr(views, "measure_states", counting)
    return assessed


def test_the_list_assesses_only_the_measures_on_the_page(signed_in, monkeypatch):
    plan = PlanFactory()
    for i in range(60):
        MeasureFactory(plan=plan, name=f"Measure {i:02d}")
    assessed = _count_assessed(monkeypatch)
    _, response = queries(signed_in, reverse("measure-list") + "?per_page=10&page=2")
    assert assessed == [10]
    names = [row.record.measure.name for row in response.context["table"].page.object_list]
    assert len(names) == 10
    assessed.clear()
    _, response = queries(signed_in, reverse("measure-list") + "?per_page=10&sort=-name")
    assert assessed == [10]
    first = response.context["table"].page.object_list[0].record.measure.name
    assert first == "Measure 59"
    assert response.context["table"].paginator.count == 60


def test_filtering_or_sorting_by_status_assesses_every_measure(signed_in, monkeypatch):
    plan = PlanFactory()
    for i in range(30):
        MeasureFactory(plan=plan, name=f"Measure {i:02d}")
    assessed = _count_assessed(monkeypatch)
    queries(signed_in, reverse("measure-list") + "?per_page=10&status=none")
    queries(signed_in, reverse("measure-list") + "?per_page=10&sort=status")
    assert assessed == [30, 30]
