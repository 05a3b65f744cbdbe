"""Pages in the plan's own words when it has several labels for a status: the key lists
every label, an update shows the label it was given in, and a reference the tracker
numbered says so quietly."""

import datetime

import pytest

from improvement import roles
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(db):
    plan = PlanFactory(slug="own-words")
    plan.status_key.create(status="complete", label="Complete", description="Done", position=1)
    plan.status_key.create(
        status="complete", label="Achieved", description="Met, as written", position=2
    )
    return plan


def test_the_plan_key_lists_every_label_of_a_status(client, plan):
    client.force_login(user_with_role(roles.VIEWER))
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Also written “Achieved”: Met, as written" in page


def test_an_update_shows_the_label_it_was_given_in(client, plan):
    action = ActionFactory(objective=ObjectiveFactory(plan=plan, reference="1"), reference="1.1")
    ProgressUpdateFactory(
        action=action,
        as_at=datetime.date(2025, 6, 1),
        status="complete",
        status_label="Achieved",
        narrative="Met in full",
    )
    client.force_login(user_with_role(roles.VIEWER))
    page = client.get(action.get_absolute_url()).content.decode()
    assert '<strong class="app-status app-status--blue">Achieved</strong>' in page


def test_a_numbered_reference_says_the_tracker_gave_it(client, plan):
    objective = ObjectiveFactory(plan=plan, reference="2", reference_numbered=True)
    numbered = ActionFactory(objective=objective, reference="2.1", reference_numbered=True)
    ActionFactory(objective=objective, reference="2.5")
    client.force_login(user_with_role(roles.VIEWER))

    page = client.get(objective.get_absolute_url()).content.decode()
    assert "2 is the tracker's number for it" in page
    assert page.count("by the tracker: the plan gives no reference") == 1
    action_page = client.get(numbered.get_absolute_url()).content.decode()
    assert "2.1 is the tracker's number for it" in action_page
