"""References as the plan writes them, or none: "Objective One", "1.1" and "A" are kept
as written; an objective or action without one is numbered by its place in the
document and marked as numbered by the tracker, the mark kept through export and
import, and importing the same rows again matches what was numbered."""

import pytest

from improvement.models import Action, Objective, Plan
from improvement.workbook.results import UNCHANGED
from improvement.workbook.services import plan_export, plan_import
from tests.workbook.conftest import cells, minimal_sheets, row_counts, xlsx

pytestmark = pytest.mark.django_db

OBJECTIVES = [
    ["Reference", "Title", "Description"],
    ["Objective One", "Workforce", "Recruit and keep social workers"],
    [None, "Practice", "Improve the quality of practice"],
    ["A", "Partnerships", "Work with partners"],
    [None, "Voice", "Hear children"],
]
ACTIONS = [
    ["Objective", "Reference", "Title"],
    ["Objective One", None, "Recruit ten social workers"],
    ["Objective One", None, "Reduce agency staff"],
    ["2", None, "Audit cases monthly"],
    ["2", "2.5", "Train managers"],
    ["A", "1.1", "Meet the police"],
    ["4", None, "Start a children's council"],
]


def _import(sheets, **kwargs):
    return plan_import(data=xlsx(sheets), file_name="plan.xlsx", check_permissions=False, **kwargs)


def _saved(sheets):
    result = _import(sheets, confirm=True)
    assert result.saved, [str(p) for p in result.problems]
    return Plan.objects.get(slug="anytown-2025")


def _references(plan):
    objectives = [(o.reference, o.reference_numbered) for o in plan.objectives.order_by("id")]
    actions = [
        (a.objective.reference, a.reference, a.reference_numbered)
        for a in Action.objects.filter(objective__plan=plan).order_by("id")
    ]
    return objectives, actions


def test_references_are_kept_as_written_and_missing_ones_numbered_in_document_order():
    plan = _saved(minimal_sheets(Objectives=OBJECTIVES, Actions=ACTIONS))

    objectives, actions = _references(plan)
    assert objectives == [
        ("Objective One", False),
        ("2", True),  # the second objective
        ("A", False),
        ("4", True),
    ]
    assert actions == [
        ("Objective One", "1", True),  # an objective named in words: its actions 1, 2
        ("Objective One", "2", True),
        ("2", "2.1", True),  # under objective 2: 2.1
        ("2", "2.5", False),
        ("A", "1.1", False),
        ("4", "4.1", True),
    ]


def test_the_dry_run_says_which_references_the_tracker_numbered():
    result = _import(minimal_sheets(Objectives=OBJECTIVES, Actions=ACTIONS))
    numbered = [s.what for s in result.steps if "numbered by the tracker" in s.what]
    assert numbered == [
        "create objective 2 (numbered by the tracker: the row gives no reference)",
        "create objective 4 (numbered by the tracker: the row gives no reference)",
        "create action 1 (numbered by the tracker: the row gives no reference)",
        "create action 2 (numbered by the tracker: the row gives no reference)",
        "create action 2.1 (numbered by the tracker: the row gives no reference)",
        "create action 4.1 (numbered by the tracker: the row gives no reference)",
    ]


def test_a_number_already_written_elsewhere_is_skipped():
    objectives = [
        ["Reference", "Title"],
        [None, "First"],  # 1
        ["1", "Written one"],
        [None, "Third"],  # 3
    ]
    actions = [["Objective", "Reference", "Title"], ["3", None, "Do it"], ["3", "3.1", "Did"]]
    plan = _saved(minimal_sheets(Objectives=objectives, Actions=actions))
    objectives, actions = _references(plan)
    assert objectives == [("2", True), ("1", False), ("3", True)]
    assert actions == [("3", "3.2", True), ("3", "3.1", False)]


def test_importing_the_same_rows_again_matches_what_was_numbered():
    sheets = minimal_sheets(Objectives=OBJECTIVES, Actions=ACTIONS)
    _saved(sheets)
    counts = row_counts()

    result = _import(sheets, confirm=True)

    assert result.saved
    assert {s.kind for s in result.steps if s.sheet in ("Objectives", "Actions")} == {UNCHANGED}
    assert row_counts() == counts


def test_the_export_keeps_the_number_and_says_the_tracker_gave_it():
    plan = _saved(minimal_sheets(Objectives=OBJECTIVES, Actions=ACTIONS))
    book = cells(plan_export(plan=plan).data)

    objectives = book["Objectives"]
    numbered = objectives[0].index("Reference numbered")
    assert [(r[0], r[numbered]) for r in objectives[1:]] == [
        ("2", "Yes"),
        ("4", "Yes"),
        ("A", None),
        ("Objective One", None),
    ]
    actions = book["Actions"]
    numbered = actions[0].index("Reference numbered")
    assert [(r[0], r[1], r[numbered]) for r in actions[1:]][:2] == [
        ("2", "2.1", "Yes"),
        ("2", "2.5", None),
    ]


def test_a_written_reference_can_say_it_was_numbered_and_a_number_can_be_claimed():
    objectives = [
        ["Reference", "Title", "Reference numbered"],
        ["7", "Seventh", "Yes"],
        ["8", "Eighth", None],
    ]
    plan = _saved(minimal_sheets(Objectives=objectives, Actions=None))
    assert _references(plan)[0] == [("7", True), ("8", False)]

    objectives[1][2] = "No"  # the council gives the number as its own
    result = _import(minimal_sheets(Objectives=objectives, Actions=None), confirm=True)
    assert any("reference numbered from Yes to No" in s.what for s in result.steps)
    assert not Objective.objects.get(reference="7").reference_numbered
