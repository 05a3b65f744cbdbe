"""factory-boy factories for the workforce models (and indicator measures fed by them)."""

import datetime
from decimal import Decimal

import factory

from metrics.models import Measure
from tests.factories import PlanFactory
from workforce.models import ServiceArea, Team, WorkforceReturn


class ServiceAreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServiceArea
        django_get_or_create = ["name"]

    name = factory.Sequence(lambda n: f"Service area {n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    name = factory.Sequence(lambda n: f"Team {n}")
    service_area = factory.SubFactory(ServiceAreaFactory)


class WorkforceReturnFactory(factory.django.DjangoModelFactory):
    """A plausible quarterly return: 10 FTE in post, 2 agency, 1 vacancy, one leaver."""

    class Meta:
        model = WorkforceReturn

    team = factory.SubFactory(TeamFactory)
    as_at = datetime.date(2025, 9, 30)
    establishment_fte = Decimal("11")
    permanent_fte = Decimal("10")
    agency_fte = Decimal("2")
    agency_covering_vacancies_fte = Decimal("1")
    vacancies_fte = Decimal("1")
    leavers_fte = Decimal("1")
    leavers_headcount = 1
    sickness_days = Decimal("20")
    cases = 160
    case_holding_fte = Decimal("10")


def indicator_measure(indicator: str, **kwargs) -> Measure:
    """A measure fed by a workforce indicator (the whole service unless scoped)."""
    kwargs.setdefault("plan", PlanFactory())
    kwargs.setdefault("name", f"{indicator} measure")
    kwargs.setdefault("unit", "ratio" if indicator == "caseload" else "percent")
    return Measure.objects.create(indicator=indicator, **kwargs)


QUARTERS = [
    datetime.date(2024, 12, 31),
    datetime.date(2025, 3, 31),
    datetime.date(2025, 6, 30),
    datetime.date(2025, 9, 30),
    datetime.date(2025, 12, 31),
    datetime.date(2026, 3, 31),
    datetime.date(2026, 6, 30),
    datetime.date(2026, 9, 30),
]
