"""The admin keeps a plan editor inside the plans they edit: the history pages, the
update form, measure links and list filters included (a review found each of these
open; these tests keep them shut)."""

import pytest
from django.contrib import admin as django_admin
from django.urls import reverse
from django.utils import timezone

from improvement import roles
from improvement.models import ProgressUpdate
from metrics.models import Measure
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    SectionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    editor = user_with_role(roles.PLAN_EDITOR)
    own = PlanFactory(title="Editor's own plan")
    own.editors.add(editor)
    own_objective = ObjectiveFactory(plan=own, reference="1")
    own_action = ActionFactory(objective=own_objective, reference="1.1")
    secret = PlanFactory(title="SECRET restricted plan", restricted=True, measures_in_rollup=True)
    section = SectionFactory(plan=secret, title="SECRET section")
    objective = ObjectiveFactory(plan=secret, reference="1", section=section, title="SECRET aim")
    action = ActionFactory(objective=objective, reference="1.1", title="SECRET action")
    update = ProgressUpdateFactory(action=action, narrative="SECRET narrative", status="on_track")
    measure = MeasureFactory(plan=secret, name="SECRET measure")
    period = ReportingPeriodFactory(plan=secret)
    for thing in (secret, objective, action, measure, period, section):  # history rows
        thing.save()
    client.force_login(editor)
    return {
        "editor": editor,
        "own": own,
        "own_objective": own_objective,
        "own_action": own_action,
        "secret": secret,
        "objective": objective,
        "action": action,
        "update": update,
        "measure": measure,
        "period": period,
        "section": section,
    }


def admin_url(obj, view, *args):
    meta = obj._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=[obj.pk, *args])


SECRET_THINGS = ["secret", "objective", "action", "update", "measure", "section", "period"]


@pytest.mark.parametrize("name", SECRET_THINGS)
def test_the_history_of_another_plans_objects_is_not_found(client, world, name):
    thing = world[name]
    assert client.get(admin_url(thing, "history")).status_code == 404
    record = thing.history.latest("history_date")
    assert client.get(admin_url(thing, "simple_history", record.history_id)).status_code == 404


@pytest.mark.parametrize("name", SECRET_THINGS)
def test_nobody_writes_through_the_history_pages(client, world, name):
    thing = world[name]
    record = thing.history.latest("history_date")
    before = type(thing).objects.filter(pk=thing.pk).values().get()
    response = client.post(
        admin_url(thing, "simple_history", record.history_id),
        {"title": "DEFACED", "name": "DEFACED", "narrative": "REWRITTEN", "status": "complete"},
    )
    assert response.status_code in (403, 404)
    assert type(thing).objects.filter(pk=thing.pk).values().get() == before


def test_an_administrator_reads_history_but_cannot_revert(client, world):
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    update = world["update"]
    record = update.history.latest("history_date")
    assert client.get(admin_url(update, "history")).status_code == 200
    assert client.get(admin_url(update, "simple_history", record.history_id)).status_code == 200
    response = client.post(
        admin_url(update, "simple_history", record.history_id), {"narrative": "REWRITTEN"}
    )
    assert response.status_code == 403
    update.refresh_from_db()
    assert update.narrative == "SECRET narrative"


def test_every_history_admin_is_scoped():
    """A new model admin with history must use improvement.admin.HistoryAdmin."""
    from simple_history.admin import SimpleHistoryAdmin

    from improvement.admin import HistoryAdmin

    with_history = [
        type(model_admin).__name__
        for model_admin in django_admin.site._registry.values()
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, HistoryAdmin)
    ]
    assert with_history == []


def test_an_editor_cannot_add_an_update_to_another_plans_action(client, world):
    before = ProgressUpdate.objects.count()
    response = client.post(
        reverse("admin:improvement_progressupdate_add"),
        {
            "action": world["action"].pk,
            "as_at": "2025-06-30",
            "status": "off_track",
            "narrative": "Forged",
            "author": world["action"].owner_id,
            "areas_for_development-TOTAL_FORMS": "0",
            "areas_for_development-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200  # the form refuses the action: not a valid choice
    assert ProgressUpdate.objects.count() == before


def test_an_editors_update_is_always_in_their_own_name(client, world):
    own_action = world["own_action"]
    response = client.post(
        reverse("admin:improvement_progressupdate_add"),
        {
            "action": own_action.pk,
            "as_at": f"{timezone.localdate():%Y-%m-%d}",
            "status": "on_track",
            "narrative": "Mine",
            "author": own_action.owner_id,
            "areas_for_development-TOTAL_FORMS": "0",
            "areas_for_development-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    assert ProgressUpdate.objects.get(narrative="Mine").author == world["editor"]


def test_a_measure_cannot_be_linked_to_another_plans_objectives(client, world):
    measure = MeasureFactory(plan=world["own"], name="Own measure")
    response = client.post(
        admin_url(measure, "change"),
        {
            "plan": world["own"].pk,
            "name": "Own measure",
            "unit": "percent",
            "direction": "higher",
            "objectives": [world["objective"].pk],
            "actions": [world["action"].pk],
            "targets-TOTAL_FORMS": "0",
            "targets-INITIAL_FORMS": "0",
            "data_points-TOTAL_FORMS": "0",
            "data_points-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 200
    assert not Measure.objects.get(pk=measure.pk).objectives.exists()


def test_the_measure_form_refuses_links_across_plans_even_for_administrators(world):
    from metrics.admin import MeasureForm

    form = MeasureForm(
        data={
            "plan": world["own"].pk,
            "name": "Cross",
            "unit": "percent",
            "direction": "higher",
            "objectives": [world["objective"].pk],
        }
    )
    assert not form.is_valid()
    assert "Link only objectives of" in str(form.errors["objectives"])


@pytest.mark.parametrize(
    "url",
    ["/admin/improvement/objective/", "/admin/improvement/section/", "/admin/metrics/measure/"],
)
def test_list_filters_do_not_name_plans_the_editor_cannot_edit(client, world, url):
    html = client.get(url).content.decode()
    assert "SECRET" not in html
