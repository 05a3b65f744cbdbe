"""Reporting periods for the whole life of a plan: each plan has a cadence (monthly,
quarterly, six-monthly) and its own periods, generated from its start date along the UK
financial year, past included; generating again adds only what is missing and never
touches a period changed by hand; the admin edits them per plan; every seed plan can be
compared with its previous period as at its own report date."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement import periods, roles
from improvement.dashboard import build_dashboard
from improvement.models import Plan, ReminderLog, ReportingPeriod
from improvement.periods import PeriodDates, generate_periods, period_dates
from tests.factories import (
    ActionFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    UserFactory,
    user_with_role,
)
from tests.improvement.test_admin_lost_edits import drawn_form
from tests.reports.conftest import SEED_PLANS

pytestmark = pytest.mark.django_db
D = datetime.date


def names(found) -> list[str]:
    return [p.name for p in found]


# -- generation ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cadence", "expected"),
    [
        (
            "monthly",
            [
                ("February 2004", D(2004, 2, 1), D(2004, 2, 29)),  # a leap year
                ("March 2004", D(2004, 3, 1), D(2004, 3, 31)),
                ("April 2004", D(2004, 4, 1), D(2004, 4, 30)),
            ],
        ),
        (
            "quarterly",
            [
                ("Quarter 4 2003/04", D(2004, 1, 1), D(2004, 3, 31)),
                ("Quarter 1 2004/05", D(2004, 4, 1), D(2004, 6, 30)),
            ],
        ),
        (
            "six_monthly",
            [
                ("October 2003 to March 2004", D(2003, 10, 1), D(2004, 3, 31)),
                ("April to September 2004", D(2004, 4, 1), D(2004, 9, 30)),
            ],
        ),
    ],
)
def test_periods_follow_the_financial_year_from_the_one_containing_the_start(cadence, expected):
    found = period_dates(cadence, D(2004, 2, 10), D(2004, 4, 20))
    assert found == [
        PeriodDates(name, start, end, end + datetime.timedelta(days=10))
        for name, start, end in expected
    ]


@pytest.mark.parametrize(
    ("cadence", "count", "first", "last"),
    [
        ("monthly", 17, "February 2004", "June 2005"),
        ("quarterly", 6, "Quarter 4 2003/04", "Quarter 1 2005/06"),
        ("six_monthly", 4, "October 2003 to March 2004", "April to September 2005"),
    ],
)
def test_a_2004_plan_gets_every_period_from_its_start_to_today(cadence, count, first, last):
    plan = PlanFactory(start_date=D(2004, 2, 10), end_date=None, reporting_cadence=cadence)

    added = generate_periods(plan, D(2005, 6, 15))

    stored = list(plan.periods.order_by("start"))
    assert len(added) == len(stored) == count
    assert (stored[0].name, stored[-1].name) == (first, last)
    # One after another, no gap and no overlap, updates due ten days after each end.
    for before, after in zip(stored, stored[1:], strict=False):
        assert before.end + datetime.timedelta(days=1) == after.start
    assert all(p.update_deadline == p.end + datetime.timedelta(days=10) for p in stored)
    assert periods.period_months(plan) == {"monthly": 1, "quarterly": 3, "six_monthly": 6}[cadence]


def test_a_plan_that_ended_gets_periods_to_its_end_only():
    plan = PlanFactory(start_date=D(2004, 4, 1), end_date=D(2004, 11, 30))
    generate_periods(plan, D(2010, 1, 1))
    assert names(plan.periods.order_by("start")) == [
        "Quarter 1 2004/05",
        "Quarter 2 2004/05",
        "Quarter 3 2004/05",
    ]


def test_generating_again_adds_only_the_missing_and_keeps_hand_edited_periods():
    plan = PlanFactory(start_date=D(2004, 4, 1), end_date=None)
    generate_periods(plan, D(2005, 3, 1))  # four quarters
    q1, q2, q3, q4 = plan.periods.order_by("start")
    # By hand in the admin: Q2 renamed and given a later deadline, Q3 deleted.
    q2.name, q2.update_deadline = "Summer review 2004", D(2004, 10, 31)
    q2.save()
    q3.delete()

    added = generate_periods(plan, D(2005, 3, 1))

    assert names(added) == ["Quarter 3 2004/05"]  # only the missing one
    with CaptureQueriesContext(connection) as queries:
        assert generate_periods(plan, D(2005, 3, 1)) == []  # and then nothing
    assert len(queries) <= 4  # read the plan's periods: nothing written
    stored = {p.start: p for p in plan.periods.all()}
    assert stored[q2.start].name == "Summer review 2004"
    assert stored[q2.start].update_deadline == D(2004, 10, 31)
    assert stored[D(2004, 10, 1)].name == "Quarter 3 2004/05"
    assert len(stored) == 4

    # A period changed by hand to cover more than a quarter: nothing overlapping it is
    # added next to it.
    q4 = plan.periods.get(start=D(2005, 1, 1))
    q4.end = D(2005, 6, 30)
    q4.save()
    assert generate_periods(plan, D(2005, 6, 15)) == []


def test_periods_are_each_plans_own_with_the_same_name_in_each():
    first = PlanFactory(start_date=D(2004, 4, 1), end_date=None)
    second = PlanFactory(start_date=D(2004, 4, 1), end_date=None)
    generate_periods(first, D(2004, 5, 1))
    generate_periods(second, D(2004, 5, 1))
    assert names(first.periods.all()) == names(second.periods.all()) == ["Quarter 1 2004/05"]
    assert ReportingPeriod.objects.count() == 2


# -- per-plan answers -------------------------------------------------------------------------


def test_each_plan_has_its_own_previous_period_in_one_query_for_many():
    monthly = PlanFactory(start_date=D(2004, 4, 1), end_date=None, reporting_cadence="monthly")
    quarterly = PlanFactory(start_date=D(2004, 4, 1), end_date=None)
    halves = PlanFactory(start_date=D(2004, 4, 1), end_date=None, reporting_cadence="six_monthly")
    never = PlanFactory(start_date=D(2004, 4, 1), end_date=None)
    for plan in (monthly, quarterly, halves):
        generate_periods(plan, D(2005, 3, 31))
    as_at = D(2005, 2, 14)

    with CaptureQueriesContext(connection) as queries:
        previous = periods.previous_periods([monthly, quarterly, halves, never], as_at)
        ends = periods.list_period_ends([monthly, quarterly, halves, never], as_at, 3)
        current = periods.current_periods([monthly, quarterly, halves, never], as_at)
    assert len(queries) == 3

    assert previous[monthly.pk].name == "January 2005"
    assert previous[quarterly.pk].name == "Quarter 3 2004/05"
    assert previous[halves.pk].name == "April to September 2004"
    assert previous[never.pk] is None
    assert names(ends[monthly.pk]) == ["November 2004", "December 2004", "January 2005"]
    assert names(ends[halves.pk]) == ["April to September 2004"]
    assert current[quarterly.pk].name == "Quarter 4 2004/05"
    assert current[never.pk] is None
    assert periods.previous_period(monthly, as_at) == previous[monthly.pk]
    # The staleness window counts the plan's own periods.
    assert periods.stale_before(monthly, as_at) == D(2004, 12, 14)  # two months
    assert periods.stale_before(halves, as_at) == D(2004, 2, 14)  # a year


def test_one_compare_with_list_for_many_plans_lists_a_shared_period_once():
    first = PlanFactory(start_date=D(2004, 4, 1), end_date=None)
    second = PlanFactory(start_date=D(2004, 4, 1), end_date=None)
    monthly = PlanFactory(start_date=D(2004, 4, 1), end_date=None, reporting_cadence="monthly")
    hidden = PlanFactory(start_date=D(2004, 4, 1), end_date=None, reporting_cadence="six_monthly")
    for plan in (first, second, monthly, hidden):
        generate_periods(plan, D(2004, 5, 15))
    listed = names(
        periods.periods_for(Plan.objects.filter(pk__in=[first.pk, second.pk, monthly.pk]))
    )
    # Latest end first; the two quarterly plans share "Quarter 1 2004/05"; the plan not
    # in view is left out.
    assert listed == ["Quarter 1 2004/05", "May 2004", "April 2004"]


# -- bad input and the admin ----------------------------------------------------------------


def plan_page(client, plan) -> tuple[str, dict]:
    url = reverse("admin:improvement_plan_change", args=[plan.pk])
    response = client.get(url)
    assert response.status_code == 200
    return url, drawn_form(response)


def test_an_unknown_cadence_is_refused_next_to_the_field_and_nothing_is_saved(admin_client):
    plan = PlanFactory(start_date=D(2004, 4, 1), end_date=D(2005, 3, 31))
    generate_periods(plan)
    before = list(plan.periods.values_list("name", "start", "end"))
    url, data = plan_page(admin_client, plan)

    response = admin_client.post(url, data | {"reporting_cadence": "weekly"})

    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == ["reporting_cadence"]
    assert (
        "Select a valid choice. weekly is not one of the available choices."
        in (errors["reporting_cadence"])
    )
    plan.refresh_from_db()
    assert plan.reporting_cadence == "quarterly"
    assert list(plan.periods.values_list("name", "start", "end")) == before


def test_a_new_plan_in_the_admin_gets_its_periods(admin_client):
    from tests.improvement.test_evidence_settings import plan_form

    response = admin_client.post(
        "/admin/improvement/plan/add/",
        plan_form(start_date="01/04/2004", end_date="31/03/2005", reporting_cadence="six_monthly"),
    )
    assert response.status_code == 302
    plan = Plan.objects.get()
    assert names(plan.periods.order_by("start")) == [
        "April to September 2004",
        "October 2004 to March 2005",
    ]


def test_changing_the_cadence_replaces_only_generated_periods_nothing_points_at(admin_client):
    plan = PlanFactory(start_date=D(2004, 4, 1), end_date=D(2005, 3, 31))
    generate_periods(plan)
    q1, q2, q3, q4 = plan.periods.order_by("start")
    ProgressUpdateFactory(
        action=ActionFactory(objective__plan=plan), as_at=D(2004, 5, 1), period=q1
    )
    ReminderLog.objects.create(user=UserFactory(), period=q2, kind="before_deadline")
    q3.update_deadline = D(2005, 1, 20)  # changed by hand
    q3.save()
    url, data = plan_page(admin_client, plan)

    response = admin_client.post(url, data | {"reporting_cadence": "monthly"}, follow=True)

    assert response.status_code == 200
    message = " ".join(str(m) for m in response.context["messages"])
    assert "Reporting periods: 3 added, 1 removed." in message
    assert "Only generated periods with no updates or reminders pointing at them" in message
    stored = names(plan.periods.order_by("start"))
    # Q1 (an update), Q2 (a reminder) and Q3 (edited) stay; Q4 became three months.
    assert stored == [
        "Quarter 1 2004/05",
        "Quarter 2 2004/05",
        "Quarter 3 2004/05",
        "January 2005",
        "February 2005",
        "March 2005",
    ]


def test_the_generate_missing_periods_action(admin_client):
    plan = PlanFactory(start_date=D(2004, 4, 1), end_date=D(2005, 3, 31))
    ReportingPeriodFactory(
        plan=plan, name="Our first quarter", start=D(2004, 4, 1), end=D(2004, 6, 30)
    )
    response = admin_client.post(
        reverse("admin:improvement_plan_changelist"),
        {"action": "generate_missing_periods", "_selected_action": [plan.pk]},
        follow=True,
    )
    assert "3 reporting periods added." in response.content.decode()
    assert names(plan.periods.order_by("start"))[0] == "Our first quarter"
    assert plan.periods.count() == 4


def test_a_plan_editor_sees_and_adds_periods_only_in_the_plans_they_edit(client):
    editor = user_with_role(roles.PLAN_EDITOR)
    own = PlanFactory(title="Own plan")
    own.editors.add(editor)
    other = PlanFactory(title="Other plan")
    mine = ReportingPeriodFactory(plan=own, name="Own quarter")
    theirs = ReportingPeriodFactory(plan=other, name="Their quarter")
    client.force_login(editor)

    listing = client.get(reverse("admin:improvement_reportingperiod_changelist"))
    assert "Own quarter" in listing.content.decode()
    assert "Their quarter" not in listing.content.decode()
    url = reverse("admin:improvement_reportingperiod_change", args=[theirs.pk])
    assert client.get(url).status_code in (302, 403, 404)
    add = reverse("admin:improvement_reportingperiod_add")
    refused = client.post(
        add,
        {
            "plan": other.pk,
            "name": "Sneaked in",
            "start": "01/07/2025",
            "end": "30/09/2025",
            "update_deadline": "10/10/2025",
        },
    )
    assert refused.status_code == 200
    assert "plan" in refused.context["adminform"].form.errors
    assert not ReportingPeriod.objects.filter(name="Sneaked in").exists()
    overlapping = client.post(
        add,
        {
            "plan": own.pk,
            "name": "Overlapping",
            "start": "01/05/2025",
            "end": "30/09/2025",
            "update_deadline": "10/10/2025",
        },
    )
    assert overlapping.status_code == 200
    assert f"overlaps {mine.name}" in overlapping.content.decode()
    saved = client.post(
        add,
        {
            "plan": own.pk,
            "name": "Quarter 2",
            "start": "01/07/2025",
            "end": "30/09/2025",
            "update_deadline": "10/10/2025",
        },
    )
    assert saved.status_code == 302
    assert own.periods.filter(name="Quarter 2").exists()


def test_the_plan_page_shows_the_cadence_and_the_period_as_at_its_date(admin_client):
    plan = PlanFactory(start_date=D(2004, 4, 1), end_date=None, reporting_cadence="six_monthly")
    generate_periods(plan, D(2005, 1, 1))
    html = admin_client.get(plan.get_absolute_url() + "?as_at=2004-11-15").content.decode()
    assert "Six-monthly, following the financial year (April to March)" in html
    assert "October 2004 to March 2005 (1 October 2004 to 31 March 2005)" in html
    assert "updates due by 10 April 2005" in html


# -- the seed plans ---------------------------------------------------------------------------


def test_every_seed_plan_has_a_previous_period_as_at_its_own_report_date():
    call_command("load_plans", stdout=io.StringIO())
    plans = {p.slug: p for p in Plan.objects.all()}
    assert set(plans) == set(SEED_PLANS)
    viewer = user_with_role(roles.ADMINISTRATOR)
    for slug, report_date in SEED_PLANS.items():
        plan = plans[slug]
        assert plan.start_date and plan.start_date < report_date
        first = plan.periods.order_by("start").first()
        assert first.start <= plan.start_date <= first.end
        previous = periods.previous_period(plan, report_date)
        assert previous is not None, slug
        assert previous.end < report_date
        assert previous.end >= plan.start_date or previous.start <= plan.start_date
        # The dashboard as at its report date compares with that period.
        board = build_dashboard(viewer, report_date, plan=plan)
        [row] = board.rows
        assert row.comparison.on == previous.end, slug
        assert not row.comparison.message.startswith("Nothing to compare with"), slug


# -- the migration ---------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_every_plan_the_periods_there_were_and_moves_its_updates():
    from django.db.migrations.executor import MigrationExecutor

    before = [("improvement", "0015_plan_state_versions")]
    after = [("improvement", "0016_plan_reporting_cadence_and_own_periods")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Plan_, Period, Update, Objective, Action = (
            old.get_model("improvement", name)
            for name in ("Plan", "ReportingPeriod", "ProgressUpdate", "Objective", "Action")
        )
        plans = [
            Plan_.objects.create(
                slug=f"p{i}", title=f"Plan {i}", organisation="A", kind="action_plan"
            )
            for i in range(2)
        ]
        q1 = Period.objects.create(
            name="Q1", start=D(2025, 4, 1), end=D(2025, 6, 30), update_deadline=D(2025, 7, 10)
        )
        Period.objects.create(
            name="Q2", start=D(2025, 7, 1), end=D(2025, 9, 30), update_deadline=D(2025, 10, 10)
        )
        for plan in plans:
            objective = Objective.objects.create(plan=plan, reference="1", title="Aim")
            action = Action.objects.create(objective=objective, reference="1.1", title="Do")
            Update.objects.create(action=action, as_at=D(2025, 5, 1), period=q1)

        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        Period = new.get_model("improvement", "ReportingPeriod")
        Update = new.get_model("improvement", "ProgressUpdate")
        for plan in plans:
            assert sorted(
                Period.objects.filter(plan_id=plan.pk).values_list("name", flat=True)
            ) == [
                "Q1",
                "Q2",
            ]
            update = Update.objects.get(action__objective__plan_id=plan.pk)
            assert update.period.plan_id == plan.pk and update.period.name == "Q1"
        assert Period.objects.count() == 4
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(latest)
