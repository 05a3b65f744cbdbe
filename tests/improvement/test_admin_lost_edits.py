"""The admin refuses a change page that is out of date: two people open the same plan
(or measure) in the admin, one saves, and the other's older page, saved later, changes
nothing and says who changed what. Inline rows too. Nothing is refused for the person
who saved first or for someone who reopens the page."""

import datetime

import pytest

from improvement import roles
from improvement.models import Milestone, Plan, Section, StaleEdit
from metrics.models import Measure
from tests.factories import (
    ActionFactory,
    MeasureFactory,
    MilestoneFactory,
    PlanFactory,
    SectionFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _value(bound):
    value = bound.value()
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, bool):
        return "on" if value else ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def drawn_form(response) -> dict:
    """What the browser would post back from an admin change page, unchanged."""
    data = {}
    form = response.context["adminform"].form
    for name in form.fields:
        value = _value(form[name])
        if value not in ("", []):
            data[name] = value
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for name in formset.management_form.fields:
            data[formset.management_form[name].html_name] = _value(formset.management_form[name])
        for row in formset.forms:
            for name in row.fields:
                value = _value(row[name])
                if value not in ("", []):
                    data[row[name].html_name] = value
    return data


@pytest.fixture
def people(client):
    administrator = user_with_role(roles.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    editor = user_with_role(roles.PLAN_EDITOR, first_name="Ed", last_name="Itor")
    plan = PlanFactory(title="Early help plan", description="As agreed")
    plan.editors.add(editor)
    return {"administrator": administrator, "editor": editor, "plan": plan}


def open_page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return drawn_form(response)


def save(client, user, url, data):
    client.force_login(user)
    return client.post(url, data)


def test_an_editors_older_plan_page_does_not_undo_an_administrators_newer_title(client, people):
    plan, url = people["plan"], f"/admin/improvement/plan/{people['plan'].pk}/change/"
    editors_page = open_page(client, people["editor"], url)
    administrators_page = open_page(client, people["administrator"], url)

    administrators_page["title"] = "Early help improvement plan"
    assert save(client, people["administrator"], url, administrators_page).status_code == 302

    editors_page["description"] = "Changed on an old page"
    recorded = Plan.history.filter(id=plan.pk).count()
    response = save(client, people["editor"], url, editors_page)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved: Ada Admin saved the plan" in html
    assert "Title: “Early help plan” → “Early help improvement plan”" in html
    plan.refresh_from_db()
    assert plan.title == "Early help improvement plan"
    assert plan.description == "As agreed"
    assert plan.version == 2
    assert Plan.history.filter(id=plan.pk).count() == recorded

    # Reopened, the page is current again and saves.
    fresh = open_page(client, people["editor"], url)
    fresh["description"] = "Changed on a fresh page"
    assert save(client, people["editor"], url, fresh).status_code == 302
    plan.refresh_from_db()
    assert (plan.title, plan.description, plan.version) == (
        "Early help improvement plan",
        "Changed on a fresh page",
        3,
    )


def test_a_stale_inline_row_is_refused_and_the_rest_of_the_page_is_not_saved(client, people):
    plan = people["plan"]
    section = SectionFactory(plan=plan, title="Leadership")
    url = f"/admin/improvement/plan/{plan.pk}/change/"
    editors_page = open_page(client, people["editor"], url)

    # The administrator renames the section on its own change page.
    section_url = f"/admin/improvement/section/{section.pk}/change/"
    section_page = open_page(client, people["administrator"], section_url)
    section_page["title"] = "Leadership and governance"
    assert save(client, people["administrator"], section_url, section_page).status_code == 302

    # The editor's plan page still shows the old section title; they edit that row and
    # the plan's description.
    row = next(k for k, v in editors_page.items() if k.endswith("-title") and v == "Leadership")
    editors_page[row] = "Leadership (old page)"
    editors_page["description"] = "Changed with the stale row"
    response = save(client, people["editor"], url, editors_page)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was saved: Ada Admin saved the section" in html
    assert "Title: “Leadership” → “Leadership and governance”" in html
    section.refresh_from_db()
    plan.refresh_from_db()
    assert section.title == "Leadership and governance"
    assert plan.description == "As agreed"


def test_rows_the_stale_page_did_not_touch_do_not_block_it(client, people):
    plan = people["plan"]
    SectionFactory(plan=plan, title="Leadership")
    other = SectionFactory(plan=plan, title="Workforce")
    url = f"/admin/improvement/plan/{plan.pk}/change/"
    editors_page = open_page(client, people["editor"], url)
    other.title = "Workforce and training"
    other.save()
    editors_page["description"] = "Only the plan changes"
    response = save(client, people["editor"], url, editors_page)
    assert response.status_code == 302
    other.refresh_from_db()
    assert other.title == "Workforce and training"  # the untouched row kept the newer title


def test_a_stale_milestone_row_on_an_action_page_is_refused(client, people):
    action = ActionFactory(objective__plan=people["plan"])
    milestone = MilestoneFactory(action=action, title="Advert placed")
    url = f"/admin/improvement/action/{action.pk}/change/"
    editors_page = open_page(client, people["editor"], url)
    milestone.completed_on = datetime.date(2025, 5, 1)
    milestone.save()

    row = next(k for k, v in editors_page.items() if v == "Advert placed")
    editors_page[row] = "Advert drafted"
    response = save(client, people["editor"], url, editors_page)
    assert response.status_code == 200
    html = response.content.decode()
    assert "saved the milestone “Advert placed”" in html
    assert "Completed on: “(none)” → “1 May 2025”" in html
    milestone.refresh_from_db()
    assert (milestone.title, milestone.completed_on) == ("Advert placed", datetime.date(2025, 5, 1))
    assert Milestone.objects.get(pk=milestone.pk).version == 2


def test_a_stale_measure_page_is_refused(client, people):
    measure = MeasureFactory(plan=people["plan"], name="Agency rate")
    url = f"/admin/metrics/measure/{measure.pk}/change/"
    editors_page = open_page(client, people["editor"], url)
    administrators_page = open_page(client, people["administrator"], url)
    administrators_page["name"] = "Agency worker rate"
    assert save(client, people["administrator"], url, administrators_page).status_code == 302

    editors_page["description"] = "From the old page"
    response = save(client, people["editor"], url, editors_page)
    assert response.status_code == 200
    assert "Name: “Agency rate” → “Agency worker rate”" in response.content.decode()
    measure.refresh_from_db()
    assert (measure.name, measure.description) == ("Agency worker rate", "")


def test_a_save_based_on_an_old_version_is_refused_below_the_admin_too(people):
    first = Plan.objects.get(pk=people["plan"].pk)
    second = Plan.objects.get(pk=people["plan"].pk)
    first.title = "First"
    first.save()
    second.title = "Second"
    second.expect_version(1)
    with pytest.raises(StaleEdit):
        second.save()
    assert Plan.objects.get(pk=first.pk).title == "First"
    # Without an expected version a save still moves the version on from the stored one.
    second.save()
    assert Plan.objects.get(pk=first.pk).version == 3


def test_the_version_goes_up_at_every_save_and_history_keeps_it(people):
    section = SectionFactory(plan=people["plan"])
    assert section.version == 1
    section.title = "Renamed"
    section.save(update_fields=["title"])
    section.refresh_from_db()
    assert section.version == 2
    assert sorted(Section.history.filter(id=section.pk).values_list("version", flat=True)) == [
        1,
        2,
    ]
    assert Measure._meta.get_field("version").default == 1


@pytest.mark.parametrize("model", ["section", "objective", "action"])
def test_each_change_page_refuses_a_stale_save(client, people, model):
    action = ActionFactory(objective__plan=people["plan"], title="Recruit", reference="1.1")
    things = {
        "section": SectionFactory(plan=people["plan"], title="Recruit"),
        "objective": action.objective,
        "action": action,
    }
    thing = things[model]
    thing.title = "Recruit"
    thing.save()
    url = f"/admin/improvement/{model}/{thing.pk}/change/"
    editors_page = open_page(client, people["editor"], url)
    administrators_page = open_page(client, people["administrator"], url)
    administrators_page["title"] = "Recruit and retain"
    assert save(client, people["administrator"], url, administrators_page).status_code == 302

    editors_page["title"] = "Recruit (old page)"
    response = save(client, people["editor"], url, editors_page)
    assert response.status_code == 200
    assert "Title: “Recruit” → “Recruit and retain”" in response.content.decode()
    thing.refresh_from_db()
    assert thing.title == "Recruit and retain"
