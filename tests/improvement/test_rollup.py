"""Roll-up rules, table-driven, for both rules and for coverage (how much evidence
stands behind a status); no database needed."""

from datetime import date

import pytest

from improvement.rollup import Child, is_kinder, is_overdue, is_stale, rollup_status
from improvement.status import NOT_ENOUGH_UPDATES, RollupRule, Status

C, ON, RISK, OFF, NS = (
    Status.COMPLETE,
    Status.ON_TRACK,
    Status.AT_RISK,
    Status.OFF_TRACK,
    Status.NOT_STARTED,
)
NONE = None
NEU = NOT_ENOUGH_UPDATES


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
    pytest.param([NONE, NONE], NEU, ["1.1", "1.2"], id="no child has a status"),
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
        minimum_rated=0,  # the shares here are of the rated children only
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
    result = rollup_status([overdue, Child("1.2", C)], overdue_at_risk=False)
    assert result.status == ON
    assert result.overdue == (overdue,)


def c(ref, status, *, overdue=False, stale=False):
    return Child(ref, status, overdue=overdue, stale=stale)


NINETEEN = [c("1.1", ON)] + [c(f"1.{i}", NONE, overdue=i <= 14) for i in range(2, 20)]

COVERAGE = [
    # (children, the plan's rules, status, coverage words, the sentence that explains it)
    pytest.param(
        [c("1.1", ON), c("1.2", C), c("1.3", ON)],
        {},
        ON,
        "3 of 3 actions rated",
        "On track: 1 complete, 2 on track; none at risk or off track.",
        id="all rated",
    ),
    pytest.param(
        [c("1.1", ON), c("1.2", ON), c("1.3", NONE), c("1.4", NONE)],
        {},
        ON,
        "2 of 4 actions rated",
        "On track: 2 on track, 2 without a status; none at risk or off track.",
        id="half rated meets the 50% minimum",
    ),
    pytest.param(
        [c("1.1", ON), c("1.2", NONE), c("1.3", NONE)],
        {},
        NEU,
        "1 of 3 actions rated",
        "Not enough updates: 1 of 3 actions rated. At least 50% of the actions must be "
        "rated for a status.",
        id="one of three rated is below the minimum",
    ),
    pytest.param(
        [c("1.1", ON), c("1.2", NONE), c("1.3", NONE)],
        {"minimum_rated": 30},
        ON,
        "1 of 3 actions rated",
        "On track: 1 on track, 2 without a status; none at risk or off track.",
        id="one of three rated meets a 30% minimum",
    ),
    pytest.param(
        NINETEEN,
        {},
        NEU,
        "1 of 19 actions rated; 13 overdue",
        "Not enough updates: 1 of 19 actions rated; 13 overdue. At least 50% of the actions "
        "must be rated for a status.",
        id="one of nineteen rated and thirteen overdue is never green",
    ),
    pytest.param(
        [c("1.1", NONE), c("1.2", NONE)],
        {},
        NEU,
        "0 of 2 actions rated",
        "Not enough updates: 0 of 2 actions rated. At least 50% of the actions must be "
        "rated for a status.",
        id="none rated",
    ),
    pytest.param(
        [c("1.1", NONE), c("1.2", NONE)],
        {"minimum_rated": 0},
        None,
        "0 of 2 actions rated",
        "No status: none of the 2 actions has a status yet.",
        id="none rated with no minimum has no status",
    ),
    pytest.param(
        [c("1.1", ON), c("1.2", ON, overdue=True)],
        {},
        RISK,
        "2 of 2 actions rated; 1 overdue",
        "At risk because action 1.2 is overdue, which counts as at risk.",
        id="overdue counts as at risk",
    ),
    pytest.param(
        [c("1.1", RISK), c("1.2", NS, overdue=True)],
        {},
        RISK,
        "2 of 2 actions rated; 1 overdue",
        "At risk because action 1.1 is at risk and action 1.2 is overdue, which counts as at risk.",
        id="at risk and overdue both named",
    ),
    pytest.param(
        [c("1.1", ON), c("1.2", ON, overdue=True)],
        {"overdue_at_risk": False},
        ON,
        "2 of 2 actions rated; 1 overdue",
        "On track: 2 on track; none at risk or off track.",
        id="overdue not counted when the plan says so",
    ),
    pytest.param(
        [c("1.1", OFF, overdue=True), c("1.2", ON)],
        {},
        OFF,
        "2 of 2 actions rated; 1 overdue",
        "Off track because action 1.1 is off track.",
        id="overdue and off track stays off track",
    ),
    pytest.param(
        [c("1.1", ON), c("1.2", NONE, overdue=True)],
        {},
        ON,
        "1 of 2 actions rated; 1 overdue",
        "On track: 1 on track, 1 without a status; none at risk or off track.",
        id="an overdue child without a status stays unrated",
    ),
    pytest.param(
        [c("1.1", ON, stale=True), c("1.2", ON)],
        {},
        ON,
        "2 of 2 actions rated; 1 stale",
        "On track: 2 on track; none at risk or off track.",
        id="stale is counted beside the status, not instead of it",
    ),
    pytest.param(
        [c("1.1", OFF, stale=True), c("1.2", RISK, stale=True)],
        {},
        OFF,
        "2 of 2 actions rated; 2 stale",
        "Off track because action 1.1 is off track.",
        id="all stale",
    ),
    pytest.param(
        [c("1.1", ON, overdue=True)] + [c(f"1.{i}", ON) for i in range(2, 12)],
        {"rule": RollupRule.PROPORTION},
        ON,
        "11 of 11 actions rated; 1 overdue",
        "On track: 11 on track; below the at-risk and off-track thresholds (1 overdue, "
        "counted as at risk).",
        id="by proportion: one overdue in eleven is below the at-risk threshold",
    ),
    pytest.param(
        [c("1.1", ON, overdue=True)] + [c(f"1.{i}", ON) for i in range(2, 6)],
        {"rule": RollupRule.PROPORTION},
        RISK,
        "5 of 5 actions rated; 1 overdue",
        "At risk because 1 of 5 rated actions (20%) is at risk or off track, at or above the "
        "10% threshold (action 1.1; action 1.1 is overdue, which counts as at risk).",
        id="by proportion: one overdue in five reaches it",
    ),
]


@pytest.mark.parametrize(("kids", "rules", "expected", "words", "reason"), COVERAGE)
def test_coverage_and_the_minimum_share_rated(kids, rules, expected, words, reason):
    result = rollup_status(kids, **rules)
    assert result.status == expected
    assert result.coverage.words == words
    assert result.reason == reason
    coverage = result.coverage
    assert coverage.rated + coverage.unrated == coverage.total == len(kids)


def test_not_enough_updates_is_not_a_status_an_update_can_record():
    assert NOT_ENOUGH_UPDATES not in Status.values
    assert NOT_ENOUGH_UPDATES.value not in Status.values
    assert NOT_ENOUGH_UPDATES.label == "Not enough updates"


def test_an_objective_with_not_enough_updates_is_unrated_in_its_plan():
    result = rollup_status(
        [Child("1", NEU, noun="objective"), Child("2", ON, noun="objective")],
        noun_plural="objectives",
    )
    assert result.status == ON
    assert result.coverage.words == "1 of 2 objectives rated; 1 with not enough updates"


@pytest.mark.parametrize(
    ("evidence_on", "status", "expected"),
    [
        (date(2025, 1, 1), ON, True),
        (date(2025, 4, 1), ON, False),  # on the cut-off day: not older
        (date(2025, 1, 1), C, False),  # complete work does not go stale
        (None, NS, False),  # nothing reported: no evidence to age
        (date(2025, 1, 1), None, True),
    ],
)
def test_stale(evidence_on, status, expected):
    assert is_stale(evidence_on=evidence_on, status=status, stale_before=date(2025, 4, 1)) is (
        expected
    )


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
