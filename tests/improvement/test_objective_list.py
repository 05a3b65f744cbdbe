"""The objective list: only objectives of plans the person may read, filtered by
organisation, plan, section, owner, rolled-up status and evidence, each with its status
in its plan's words (the standard word in brackets: plans are side by side here)."""

import datetime

import pytest
from django.urls import reverse

from improvement import roles
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    SectionFactory,
    StatusKeyEntryFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def plans():
    owner = UserFactory()
    open_plan = PlanFactory(title="Open plan", organisation="Anytown Council")
    StatusKeyEntryFactory(plan=open_plan, status="off_track", label="Red")
    section = SectionFactory(plan=open_plan, title="Workforce")
    red = ObjectiveFactory(plan=open_plan, reference="1", section=section)
    ProgressUpdateFactory(action=ActionFactory(objective=red, owner=owner), status="off_track")
    quiet = ObjectiveFactory(plan=open_plan, reference="2", owner=owner)
    for _ in range(2):
        ProgressUpdateFactory(action=ActionFactory(objective=quiet), status="")
    secret = PlanFactory(title="Secret plan", organisation="Othertown Council", restricted=True)
    ObjectiveFactory(plan=secret, reference="9")
    return open_plan, section, owner


def refs(client, query=""):
    response = client.get(reverse("objective-list") + "?as_at=2025-07-01&" + query)
    assert response.status_code == 200
    return [o.objective.reference for o in response.context["page"].object_list]


def test_an_outsider_sees_no_restricted_plans_objectives(client, plans):
    client.force_login(user_with_role(roles.ACTION_OWNER))
    assert refs(client) == ["2", "1"]  # in plan order: unsectioned first
    # Not even the name of a hidden plan's organisation is a choice.
    assert refs(client, "organisation=Othertown+Council") == ["2", "1"]
    response = client.get(reverse("objective-list") + "?organisation=Othertown+Council")
    assert "organisation" in response.context["form"].errors
    assert "Secret plan" not in response.content.decode()


def test_each_filter_selects_exactly_its_objectives(signed_in, plans):
    plan, section, owner = plans
    assert refs(signed_in) == ["2", "1", "9"]
    assert refs(signed_in, f"plan={plan.pk}") == ["2", "1"]
    assert refs(signed_in, f"section={section.pk}") == ["1"]
    assert refs(signed_in, f"owner={owner.pk}") == ["2", "1"]  # owns 2, an action in 1
    assert refs(signed_in, "status=off_track") == ["1"]
    assert refs(signed_in, "status=not_enough_updates") == ["2"]
    assert refs(signed_in, "status=none") == ["9"]
    assert refs(signed_in, "rated=no") == ["2", "9"]
    assert refs(signed_in, "rated=yes") == ["1"]


def test_statuses_are_in_the_plans_words_with_the_standard_word_in_brackets(signed_in, plans):
    html = signed_in.get(reverse("objective-list") + "?as_at=2025-07-01").content.decode()
    assert '<strong class="app-status app-status--red">Red (Off track)</strong>' in html
    assert "app-status--not-enough" in html


def test_a_bad_filter_is_refused_next_to_its_field(signed_in, plans):
    response = signed_in.get(reverse("objective-list") + "?status=purple&rated=maybe")
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"status", "rated"}
    assert response.context["count"] == 3  # the bad filters are not applied
