"""The seed plans' measures carry the documents' own numbers."""

import datetime
from decimal import Decimal

import pytest

from improvement.plan_files import load_plan_file
from improvement.status import Status
from metrics.models import Measure
from metrics.selectors import measure_states
from tests.improvement.test_plan_files import HEREFORD, NOTTS, SLOUGH

pytestmark = pytest.mark.django_db
D = datetime.date


def state(plan, name, as_at):
    return measure_states(Measure.objects.filter(plan=plan, name=name), as_at)[0]


def values(measure):
    return [(p.period_end, p.value) for p in measure.data_points.order_by("period_end")]


def test_nottinghamshire_secondments_from_3_to_10_by_september_2004():
    plan = load_plan_file(NOTTS)
    measure = Measure.objects.get(plan=plan, name="Staff seconded to social work training")
    assert measure.baseline_value == 3
    assert [(t.value, t.due_date) for t in measure.targets.all()] == [(10, D(2004, 9, 30))]
    assert values(measure) == [(D(2003, 9, 30), 9)]
    assert [a.reference for a in measure.actions.all()] == ["1.1"]
    as_reported = state(plan, measure.name, D(2004, 2, 29))
    assert as_reported.status == Status.OFF_TRACK  # 9 is short of 10, no tolerance given
    assert as_reported.assessment.on_course is None  # the baseline of 3 has no date


def test_nottinghamshire_vacancy_rate_from_14_to_8_percent():
    plan = load_plan_file(NOTTS)
    measure = Measure.objects.get(plan=plan, name="Vacancy level in children's teams")
    assert values(measure) == [(D(2003, 3, 31), 14), (D(2004, 2, 29), 8)]
    assert measure.direction == "lower"
    assessment = state(plan, measure.name, D(2004, 2, 29)).assessment
    assert assessment.since_previous.direction == "better"
    assert assessment.status is None  # the plan set no numeric target


def test_nottinghamshire_pq1_target_of_75_percent_by_march_2005():
    plan = load_plan_file(NOTTS)
    measure = Measure.objects.get(plan=plan, name="Social workers with PQ1 level qualification")
    assert [(t.value, t.due_date) for t in measure.targets.all()] == [(75, D(2005, 3, 31))]


def test_slough_80_percent_permanent_by_2017_and_caseloads_16_by_march_2015():
    plan = load_plan_file(SLOUGH)
    permanent = Measure.objects.get(plan=plan, name="Quantitative tracking of recruitment figures")
    assert [(t.value, t.due_date) for t in permanent.targets.all()] == [(80, D(2017, 3, 31))]
    assert values(permanent) == [(D(2014, 2, 28), 39)]
    assert sorted(o.reference for o in permanent.objectives.all()) == ["1", "2"]
    caseload = state(plan, "Average caseload figures: Assessment and CIN", D(2014, 9, 30))
    assert caseload.assessment.latest.value == 16
    assert caseload.status == Status.ON_TRACK
    assert caseload.assessment.since_previous.change == Decimal(-20)
    protection = state(plan, "Average caseload figures: Protection and Care", D(2014, 9, 30))
    assert protection.assessment.latest.value == Decimal("14.5")


def test_herefordshire_figures_from_the_evidence():
    plan = load_plan_file(HEREFORD)
    conferences = Measure.objects.get(plan=plan, name="Timeliness of Child Protection conferences")
    assert values(conferences) == [(D(2013, 6, 30), Decimal("96.7"))]
    assert [o.reference for o in conferences.objectives.all()] == ["14"]
    visits = Measure.objects.get(plan=plan, name="LAC visits completed within the past 6 weeks")
    assert values(visits) == [(D(2013, 1, 31), Decimal("74.89")), (D(2013, 5, 31), Decimal("71"))]
    assessments = Measure.objects.get(plan=plan, name="Timeliness of initial assessments")
    assert values(assessments) == [(D(2013, 5, 31), Decimal("23.7"))]


def test_every_seed_measure_loads_with_valid_units():
    for path in (NOTTS, SLOUGH, HEREFORD):
        load_plan_file(path)
    assert Measure.objects.count() == 40
    for measure in Measure.objects.all():
        measure.full_clean()
        for point in measure.data_points.all():
            point.full_clean()
