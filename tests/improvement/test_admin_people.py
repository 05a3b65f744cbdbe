"""The admin as a plan editor uses it: people named by full name (the username only to
tell two people of the same name apart, or for someone with no name recorded) in lists,
list filters, pickers, search-as-you-type answers and read-only fields; every input of a
tabular inline labelled; the admin's own style sheet and script loaded on every page."""

import datetime
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from improvement import roles
from improvement.admin import People
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    SectionFactory,
    StatusKeyEntryFactory,
    TargetFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return user_with_role(
        roles.PLAN_EDITOR, username="eddie", first_name="Edith", last_name="Editor"
    )


@pytest.fixture
def plan(editor):
    plan = PlanFactory(title="Workforce plan")
    plan.editors.add(editor)
    return plan


@pytest.fixture
def priya():
    return UserFactory(username="pshah", first_name="Priya", last_name="Shah")


def test_people_are_named_by_full_name_and_told_apart_by_username_only_when_needed():
    unique = UserFactory(username="ab1", first_name="Amara", last_name="Bello")
    nameless = UserFactory(username="svc-import", first_name="", last_name="")
    first = UserFactory(username="ssmith", first_name="Sam", last_name="Smith")
    second = UserFactory(username="ssmith2", first_name="Sam", last_name="Smith")

    people = People()

    assert people.label(unique) == "Amara Bello"
    assert people.label(nameless) == "svc-import"
    assert people.label(first) == "Sam Smith (ssmith)"
    assert people.label(second) == "Sam Smith (ssmith2)"
    assert people.label(None) == "–"


def test_lists_and_their_filters_name_owners(client, editor, plan, priya):
    objective = ObjectiveFactory(plan=plan, reference="1", owner=priya)
    ActionFactory(objective=objective, reference="1.1", owner=priya)
    MeasureFactory(plan=plan, name="Vacancy rate", owner=priya)
    client.force_login(editor)

    for model in ["objective", "action"]:
        response = client.get(reverse(f"admin:improvement_{model}_changelist"))
        page = response.content.decode()
        assert '<td class="field-owner_name">Priya Shah</td>' in page, model
        assert ">pshah<" not in page
        person_filter = next(
            spec
            for spec in response.context["cl"].filter_specs
            if getattr(spec, "field_path", None) == "owner"
        )
        assert person_filter.lookup_choices == [(priya.pk, "Priya Shah")]

    page = client.get(reverse("admin:metrics_measure_changelist")).content.decode()
    assert '<td class="field-owner_name">Priya Shah</td>' in page


def test_owner_columns_keep_the_same_query_count_as_the_list_grows(client, editor, plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    objective = ObjectiveFactory(plan=plan, reference="1")
    client.force_login(editor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("admin:improvement_action_changelist")).status_code == 200
        return len(captured)

    ActionFactory.create_batch(2, objective=objective)
    few = queries()
    ActionFactory.create_batch(20, objective=objective)
    assert queries() == few


def test_the_search_as_you_type_picker_answers_with_names_in_name_order(client, editor, plan):
    UserFactory(username="zz", first_name="Aisha", last_name="Khan")
    UserFactory(username="aa", first_name="Zoe", last_name="Khan")
    client.force_login(editor)

    response = client.get(
        reverse("admin:autocomplete"),
        {
            "app_label": "improvement",
            "model_name": "action",
            "field_name": "owner",
            "term": "Khan",
        },
    )

    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Aisha Khan", "Zoe Khan"]


def test_a_chosen_owner_is_shown_by_name_in_the_pickers(client, editor, plan, priya):
    objective = ObjectiveFactory(plan=plan, reference="1", owner=priya)
    action = ActionFactory(objective=objective, owner=priya)
    client.force_login(editor)

    chosen = f'<option value="{priya.pk}" selected>Priya Shah</option>'
    for url in [
        reverse("admin:improvement_plan_change", args=[plan.pk]),  # objectives inline
        reverse("admin:improvement_objective_change", args=[objective.pk]),  # and its own
        reverse("admin:improvement_action_change", args=[action.pk]),
    ]:
        assert chosen in client.get(url).content.decode(), url


def test_the_editors_picker_names_people_and_offers_only_plan_editors(client, staff_user, plan):
    user_with_role(roles.PLAN_EDITOR, username="ed2", first_name="Zara", last_name="Ahmed")
    user_with_role(roles.VIEWER, username="viv", first_name="Vivian", last_name="Viewer")
    client.force_login(staff_user)

    response = client.get(reverse("admin:improvement_plan_change", args=[plan.pk]))

    field = response.context["adminform"].form.fields["editors"]
    assert [label for _, label in field.choices] == ["Edith Editor", "Zara Ahmed"]


def test_a_plan_editor_reads_who_edits_the_plan_by_name_and_cannot_change_it(client, editor, plan):
    plan.editors.add(UserFactory(username="z9", first_name="Ama", last_name="Owusu"))
    client.force_login(editor)

    response = client.get(reverse("admin:improvement_plan_change", args=[plan.pk]))

    assert "editors" not in response.context["adminform"].form.fields
    page = response.content.decode()
    assert '<div class="readonly">Ama Owusu, Edith Editor</div>' in page


def test_who_recorded_an_update_and_entered_a_value_is_shown_by_name(client, editor, plan, priya):
    action = ActionFactory(objective=ObjectiveFactory(plan=plan), reference="1.1")
    ProgressUpdateFactory(action=action, author=priya, narrative="Adverts placed.")
    measure = MeasureFactory(plan=plan)
    DataPointFactory(measure=measure, entered_by=priya, period_end=datetime.date(2025, 3, 31))
    client.force_login(editor)

    action_page = client.get(reverse("admin:improvement_action_change", args=[action.pk]))
    measure_page = client.get(reverse("admin:metrics_measure_change", args=[measure.pk]))

    assert "Recorded by" in action_page.content.decode()
    assert "<p>Priya Shah</p>" in measure_page.content.decode()  # entered by
    updates = client.get(reverse("admin:improvement_progressupdate_changelist"))
    assert '<td class="field-author_name">Priya Shah</td>' in updates.content.decode()


class _Inputs(HTMLParser):
    """The inputs of the page's tabular inlines, and the labels on the page."""

    def __init__(self):
        super().__init__()
        self.depth = 0  # inside a tabular inline's table
        self.inputs: list[str] = []
        self.labels: set[str] = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "div" and "tabular-scroll" in (attrs.get("class") or ""):
            self.depth = 1
        elif self.depth and tag == "div":
            self.depth += 1
        if tag == "label" and attrs.get("for"):
            self.labels.add(attrs["for"])
        shown = attrs.get("type") != "hidden"
        if self.depth and tag in ("input", "select", "textarea") and shown:
            self.inputs.append(attrs.get("id", "(no id)"))

    def handle_endtag(self, tag):
        if self.depth and tag == "div":
            self.depth -= 1


def test_every_input_of_a_tabular_inline_has_a_label(client, editor, plan, priya):
    section = SectionFactory(plan=plan, title="Workforce")
    objective = ObjectiveFactory(plan=plan, reference="1", section=section, owner=priya)
    StatusKeyEntryFactory(plan=plan)
    action = ActionFactory(objective=objective, reference="1.1")
    MilestoneFactory(action=action)
    measure = MeasureFactory(plan=plan)
    TargetFactory(measure=measure)
    DataPointFactory(measure=measure)
    client.force_login(editor)

    for url in [
        reverse("admin:improvement_plan_change", args=[plan.pk]),
        reverse("admin:improvement_action_change", args=[action.pk]),
        reverse("admin:metrics_measure_change", args=[measure.pk]),
    ]:
        parser = _Inputs()
        parser.feed(client.get(url).content.decode())
        assert parser.inputs, url
        assert [i for i in parser.inputs if i not in parser.labels] == [], url

    page = client.get(reverse("admin:improvement_plan_change", args=[plan.pk])).content.decode()
    assert "Title, 1 " in page  # the label says the column and the row
    assert 'for="id_objectives-0-DELETE">Delete ' in page


def test_every_admin_page_loads_the_admins_style_sheet_and_script(client, editor, plan):
    client.force_login(editor)
    for url in [
        reverse("admin:index"),
        reverse("admin:improvement_plan_changelist"),
        reverse("admin:improvement_plan_change", args=[plan.pk]),
    ]:
        page = client.get(url).content.decode()
        assert '<link rel="stylesheet" href="/static/css/admin.css">' in page, url
        assert '<script src="/static/js/admin.js" defer></script>' in page, url
