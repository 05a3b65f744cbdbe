"""`load_demo_workforce`: a plausible council's workforce returns, and (in the Slough plan,
when it is loaded) two measures fed by them; running it twice changes nothing."""

import datetime
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from metrics.models import DataPoint, Measure
from tests.factories import ObjectiveFactory, PlanFactory
from workforce import indicators
from workforce.models import ServiceArea, Team, WorkforceReturn

pytestmark = pytest.mark.django_db


@pytest.fixture
def debug(settings):
    settings.DEBUG = True


def load() -> str:
    out = StringIO()
    call_command("load_demo_workforce", stdout=out)
    return out.getvalue()


def test_it_is_refused_unless_debug_is_on(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        load()
    assert WorkforceReturn.objects.count() == 0


def test_it_loads_three_service_areas_eight_teams_and_two_years_of_quarterly_returns(debug):
    load()
    assert sorted(ServiceArea.objects.values_list("name", flat=True)) == [
        "Assessment and Child in Need",
        "Children Looked After and Care Leavers",
        "Protection and Care",
    ]
    assert Team.objects.count() == 8
    dates = sorted(set(WorkforceReturn.objects.values_list("as_at", flat=True)))
    assert len(dates) == 8
    assert dates[-1] == datetime.date(2026, 9, 30)  # the last quarter end before 23/11/2026
    assert dates[0] == datetime.date(2024, 12, 31)
    for team in Team.objects.all():
        assert team.returns.count() == 8


def test_the_demo_figures_are_plausible(debug):
    load()
    returns = list(WorkforceReturn.objects.all())
    for workforce_return in returns:
        figures = indicators.figures_at([workforce_return], workforce_return.as_at)
        assert Decimal(14) <= figures.caseload <= Decimal(22), workforce_return
        assert Decimal(15) <= figures.agency <= Decimal(45), workforce_return
        assert Decimal(5) <= figures.vacancy <= Decimal(25), workforce_return
    for as_at in {r.as_at for r in returns}:
        quarter = [r for r in returns if r.as_at == as_at]
        assert sum(r.leavers_fte for r in quarter) > 0
        assert sum(r.sickness_days for r in quarter) > 0


def test_running_it_twice_changes_nothing(debug):
    plan = PlanFactory(slug="slough-2014")
    ObjectiveFactory(plan=plan, reference="1")
    load()

    def state():
        return (
            WorkforceReturn.objects.count(),
            WorkforceReturn.history.count(),
            Team.history.count(),
            Measure.history.count(),
            DataPoint.history.count(),
        )

    before = state()
    output = load()
    assert state() == before
    assert "0 team(s) added; Added 0 return(s), updated 0; 64 unchanged." in output


def test_it_adds_two_measures_fed_by_the_returns_to_the_slough_plan(debug):
    plan = PlanFactory(slug="slough-2014")
    objective = ObjectiveFactory(plan=plan, reference="1")
    load()
    permanent = Measure.objects.get(plan=plan, indicator="permanent")
    assert permanent.name == "Permanent social workers (demo workforce returns)"
    assert [(t.value, t.due_date) for t in permanent.targets.all()] == [
        (Decimal("80"), datetime.date(2027, 3, 31))
    ]
    assert list(permanent.objectives.all()) == [objective]
    caseload = Measure.objects.get(plan=plan, indicator="caseload")
    assert caseload.name == "Average caseload (demo workforce returns)"
    assert caseload.direction == "lower"
    assert caseload.targets.get().value == Decimal("16")
    assert DataPoint.objects.filter(measure=permanent, source="workforce").count() == 8
    assert DataPoint.objects.filter(measure=caseload).count() == 8


def test_without_the_slough_plan_no_measure_is_made(debug):
    output = load()
    assert Measure.objects.count() == 0
    assert "not loaded" in output
