"""factory-boy factories for every model the tests build."""

import datetime

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from improvement import roles
from improvement.models import (
    Action,
    AreaForDevelopment,
    EvidenceFile,
    Milestone,
    Objective,
    Plan,
    PlanKind,
    ProgressUpdate,
    ReportingPeriod,
    Section,
    StatusKeyEntry,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    password = factory.django.Password("a-long-test-password")


def user_with_role(role: str, **kwargs):
    """A user holding one of the roles in `improvement.roles` (groups made on demand)."""
    # `migrate` made the role groups with their permissions (and a flush re-runs it), so
    # they are read in one query; syncing them for every user cost 15 queries each.
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ROLE_PERMISSIONS)}
    if len(groups) < len(roles.ROLE_PERMISSIONS):
        groups = roles.sync_roles()
    kwargs.setdefault("is_staff", role in roles.STAFF_ROLES)
    user = UserFactory(**kwargs)
    user.groups.add(groups[role])
    return user


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    slug = factory.Sequence(lambda n: f"plan-{n}")
    title = factory.Sequence(lambda n: f"Improvement plan {n}")
    organisation = "Anytown Council"
    kind = PlanKind.ACTION_PLAN
    reports_to = "Improvement Board"
    start_date = datetime.date(2024, 4, 1)
    end_date = datetime.date(2026, 3, 31)


class StatusKeyEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StatusKeyEntry

    plan = factory.SubFactory(PlanFactory)
    status = "complete"
    label = "Objective met"


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section

    plan = factory.SubFactory(PlanFactory)
    title = factory.Sequence(lambda n: f"Section {n}")
    position = factory.Sequence(lambda n: n)


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    plan = factory.SubFactory(PlanFactory)
    reference = factory.Sequence(lambda n: str(n + 1))
    title = factory.Sequence(lambda n: f"Objective {n}")
    description = "Improve the service."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    objective = factory.SubFactory(ObjectiveFactory)
    reference = factory.Sequence(lambda n: f"1.{n + 1}")
    title = factory.Sequence(lambda n: f"Do thing {n}")
    responsible = "Head of Service"
    timescale = "Quarter 2"
    owner = factory.SubFactory(UserFactory)


class MilestoneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Milestone

    action = factory.SubFactory(ActionFactory)
    title = "Agree the plan"
    due_date = datetime.date(2025, 6, 30)


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Period {n}")
    start = datetime.date(2025, 4, 1)
    end = datetime.date(2025, 6, 30)
    update_deadline = datetime.date(2025, 7, 10)


class ProgressUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgressUpdate

    action = factory.SubFactory(ActionFactory)
    as_at = datetime.date(2025, 6, 30)
    status = "on_track"
    narrative = "Progress as planned."


class AreaForDevelopmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaForDevelopment

    update = factory.SubFactory(ProgressUpdateFactory)
    description = "Embed the learning."
    timescale = "Quarter 3"


class EvidenceFileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EvidenceFile

    update = factory.SubFactory(ProgressUpdateFactory)
    name = "minutes.pdf"
    content_type = "application/pdf"
    data = b"%PDF-1.4 minutes of the board"
    size = factory.LazyAttribute(lambda f: len(f.data))
    sha256 = "0" * 64


class MeasureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "metrics.Measure"
        skip_postgeneration_save = True

    plan = factory.SubFactory(PlanFactory)
    name = factory.Sequence(lambda n: f"Measure {n}")
    unit = "percent"
    direction = "higher"


class TargetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "metrics.Target"

    measure = factory.SubFactory(MeasureFactory)
    kind = "final"
    due_date = datetime.date(2026, 3, 31)
    value = 80
    set_on = datetime.date(2024, 4, 1)


class DataPointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "metrics.DataPoint"

    measure = factory.SubFactory(MeasureFactory)
    period_end = datetime.date(2025, 3, 31)
    value = 50
