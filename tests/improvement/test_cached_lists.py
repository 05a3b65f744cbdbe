"""The action table's and the plans list's pages, cached by plan version: a repeat view
reads no action and renders nothing, a write to any plan the reader may read (or a
person's new name) shows at once, a refused filter still says "Error" in the title, and
what a person may read is decided on every view."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement import roles
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date
URL = reverse("action-list") + "?as_at=2025-09-01"


@pytest.fixture
def plan():
    plan = PlanFactory(title="Workforce plan")
    objective = ObjectiveFactory(plan=plan, reference="1")
    for reference in ("1.1", "1.2"):
        action = ActionFactory(objective=objective, reference=reference, title=f"Do {reference}")
        ProgressUpdateFactory(action=action, as_at=D(2025, 6, 1), status="on_track")
    return plan


@pytest.fixture
def viewer(client):
    client.force_login(user_with_role(roles.VIEWER))
    return client


def page(client, url=URL) -> str:
    """The page's main content (not the header's sign-out form and its token)."""
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<title>") : html.index("</title>")] + html[html.index("<main") :]


def test_a_repeat_view_reads_no_action_and_renders_nothing(viewer, plan, monkeypatch):
    first = page(viewer)
    monkeypatch.setattr(
        "improvement.views.actions.render_to_string", lambda *a, **k: pytest.fail("drawn")
    )
    with CaptureQueriesContext(connection) as queries:
        again = page(viewer)
    assert again == first
    read = " ".join(q["sql"] for q in queries.captured_queries)
    assert "improvement_action" not in read and "improvement_statusinterval" not in read


def test_a_new_update_in_any_plan_shows_at_once(viewer, plan):
    off_track = URL + "&status=off_track"
    assert "Do 1.1" not in page(viewer, off_track)
    action = plan.objectives.get().actions.get(reference="1.1")
    ProgressUpdateFactory(action=action, as_at=D(2025, 8, 20), status="off_track")
    assert "Do 1.1" in page(viewer, off_track)
    other = ActionFactory(objective=ObjectiveFactory(plan=PlanFactory()), title="Elsewhere")
    assert "Elsewhere" in page(viewer)
    ProgressUpdateFactory(action=other, as_at=D(2025, 8, 20), status="off_track")
    assert "Elsewhere" in page(viewer, off_track)


def test_a_renamed_owner_shows_at_once(viewer, plan):
    owner = user_with_role(roles.ACTION_OWNER, first_name="Ann", last_name="Ode")
    ActionFactory(objective=plan.objectives.get(), owner=owner)
    assert "Ann Ode" in page(viewer)
    owner.last_name = "Odell"
    owner.save()
    html = page(viewer)
    assert "Ann Odell" in html and "Ann Ode<" not in html


def test_a_refused_filter_says_error_in_the_title_on_a_repeat_view_too(viewer, plan):
    bad = URL + "&due_after=31-31-2025"
    for _ in range(2):
        html = page(viewer, bad)
        assert "<title>Error: " in html and "govuk-error-summary" in html
    assert "<title>Error: " not in page(viewer)


def test_what_a_person_may_read_is_decided_on_every_view(client, plan):
    restricted = PlanFactory(title="Restricted plan", restricted=True)
    ActionFactory(objective=ObjectiveFactory(plan=restricted), title="Secret action")
    owner = user_with_role(roles.ACTION_OWNER)
    client.force_login(user_with_role(roles.VIEWER))
    assert "Secret action" in page(client)
    client.force_login(owner)  # a different reader: never the viewer's cached page
    assert "Secret action" not in page(client)
    assert "Do 1.1" in page(client)


def test_the_export_is_not_the_cached_page(viewer, plan):
    page(viewer)
    response = viewer.get(URL + "&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert "Do 1.1" in response.content.decode()


PLANS = reverse("plan-list") + "?as_at=2025-09-01"


def test_a_repeat_view_of_the_plans_list_reads_no_state_and_renders_nothing(
    viewer, plan, monkeypatch
):
    first = page(viewer, PLANS)
    monkeypatch.setattr(
        "improvement.views.plans.render_to_string", lambda *a, **k: pytest.fail("drawn")
    )
    monkeypatch.setattr(
        "improvement.state_cache.plan_states_as_at", lambda *a, **k: pytest.fail("states read")
    )
    assert page(viewer, PLANS) == first


def test_the_plans_list_shows_a_write_and_a_new_plan_at_once(viewer, plan):
    assert "Off track" not in page(viewer, PLANS)
    action = plan.objectives.get().actions.get(reference="1.1")
    ProgressUpdateFactory(action=action, as_at=D(2025, 8, 20), status="off_track")
    assert "Off track" in page(viewer, PLANS)
    PlanFactory(title="Brand new plan")
    assert "Brand new plan" in page(viewer, PLANS)


def test_the_plans_list_is_per_reader(client, plan):
    PlanFactory(title="Restricted plan", restricted=True)
    client.force_login(user_with_role(roles.VIEWER))
    assert "Restricted plan" in page(client, PLANS)
    client.force_login(user_with_role(roles.ACTION_OWNER))
    html = page(client, PLANS)
    assert "Restricted plan" not in html and "Workforce plan" in html
    assert "Import a plan" not in html
    client.force_login(user_with_role(roles.ADMINISTRATOR, is_staff=True))
    assert "Import a plan" in page(client, PLANS)
