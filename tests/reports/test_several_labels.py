"""A plan with several labels for one status: its reports show the first label (in the
key's order) for a status, an update's own label where it was given in another ("Achieved"
where the plan also says "Complete"), and count the summary in the first label's phrase."""

import datetime

import pytest

from improvement.reports.assembly import progress_report
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db

AS_AT = datetime.date(2025, 6, 30)


@pytest.fixture
def plan(db):
    plan = PlanFactory(slug="own-words")
    plan.status_key.create(status="complete", label="Complete", phrase="are done", position=1)
    plan.status_key.create(status="complete", label="Achieved", phrase="are achieved", position=2)
    plan.status_key.create(status="on_track", label="On target", position=2)
    plan.status_key.create(status="on_track", label="Green", position=1)
    objective = ObjectiveFactory(plan=plan, reference="1")
    for reference, status, label in [
        ("1.1", "complete", "Achieved"),
        ("1.2", "complete", ""),
        ("1.3", "on_track", "On target"),
        ("1.4", "on_track", ""),
    ]:
        action = ActionFactory(objective=objective, reference=reference)
        ProgressUpdateFactory(
            action=action, as_at=datetime.date(2025, 6, 1), status=status, status_label=label
        )
    return plan


def test_each_action_shows_the_label_its_update_was_given_in(plan):
    report = progress_report(plan, AS_AT)
    assert {a.reference: a.status_label for a in report.actions} == {
        "1.1": "Achieved",
        "1.2": "Complete",
        "1.3": "On target",
        "1.4": "Green",  # the first label of on track, by the key's order
    }


def test_roll_ups_and_the_summary_speak_in_the_first_label(plan):
    report = progress_report(plan, AS_AT)
    assert report.objectives[0].status_label == "Green"
    assert "2 are done" in report.summary
    assert "achieved" not in report.summary


def test_the_key_says_what_other_labels_a_status_is_written_in(plan):
    report = progress_report(plan, AS_AT)
    complete = next(line for line in report.key if line.label == "Complete")
    assert complete.meaning.endswith("Also written “Achieved”.")
    green = next(line for line in report.key if line.label == "Green")
    assert green.meaning.endswith("Also written “On target”.")
