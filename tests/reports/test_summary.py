"""The summary paragraph that opens a progress report, for none, one and many."""

import pytest

from improvement.reports.assembly import summary_paragraph
from improvement.status import Status

C, ON, RISK, OFF, NS = (
    Status.COMPLETE,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NOT_STARTED,
)


@pytest.mark.parametrize(
    ("objectives", "statuses", "expected"),
    [
        (0, [], "The action plan has no objectives and no actions."),
        (1, [], "The action plan has 1 objective and no actions."),
        (1, [C], "The action plan has 1 objective and 1 action. It has been completed."),
        (1, [NS], "The action plan has 1 objective and 1 action. It has not yet started."),
        (
            1,
            [OFF],
            "The action plan has 1 objective and 1 action. It is in progress but off track.",
        ),
        (1, [None], "The action plan has 1 objective and 1 action. It has no status recorded."),
        (
            8,
            [C] * 20 + [ON] * 10 + [NS] * 2,
            "The action plan has 8 objectives and 32 actions. Of these, 20 have been completed, "
            "10 are in progress and 2 have not yet started.",
        ),
        (
            2,
            [C, ON, RISK, OFF],
            "The action plan has 2 objectives and 4 actions. Of these, 1 has been completed and "
            "3 are in progress (2 of them at risk or off track).",
        ),
        (
            3,
            [C, C],
            "The action plan has 3 objectives and 2 actions. Of these, 2 have been completed.",
        ),
        (
            4,
            [None] * 19,
            "The action plan has 4 objectives and 19 actions. Of these, 19 have no status "
            "recorded.",
        ),
    ],
)
def test_summary_paragraph_for_none_one_and_many(objectives, statuses, expected):
    paragraph = summary_paragraph(
        kind_noun="action plan",
        objective_term="objective",
        objectives=objectives,
        statuses=statuses,
    )
    assert paragraph == expected


def test_the_paragraph_uses_the_plans_own_words():
    paragraph = summary_paragraph(
        kind_noun="improvement notice", objective_term="requirement", objectives=28, statuses=[]
    )
    assert paragraph == "The improvement notice has 28 requirements and no actions."
