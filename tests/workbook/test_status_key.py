"""A plan's own key in a workbook: several labels for one standard status on the Status
key sheet, statuses matched to it whatever their case and spacing, an update keeping
the label it was written in, an unknown label reported with the plan's labels and added
when the person chooses its status, and the older Plan-sheet label rows still read."""

import pytest

from improvement.models import Plan, ProgressUpdate, StatusKeyEntry
from improvement.status import Status
from improvement.workbook.results import CHANGE, CREATE, KEEP, UNCHANGED
from improvement.workbook.services import plan_export, plan_import
from tests.workbook.conftest import cells, minimal_sheets, row_counts, xlsx

pytestmark = pytest.mark.django_db

KEY = [
    ["Label", "Status", "Meaning", "Summary phrase"],
    ["Complete", "Complete", "Done and evidenced", "have been completed"],
    ["Achieved", "complete", "Met, in the council's words", None],
    ["Green", "On track", "Will be met on time", "are on track"],
    ["On target", "on_track", None, None],
    ["Ongoing", "On track", "Continuing work", None],
    ["Amber", "At risk", None, None],
    ["Red", "Off track", None, None],
]
UPDATES = [
    ["Update ref", "Objective", "Action", "As at", "Status"],
    ["1", "1", "1.1", "30/06/2025", "Achieved"],
    ["2", "1", "1.2", "30/06/2025", " on   TARGET "],
    ["3", "2", "2.1", "30/06/2025", "ongoing"],
    ["4", "2", "", "30/06/2025", "On track"],
    ["5", "1", "", "30/06/2025", "GREEN"],
]


def _import(sheets, **kwargs):
    kwargs.setdefault("check_permissions", False)
    return plan_import(data=xlsx(sheets), file_name="plan.xlsx", **kwargs)


def _saved(sheets, **kwargs):
    result = _import(sheets, confirm=True, **kwargs)
    assert result.saved, [str(p) for p in result.problems]
    return Plan.objects.get(slug="anytown-2025")


def test_several_labels_mean_one_standard_status_each_in_the_plans_order():
    plan = _saved(minimal_sheets(**{"Status key": KEY}))

    entries = [(e.label, e.status, e.description, e.phrase) for e in plan.key_entries()]
    assert entries == [
        ("Complete", "complete", "Done and evidenced", "have been completed"),
        ("Achieved", "complete", "Met, in the council's words", ""),
        ("Green", "on_track", "Will be met on time", "are on track"),
        ("On target", "on_track", "", ""),
        ("Ongoing", "on_track", "Continuing work", ""),
        ("Amber", "at_risk", "", ""),
        ("Red", "off_track", "", ""),
    ]
    # The first label of each status is the one shown for it.
    assert plan.labels() == {
        Status.COMPLETE: "Complete",
        Status.ON_TRACK: "Green",
        Status.AT_RISK: "Amber",
        Status.OFF_TRACK: "Red",
        Status.NOT_STARTED: "Not started",
    }
    on_track = next(e for e in plan.key() if e.status == Status.ON_TRACK)
    assert on_track.also_labels == "On target, Ongoing"


def test_statuses_are_matched_to_the_key_ignoring_case_and_spaces_and_keep_their_label():
    plan = _saved(minimal_sheets(**{"Status key": KEY, "Updates": UPDATES}))

    updates = {
        (u.action.reference if u.action_id else f"objective {u.objective.reference}"): (
            u.status,
            u.status_label,
        )
        for u in ProgressUpdate.objects.select_related("action", "objective")
    }
    assert updates == {
        "1.1": ("complete", "Achieved"),
        "1.2": ("on_track", "On target"),
        "2.1": ("on_track", "Ongoing"),
        "objective 2": ("on_track", ""),  # a standard word the plan has no label for
        "objective 1": ("on_track", "Green"),
    }
    labels = plan.labels()
    shown = {
        u.status_label or u.status: u.status_word(labels) for u in ProgressUpdate.objects.all()
    }
    assert shown["Achieved"] == "Achieved" and shown["on_track"] == "Green"


def test_an_unknown_label_is_a_problem_listing_the_plans_labels_and_offered_to_add():
    updates = [row[:] for row in UPDATES]
    updates[1][4] = "Delivered"
    updates[2][4] = "delivered "
    counts = row_counts()

    result = _import(minimal_sheets(**{"Status key": KEY, "Updates": updates}), confirm=True)

    assert not result.saved and row_counts() == counts
    problem = next(p for p in result.problems if p.column == "Status")
    assert (problem.sheet, problem.row) == ("Updates", 2)
    assert "“Delivered” is not a status this plan defines" in problem.message
    assert "Complete, Achieved, Green, On target, Ongoing, Amber, Red" in problem.message
    assert "Status key sheet" in problem.fix
    assert result.labels_to_add == ["Delivered"]  # once, whatever its case


def test_a_label_added_in_the_dry_run_is_saved_with_the_import():
    updates = [row[:] for row in UPDATES]
    updates[1][4] = "Delivered"
    sheets = minimal_sheets(**{"Status key": KEY, "Updates": updates})

    check = _import(sheets, add_labels={"Delivered": "complete"})

    assert check.ok, [str(p) for p in check.problems]
    assert any(
        s.kind == CREATE and "status label “Delivered” for Complete" in s.what for s in check.steps
    )
    assert not Plan.objects.exists()

    plan = _saved(sheets, add_labels={"Delivered": "complete"}, expected=check.steps)

    entry = plan.status_key.get(label="Delivered")
    assert entry.status == "complete"
    assert [e.label for e in plan.key_entries()][:3] == ["Complete", "Achieved", "Delivered"]
    update = ProgressUpdate.objects.get(action__reference="1.1")
    assert (update.status, update.status_label) == ("complete", "Delivered")


def test_a_label_is_unique_in_the_plan_whatever_its_case():
    key = [*KEY, ["GREEN ", "At risk", None, None]]
    result = _import(minimal_sheets(**{"Status key": key}))
    assert [(p.sheet, p.row, p.column, p.message) for p in result.problems] == [
        ("Status key", 9, "Label", "The label “GREEN” is already on row 4.")
    ]


def test_a_status_key_row_needs_a_standard_status():
    key = [KEY[0], ["Sparkly", "Purple", None, None], ["Dull", None, None, None]]
    result = _import(minimal_sheets(**{"Status key": key}))
    problems = {(p.row, p.column): p.message for p in result.problems}
    assert problems[(2, "Status")] == "“Purple” is not one of the choices."
    assert problems[(3, "Status")] == "The Status is blank."


def test_importing_the_key_again_changes_nothing_and_a_reordered_key_says_so():
    sheets = minimal_sheets(**{"Status key": KEY, "Updates": UPDATES})
    plan = _saved(sheets)
    again = _import(sheets)
    key_steps = {s.kind for s in again.steps if s.sheet == "Status key"}
    assert key_steps == {UNCHANGED}

    reordered = [KEY[0], KEY[4], KEY[3], *KEY[1:3], *KEY[5:]]  # On target before Green
    result = _import(minimal_sheets(**{"Status key": reordered}), confirm=True)
    assert result.saved
    changed = [s.what for s in result.steps if s.kind == CHANGE]
    assert any("status label “On target” for On track" in what for what in changed)
    assert plan.labels()[Status.ON_TRACK] == "On target"


def test_a_label_left_off_the_sheet_is_kept():
    _saved(minimal_sheets(**{"Status key": KEY}))
    result = _import(minimal_sheets(**{"Status key": KEY[:3]}))
    kept = [s.what for s in result.steps if s.kind == KEEP and s.sheet == "Status key"]
    assert len(kept) == 5 and "keep the status label “Green” for On track" in kept[0]


def test_the_older_plan_sheet_label_rows_still_name_the_first_label():
    sheets = minimal_sheets(**{"Status key": KEY})
    _saved(sheets)
    older = minimal_sheets()
    older["Plan"] += [["On track label", "Going well"], ["On track meaning", "As planned"]]

    plan = _saved(older)

    assert plan.labels()[Status.ON_TRACK] == "Going well"  # Green renamed, as before
    assert not plan.status_key.filter(label="Green").exists()
    assert plan.status_key.get(label="Going well").description == "As planned"
    assert plan.status_key.filter(status="on_track").count() == 3


def test_the_export_writes_every_label_and_each_update_as_written():
    plan = _saved(minimal_sheets(**{"Status key": KEY, "Updates": UPDATES}))
    book = cells(plan_export(plan=plan).data)

    assert book["Status key"] == [
        ["Label", "Status", "Meaning", "Summary phrase"],
        ["Complete", "Complete", "Done and evidenced", "have been completed"],
        ["Achieved", "Complete", "Met, in the council's words", None],
        ["Green", "On track", "Will be met on time", "are on track"],
        ["On target", "On track", None, None],
        ["Ongoing", "On track", "Continuing work", None],
        ["Amber", "At risk", None, None],
        ["Red", "Off track", None, None],
    ]
    statuses = {tuple(r[:3]): r[4] for r in book["Updates"][1:]}
    assert statuses == {
        ("1", "1", None): "Green",  # objective 1, "GREEN" as the key writes it
        ("2", "1", "1.1"): "Achieved",
        ("3", "1", "1.2"): "On target",
        ("4", "2", None): "Green",  # "On track": the plan's first label for it
        ("5", "2", "2.1"): "Ongoing",
    }
    assert not any(row[0].endswith(" label") for row in book["Plan"][1:] if row[0])


def test_an_update_whose_label_has_left_the_key_is_exported_in_the_first_label():
    plan = _saved(minimal_sheets(**{"Status key": KEY, "Updates": UPDATES}))
    StatusKeyEntry.objects.filter(plan=plan, label="Achieved").delete()
    book = cells(plan_export(plan=plan).data)
    row = next(r for r in book["Updates"][1:] if r[2] == "1.1")
    assert row[4] == "Complete"  # imports back as the same status


def test_the_import_page_says_how_to_add_the_labels_the_key_lacks(client):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.urls import reverse

    from improvement import roles
    from tests.factories import user_with_role

    updates = [row[:] for row in UPDATES]
    updates[1][4] = "Delivered"
    data = xlsx(minimal_sheets(**{"Status key": KEY, "Updates": updates}))
    client.force_login(user_with_role(roles.ADMINISTRATOR))

    response = client.post(
        reverse("plan-import"), {"workbook": SimpleUploadedFile("plan.xlsx", data)}
    )

    assert response.status_code == 400
    page = response.content.decode()
    # The page offers to add it to the key (tests/workbook/test_adding_labels_page.py).
    assert "Statuses the plan's key does not have" in page
    assert "What “Delivered” means" in page
    assert "Status key sheet" in page
    assert not Plan.objects.exists()
