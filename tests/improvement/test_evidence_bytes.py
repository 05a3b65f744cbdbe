"""Evidence bytes are read only when a file is downloaded, and then a bounded slice at a
time: pages that list files (action, objective, update form, sign-off, a lost-update
conflict) never select the data column, and a download streams the exact bytes."""

import os
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from improvement import roles
from improvement.models import progress
from tests.factories import (
    ActionFactory,
    EvidenceFileFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

DATA_COLUMN = re.compile(r'"improvement_evidencefile"\."data"')
SLICE = re.compile(r'SUBSTR(ING)?\("improvement_evidencefile"\."data"')


def whole_file_reads(queries) -> list[str]:
    """The queries that select evidence bytes other than as a slice."""
    return [q["sql"] for q in queries if DATA_COLUMN.search(SLICE.sub("", q["sql"]))]


@pytest.fixture
def world(client):
    owner = user_with_role(roles.ACTION_OWNER)
    editor = user_with_role(roles.PLAN_EDITOR)
    plan = PlanFactory(requires_sign_off=True)
    plan.editors.add(editor)
    objective = ObjectiveFactory(plan=plan, owner=owner)
    action = ActionFactory(objective=objective, owner=owner)
    update = ProgressUpdateFactory(action=action, author=owner, needs_sign_off=True)
    EvidenceFileFactory(update=update, data=os.urandom(5000), size=5000)
    assessment = ProgressUpdateFactory(action=None, objective=objective, author=owner)
    EvidenceFileFactory(update=assessment, data=os.urandom(5000), size=5000)
    return {"owner": owner, "editor": editor, "action": action, "objective": objective}


def page(client, user, url, method="get", data=None):
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = getattr(client, method)(url, data or {})
    assert response.status_code in (200, 409), url
    return response, queries


def test_the_action_and_objective_pages_list_files_without_their_bytes(client, world):
    for url in (world["action"].get_absolute_url(), world["objective"].get_absolute_url()):
        response, queries = page(client, world["owner"], url)
        assert "minutes.pdf" in response.content.decode(), url
        assert whole_file_reads(queries) == [], url


def test_the_update_forms_and_the_sign_off_list_list_files_without_their_bytes(client, world):
    for name, pk in (("action-update", world["action"].pk), ("objective-update", None)):
        url = reverse(name, kwargs={"pk": pk or world["objective"].pk})
        _, queries = page(client, world["owner"], url)
        assert whole_file_reads(queries) == [], url
    response, queries = page(client, world["editor"], reverse("sign-off-list"))
    assert "minutes.pdf" in response.content.decode()
    assert whole_file_reads(queries) == []


def test_a_lost_update_conflict_shows_the_newer_updates_without_their_bytes(client, world):
    url = reverse("action-update", kwargs={"pk": world["action"].pk})
    response, queries = page(
        client,
        world["owner"],
        url,
        "post",
        {
            "status": "on_track",
            "narrative": "Based on an old page",
            "based_on": 0,
            "areas-TOTAL_FORMS": "0",
            "areas-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 409
    assert "minutes.pdf" in response.content.decode()
    assert whole_file_reads(queries) == []


def test_a_download_streams_the_exact_bytes_in_bounded_slices(client, world, monkeypatch):
    monkeypatch.setattr(progress, "EVIDENCE_CHUNK_BYTES", 1000)
    data = os.urandom(3500)
    file = EvidenceFileFactory(
        update=ProgressUpdateFactory(action=world["action"]), data=data, size=len(data)
    )
    client.force_login(world["owner"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(file.get_absolute_url())
        assert response.status_code == 200
        assert response.streaming
        pieces = list(response.streaming_content)
    assert b"".join(pieces) == data
    assert [len(p) for p in pieces] == [1000, 1000, 1000, 500]
    assert whole_file_reads(queries) == []
    assert len([q for q in queries if SLICE.search(q["sql"])]) == 4
    assert response["Content-Length"] == "3500"
    assert response["Content-Disposition"] == 'attachment; filename="minutes.pdf"'
    assert response["Cache-Control"] == "private, no-store"


def test_a_file_of_exactly_whole_slices_and_an_empty_tail_ends_cleanly(world, monkeypatch):
    data = os.urandom(2000)
    file = EvidenceFileFactory(
        update=ProgressUpdateFactory(action=world["action"]), data=data, size=len(data)
    )
    assert [len(p) for p in file.chunks(1000)] == [1000, 1000]
    assert b"".join(file.chunks(7)) == data
