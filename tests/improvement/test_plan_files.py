"""The seed plans load faithfully, and a bad plan file is refused with nothing saved."""

import datetime
import html
import re
from collections import Counter
from pathlib import Path

import pytest
import yaml
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from improvement.history import plan_state_as_at
from improvement.models import Action, Objective, Plan, ProgressUpdate
from improvement.plan_files import PlanFileError, load_plan_document, load_plan_file
from improvement.status import NOT_ENOUGH_UPDATES, Status

pytestmark = pytest.mark.django_db

PLANS = Path(settings.BASE_DIR) / "fixtures" / "plans"
NOTTS, SLOUGH, HEREFORD = (
    PLANS / "nottinghamshire-2004.yaml",
    PLANS / "slough-2014.yaml",
    PLANS / "herefordshire-2013.yaml",
)


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count() for m in apps.get_app_config("improvement").get_models()
    }


# -- the seeds -----------------------------------------------------------------------


def test_nottinghamshire_has_4_objectives_and_19_actions():
    plan = load_plan_file(NOTTS)
    assert plan.objectives.count() == 4
    assert Action.objects.filter(objective__plan=plan).count() == 19
    per_objective = [o.actions.count() for o in plan.objectives.all()]
    assert per_objective == [6, 7, 3, 3]
    updates = ProgressUpdate.objects.filter(action__objective__plan=plan)
    assert updates.count() == 19
    assert set(updates.values_list("as_at", flat=True)) == {datetime.date(2004, 2, 29)}
    # The report gives no RAG status; none is invented.
    assert set(updates.values_list("status", flat=True)) == {""}


def test_nottinghamshire_actions_keep_the_timescale_as_written_and_its_dates():
    plan = load_plan_file(NOTTS)
    action = Action.objects.get(objective__plan=plan, reference="2.1")
    assert action.timescale == "Bassetlaw & Newark 09/03, other Localities 03/04"
    assert action.due_date == datetime.date(2004, 3, 31)
    assert [(m.title, m.due_date) for m in action.milestones.all()] == [
        ("Bassetlaw & Newark", datetime.date(2003, 9, 30)),
        ("Other Localities", datetime.date(2004, 3, 31)),
    ]
    ongoing = Action.objects.get(objective__plan=plan, reference="1.6")
    assert (ongoing.timescale, ongoing.due_date) == ("Ongoing", None)
    recommendation = Action.objects.get(objective__plan=plan, reference="3.1")
    assert recommendation.source_reference == "Recommendation 9.14 – needs led service"
    objective = plan.objectives.get(reference="1")
    assert objective.source_reference == (
        "Final report Recommendation 9.1 – Develop long term workforce plan"
    )
    assert "from 3 to 10 by 09/2004" in objective.success_measures


def test_herefordshire_has_28_requirements_5_green_21_amber_2_red():
    plan = load_plan_file(HEREFORD)
    assert plan.objectives.count() == 28
    assert sorted(int(r) for r in plan.objectives.values_list("reference", flat=True)) == list(
        range(1, 29)
    )
    statuses = Counter(
        ProgressUpdate.objects.filter(objective__plan=plan).values_list("status", flat=True)
    )
    assert statuses == {"on_track": 5, "at_risk": 21, "off_track": 2}
    labels = plan.labels()
    assert (labels[Status.ON_TRACK], labels[Status.AT_RISK], labels[Status.OFF_TRACK]) == (
        "Green",
        "Amber",
        "Red",
    )
    assert plan.sections.count() == 8


def test_herefordshire_areas_for_development_keep_their_timescales():
    plan = load_plan_file(HEREFORD)
    update = ProgressUpdate.objects.get(objective__plan=plan, objective__reference="8")
    areas = [(a.timescale, a.due_date) for a in update.areas_for_development.all()]
    assert areas == [
        ("Quarter 2", datetime.date(2013, 9, 30)),
        ("Quarter 4", datetime.date(2014, 3, 31)),
        ("Quarter 2 and 3", datetime.date(2013, 12, 31)),
        ("Quarter 3", datetime.date(2013, 12, 31)),
        ("Quarter 4", datetime.date(2014, 3, 31)),
    ]
    red = ProgressUpdate.objects.get(objective__plan=plan, objective__reference="12")
    assert red.status == "off_track"
    assert "Timeliness of IA.s performance = 23.7% as at May, 2013." in red.evidence


def test_herefordshire_as_at_its_review_is_off_track_because_of_requirements_12_and_13():
    plan = load_plan_file(HEREFORD)
    state = plan_state_as_at(plan, datetime.date(2013, 7, 1))
    assert state.status == Status.OFF_TRACK
    assert [c.reference for c in state.rollup.deciding] == ["12", "13"]
    # The day before the review nothing had been reported: no colour, and it says why.
    before = plan_state_as_at(plan, datetime.date(2013, 6, 30))
    assert before.status == NOT_ENOUGH_UPDATES
    assert before.rollup.reason.startswith("Not enough updates: 0 of 28 requirements rated.")


def test_slough_has_seven_outcomes_two_action_lists_and_its_september_2014_progress():
    plan = load_plan_file(SLOUGH)
    assert list(plan.objectives.values_list("reference", flat=True)) == [
        "1", "2", "3", "4", "5", "6", "7", "A", "B",
    ]  # fmt: skip
    assert Action.objects.filter(objective__plan=plan).count() == 15
    reported = ProgressUpdate.objects.filter(objective__plan=plan)
    assert sorted(reported.values_list("objective__reference", flat=True)) == [
        "1", "2", "3", "5", "6", "7",
    ]  # fmt: skip
    assert set(reported.values_list("as_at", flat=True)) == {datetime.date(2014, 9, 30)}
    outcome_1 = plan.objectives.get(reference="1")
    assert "Sustainable 80% permanent social worker staff (2017)" in outcome_1.success_measures


def _normalise(text: str) -> str:
    text = html.unescape(text)
    text = re.sub(r"<[^>]+>", " ", text)
    text = text.replace("*", " ")
    text = re.sub(r"^#+ ", " ", text, flags=re.MULTILINE)
    return re.sub(r"\s+", " ", text).strip()


# Items whose words the PDF extraction split across the page; each part is checked.
REJOINED = {
    "in line with Statutory Guidance.": ["in line with", "Statutory Guidance."],
    "all of the rest are agency.": ["all of the rest are", "agency. Recruitment campaign"],
    "Arrangements have been strengthened through:": None,  # one item, its lines checked
}


def _texts(document):
    objectives = list(document.get("objectives") or [])
    for section in document.get("sections") or []:
        objectives += section.get("objectives") or []
    for objective in objectives:
        yield from (objective.get(k) for k in ("title", "description", "source_reference"))
        updates = list(objective.get("updates") or [])
        for action in objective.get("actions") or []:
            yield from (action.get(k) for k in ("title", "benefit", "timescale", "responsible"))
            updates += action.get("updates") or []
        for update in updates:
            yield from (update.get("narrative") or "").split("\n")
            yield from update.get("achievements") or []
            yield from update.get("evidence") or []
            for area in update.get("areas_for_development") or []:
                yield area["description"]
                yield area.get("timescale")


@pytest.mark.parametrize("path", [NOTTS, SLOUGH, HEREFORD], ids=lambda p: p.stem)
def test_every_transcribed_text_is_in_the_seed_document(path):
    document = yaml.safe_load(path.read_text())
    source = _normalise((Path(settings.BASE_DIR) / document["source"]).read_text())
    missing = []
    for text in filter(None, _texts(document)):
        pieces = [text]
        for marker, parts in REJOINED.items():
            if marker in text:
                pieces = parts or text.split("\n")
        for piece in pieces:
            piece = _normalise(piece.lstrip("- "))
            if piece and piece not in source:
                missing.append(piece)
    assert missing == []


def test_load_plans_loads_every_fixture_and_a_second_run_changes_nothing():
    call_command("load_plans")
    assert Plan.objects.count() == 3
    before = row_counts()
    call_command("load_plans")
    assert row_counts() == before


# -- bad input -----------------------------------------------------------------------


def good_document(**changes):
    document = {
        "slug": "test-plan",
        "title": "Test plan",
        "organisation": "Anytown",
        "kind": "action_plan",
        "objectives": [
            {
                "reference": "1",
                "title": "Workforce",
                "actions": [
                    {
                        "reference": "1.1",
                        "title": "Recruit",
                        "due_date": datetime.date(2025, 3, 31),
                    },
                    {"reference": "1.2", "title": "Retain"},
                ],
            }
        ],
    }
    document.update(changes)
    return document


def test_a_good_document_loads():
    plan = load_plan_document(good_document())
    assert plan.objectives.get().actions.count() == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            {"end_date": datetime.date(2020, 1, 1), "start_date": datetime.date(2021, 1, 1)},
            "plan: The end date cannot be before the start date.",
            id="end before start",
        ),
        pytest.param(
            {"kind": "wish_list"}, "plan.kind: Value 'wish_list' is not a valid choice.", id="kind"
        ),
        pytest.param({"colour": "red"}, "plan: unknown field 'colour'", id="unknown field"),
        pytest.param(
            {"status_key": {"purple": {"label": "Purple"}}},
            "plan.status_key.purple: unknown status 'purple'",
            id="unknown status in key",
        ),
        pytest.param(
            {"objectives": [{"reference": "1", "title": "A"}, {"reference": "1", "title": "B"}]},
            "objectives[1] (objective 1): This plan already has an objective with that reference.",
            id="duplicate objective",
        ),
        pytest.param(
            {
                "objectives": [
                    {
                        "reference": "1",
                        "title": "A",
                        "actions": [{"reference": "1.1", "title": "X", "due_date": "2025-02-30"}],
                    }
                ]
            },
            "objectives[0] (objective 1).actions[0] (action 1.1).due_date:",
            id="impossible date",
        ),
        pytest.param(
            {
                "objectives": [
                    {
                        "reference": "1",
                        "title": "A",
                        "updates": [{"as_at": datetime.date(2025, 1, 1), "status": "green"}],
                    }
                ]
            },
            "objectives[0] (objective 1).updates[0].status: unknown status 'green'",
            id="unknown update status",
        ),
        pytest.param(
            {"objectives": [{"reference": "1"}]},
            "objectives[0] (objective 1): An objective needs a title or a description.",
            id="objective with no words",
        ),
    ],
)
def test_a_bad_document_is_refused_with_a_clear_message_and_nothing_is_saved(change, message):
    before = row_counts()
    with pytest.raises(PlanFileError) as error:
        load_plan_document(good_document(**change))
    assert any(e.startswith(message) for e in error.value.errors), error.value.errors
    assert row_counts() == before


def test_every_problem_is_reported_at_once():
    document = good_document(
        objectives=[
            {"reference": "1"},
            {"reference": "2", "title": "B", "actions": [{"reference": "2.1"}]},
            {"reference": "3", "title": "C", "updates": [{"status": "complete"}]},
        ]
    )
    with pytest.raises(PlanFileError) as error:
        load_plan_document(document)
    assert error.value.errors == [
        "objectives[0] (objective 1): An objective needs a title or a description.",
        "objectives[1] (objective 2).actions[0] (action 2.1).title: This field cannot be blank.",
        "objectives[2] (objective 3).updates[0].as_at: This field cannot be null.",
    ]


def test_a_file_that_is_not_yaml_is_refused(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text("slug: [unclosed\n")
    with pytest.raises(PlanFileError, match="not valid YAML"):
        load_plan_file(path)


def test_the_command_reports_a_bad_file_and_saves_nothing(tmp_path, capsys):
    path = tmp_path / "plan.yaml"
    path.write_text(yaml.safe_dump(good_document(kind="nope")))
    with pytest.raises(CommandError, match="1 file"):
        call_command("load_plans", str(path))
    assert "plan.kind" in capsys.readouterr().err
    assert not Plan.objects.exists()


def test_replace_reloads_a_plan_in_place():
    load_plan_document(good_document())
    load_plan_document(good_document(title="Renamed"), replace=True)
    assert Plan.objects.get().title == "Renamed"
    assert Objective.objects.count() == 1


def test_a_plan_file_may_list_several_labels_for_one_status_in_its_order():
    plan = load_plan_document(
        good_document(
            status_key=[
                {"label": "Achieved", "status": "complete", "phrase": "have been achieved"},
                {"label": "Green", "status": "on_track", "description": "Being met"},
                {"label": "On target", "status": "on_track"},
            ]
        )
    )
    assert [(e.label, e.status, e.position) for e in plan.key_entries()] == [
        ("Achieved", "complete", 1),
        ("Green", "on_track", 2),
        ("On target", "on_track", 3),
    ]
    assert plan.labels()[Status.ON_TRACK] == "Green"
    assert plan.status_key.get(label="Achieved").phrase == "have been achieved"


def test_a_plan_files_repeated_label_or_unknown_status_in_its_list_is_refused():
    with pytest.raises(PlanFileError) as error:
        load_plan_document(
            good_document(
                status_key=[
                    {"label": "Green", "status": "on_track"},
                    {"label": "green", "status": "complete"},
                    {"label": "Purple", "status": "purple"},
                ]
            )
        )
    assert "plan.status_key[1]: This plan already has that label in its key." in str(error.value)
    assert "plan.status_key[2]: unknown status 'purple'" in str(error.value)
    assert not Plan.objects.exists()


def test_objectives_and_actions_without_a_reference_are_numbered_in_document_order():
    plan = load_plan_document(
        good_document(
            objectives=[
                {"reference": "Objective One", "title": "Workforce",
                 "actions": [{"title": "Recruit"}, {"reference": "A", "title": "Retain"}]},
                {"title": "Practice", "actions": [{"title": "Audit"}]},
                {"reference": "2", "title": "Written two"},
            ]
        )
    )  # fmt: skip
    objectives = [(o.reference, o.reference_numbered) for o in plan.objectives.order_by("id")]
    assert objectives == [("Objective One", False), ("3", True), ("2", False)]
    actions = [
        (a.objective.reference, a.reference, a.reference_numbered)
        for a in Action.objects.filter(objective__plan=plan).order_by("id")
    ]
    assert actions == [
        ("Objective One", "1", True),
        ("Objective One", "A", False),
        ("3", "3.1", True),
    ]
