"""A confirmed import writes the status timeline of what it saved, in its own transaction:
if writing the timeline fails, nothing of the import is saved."""

import pytest
from django.db import DatabaseError

from improvement import status_timeline
from improvement.models import Action, Objective, Plan, ProgressUpdate, StatusInterval
from improvement.workbook.services import plan_import
from tests.workbook.test_import_bulk import AS_AT, workbook

pytestmark = pytest.mark.django_db


def test_an_import_writes_the_timeline_of_every_action_it_updates(administrator, editor):
    result = plan_import(
        data=workbook(5, slug="timeline"), file_name="plan.xlsx", user=administrator, confirm=True
    )
    assert result.saved, [str(p) for p in result.problems][:5]
    actions = Action.objects.filter(objective__plan=result.plan)
    assert actions.count() == 5
    rows = StatusInterval.objects.filter(action__in=actions)
    assert (
        sorted(rows.values_list("valid_from", "valid_to", "status"))
        == [(AS_AT, None, "on_track")] * 5
    )
    assert status_timeline.compare(actions=actions, objectives=Objective.objects.all()) == []


def test_a_failure_writing_the_timeline_saves_nothing_of_the_import(
    administrator, editor, monkeypatch
):
    def refuse(plan_ids):
        raise DatabaseError("the timeline could not be written")

    monkeypatch.setattr(status_timeline, "rebuild_plans", refuse)
    result = plan_import(
        data=workbook(5, slug="refused"), file_name="plan.xlsx", user=administrator, confirm=True
    )
    assert not result.saved
    assert "Nothing was saved" in str(result.problems[-1].message)
    assert not Plan.objects.filter(slug="refused").exists()
    assert not ProgressUpdate.objects.exists()
    assert not StatusInterval.objects.exists()
