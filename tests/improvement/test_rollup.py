"""Roll-up rules, table-driven, for both rules; no database needed."""

from datetime import date

import pytest

from improvement.rollup import Child, is_kinder, is_overdue, rollup_status
from improvement.status import RollupRule, Status

C, ON, RISK, OFF, NS = (
    Status.COMPLETE,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NOT_STARTED,
)
NONE = None


def children(*statuses):
    return [Child(f"1.{i + 1}", s) for i, s in enumerate(statuses)]


WORST_WINS = [
    # (children's statuses, expected, references that decided it)
    pytest.param([], None, [], id="empty objective has no status"),
    pytest.param([C, C, C], C, ["1.1", "1.2", "1.3"], id="all complete"),
    pytest.param([C, NS, NS], ON, ["1.1", "1.2", "1.3"], id="one complete two not started"),
    pytest.param([NS, NS], NS, ["1.1", "1.2"], id="all not started"),
    pytest.param([ON, C, NS], ON, ["1.1", "1.2", "1.3"], id="mixed with not started"),
    pytest.param([ON, RISK, C], RISK, ["1.2"], id="any at risk"),
    pytest.param([RISK, OFF, ON], OFF, ["1.2"], id="any off track beats at risk"),
    pytest.param([OFF, OFF], OFF, ["1.1", "1.2"], id="all off track"),
    pytest.param([NONE, NONE], None, [], id="no child has a status"),
    pytest.param([C, NONE], ON, ["1.1"], id="unrated child blocks complete"),
    pytest.param([NS, NONE], NS, ["1.1"], id="unrated child does not make on track"),
    pytest.param([RISK, NONE], RISK, ["1.1"], id="unrated child does not hide at risk"),
]


@pytest.mark.parametrize(("statuses", "expected", "deciding"), WORST_WINS)
def test_worst_wins(statuses, expected, deciding):
    result = rollup_status(children(*statuses), rule=RollupRule.WORST_WINS)
    assert result.status == expected
    assert [c.reference for c in result.deciding] == deciding
    assert result.reason


PROPORTION = [
    # thresholds: off track at 25%, at risk at 10%
    pytest.param([], None, id="empty"),
    pytest.param([OFF, ON, ON, ON], OFF, id="exactly 25% off track is off track"),
    pytest.param([OFF] + [ON] * 4, RISK, id="20% off track is below red but counts to amber"),
    pytest.param([OFF] + [ON] * 10, ON, id="1 in 11 (9.1%) is below both thresholds"),
    pytest.param([RISK] + [ON] * 9, RISK, id="exactly 10% at risk is at risk"),
    pytest.param([C] * 4, C, id="all complete"),
    pytest.param([NS] * 3, NS, id="all not started"),
    pytest.param([C, NS, NS], ON, id="one complete two not started"),
    pytest.param([OFF, NONE, NONE, NONE], OFF, id="share is of rated children only"),
]


@pytest.mark.parametrize(("statuses", "expected"), PROPORTION)
def test_by_proportion(statuses, expected):
    result = rollup_status(
        children(*statuses),
        rule=RollupRule.PROPORTION,
        off_track_threshold=25,
        at_risk_threshold=10,
    )
    assert result.status == expected


def test_proportion_reason_names_the_threshold_and_the_children():
    result = rollup_status(
        children(OFF, ON, ON, ON), rule=RollupRule.PROPORTION, off_track_threshold=25
    )
    assert result.reason == (
        "Off track because 1 of 4 rated actions (25%) is off track, at or above the 25% "
        "threshold (action 1.1)."
    )


def test_worst_wins_reason_names_the_children():
    result = rollup_status(children(ON, OFF, OFF))
    assert result.reason == "Off track because action 1.2 and action 1.3 are off track."


def test_the_on_track_reason_lists_the_counts():
    result = rollup_status(children(C, NS, NS))
    assert result.reason == "On track: 1 complete, 2 not started; none at risk or off track."


def test_counts_are_by_status_in_display_order():
    result = rollup_status(children(NS, C, OFF, C))
    assert list(result.counts.items()) == [(C, 2), (OFF, 1), (NS, 1)]


def test_overdue_is_a_flag_beside_the_status_not_a_status():
    overdue = Child("1.1", ON, overdue=True)
    result = rollup_status([overdue, Child("1.2", C)])
    assert result.status == ON
    assert result.overdue == (overdue,)


@pytest.mark.parametrize(
    ("due", "status", "as_at", "expected"),
    [
        (date(2025, 3, 31), ON, date(2025, 4, 1), True),
        (date(2025, 3, 31), ON, date(2025, 3, 31), False),  # due today is not overdue yet
        (date(2025, 3, 31), C, date(2026, 1, 1), False),
        (date(2025, 3, 31), None, date(2026, 1, 1), True),
        (None, OFF, date(2026, 1, 1), False),
    ],
)
def test_overdue(due, status, as_at, expected):
    assert is_overdue(due_date=due, status=status, as_at=as_at) is expected


@pytest.mark.parametrize(
    ("assessed", "derived", "kinder"),
    [
        (ON, OFF, True),
        (ON, RISK, True),
        (C, ON, True),
        (RISK, RISK, False),
        (OFF, ON, False),
        (ON, None, False),
        (None, OFF, False),
    ],
)
def test_an_assessment_kinder_than_its_actions_is_flagged(assessed, derived, kinder):
    assert is_kinder(assessed, derived) is kinder
