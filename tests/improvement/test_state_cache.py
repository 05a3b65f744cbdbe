"""Plans' states and dashboard rows cached by plan version: a repeat view is a cache read,
a write anywhere in a plan (an update, a sign-off, an administrator's correction into a
past period, a measure's value) shows on the next view, and two users with different
rights never get each other's rows."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from improvement import history, roles, state_cache
from improvement.models import Plan, SignOff
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    TargetFactory,
    UserFactory,
    user_with_role,
)
from tests.improvement.test_plan_pages import grow

pytestmark = pytest.mark.django_db
D = datetime.date
AS_AT = "?as_at=2025-09-01"


@pytest.fixture
def plan():
    plan = PlanFactory(title="Workforce plan")
    ReportingPeriodFactory(plan=plan, name="Q1", start=D(2025, 4, 1), end=D(2025, 6, 30),
                           update_deadline=D(2025, 7, 10))  # fmt: skip
    ReportingPeriodFactory(plan=plan, name="Q2", start=D(2025, 7, 1), end=D(2025, 9, 30),
                           update_deadline=D(2025, 10, 10))  # fmt: skip
    objective = ObjectiveFactory(plan=plan, reference="1")
    for reference in ("1.1", "1.2"):
        action = ActionFactory(objective=objective, reference=reference)
        ProgressUpdateFactory(action=action, as_at=D(2025, 6, 1), status="on_track")
    return plan


def board(client, query=AS_AT):
    """The plans' rows of the dashboard (not the filters' drop-downs or the form's token)."""
    response = client.get(reverse("dashboard") + query)
    assert response.status_code == 200
    html = response.content.decode()
    start = html.find('<section class="app-objective"')
    return html[start : html.rindex("</section>") + 10] if start >= 0 else ""


def action_counts(html: str) -> str:
    """The plan's action counts as the dashboard writes them out."""
    start = html.index('<ul class="app-counts govuk-!-margin-top-2">')
    return html[start : html.index("</ul>", start)]


def summary_state(plan, day):
    return state_cache.plan_states_as_at(Plan.objects.filter(pk=plan.pk), day, summary=True)[0]


def test_a_repeat_view_reads_the_rows_from_the_cache(signed_in, plan, monkeypatch):
    first = board(signed_in)
    built = []
    monkeypatch.setattr(
        "improvement.dashboard.build_dashboard",
        lambda *a, **k: built.append(1) or pytest.fail("built again"),
    )
    assert board(signed_in) == first and built == []


def test_a_new_update_shows_at_once(signed_in, plan):
    assert "Off track" not in action_counts(board(signed_in))
    action = plan.objectives.get().actions.get(reference="1.1")
    ProgressUpdateFactory(action=action, as_at=D(2025, 8, 20), status="off_track")
    assert "Off track" in action_counts(board(signed_in))


def test_a_sign_off_shows_at_once(signed_in, plan):
    action = plan.objectives.get().actions.get(reference="1.1")
    update = ProgressUpdateFactory(
        action=action, as_at=D(2025, 8, 20), status="off_track", needs_sign_off=True
    )
    assert "Off track" not in action_counts(board(signed_in))  # waiting: it does not count
    SignOff.objects.create(
        update=update, decision="approved", decided_by=UserFactory(), decided_on=D(2025, 8, 21)
    )
    assert "Off track" in action_counts(board(signed_in))


def test_an_administrators_correction_into_a_past_period_invalidates_its_cached_state(plan):
    action = plan.objectives.get().actions.get(reference="1.1")
    before = summary_state(plan, D(2025, 6, 30))  # the end of Q1: cached
    assert before.action_counts == {history.Status.ON_TRACK: 2}
    assert summary_state(plan, D(2025, 6, 30)) is not before  # a copy from the cache...
    # ...until an administrator records a correction dated back in Q1, months later.
    ProgressUpdateFactory(
        action=action,
        as_at=D(2025, 6, 15),
        status="at_risk",
        recorded_at=timezone.make_aware(datetime.datetime(2025, 11, 3, 9)),
    )
    after = summary_state(plan, D(2025, 6, 30))
    assert after.action_counts == {history.Status.ON_TRACK: 1, history.Status.AT_RISK: 1}


def test_the_dashboards_history_strip_shows_a_correction_into_the_past(signed_in, plan):
    html = board(signed_in)
    assert "At risk" not in html
    action = plan.objectives.get().actions.get(reference="1.1")
    ProgressUpdateFactory(action=action, as_at=D(2025, 6, 15), status="at_risk")
    # The strip's cell for Q1 (a past period) now has the objective at risk.
    assert "At risk" in board(signed_in).split('class="app-strip"')[1]


def test_a_measures_new_value_shows_at_once(signed_in, plan):
    measure = MeasureFactory(plan=plan, name="Vacancy rate", direction="lower")
    TargetFactory(measure=measure, value=8)
    DataPointFactory(measure=measure, period_end=D(2025, 6, 30), value=5)
    assert "Vacancy rate" not in board(signed_in)  # on target: not listed as off target
    DataPointFactory(measure=measure, period_end=D(2025, 7, 31), value=14)
    assert "Vacancy rate" in board(signed_in)


def test_users_with_different_rights_get_different_rows(client, plan):
    viewer = user_with_role(roles.VIEWER)
    editor = user_with_role(roles.PLAN_EDITOR)
    plan.editors.add(editor)
    other_editor = user_with_role(roles.PLAN_EDITOR)
    rights = [state_cache.rights(u, [plan.pk])[plan.pk] for u in (viewer, editor, other_editor)]
    assert len(set(rights)) == 3  # a viewer, this plan's editor, another plan's editor

    client.force_login(viewer)
    board(client)
    keys_after_viewer = set(cache._cache)
    client.force_login(editor)
    board(client)
    new = set(cache._cache) - keys_after_viewer
    # The editor's row was rendered and cached for the editor, not read from the viewer's.
    assert any(":dashboard-row:" in key for key in new)


def test_what_a_user_may_see_is_decided_on_every_view(client, plan):
    secret = PlanFactory(title="Secret plan", restricted=True)
    ObjectiveFactory(plan=secret)
    viewer, owner = user_with_role(roles.VIEWER), user_with_role(roles.ACTION_OWNER)
    client.force_login(viewer)
    assert "Secret plan" in board(client)  # now cached
    client.force_login(owner)
    html = board(client)
    assert "Workforce plan" in html and "Secret plan" not in html


def test_a_cached_row_is_per_date_and_filter(signed_in, plan):
    assert "as_at=2025-09-01" in board(signed_in)
    html = board(signed_in, "?as_at=2025-06-15")
    assert "as_at=2025-06-15" in html and "as_at=2025-09-01" not in html
    html = board(signed_in, AS_AT + "&status=off_track")
    assert "Workforce plan" not in html  # left out by the filter, and cached as left out
    assert "Workforce plan" not in board(signed_in, AS_AT + "&status=off_track")
    assert "Workforce plan" in board(signed_in)


@pytest.mark.parametrize("warm", [False, True])
def test_the_dashboards_query_count_is_the_same_for_5_and_50_plans_worth(signed_in, warm):
    ReportingPeriodFactory(name="Q2", start=D(2025, 7, 1), end=D(2025, 9, 30),
                           update_deadline=D(2025, 10, 10))  # fmt: skip

    def count():
        if warm:
            board(signed_in)
        with CaptureQueriesContext(connection) as queries:
            board(signed_in)
        return len(queries)

    MeasureFactory(plan=grow(PlanFactory(), 5))
    few = count()
    for _ in range(4):
        MeasureFactory(plan=grow(PlanFactory(), 50))
    assert count() == few


def test_the_database_cache_writes_many_entries_in_one_query(settings, db):
    settings.CACHES = {
        "default": {"BACKEND": "config.cache.DatabaseCache", "LOCATION": "tracker_cache"}
    }
    from django.core.cache import caches

    shared = caches["default"]
    shared.set("kept", "old")
    with CaptureQueriesContext(connection) as queries:
        shared.set_many({f"k{i}": {"n": i} for i in range(50)} | {"kept": "new"})
    # A count and the upsert (inside a savepoint: two more), not three queries per key.
    assert len(queries) <= 4
    found = shared.get_many([f"k{i}" for i in range(50)] + ["kept"])
    assert found["k49"] == {"n": 49} and found["kept"] == "new" and len(found) == 51


def test_the_plan_pages_cached_objectives_show_a_new_update_at_once(signed_in, plan):
    url = plan.get_absolute_url() + AS_AT

    def off_track() -> int:
        return signed_in.get(url).content.decode().count("Off track")

    before = off_track()
    assert off_track() == before  # the second view is read from the cache
    action = plan.objectives.get().actions.get(reference="1.1")
    ProgressUpdateFactory(action=action, as_at=D(2025, 8, 20), status="off_track")
    assert off_track() > before


def test_a_repeat_view_of_a_plan_page_reads_neither_its_state_nor_its_changes(
    signed_in, plan, monkeypatch
):
    url = plan.get_absolute_url() + AS_AT + "&since=2025-06-30"

    def main() -> str:  # the page's own part (the header's form token differs each time)
        html = signed_in.get(url).content.decode()
        return html[html.index("<main") : html.index("</main>")]

    first = main()
    assert "What changed between" in first
    monkeypatch.setattr(
        state_cache, "plan_state_as_at", lambda *a, **k: pytest.fail("state read again")
    )
    assert main() == first


def test_a_plan_pages_mistyped_date_is_not_served_to_the_plain_address(signed_in, plan):
    url = plan.get_absolute_url()
    mistyped = signed_in.get(url + "?as_at=31-31-2025").content.decode()
    assert "govuk-error-summary" in mistyped
    assert "govuk-error-summary" not in signed_in.get(url).content.decode()


def test_a_repeat_view_of_the_dashboard_renders_nothing(signed_in, plan, monkeypatch):
    first = board(signed_in)
    monkeypatch.setattr(
        "improvement.views.dashboard.build_page", lambda *a, **k: pytest.fail("built again")
    )
    monkeypatch.setattr(
        "improvement.views.dashboard.render_to_string", lambda *a, **k: pytest.fail("drawn")
    )
    assert board(signed_in) == first


def test_the_cached_dashboard_shows_a_write_to_any_plan_at_once(signed_in, plan):
    other = PlanFactory(title="Other plan")
    action = ActionFactory(objective=ObjectiveFactory(plan=other))
    assert "Off track" not in board(signed_in)
    ProgressUpdateFactory(action=action, as_at=D(2025, 8, 20), status="off_track")
    assert "Off track" in board(signed_in)
    # A new plan the user may read shows at once too.
    PlanFactory(title="Brand new plan")
    assert "Brand new plan" in board(signed_in)


def test_the_cached_dashboard_is_per_role(client, plan):
    viewer, editor = user_with_role(roles.VIEWER), user_with_role(roles.PLAN_EDITOR)
    plan.editors.add(editor)
    client.force_login(viewer)
    board(client)
    bodies = {k for k in cache._cache if ":page-parts:" in k}
    client.force_login(editor)
    board(client)
    assert {k for k in cache._cache if ":page-parts:" in k} - bodies  # its own body
