"""The admin: list pages with status and overdue, inline editing, append-only updates."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from improvement.models import Objective, ProgressUpdate
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
)
from tests.improvement.test_plan_pages import grow

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def admin_client(client, staff_user):
    client.force_login(staff_user)
    return client


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured), response


@pytest.mark.parametrize(
    "url",
    ["/admin/improvement/plan/", "/admin/improvement/objective/", "/admin/improvement/action/"],
)
def test_admin_lists_show_status_and_do_not_grow_with_data(admin_client, url):
    grow(PlanFactory(), 5)
    few, _ = queries(admin_client, url)
    grow(PlanFactory(), 60, objectives=12)
    many, response = queries(admin_client, url)
    assert many == few
    assert "app-status" in response.content.decode()


def test_the_action_list_filters_by_status_and_overdue(admin_client):
    late = ActionFactory(reference="1.1", due_date=D(2020, 1, 1))
    ProgressUpdateFactory(action=late, as_at=D(2019, 1, 1), status="at_risk")
    done = ActionFactory(reference="2.1", due_date=D(2020, 1, 1))
    ProgressUpdateFactory(action=done, as_at=D(2019, 1, 1), status="complete")
    ActionFactory(reference="3.1")  # no update: not started

    def refs(query):
        response = admin_client.get("/admin/improvement/action/" + query)
        return sorted(a.reference for a in response.context["cl"].result_list)

    assert refs("?status=at_risk") == ["1.1"]
    assert refs("?status=not_started") == ["3.1"]
    assert refs("?overdue=yes") == ["1.1"]
    assert refs("?q=2.1") == ["2.1"]


def test_a_plan_edits_its_objectives_inline(admin_client):
    plan = PlanFactory()
    ObjectiveFactory(plan=plan, reference="1", title="Old")
    response = admin_client.get(f"/admin/improvement/plan/{plan.pk}/change/")
    assert response.status_code == 200
    inline_prefixes = [f.formset.prefix for f in response.context["inline_admin_formsets"]]
    assert inline_prefixes == ["status_key", "sections", "objectives"]


def test_an_admin_adds_an_update_and_nobody_can_delete_it(admin_client):
    action = ActionFactory()
    response = admin_client.post(
        "/admin/improvement/progressupdate/add/",
        {
            "action": action.pk,
            "as_at": "2025-06-30",
            "status": "at_risk",
            "narrative": "Slipping",
            "achievements": "One\nTwo",
            "evidence": "",
            "areas_for_development-TOTAL_FORMS": "1",
            "areas_for_development-INITIAL_FORMS": "0",
            "areas_for_development-0-position": "1",
            "areas_for_development-0-description": "Recruit",
            "areas_for_development-0-timescale": "Quarter 3",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    update = ProgressUpdate.objects.get()
    assert update.achievements == ["One", "Two"]
    assert update.areas_for_development.get().timescale == "Quarter 3"
    delete = admin_client.post(
        f"/admin/improvement/progressupdate/{update.pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    assert ProgressUpdate.objects.filter(pk=update.pk).exists()


def test_a_bad_admin_value_is_shown_next_to_the_field_and_nothing_is_saved(admin_client):
    plan = PlanFactory()
    ObjectiveFactory(plan=plan, reference="1")
    response = admin_client.post(
        "/admin/improvement/objective/add/",
        {
            "plan": plan.pk,
            "reference": "1",
            "title": "Duplicate",
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert "already has an objective with that reference" in response.content.decode()
    assert Objective.objects.filter(plan=plan).count() == 1


def test_the_objective_list_filters_by_status_today(admin_client):
    plan = PlanFactory()
    red = ObjectiveFactory(plan=plan, reference="1")
    green = ObjectiveFactory(plan=plan, reference="2")
    ProgressUpdateFactory(
        action=ActionFactory(objective=red), as_at=D(2025, 1, 1), status="off_track"
    )
    ProgressUpdateFactory(
        action=ActionFactory(objective=green), as_at=D(2025, 1, 1), status="on_track"
    )
    response = admin_client.get("/admin/improvement/objective/?status=off_track")
    assert [o.reference for o in response.context["cl"].result_list] == ["1"]


def test_the_objective_list_filters_by_not_enough_updates(admin_client):
    plan = PlanFactory()
    thin = ObjectiveFactory(plan=plan, reference="1")
    rated = ObjectiveFactory(plan=plan, reference="2")
    # One of four actions rated: below the plan's minimum share, so not enough updates.
    ProgressUpdateFactory(
        action=ActionFactory(objective=thin), as_at=D(2025, 1, 1), status="on_track"
    )
    for _ in range(3):
        ProgressUpdateFactory(action=ActionFactory(objective=thin), as_at=D(2025, 1, 1), status="")
    ProgressUpdateFactory(
        action=ActionFactory(objective=rated), as_at=D(2025, 1, 1), status="on_track"
    )
    response = admin_client.get("/admin/improvement/objective/?status=not_enough_updates")
    assert [o.reference for o in response.context["cl"].result_list] == ["1"]
    assert "Not enough updates" in response.content.decode()


def test_the_plan_editors_picker_offers_only_plan_editors_and_keeps_those_listed(admin_client):
    from improvement import roles
    from tests.factories import user_with_role

    editor = user_with_role(roles.PLAN_EDITOR, username="eddie")
    viewer = user_with_role(roles.VIEWER, username="vera")
    listed_viewer = user_with_role(roles.VIEWER, username="walter")
    plan = PlanFactory()
    plan.editors.add(listed_viewer)
    response = admin_client.get(f"/admin/improvement/plan/{plan.pk}/change/")
    offered = set(response.context["adminform"].form.fields["editors"].queryset)
    assert editor in offered and listed_viewer in offered
    assert viewer not in offered
    assert "Only people with the Plan editor role are offered" in response.content.decode()
    add = admin_client.get("/admin/improvement/plan/add/")
    assert set(add.context["adminform"].form.fields["editors"].queryset) == {editor}


def test_two_key_labels_differing_only_in_capitals_are_refused_beside_the_label():
    """Without the formset's check the database refused the second label: a 500."""
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from improvement.models import Plan, StatusKeyEntry
    from tests.factories import PlanFactory, UserFactory

    plan = PlanFactory()
    request = RequestFactory().get("/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    inline = next(
        i for i in site._registry[Plan].get_inline_instances(request, plan)
        if i.model is StatusKeyEntry
    )  # fmt: skip
    FormSet = inline.get_formset(request, plan)
    prefix = FormSet.get_default_prefix()
    data = {
        f"{prefix}-TOTAL_FORMS": "2",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-status": "complete",
        f"{prefix}-0-label": "Achieved",
        f"{prefix}-0-position": "0",
        f"{prefix}-1-status": "complete",
        f"{prefix}-1-label": " achieved ",
        f"{prefix}-1-position": "1",
    }
    formset = FormSet(data, instance=plan, prefix=prefix)
    assert not formset.is_valid()
    assert "already in this key" in str(formset.forms[1].errors["label"])
    assert not StatusKeyEntry.objects.filter(plan=plan).exists()
