"""The plans list and a plan's page: statuses as words and colours, as at a date, and
a query count that does not grow with the plan."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement.plan_files import load_plan_file
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    SectionFactory,
    UserFactory,
)
from tests.improvement.test_plan_files import HEREFORD, NOTTS

pytestmark = pytest.mark.django_db

D = datetime.date


def grow(plan, n_actions, *, objectives=5):
    """Give `plan` n_actions actions spread over `objectives` objectives, with history."""
    owner = UserFactory()
    sections = [SectionFactory(plan=plan, position=i) for i in range(2)]
    objective_list = [
        ObjectiveFactory(plan=plan, reference=str(i + 1), section=sections[i % 2])
        for i in range(objectives)
    ]
    statuses = ["on_track", "at_risk", "off_track", "complete", "not_started"]
    for i in range(n_actions):
        objective = objective_list[i % objectives]
        action = ActionFactory(
            objective=objective,
            reference=f"{objective.reference}.{i + 1}",
            owner=owner if i % 2 else UserFactory(),
            due_date=D(2025, 3, 31),
        )
        MilestoneFactory(action=action)
        ProgressUpdateFactory(action=action, as_at=D(2025, 1, 31), status="on_track")
        ProgressUpdateFactory(action=action, as_at=D(2025, 4, 30), status=statuses[i % 5])
    ProgressUpdateFactory(action=None, objective=objective_list[0], status="at_risk")
    return plan


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_plan_page_query_count_does_not_grow_from_5_to_200_actions(signed_in):
    small, large = grow(PlanFactory(), 5), grow(PlanFactory(), 200)
    small_count = count_queries(signed_in, small.get_absolute_url())
    large_count = count_queries(signed_in, large.get_absolute_url())
    assert large_count == small_count
    compare = "?as_at=2025-05-01&since=2025-02-01"
    assert count_queries(signed_in, large.get_absolute_url() + compare) == count_queries(
        signed_in, small.get_absolute_url() + compare
    )


def test_the_plan_list_query_count_does_not_grow_with_plans_or_actions(signed_in):
    grow(PlanFactory(), 5)
    few = count_queries(signed_in, reverse("plan-list"))
    for _ in range(4):
        grow(PlanFactory(), 40)
    assert count_queries(signed_in, reverse("plan-list")) == few


def test_objective_and_action_pages_do_not_grow_with_data(signed_in, django_assert_max_num_queries):
    small, large = grow(PlanFactory(), 5, objectives=1), grow(PlanFactory(), 100, objectives=1)
    for plan_small, plan_large, getter in [
        (small, large, lambda p: p.objectives.get().get_absolute_url()),
        (small, large, lambda p: p.objectives.get().actions.first().get_absolute_url()),
    ]:
        assert count_queries(signed_in, getter(plan_large)) == count_queries(
            signed_in, getter(plan_small)
        )


def test_the_plan_list_shows_each_plan_with_its_status_word(signed_in):
    load_plan_file(HEREFORD)
    response = signed_in.get(reverse("plan-list") + "?as_at=2013-07-01")
    html = response.content.decode()
    assert "Herefordshire Council Improvement Notice" in html
    # Plans side by side: the plan's own word, the standard one in brackets.
    assert '<strong class="app-status app-status--red">Red (Off track)</strong>' in html
    assert "Off track because requirement 12 and requirement 13 are off track." in html


def test_the_plan_page_shows_objectives_with_rolled_up_and_assessed_status(signed_in):
    plan = PlanFactory(title="Workforce plan")
    plan.status_key.create(status="off_track", label="Not yet achieved")
    objective = ObjectiveFactory(plan=plan, reference="1", title="Recruit")
    owner = UserFactory(first_name="Priya", last_name="Shah")
    late = ActionFactory(
        objective=objective,
        reference="1.1",
        title="Fill vacancies",
        owner=owner,
        responsible="Head of Service",
        timescale="Quarter 2",
        due_date=D(2025, 9, 30),
    )
    ProgressUpdateFactory(action=late, as_at=D(2025, 6, 30), status="off_track")
    ProgressUpdateFactory(action=None, objective=objective, as_at=D(2025, 6, 30), status="on_track")

    html = signed_in.get(plan.get_absolute_url() + "?as_at=2025-10-01").content.decode()
    assert "Recruit" in html and "Fill vacancies" in html
    assert "Priya Shah" in html and "Head of Service" in html and "Quarter 2" in html
    assert '<strong class="app-status app-status--red">Not yet achieved</strong>' in html
    assert '<strong class="app-flag app-flag--overdue">Overdue</strong>' in html
    assert "Assessed status" in html
    assert "is kinder than its actions" in html
    assert "Off track because action 1.1 is off track." in html
    # The key explains every colour with its word.
    assert "Status key" in html and "Not yet achieved" in html


def test_the_plan_page_as_at_an_earlier_date_shows_the_earlier_status(signed_in):
    plan = PlanFactory()
    action = ActionFactory(objective=ObjectiveFactory(plan=plan))
    ProgressUpdateFactory(action=action, as_at=D(2025, 1, 31), status="on_track")
    ProgressUpdateFactory(action=action, as_at=D(2025, 4, 30), status="at_risk")
    january = signed_in.get(plan.get_absolute_url() + "?as_at=2025-02-01")
    april = signed_in.get(plan.get_absolute_url() + "?as_at=2025-05-01")
    assert january.context["state"].status.value == "on_track"
    assert april.context["state"].status.value == "at_risk"
    compared = signed_in.get(plan.get_absolute_url() + "?as_at=2025-05-01&since=2025-02-01")
    assert "What changed between 1 February 2025 and 1 May 2025" in compared.content.decode()
    assert [c.direction for c in compared.context["changes"]] == ["worse", "worse", "worse"]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?as_at=2025-13-45", "The as-at date must be a real date"),
        ("?as_at=yesterday", "The as-at date must be a real date"),
        ("?as_at=2025-01-01&since=2025-06-01", "must be before the as-at date"),
    ],
)
def test_a_bad_date_shows_a_message_next_to_the_field_not_an_error_page(signed_in, query, message):
    plan = grow(PlanFactory(), 3)
    response = signed_in.get(plan.get_absolute_url() + query)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'class="govuk-error-message"' in html
    assert message in html


def test_uk_style_dates_are_accepted(signed_in):
    plan = grow(PlanFactory(), 3)
    response = signed_in.get(plan.get_absolute_url() + "?as_at=31/03/2025")
    assert response.context["state"].as_at == D(2025, 3, 31)


def test_nottinghamshire_shows_no_status_rather_than_an_invented_one(signed_in):
    plan = load_plan_file(NOTTS)
    html = signed_in.get(plan.get_absolute_url() + "?as_at=2004-02-29").content.decode()
    # Its report has no RAG column: no colour, and the page says how little is rated.
    assert "app-status--not-enough" in html and "Not enough updates" in html
    assert "0 of 4 objectives rated; 4 with not enough updates" in html
    assert "Increase secondments to qualifying courses to 10 per year" in html


def test_the_herefordshire_page_groups_requirements_under_their_sections(signed_in):
    plan = load_plan_file(HEREFORD)
    html = signed_in.get(plan.get_absolute_url() + "?as_at=2013-07-01").content.decode()
    first, second = (
        html.index("Improvements required by 31 March 2013"),
        html.index("Leadership and Governance"),
    )
    assert first < html.index("Review the membership, structure and operation of HSCB") < second
    assert html.count("app-status--amber") >= 21


def test_the_action_page_shows_its_milestones_and_updates_newest_first(signed_in):
    action = ActionFactory(title="Recruit social workers")
    MilestoneFactory(action=action, title="Advert placed")
    ProgressUpdateFactory(action=action, as_at=D(2025, 1, 31), narrative="First report")
    ProgressUpdateFactory(action=action, as_at=D(2025, 4, 30), narrative="Second report")
    html = signed_in.get(action.get_absolute_url() + "?as_at=2025-05-01").content.decode()
    assert "Advert placed" in html
    assert html.index("Second report") < html.index("First report")
    as_at_march = signed_in.get(action.get_absolute_url() + "?as_at=2025-03-01")
    assert "Second report" not in as_at_march.content.decode()


def test_the_objective_page_explains_its_status(signed_in):
    objective = ObjectiveFactory(reference="4")
    for ref, status in [("4.1", "on_track"), ("4.2", "at_risk")]:
        ProgressUpdateFactory(
            action=ActionFactory(objective=objective, reference=ref), status=status
        )
    html = signed_in.get(objective.get_absolute_url() + "?as_at=2025-07-01").content.decode()
    assert "At risk because action 4.2 is at risk." in html
    assert "Decided by: action 4.2." in html


def test_actions_without_an_update_this_period_say_not_yet_updated(signed_in):
    from tests.factories import ReportingPeriodFactory

    plan = PlanFactory()
    ReportingPeriodFactory(
        plan=plan, start=D(2025, 4, 1), end=D(2025, 6, 30), update_deadline=D(2025, 7, 10)
    )
    objective = ObjectiveFactory(plan=plan)
    stale = ActionFactory(objective=objective, reference="1.1")
    fresh = ActionFactory(objective=objective, reference="1.2")
    ProgressUpdateFactory(action=stale, as_at=D(2025, 3, 1), status="on_track")
    ProgressUpdateFactory(action=fresh, as_at=D(2025, 5, 1), status="on_track")
    html = signed_in.get(plan.get_absolute_url() + "?as_at=2025-06-01").content.decode()
    assert html.count("Not yet updated this period") == 1


def test_the_plan_list_works_out_states_only_for_the_plans_on_its_page(signed_in, monkeypatch):
    from improvement import history
    from improvement.views.plans import PLANS_PER_PAGE

    for i in range(PLANS_PER_PAGE + 5):
        ObjectiveFactory(plan=PlanFactory(title=f"Plan {i:02d}"))
    built: list[int] = []
    real = history.plan_states_as_at

    def counting(plans, as_at, **kwargs):
        states = real(plans, as_at, **kwargs)
        built.append(len(states))
        return states

    monkeypatch.setattr(history, "plan_states_as_at", counting)
    response = signed_in.get(reverse("plan-list"))
    assert built == [PLANS_PER_PAGE]
    assert len(response.context["states"]) == PLANS_PER_PAGE
    built.clear()
    response = signed_in.get(reverse("plan-list") + "?page=2")
    assert built == [5] and "Page 2 of 2" in response.content.decode()
    built.clear()
    signed_in.get(reverse("plan-list") + "?page=2")
    assert built == []  # the second view reads the states from the cache
