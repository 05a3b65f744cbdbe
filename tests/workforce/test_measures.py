"""Measures fed by a workforce indicator: one computed data point per return date of
their scope, recomputed (with save(), so history records it) whenever returns change."""

import datetime
from decimal import Decimal

import pytest

from metrics.models import DataPoint
from tests.workforce.factories import (
    ServiceAreaFactory,
    TeamFactory,
    WorkforceReturnFactory,
    indicator_measure,
)
from workforce.services import (
    indicator_measures_refresh,
    team_save,
    workforce_return_save,
    workforce_returns_delete,
)

pytestmark = pytest.mark.django_db

D = datetime.date
JUN, SEP = D(2025, 6, 30), D(2025, 9, 30)


def values(measure) -> dict:
    return {p.period_end: p.value for p in DataPoint.objects.filter(measure=measure)}


@pytest.fixture
def area():
    return ServiceAreaFactory(name="Protection and Care")


def test_a_whole_service_measure_gets_one_point_per_return_date_from_summed_figures(area):
    small, large = TeamFactory(service_area=area), TeamFactory()
    WorkforceReturnFactory(team=small, as_at=SEP, permanent_fte=10, agency_fte=10)
    WorkforceReturnFactory(
        team=large, as_at=SEP, permanent_fte=90, agency_fte=0, agency_covering_vacancies_fte=0
    )
    WorkforceReturnFactory(team=small, as_at=JUN, permanent_fte=6, agency_fte=2)
    measure = indicator_measure("agency")
    indicator_measures_refresh()
    # 10 of 110 FTE at September (not the 25% the two teams' rates average to).
    assert values(measure) == {JUN: Decimal("25.0000"), SEP: Decimal("9.0909")}
    point = DataPoint.objects.get(measure=measure, period_end=SEP)
    assert point.source == DataPoint.Source.WORKFORCE
    assert point.note == "Worked out from 2 workforce returns at 30/09/2025 (whole service)."


def test_a_team_or_service_area_measure_counts_only_its_own_returns(area):
    mine, other = TeamFactory(service_area=area), TeamFactory()
    WorkforceReturnFactory(team=mine, permanent_fte=8, agency_fte=2)
    WorkforceReturnFactory(team=other, permanent_fte=1, agency_fte=9)
    by_team = indicator_measure("permanent", indicator_team=mine)
    by_area = indicator_measure("agency", indicator_service_area=area)
    indicator_measures_refresh()
    assert values(by_team) == {SEP: Decimal("80.0000")}
    assert values(by_area) == {SEP: Decimal("20.0000")}
    assert "(Protection and Care)" in DataPoint.objects.get(measure=by_area).note


def test_saving_a_return_recomputes_its_measures_and_history_records_the_change(area):
    team = TeamFactory(service_area=area)
    workforce_return = WorkforceReturnFactory(team=team, cases=160, case_holding_fte=10)
    measure = indicator_measure("caseload", indicator_team=team)
    indicator_measures_refresh()
    assert values(measure) == {SEP: Decimal("16.0000")}

    workforce_return.cases = 170
    refreshed = workforce_return_save(workforce_return=workforce_return)
    assert refreshed.changed == 1
    assert values(measure) == {SEP: Decimal("17.0000")}
    point = DataPoint.objects.get(measure=measure)
    assert [h.value for h in point.history.order_by("history_id")] == [
        Decimal("16.0000"),
        Decimal("17.0000"),
    ]


def test_an_unchanged_value_is_not_saved_again(area):
    WorkforceReturnFactory(team=TeamFactory(service_area=area))
    measure = indicator_measure("vacancy")
    indicator_measures_refresh()
    before = DataPoint.history.filter(measure_id=measure.pk).count()
    assert indicator_measures_refresh().changed == 0
    assert DataPoint.history.filter(measure_id=measure.pk).count() == before


def test_deleting_the_returns_behind_a_point_deletes_the_point(area):
    team = TeamFactory(service_area=area)
    june = WorkforceReturnFactory(team=team, as_at=JUN)
    WorkforceReturnFactory(team=team, as_at=SEP)
    measure = indicator_measure("vacancy", indicator_team=team)
    indicator_measures_refresh()
    assert set(values(measure)) == {JUN, SEP}
    refreshed = workforce_returns_delete(workforce_returns=[june])
    assert refreshed.deleted == 1
    assert set(values(measure)) == {SEP}


def test_a_date_with_nothing_to_divide_by_has_no_point(area):
    WorkforceReturnFactory(
        team=TeamFactory(service_area=area), vacancies_fte=0, agency_covering_vacancies_fte=0
    )
    measure = indicator_measure("vacancies_covered")
    indicator_measures_refresh()
    assert values(measure) == {}


def test_values_are_kept_to_four_decimal_places(area):
    WorkforceReturnFactory(
        team=TeamFactory(service_area=area),
        cases=100,
        case_holding_fte=3,
        permanent_fte=3,
        agency_fte=0,
        agency_covering_vacancies_fte=0,
    )
    measure = indicator_measure("caseload")
    indicator_measures_refresh()
    assert values(measure) == {SEP: Decimal("33.3333")}


def test_hand_entered_points_that_reached_a_fed_measure_give_way_to_the_returns(area):
    WorkforceReturnFactory(team=TeamFactory(service_area=area), permanent_fte=9, agency_fte=1)
    measure = indicator_measure("agency")
    DataPoint.objects.create(measure=measure, period_end=SEP, value=Decimal("50"))
    earlier = DataPoint.objects.create(measure=measure, period_end=D(2014, 3, 31), value=51)
    indicator_measures_refresh()
    replaced = DataPoint.objects.get(measure=measure, period_end=SEP)
    assert (replaced.value, replaced.source) == (Decimal("10.0000"), "workforce")
    # A fed measure shows only what the returns give; the change history keeps the rest.
    assert not DataPoint.objects.filter(pk=earlier.pk).exists()
    assert earlier.history.filter(history_type="-").exists()


def test_a_measure_not_fed_by_the_returns_is_left_alone(area):
    WorkforceReturnFactory(team=TeamFactory(service_area=area))
    measure = indicator_measure("vacancy")
    measure.indicator = ""
    measure.save()
    assert indicator_measures_refresh().measures == 0
    assert values(measure) == {}


def test_moving_a_team_recomputes_both_service_areas(area):
    team = TeamFactory(service_area=area)
    other = ServiceAreaFactory(name="Children Looked After")
    WorkforceReturnFactory(team=team)
    old_area = indicator_measure("vacancy", indicator_service_area=area)
    new_area = indicator_measure("vacancy", indicator_service_area=other, name="new")
    indicator_measures_refresh()
    assert (len(values(old_area)), len(values(new_area))) == (1, 0)
    team.service_area = other
    team_save(team=team, previous_service_area_id=area.pk)
    assert (len(values(old_area)), len(values(new_area))) == (0, 1)


def test_a_part_year_turnover_says_so_in_its_note(area):
    WorkforceReturnFactory(team=TeamFactory(service_area=area))
    measure = indicator_measure("turnover")
    indicator_measures_refresh()
    assert "Fewer than 12 months of returns" in DataPoint.objects.get(measure=measure).note
