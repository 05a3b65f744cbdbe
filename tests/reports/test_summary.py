"""The summary paragraph that opens a report: counts per label of the plan's key, in the
key's phrases, reading correctly for none, one and many of each label; and the plan's
own phrases, set on its status key."""

import pytest

from improvement.reports.assembly import progress_report, standard_key, summary_paragraph
from improvement.status import Status
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory, ProgressUpdateFactory
from tests.reports.conftest import AS_AT, D

C, ON, RISK, OFF, NS = (
    Status.COMPLETE,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NOT_STARTED,
)


def paragraph(objectives, statuses, key=None, **extra):
    return summary_paragraph(
        kind_noun="action plan",
        objective_term="objective",
        objectives=objectives,
        statuses=statuses,
        key=key,
        **extra,
    )


@pytest.mark.parametrize(
    ("objectives", "statuses", "expected"),
    [
        (0, [], "The action plan has no objectives and no actions."),
        (1, [], "The action plan has 1 objective and no actions."),
        (1, [C], "The action plan has 1 objective and 1 action. It has been completed."),
        (1, [NS], "The action plan has 1 objective and 1 action. It has not yet started."),
        (1, [OFF], "The action plan has 1 objective and 1 action. It is off track."),
        (1, [None], "The action plan has 1 objective and 1 action. It has no status recorded."),
        (
            8,
            [C] * 20 + [ON] * 10 + [NS] * 2,
            "The action plan has 8 objectives and 32 actions. Of these, 20 have been completed, "
            "10 are on track and 2 have not yet started.",
        ),
        (
            2,
            [C, ON, RISK, OFF],
            "The action plan has 2 objectives and 4 actions. Of these, 1 has been completed, "
            "1 is on track, 1 is at risk and 1 is off track.",
        ),
        (3, [C, C], "The action plan has 3 objectives and 2 actions. All 2 have been completed."),
        (
            4,
            [None] * 19,
            "The action plan has 4 objectives and 19 actions. All 19 have no status recorded.",
        ),
        (
            2,
            [RISK, RISK, None],
            "The action plan has 2 objectives and 3 actions. Of these, 2 are at risk and 1 has "
            "no status recorded.",
        ),
    ],
)
def test_summary_paragraph_for_none_one_and_many(objectives, statuses, expected):
    assert paragraph(objectives, statuses) == expected


@pytest.mark.parametrize("status", [C, ON, RISK, OFF, NS, None])
@pytest.mark.parametrize("count", [1, 2, 7])
def test_every_label_reads_for_one_and_many(status, count):
    text = paragraph(1, [status] * count + [C if status != C else ON])
    phrase = standard_key()[status].phrase
    if count == 1:
        singular = phrase.replace("have ", "has ", 1).replace("are ", "is ", 1)
        assert f" 1 {singular}" in text
    else:
        assert f" {count} {phrase}" in text
    assert "all 1 " not in text.lower() and " 1 have " not in text and " 1 are " not in text


def test_a_label_with_none_is_left_out():
    text = paragraph(1, [C, C, ON])
    assert "not yet started" not in text and "at risk" not in text and " 0 " not in text


def test_the_plans_own_labels_and_phrases(plan):
    """Labels with no phrase of their own read "are on track (Green)"; a plan's phrases
    are used as written, made singular for one."""
    key = {e.status: e for e in plan.status_key.all()}
    key[Status.ON_TRACK].phrase = "are progressing"
    key[Status.ON_TRACK].save()
    key[Status.OFF_TRACK].phrase = "need urgent attention"
    key[Status.OFF_TRACK].save()
    plan.status_key.create(status="complete", label="Done", phrase="have been delivered")
    report = progress_report(plan, AS_AT)
    assert report.summary == (
        "The action plan has 3 objectives and 7 actions. Of these, 1 has been delivered, "
        "4 are progressing, 1 is at risk (Amber) and 1 needs urgent attention. "
        "1 action is overdue."
    )


def test_a_plan_with_no_actions_counts_its_objectives_by_assessment(db):
    plan = PlanFactory(kind="improvement_notice", objective_term="requirement")
    plan.status_key.create(status="on_track", label="Green", phrase="are being met")
    for reference, status in [("1", "on_track"), ("2", "on_track"), ("3", "at_risk")]:
        objective = ObjectiveFactory(plan=plan, reference=reference)
        ProgressUpdateFactory(action=None, objective=objective, as_at=D(2025, 6, 1), status=status)
    assert progress_report(plan, AS_AT).summary == (
        "The improvement notice has 3 requirements and no actions. By assessment, of the 3 "
        "requirements, 2 are being met and 1 is at risk."
    )


def test_one_objective_and_one_action_never_says_all_1(db):
    plan = PlanFactory(kind="action_plan")
    objective = ObjectiveFactory(plan=plan)
    ProgressUpdateFactory(action=ActionFactory(objective=objective), as_at=D(2025, 6, 1), status=C)
    summary = progress_report(plan, AS_AT).summary
    assert summary == "The action plan has 1 objective and 1 action. It has been completed."
