"""New progress updates from a workbook are recorded as the progress form records them:
in the importing person's name, dated today, waiting for sign-off where the plan asks.
Only an administrator imports history (anyone's name, an earlier date: a correction);
nobody dates an update in the future or before the plan starts."""

import datetime

import pytest
from django.utils import timezone

from improvement import roles
from improvement.models import ProgressUpdate
from improvement.workbook.results import CREATE, UNCHANGED
from improvement.workbook.services import plan_import
from tests.factories import user_with_role
from tests.workbook.conftest import minimal_sheets, row_counts, xlsx

pytestmark = pytest.mark.django_db

START = datetime.date(2024, 4, 1)
HEADINGS = ["Update ref", "Objective", "Action", "As at", "Status", "Progress", "Recorded by"]


def today() -> datetime.date:
    return timezone.localdate()


def days(n: int) -> datetime.date:
    return today() + datetime.timedelta(days=n)


@pytest.fixture
def plan(administrator, editor):
    sheets = minimal_sheets()
    sheets["Plan"].append(["Start date", START])
    result = plan_import(data=xlsx(sheets), file_name="plan.xlsx", user=administrator, confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    result.plan.editors.add(editor)
    return result.plan


def import_updates(user, *rows, actions=(), milestones=None, confirm=True):
    sheets = minimal_sheets(Updates=[HEADINGS, *[list(r) for r in rows]])
    sheets["Actions"] += [list(a) for a in actions]
    if milestones:
        sheets["Milestones"] = milestones
    return plan_import(data=xlsx(sheets), file_name="plan.xlsx", user=user, confirm=confirm)


def where(result) -> list[tuple]:
    return [(p.sheet, p.row, p.column) for p in result.problems]


def test_a_plan_editors_new_update_is_in_their_name_and_dated_today(plan, editor):
    result = import_updates(editor, ["1", "1", "1.1", None, "On track", "Four appointed", None])

    assert result.saved, [str(p) for p in result.problems]
    update = ProgressUpdate.objects.get(action__reference="1.1")
    assert (update.author, update.as_at, update.correction) == (editor, today(), False)
    assert update.history.get().history_user == editor
    # Uploaded again the same day: the row is that update, unchanged.
    again = import_updates(editor, ["1", "1", "1.1", None, "On track", "Four appointed", None])
    assert again.saved and ProgressUpdate.objects.count() == 1
    assert [s.kind for s in again.steps if s.sheet == "Updates"] == [UNCHANGED]


def test_a_plan_editor_cannot_import_an_update_in_someone_elses_name(plan, editor):
    counts = row_counts()

    result = import_updates(editor, ["1", "1", "1.1", today(), "On track", "Done", "admin-user"])

    assert not result.saved and row_counts() == counts
    assert where(result) == [("Updates", 2, "Recorded by")]
    assert "only an administrator" in result.problems[0].message
    assert "your own user name" in result.problems[0].fix


def test_a_plan_editor_cannot_backdate_an_update(plan, editor):
    counts = row_counts()

    result = import_updates(
        editor,
        ["1", "1", "1.1", days(-1), "On track", "Yesterday", None],
        ["2", "1", "1.2", today(), "On track", "Today", "editor-user"],  # this one is fine
    )

    assert not result.saved and row_counts() == counts
    assert where(result) == [("Updates", 2, "As at")]
    assert "Only an administrator can record an update for an earlier date" in str(
        result.problems[0]
    )


def test_an_administrator_imports_history_in_anyones_name_as_a_correction(
    plan, administrator, editor
):
    result = import_updates(
        administrator,
        ["1", "1", "1.1", datetime.date(2025, 1, 31), "At risk", "Slipped", "editor-user"],
        ["2", "1", "1.2", None, "On track", "Today's", None],
    )

    assert result.saved, [str(p) for p in result.problems]
    history = ProgressUpdate.objects.get(action__reference="1.1")
    assert (history.author, history.as_at, history.correction) == (
        editor,
        datetime.date(2025, 1, 31),
        True,
    )
    assert history.history.get().history_user == administrator
    current = ProgressUpdate.objects.get(action__reference="1.2")
    assert (current.author, current.as_at, current.correction) == (administrator, today(), False)


@pytest.mark.parametrize("who", ["administrator", "editor"])
def test_nobody_dates_an_update_in_the_future_or_before_the_plan_starts(plan, who, request):
    counts = row_counts()

    result = import_updates(
        request.getfixturevalue(who),
        ["1", "1", "1.1", days(1), "On track", "Tomorrow", None],
        ["2", "1", "1.2", START - datetime.timedelta(days=1), "On track", "Too early", None],
        ["3", "2", "2.9", days(30), "On track", "On an action new in this workbook", None],
        actions=[["2", "2.9", "A new action", None]],
    )

    assert not result.saved and row_counts() == counts
    assert where(result) == [("Updates", 2, "As at"), ("Updates", 3, "As at"),
                             ("Updates", 4, "As at")]  # fmt: skip
    future, early, new_action = (p.message for p in result.problems)
    assert "cannot be dated in the future" in future and "in the future" in new_action
    assert "cannot be dated before the plan starts (1 April 2024)" in early


def test_a_milestone_is_not_completed_in_the_future(plan, administrator):
    milestones = [["Objective", "Action", "Title", "Completed on"],
                  ["1", "1.1", "Advert placed", days(1)]]  # fmt: skip

    result = import_updates(administrator, milestones=milestones)

    assert not result.saved
    assert where(result) == [("Milestones", 2, "Completed on")]
    assert "still to come" in result.problems[0].message


def test_a_new_update_waits_for_sign_off_where_the_plan_asks(plan, administrator, editor):
    plan.requires_sign_off = True
    plan.save()
    owner = user_with_role(roles.ACTION_OWNER, username="owner-user")

    result = import_updates(
        administrator,
        ["1", "1", "1.1", today(), "On track", "By the action's owner", "owner-user"],
        ["2", "1", "1.2", today(), "On track", "By a plan editor", "editor-user"],
        ["3", "2", "2.1", today(), "On track", "By the administrator", None],
    )

    assert result.saved, [str(p) for p in result.problems]
    assert [s.kind for s in result.steps if s.sheet == "Updates"] == [CREATE] * 3
    waiting = {u.author.get_username(): u.needs_sign_off for u in ProgressUpdate.objects.all()}
    assert waiting == {"owner-user": True, "editor-user": False, "admin-user": False}
    assert owner.progress_updates.get().sign_off_state == "awaiting"
