"""The token sees what its owner sees on the pages: a restricted plan (and everything in
it) only for those inside it or reading everything; anything else is 404."""

import datetime

import pytest

from improvement import roles
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date

LISTS = ["plans/", "objectives/", "actions/", "measures/", "data-points/"]


@pytest.fixture
def restricted():
    """An open plan and a restricted one, each with an objective, action, measure and value."""
    made = {}
    for name, hidden in [("open", False), ("restricted", True)]:
        plan = PlanFactory(slug=name, title=f"The {name} plan", restricted=hidden)
        objective = ObjectiveFactory(plan=plan)
        action = ActionFactory(objective=objective)
        measure = MeasureFactory(plan=plan)
        DataPointFactory(measure=measure, period_end=D(2025, 3, 31))
        made[name] = {"plan": plan, "objective": objective, "action": action, "measure": measure}
    return made


def plans_listed(api, path: str) -> set[str]:
    return {item.get("slug") or item["plan"] for item in api.results(path, as_at="2025-06-30")}


@pytest.mark.parametrize("path", LISTS)
def test_an_action_owner_with_nothing_in_a_restricted_plan_does_not_see_it(
    api_as, restricted, path
):
    api = api_as(user_with_role(roles.ACTION_OWNER))
    assert plans_listed(api, path) == {"open"}


@pytest.mark.parametrize("path", LISTS)
def test_an_action_owner_sees_the_restricted_plan_they_have_an_action_in(api_as, restricted, path):
    owner = user_with_role(roles.ACTION_OWNER)
    ActionFactory(objective=restricted["restricted"]["objective"], reference="9.1", owner=owner)
    assert plans_listed(api_as(owner), path) == {"open", "restricted"}


@pytest.mark.parametrize("path", LISTS)
def test_a_viewer_sees_every_plan(api_as, restricted, path):
    assert plans_listed(api_as(user_with_role(roles.VIEWER)), path) == {"open", "restricted"}


@pytest.mark.parametrize("path", LISTS)
def test_someone_with_no_role_and_nothing_to_look_after_sees_nothing(api_as, restricted, path):
    assert api_as(UserFactory()).json(path)["count"] == 0


def test_an_item_in_a_plan_they_cannot_read_is_not_found(api_as, restricted):
    api = api_as(user_with_role(roles.ACTION_OWNER))
    hidden = restricted["restricted"]
    for path in [
        "plans/restricted/",
        f"objectives/{hidden['objective'].pk}/",
        f"actions/{hidden['action'].pk}/",
        f"measures/{hidden['measure'].pk}/",
        f"measures/{hidden['measure'].pk}/data-points/",
        "plans/no-such-plan/",
        "actions/999999/",
    ]:
        assert api.get(path).status_code == 404, path
    shown = restricted["open"]
    for path in [
        "plans/open/",
        f"objectives/{shown['objective'].pk}/",
        f"actions/{shown['action'].pk}/",
        f"measures/{shown['measure'].pk}/",
        f"measures/{shown['measure'].pk}/data-points/",
    ]:
        assert api.get(path).status_code == 200, path


def test_asking_for_a_hidden_plan_by_name_says_the_same_as_for_one_that_does_not_exist(
    api_as, restricted
):
    api = api_as(user_with_role(roles.ACTION_OWNER))
    hidden = api.get("actions/", plan="restricted")
    missing = api.get("actions/", plan="no-such-plan")
    assert hidden.status_code == missing.status_code == 400
    assert hidden.json() == {"plan": ["There is no plan “restricted” that you can read."]}
    assert missing.json() == {"plan": ["There is no plan “no-such-plan” that you can read."]}


def test_filtering_by_measure_never_reaches_into_a_hidden_plan(api_as, restricted):
    api = api_as(user_with_role(roles.ACTION_OWNER))
    hidden = restricted["restricted"]["measure"]
    assert api.json("data-points/", measure=hidden.pk, as_at="2025-06-30")["count"] == 0
    assert api.json("actions/", objective=restricted["restricted"]["objective"].pk)["count"] == 0


@pytest.mark.parametrize("path", LISTS)
def test_a_demoted_editor_still_on_the_editors_does_not_see_the_restricted_plan(
    api_as, restricted, path
):
    demoted = user_with_role(roles.ACTION_OWNER)  # the Plan editor role was taken away
    restricted["restricted"]["plan"].editors.add(demoted)
    assert plans_listed(api_as(demoted), path) == {"open"}


@pytest.mark.parametrize("path", LISTS)
def test_an_owner_who_lost_the_role_sees_nothing_through_what_they_still_own(
    api_as, restricted, path
):
    former = UserFactory()
    ActionFactory(objective=restricted["restricted"]["objective"], reference="9.1", owner=former)
    assert api_as(former).json(path)["count"] == 0
