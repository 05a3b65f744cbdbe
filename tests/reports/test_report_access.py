"""Who gets a plan's reports: whoever may export it (the same people who may read it)
gets every format; anyone else gets 404, whatever the format; anonymous people are sent
to sign in."""

import pytest
from django.urls import reverse

from improvement import roles
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

FORMATS = ["html", "docx", "pdf", "xlsx", "csv"]
REPORTS = ["plan-report", "plan-exceptions"]


@pytest.fixture
def plans():
    open_plan = PlanFactory(slug="open")
    ActionFactory(objective=ObjectiveFactory(plan=open_plan, reference="1"), reference="1.1")
    restricted = PlanFactory(slug="closed", restricted=True)
    ActionFactory(objective=ObjectiveFactory(plan=restricted, reference="1"), reference="1.1")
    return {"open": open_plan, "restricted": restricted}


def url(name, plan, fmt):
    return reverse(name, kwargs={"slug": plan.slug}) + f"?as_at=2025-06-30&format={fmt}"


@pytest.mark.parametrize("role", [roles.VIEWER, roles.CLERK, roles.ADMINISTRATOR])
@pytest.mark.parametrize("fmt", FORMATS)
def test_viewers_clerks_and_administrators_export_every_plan_in_every_format(
    client, plans, role, fmt
):
    person = user_with_role(role)
    client.force_login(person)
    for plan in plans.values():
        assert person.has_perm("improvement.export_plan", plan)
        for name in REPORTS:
            response = client.get(url(name, plan, fmt))
            assert response.status_code == 200, (name, plan.slug)


@pytest.mark.parametrize("fmt", FORMATS)
def test_an_action_owner_exports_open_plans_and_their_own(client, plans, fmt):
    owner = user_with_role(roles.ACTION_OWNER)
    client.force_login(owner)
    for name in REPORTS:
        assert client.get(url(name, plans["open"], fmt)).status_code == 200
        # A restricted plan they have nothing in: not found, in every format.
        assert client.get(url(name, plans["restricted"], fmt)).status_code == 404
    ActionFactory(objective=plans["restricted"].objectives.get(), reference="1.2", owner=owner)
    assert client.get(url("plan-report", plans["restricted"], fmt)).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_someone_with_no_role_and_nothing_to_look_after_gets_nothing(client, plans, fmt):
    client.force_login(UserFactory())
    for plan in plans.values():
        for name in REPORTS:
            assert client.get(url(name, plan, fmt)).status_code == 404


@pytest.mark.parametrize("fmt", FORMATS)
def test_anonymous_people_are_sent_to_sign_in(client, plans, fmt):
    for name in REPORTS:
        response = client.get(url(name, plans["open"], fmt))
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_unknown_plan_is_not_found(client):
    client.force_login(user_with_role(roles.CLERK))
    for name in REPORTS:
        assert client.get(reverse(name, kwargs={"slug": "nope"})).status_code == 404
