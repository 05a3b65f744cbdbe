"""A measure fed by the workforce returns (`Measure.indicator` set) never holds a value
typed by hand: the model refuses one, the admin shows its values read-only even to a
superuser, the data-entry page refuses everyone, a measure with typed values cannot be
switched to fed, and values typed in before are deleted by a data migration (each kept
in the change history)."""

import datetime
import importlib
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from metrics.models import FED_BY_RETURNS, DataPoint, Measure
from tests.factories import DataPointFactory, MeasureFactory, PlanFactory
from tests.metrics.admin_forms import admin_form_data
from tests.workforce.factories import WorkforceReturnFactory, indicator_measure
from workforce.services import indicator_measures_refresh

pytestmark = pytest.mark.django_db
D = datetime.date
MIGRATION = importlib.import_module(
    "metrics.migrations.0002_remove_hand_entered_values_of_fed_measures"
)


@pytest.fixture
def fed():
    return indicator_measure("vacancy")


def test_the_model_refuses_a_typed_value_on_a_fed_measure(fed):
    point = DataPoint(measure=fed, period_end=D(2025, 3, 31), value=Decimal(10))
    with pytest.raises(ValidationError) as refused:
        point.full_clean()
    assert refused.value.message_dict["value"] == [FED_BY_RETURNS]
    point.source = DataPoint.Source.WORKFORCE  # what the returns write
    point.full_clean()


def test_the_data_entry_page_refuses_even_a_superuser(client, staff_user, fed):
    client.force_login(staff_user)
    response = client.post(fed.get_absolute_url(), {"period_end": "2025-06-30", "value": "12"})
    assert response.status_code == 403
    assert not DataPoint.objects.exists()
    page = client.get(fed.get_absolute_url()).content.decode()
    assert 'name="value"' not in page
    assert "Values come from the workforce returns" in page


def test_the_admin_shows_a_fed_measures_values_read_only_to_a_superuser(client, staff_user, fed):
    WorkforceReturnFactory(as_at=D(2025, 3, 31), permanent_fte=9, vacancies_fte=1)
    indicator_measures_refresh()
    client.force_login(staff_user)
    url = reverse("admin:metrics_measure_change", args=[fed.pk])
    page = client.get(url)
    assert 'name="data_points-0-value"' not in page.content.decode()
    rows = {"data_points": [{"period_end": "2025-06-30", "value": "12"}]}
    changes = {"data_points-0-value": "99", "data_points-0-DELETE": "on"}
    client.post(url, admin_form_data(page, changes, rows))
    assert list(DataPoint.objects.values_list("period_end", "value")) == [
        (D(2025, 3, 31), Decimal(10))
    ]


def test_the_admin_refuses_typed_values_on_a_measure_made_fed_as_it_is_added(client, staff_user):
    client.force_login(staff_user)
    url = reverse("admin:metrics_measure_add")
    changes = {
        "plan": str(PlanFactory().pk),
        "name": "Vacancy rate",
        "unit": "percent",
        "direction": "lower",
        "indicator": "vacancy",
    }
    rows = {"data_points": [{"period_end": "2025-03-31", "value": "12"}]}
    response = client.post(url, admin_form_data(client.get(url), changes, rows))
    assert FED_BY_RETURNS in response.content.decode()
    assert not Measure.objects.exists() and not DataPoint.objects.exists()


def test_a_measure_with_typed_values_is_not_switched_to_fed(client, staff_user):
    measure = MeasureFactory()
    DataPointFactory(measure=measure)
    client.force_login(staff_user)
    url = reverse("admin:metrics_measure_change", args=[measure.pk])
    client.post(url, admin_form_data(client.get(url), {"indicator": "vacancy"}))
    measure.refresh_from_db()
    assert measure.indicator == ""
    with pytest.raises(ValidationError) as refused:
        Measure(
            pk=measure.pk, plan=measure.plan, name="x", unit="percent", indicator="vacancy"
        ).clean()
    assert "1 value(s) entered by hand" in refused.value.message_dict["indicator"][0]


def test_the_migration_deletes_typed_values_of_fed_measures_and_keeps_them_in_history(fed, caplog):
    typed = DataPoint.objects.create(measure=fed, period_end=D(2015, 3, 31), value=51)
    computed = DataPoint.objects.create(
        measure=fed, period_end=D(2025, 3, 31), value=10, source="workforce"
    )
    by_hand = DataPointFactory(measure=MeasureFactory())  # not fed: stays
    # The models as the migration sees them (no signals, so no history of their own).
    state = MigrationLoader(connection).project_state(("metrics", "0001_initial"))
    MIGRATION.remove_hand_entered_values(state.apps, None)
    assert set(DataPoint.objects.values_list("pk", flat=True)) == {computed.pk, by_hand.pk}
    deleted = typed.history.get(history_type="-")
    assert (deleted.value, deleted.period_end, deleted.history_change_reason) == (
        51,
        D(2015, 3, 31),
        MIGRATION.REASON,
    )
    assert "Deleted 1 value(s)" in caplog.text
