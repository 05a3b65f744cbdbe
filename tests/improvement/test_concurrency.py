"""No lost update: two people saving over the same action, one after the other or at the
very same moment; the second is refused with the other's update shown."""

import threading
from html import unescape

import pytest
from django.db import connection, connections
from django.urls import reverse

from improvement import roles
from improvement.models import ProgressUpdate
from improvement.services import StaleUpdate, latest_update_marker, progress_update_create
from tests.factories import ActionFactory, UserFactory, user_with_role


def form(narrative, based_on, status="on_track"):
    return {
        "status": status,
        "narrative": narrative,
        "based_on": based_on,
        "areas-TOTAL_FORMS": "0",
        "areas-INITIAL_FORMS": "0",
    }


@pytest.mark.django_db
def test_two_stale_forms_the_second_is_refused_with_the_conflict_message(client):
    owner, delegate = user_with_role(roles.ACTION_OWNER), user_with_role(roles.ACTION_OWNER)
    action = ActionFactory(owner=owner)
    action.delegates.add(delegate)
    url = reverse("action-update", kwargs={"pk": action.pk})

    client.force_login(owner)
    owners_form = client.get(url).context["form"]["based_on"].value()
    client.force_login(delegate)
    delegates_form = client.get(url).context["form"]["based_on"].value()
    assert owners_form == delegates_form == 0

    client.force_login(owner)
    assert client.post(url, form("The owner's news", owners_form)).status_code == 302

    client.force_login(delegate)
    response = client.post(url, form("The delegate's own words", delegates_form, "at_risk"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else updated this while you were writing" in html
    assert "The owner&#x27;s news" in html  # the other update, shown
    assert "The delegate's own words" in unescape(html)  # their text, kept
    assert ProgressUpdate.objects.filter(action=action).count() == 1

    # The form now rests on what they have seen, so resubmitting it works.
    resubmit = response.context["form"]["based_on"].value()
    assert int(resubmit) == latest_update_marker(action)
    assert client.post(url, form("The delegate's own words", resubmit)).status_code == 302
    assert ProgressUpdate.objects.filter(action=action).count() == 2


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks across connections (PostgreSQL)"
)
def test_two_saves_at_the_same_moment_one_wins_and_one_is_told():
    action = ActionFactory()
    people = [UserFactory(), UserFactory()]
    start = threading.Barrier(2)
    outcomes = []

    def save(person):
        try:
            start.wait()
            progress_update_create(
                subject=action, author=person, based_on=0, status="on_track", narrative="x"
            )
            outcomes.append("saved")
        except StaleUpdate:
            outcomes.append("stale")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(p,)) for p in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["saved", "stale"]
    assert ProgressUpdate.objects.filter(action=action).count() == 1
