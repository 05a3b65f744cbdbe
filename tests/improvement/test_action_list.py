"""The action table: filters, sorting, paging, "not yet updated", exports exactly as shown,
and a query count that does not grow with the data."""

import csv
import datetime
import io
import random
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from improvement import roles
from improvement.history import action_states_as_at, plan_states_as_at, with_status_as_at
from improvement.models import Action, Plan, SignOff
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    SectionFactory,
    UserFactory,
    user_with_role,
)
from tests.improvement.test_plan_pages import grow

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def actions():
    plan = PlanFactory(title="Plan A")
    section = SectionFactory(plan=plan, title="Leadership")
    first = ObjectiveFactory(plan=plan, reference="1", section=section)
    second = ObjectiveFactory(plan=plan, reference="2")
    owner = UserFactory(first_name="Priya", last_name="Shah")
    made = {
        "late": ActionFactory(
            objective=first, reference="1.1", title="Late one", due_date=D(2025, 3, 31), owner=owner
        ),
        "done": ActionFactory(objective=first, reference="1.2", title="Done one"),
        "quiet": ActionFactory(objective=second, reference="2.1", title="Quiet one"),
        "risky": ActionFactory(objective=second, reference="2.10", title="=cmd|' /C calc'!A0"),
    }
    ProgressUpdateFactory(action=made["late"], as_at=D(2025, 1, 31), status="on_track")
    ProgressUpdateFactory(action=made["done"], as_at=D(2025, 5, 31), status="complete")
    ProgressUpdateFactory(action=made["risky"], as_at=D(2025, 5, 31), status="at_risk")
    return made


def refs(client, query=""):
    response = client.get(reverse("action-list") + "?as_at=2025-06-30&" + query)
    assert response.status_code == 200
    return [row.record.reference for row in response.context["table"].rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("status=complete", ["1.2"]),
        ("status=not_started", ["2.1"]),
        ("status=at_risk", ["2.10"]),
        ("overdue=yes", ["1.1"]),
        ("due_before=2025-04-30", ["1.1"]),
        ("updated_since=2025-05-01", ["1.2", "2.10"]),
        ("q=quiet", ["2.1"]),
    ],
)
def test_the_table_filters(signed_in, actions, query, expected):
    assert sorted(refs(signed_in, query)) == expected


def test_filters_by_plan_section_objective_and_owner(signed_in, actions):
    objective = actions["late"].objective
    assert sorted(refs(signed_in, f"plan={objective.plan_id}")) == ["1.1", "1.2", "2.1", "2.10"]
    assert sorted(refs(signed_in, f"section={objective.section_id}")) == ["1.1", "1.2"]
    assert sorted(refs(signed_in, f"objective={objective.pk}")) == ["1.1", "1.2"]
    assert refs(signed_in, f"owner={actions['late'].owner_id}") == ["1.1"]


def test_sorting_by_status_puts_the_worst_first_and_references_sort_naturally(signed_in, actions):
    assert refs(signed_in, "sort=-status") == ["2.10", "2.1", "1.1", "1.2"]
    assert refs(signed_in, "sort=reference") == ["1.1", "1.2", "2.1", "2.10"]


def test_a_bad_filter_date_shows_a_message_not_an_error_page(signed_in, actions):
    response = signed_in.get(reverse("action-list") + "?due_before=31-31-2025")
    assert response.status_code == 200
    assert "The “due by” date must be a real date" in response.content.decode()


def test_actions_not_updated_this_period_say_so(signed_in, actions):
    today = datetime.date.today()
    ReportingPeriodFactory(
        plan=actions["late"].objective.plan,
        start=today - datetime.timedelta(days=5),
        end=today + datetime.timedelta(days=5),
        update_deadline=today,
    )
    html = signed_in.get(reverse("action-list")).content.decode()
    assert html.count("Not yet updated") == 3  # all but the completed one


def test_the_csv_export_is_exactly_the_filtered_sorted_list_and_formula_safe(signed_in, actions):
    response = signed_in.get(
        reverse("action-list")
        + f"?as_at=2025-06-30&plan={actions['late'].objective.plan_id}&sort=-status&export=csv"
    )
    assert response["Content-Disposition"] == 'attachment; filename="actions-2025-06-30.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "Plan",
        "Objective",
        "Ref",
        "Action",
        "Owner",
        "Due",
        "Status",
        "Overdue",
        "Last update",
    ]
    assert [r[2] for r in rows[1:]] == ["2.10", "2.1", "1.1", "1.2"]
    assert rows[1][3] == "'=cmd|' /C calc'!A0"
    assert rows[3][4] == "Priya Shah; Head of Service" and rows[3][7] == "Overdue"


def test_the_excel_export_matches_and_is_formula_safe(signed_in, actions):
    response = signed_in.get(
        reverse("action-list") + "?as_at=2025-06-30&status=at_risk&export=xlsx"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert len(values) == 2
    assert values[1][3] == "'=cmd|' /C calc'!A0"
    assert values[1][6] == "At risk"
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)


def test_the_table_only_lists_plans_the_user_may_read(client, actions):
    ActionFactory(objective=ObjectiveFactory(plan=PlanFactory(restricted=True)), reference="9.9")
    client.force_login(user_with_role(roles.ACTION_OWNER))
    assert "9.9" not in refs(client)


def test_the_table_and_export_query_counts_do_not_grow_with_the_data(signed_in):
    def count(query=""):
        with CaptureQueriesContext(connection) as queries:
            assert signed_in.get(reverse("action-list") + query).status_code == 200
        return len(queries)

    grow(PlanFactory(), 5)
    few, few_export = count(), count("?export=csv")
    grow(PlanFactory(), 120)
    assert count() == few
    assert count("?export=csv") == few_export


def test_the_sql_status_agrees_with_the_roll_up_for_every_action():
    """The table filters in SQL; the pages roll up in Python: they must never disagree."""
    rng = random.Random(7)
    editor = UserFactory()
    statuses = ["on_track", "at_risk", "off_track", "complete", "not_started", ""]
    objective = ObjectiveFactory(plan=PlanFactory(requires_sign_off=True))
    for i in range(40):
        action = ActionFactory(
            objective=objective, reference=f"1.{i}", due_date=D(2025, rng.randint(1, 12), 1)
        )
        for _ in range(rng.randint(0, 4)):
            update = ProgressUpdateFactory(
                action=action,
                as_at=D(2025, rng.randint(1, 12), rng.randint(1, 28)),
                status=rng.choice(statuses),
                needs_sign_off=rng.random() < 0.3,
            )
            if update.needs_sign_off and rng.random() < 0.6:
                decision = SignOff(
                    update=update,
                    decision=rng.choice(["approved", "returned"]),
                    comment="x",
                    decided_by=editor,
                )
                decision.decided_on = D(2025, rng.randint(1, 12), 1)
                decision.save()
    for as_at in (D(2025, 3, 1), D(2025, 7, 1), D(2026, 1, 1)):
        python = {
            s.action.pk: (s.status.value if s.status else "", s.overdue)
            for s in action_states_as_at(Action.objects.all(), as_at)
        }
        sql = {
            a.pk: (a.current_status, a.is_overdue)
            for a in with_status_as_at(Action.objects.all(), as_at)
        }
        assert sql == python
        full, summary = (
            plan_states_as_at(Plan.objects.all(), as_at, summary=mode)[0] for mode in (False, True)
        )
        assert [
            (a.status, a.overdue, a.last_updated_on, a.awaiting_since) for a in summary.actions
        ] == [(a.status, a.overdue, a.last_updated_on, a.awaiting_since) for a in full.actions]
        assert (summary.status, summary.rollup.reason) == (full.status, full.rollup.reason)


def _options(html: str, name: str) -> list[str]:
    import re

    select = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)


def test_the_drop_downs_list_only_the_chosen_plans_objectives_sections_and_owners(signed_in):
    big, small = grow(PlanFactory(title="Big"), 40, objectives=8), grow(PlanFactory(), 4)
    html = signed_in.get(reverse("action-list")).content.decode()
    for name in ("section", "objective", "owner"):
        assert _options(html, name) == [""]  # choose a plan first
    assert "(choose a plan to list)" in html
    html = signed_in.get(reverse("action-list") + f"?plan={small.pk}").content.decode()
    assert len(_options(html, "objective")) == 1 + small.objectives.count()
    owners = {str(a.owner_id) for a in Action.objects.filter(objective__plan=small)}
    assert set(_options(html, "owner")) == {"", *owners}
    # A link naming one objective of any plan still filters, and lists it as chosen.
    objective = big.objectives.first()
    response = signed_in.get(reverse("action-list") + f"?objective={objective.pk}")
    assert _options(response.content.decode(), "objective") == ["", str(objective.pk)]
    rows = [row.record for row in response.context["table"].page.object_list]
    assert rows and all(a.objective_id == objective.pk for a in rows)


def test_the_rows_cells_say_what_the_record_says(signed_in, actions):
    ActionFactory(
        objective=actions["quiet"].objective, reference="2.2", title="Nobody's <b>yet</b>",
        owner=None, responsible="", due_date=None,
    )  # fmt: skip
    response = signed_in.get(reverse("action-list") + "?as_at=2025-06-30&q=Nobody")
    html = response.content.decode()
    row = html[html.index('<tr class="govuk-table__row" role="row"><th scope="row"') :]
    row = row[: row.index("</tr>")]
    cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row)
    # Each cell starts with its column's name, for the stacked layout on a narrow screen.
    names = [
        re.match(r'<span class="app-cell-label" aria-hidden="true">(.*?)</span>', c) for c in cells
    ]
    assert [n.group(1) for n in names] == [
        "Plan", "Objective", "Ref", "Action", "Owner", "Due", "Status", "Overdue", "Last update"
    ]  # fmt: skip
    cells = [c[n.end() :] for c, n in zip(cells, names, strict=True)]
    action = Action.objects.get(reference="2.2")
    assert cells == [
        "Plan A",
        "2",
        "2.2",
        f'<a class="govuk-link" href="/actions/{action.pk}/?as_at=2025-06-30">'
        "Nobody&#x27;s &lt;b&gt;yet&lt;/b&gt;</a>",
        "\u2013",  # no owner
        "\u2014",  # no due date
        '<strong class="app-status app-status--grey">Not started</strong>',
        "\u2013",  # not overdue
        "\u2014",  # never updated
    ]


def test_rows_that_tie_on_the_sort_keep_the_tables_order_across_pages(signed_in):
    plan = PlanFactory(title="Plan T")
    objective = ObjectiveFactory(plan=plan, reference="1")
    for n in range(23, 0, -1):  # entered last to first: the order is the table's, not entry
        ActionFactory(objective=objective, reference=f"1.{n}", due_date=D(2025, 9, 30))
    listed = []
    for page in (1, 2, 3):
        response = signed_in.get(
            reverse("action-list") + f"?as_at=2025-06-30&sort=due_date&per_page=10&page={page}"
        )
        listed += [row.record.reference for row in response.context["table"].page.object_list]
    assert listed == [f"1.{n}" for n in range(1, 24)]
