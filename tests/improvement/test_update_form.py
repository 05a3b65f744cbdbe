"""Recording progress through the form: what is saved, what the pages show after it,
and bad input (a message next to the field, the text kept, nothing saved)."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from improvement import roles
from improvement.models import AreaForDevelopment, EvidenceFile, Milestone, ProgressUpdate
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def owner(client):
    user = user_with_role(roles.ACTION_OWNER)
    client.force_login(user)
    return user


@pytest.fixture
def action(owner):
    plan = PlanFactory()
    plan.status_key.create(status="off_track", label="Not yet achieved", description="Behind")
    objective = ObjectiveFactory(plan=plan, reference="1")
    action = ActionFactory(objective=objective, reference="1.1", owner=owner)
    ProgressUpdateFactory(action=action, as_at=datetime.date(2025, 1, 31), status="on_track")
    return action


def form_data(action, **changes):
    data = {
        "status": "at_risk",
        "narrative": "Recruitment is slower than planned.",
        "achievements": "Advert placed\nTwo interviews held",
        "evidence": "Minutes of the board",
        "based_on": ProgressUpdate.objects.filter(action=action).order_by("-id").first().id,
        "areas-TOTAL_FORMS": "3",
        "areas-INITIAL_FORMS": "0",
        "areas-0-description": "Second advert",
        "areas-0-timescale": "Quarter 3",
        "areas-0-due_date-day": "31",
        "areas-0-due_date-month": "12",
        "areas-0-due_date-year": "2026",
        "areas-1-description": "",
        "areas-2-description": "",
    }
    data.update(changes)
    return data


def update_url(action):
    return reverse("action-update", kwargs={"pk": action.pk})


def test_the_form_shows_the_plans_own_labels_and_the_previous_update(client, action):
    ProgressUpdateFactory(action=action, as_at=datetime.date(2025, 2, 28), narrative="Last time")
    html = client.get(update_url(action)).content.decode()
    assert "Not yet achieved" in html and "Behind" in html
    assert "Previous update" in html and "Last time" in html


def test_saving_appends_a_dated_update_in_the_current_period(client, owner, action):
    today = timezone.localdate()
    period = ReportingPeriodFactory(
        plan=action.objective.plan,
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=10),
        update_deadline=today + datetime.timedelta(days=5),
    )
    response = client.post(update_url(action), form_data(action))
    assert response.status_code == 302
    assert response.url == action.get_absolute_url()
    update = ProgressUpdate.objects.filter(action=action).latest("id")
    assert (update.as_at, update.period, update.author) == (today, period, owner)
    assert update.status == "at_risk"
    assert update.achievements == ["Advert placed", "Two interviews held"]
    assert update.evidence == ["Minutes of the board"]
    area = AreaForDevelopment.objects.get(update=update)
    assert (area.description, area.timescale, area.due_date) == (
        "Second advert",
        "Quarter 3",
        datetime.date(2026, 12, 31),
    )


def test_the_plan_page_roll_up_changes_after_an_update_is_saved(client, action):
    plan_url = action.objective.plan.get_absolute_url()
    assert client.get(plan_url).context["state"].status.value == "on_track"
    client.post(update_url(action), form_data(action, status="off_track"))
    state = client.get(plan_url).context["state"]
    assert state.status.value == "off_track"
    assert state.objectives[0].status.value == "off_track"
    assert "Off track because action 1.1 is off track." in client.get(plan_url).content.decode()


def test_milestones_are_marked_done_with_their_date(client, action):
    milestone = MilestoneFactory(action=action, title="Advert placed")
    data = form_data(
        action,
        **{f"milestone_{milestone.pk}": "on", f"milestone_{milestone.pk}_on": "2025-03-01"},
    )
    assert client.post(update_url(action), data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == datetime.date(2025, 3, 1)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": ""}, "status", "Choose a status."),
        ({"status": "purple"}, "status", "Select a valid choice."),
        ({"narrative": ""}, "narrative", "Say what progress has been made."),
        (
            {"areas-0-description": "", "areas-0-timescale": "Quarter 3"},
            "areas-0-description",
            "Describe the area for development, or clear its timescale.",
        ),
        (
            {"areas-0-due_date-month": "", "areas-0-due_date-year": ""},
            "areas-0-due_date",
            "The due date must include a month and a year",
        ),
        (
            {
                "areas-0-due_date-day": "31",
                "areas-0-due_date-month": "2",
                "areas-0-due_date-year": "2026",
            },
            "areas-0-due_date",
            "The due date must be a real date",
        ),
    ],
)
def test_bad_input_is_shown_next_to_the_field_the_text_kept_and_nothing_saved(
    client, action, changes, field, message
):
    before = ProgressUpdate.objects.count()
    data = form_data(action, **{"narrative": "My careful words", **changes})
    response = client.post(update_url(action), data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'id="id_{field}-error"' in html or f'id="id_{field}_0-error"' in html or message in html
    assert message in html
    if data["narrative"]:
        assert "My careful words" in html
    assert ProgressUpdate.objects.count() == before


def test_a_future_milestone_date_is_refused(client, action):
    milestone = MilestoneFactory(action=action, title="Advert placed")
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()
    data = form_data(
        action, **{f"milestone_{milestone.pk}": "on", f"milestone_{milestone.pk}_on": future}
    )
    response = client.post(update_url(action), data)
    assert "“Advert placed” was done must be today or in the past" in response.content.decode()
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None


def test_an_evidence_file_is_stored_and_served_only_to_readers(client, action):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("board minutes.pdf", PDF, content_type="application/pdf")
    response = client.post(update_url(action), {**form_data(action), "files": [upload]})
    assert response.status_code == 302
    stored = EvidenceFile.objects.get()
    assert (stored.name, stored.size, stored.content_type) == (
        "board minutes.pdf",
        len(PDF),
        "application/pdf",
    )
    download = client.get(stored.get_absolute_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert 'attachment; filename="board minutes.pdf"' in download["Content-Disposition"]
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "evidence" in client.get(action.get_absolute_url()).content.decode().lower()


def test_the_action_page_offers_the_update_button_only_to_those_who_may_update(client, action):
    html = client.get(action.get_absolute_url()).content.decode()
    assert "Record progress" in html
    client.force_login(user_with_role(roles.VIEWER))
    assert "Record progress" not in client.get(action.get_absolute_url()).content.decode()


def test_an_objective_assessment_is_recorded_by_its_owner(client, owner):
    objective = ObjectiveFactory(owner=owner)
    url = reverse("objective-update", kwargs={"pk": objective.pk})
    data = {
        "status": "at_risk",
        "narrative": "Assessment",
        "based_on": 0,
        "areas-TOTAL_FORMS": "0",
        "areas-INITIAL_FORMS": "0",
    }
    assert client.post(url, data).status_code == 302
    update = ProgressUpdate.objects.get(objective=objective)
    assert update.status == "at_risk"


def test_the_evidence_files_field_is_a_real_file_input(client, action):
    html = client.get(update_url(action)).content.decode()
    assert 'type="file"' in html and "multiple" in html
    assert 'accept=".pdf,.docx,.xlsx,.png,.jpg,.jpeg"' in html


def test_files_chosen_when_another_field_is_wrong_are_named_to_be_chosen_again(client, action):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("board minutes.pdf", PDF, content_type="application/pdf")
    response = client.post(update_url(action), {**form_data(action, status=""), "files": [upload]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose the file again: board minutes.pdf" in html
    # Beside the file input, and read out with it.
    assert 'id="files-not-kept"' in html.split('id="id_files-group"', 1)[1].split("<input", 1)[0]
    file_input = re.search(r'<input[^>]*id="id_files"[^>]*>', html).group(0)
    assert "files-not-kept" in file_input
    assert not EvidenceFile.objects.exists()


def test_no_files_message_when_none_were_chosen(client, action):
    html = client.post(update_url(action), form_data(action, status="")).content.decode()
    assert "files-not-kept" not in html


def test_a_milestones_date_is_revealed_only_when_its_box_is_ticked(client, action):
    milestone = MilestoneFactory(action=action, title="Advert placed")
    html = client.get(update_url(action)).content.decode()
    box = re.search(rf'<input[^>]*id="id_milestone_{milestone.pk}"[^>]*>', html).group(0)
    assert f'data-aria-controls="conditional-id_milestone_{milestone.pk}"' in box
    reveal = html.split(f'id="conditional-id_milestone_{milestone.pk}"', 1)[0].rsplit("<div", 1)[1]
    assert "govuk-checkboxes__conditional--hidden" in reveal
    inside = html.split(f'id="conditional-id_milestone_{milestone.pk}"', 1)[1]
    assert f'id="id_milestone_{milestone.pk}_on-day"' in inside.split("</fieldset>", 1)[0]

    ticked = form_data(action, status="", **{f"milestone_{milestone.pk}": "on"})
    html = client.post(update_url(action), ticked).content.decode()
    reveal = html.split(f'id="conditional-id_milestone_{milestone.pk}"', 1)[0].rsplit("<div", 1)[1]
    assert "govuk-checkboxes__conditional--hidden" not in reveal


def test_an_unticked_milestones_date_is_neither_checked_nor_used(client, action):
    milestone = MilestoneFactory(action=action, title="Advert placed")
    data = form_data(action, **{f"milestone_{milestone.pk}_on-day": "99"})
    assert client.post(update_url(action), data).status_code == 302
    assert Milestone.objects.get(pk=milestone.pk).completed_on is None


def test_one_area_for_development_is_shown_and_add_another_works_without_javascript(client, action):
    html = client.get(update_url(action)).content.decode()
    shown = re.sub(r"<template.*?</template>", "", html, flags=re.S)
    assert shown.count(">Area for development ") == 1
    assert 'name="areas-TOTAL_FORMS" value="1"' in html
    before = ProgressUpdate.objects.count()
    data = form_data(action, narrative="", **{"areas-TOTAL_FORMS": "1", "add_area": "1"})
    response = client.post(update_url(action), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="areas-TOTAL_FORMS" value="2"' in html
    assert "Area for development 2" in html
    assert 'value="Quarter 3"' in html  # what they typed is kept
    assert "There is a problem" not in html  # nothing was submitted to be saved
    assert ProgressUpdate.objects.count() == before


def test_labels_of_optional_fields_say_so(client, action):
    html = client.get(update_url(action)).content.decode()
    assert "Achievements (optional)" in html and "Evidence files (optional)" in html
    assert "Progress (optional)" not in html and "Status (optional)" not in html


def test_status_radios_carry_the_plans_meanings_as_hints(client, action):
    html = client.get(update_url(action)).content.decode()
    radio = re.search(r'<input[^>]*value="off_track"[^>]*>', html).group(0)
    hint_id = re.search(r'aria-describedby="([^"]+)"', radio).group(1)
    assert re.search(rf'id="{hint_id}"[^>]*>\s*Off track: Behind\s*<', html)


@pytest.fixture
def second_action(owner, action):
    return ActionFactory(objective=action.objective, reference="1.2", owner=owner)


def _in_a_period(action):
    today = timezone.localdate()
    ReportingPeriodFactory(
        plan=action.objective.plan,
        start=today - datetime.timedelta(days=10),
        end=today + datetime.timedelta(days=10),
        update_deadline=today + datetime.timedelta(days=5),
    )


def test_save_and_go_to_the_next_opens_the_next_action_needing_an_update(
    client, action, second_action
):
    _in_a_period(action)
    html = client.get(update_url(action)).content.decode()
    assert "Save and go to the next" in html
    response = client.post(update_url(action), form_data(action, then="next"))
    assert response.status_code == 302
    assert response.url == update_url(second_action)
    assert ProgressUpdate.objects.filter(action=action).count() == 2  # saved first

    data = {**form_data(action, then="next"), "based_on": 0}
    response = client.post(update_url(second_action), data)
    assert response.url == reverse("my-actions")
    follow = client.get(response.url).content.decode()
    assert "Everything you look after has an update this period" in follow


def test_save_and_go_to_the_next_reaches_an_objective_the_person_owns(client, owner, action):
    """The next one is taken from the task list, which holds owned objectives too."""
    _in_a_period(action)
    objective = ObjectiveFactory(plan=action.objective.plan, reference="2", owner=owner)
    response = client.post(update_url(action), form_data(action, then="next"))
    assert response.status_code == 302
    assert response.url == reverse("objective-update", kwargs={"pk": objective.pk})


def test_save_and_go_to_the_next_is_not_offered_when_nothing_else_needs_an_update(client, action):
    _in_a_period(action)
    assert "Save and go to the next" not in client.get(update_url(action)).content.decode()


def test_a_plans_own_status_words_are_explained_under_each_radio(client, action):
    plan = action.objective.plan
    plan.status_key.create(status="at_risk", label="Amber")
    html = client.get(update_url(action)).content.decode()
    radio = re.search(r'<input[^>]*value="at_risk"[^>]*>', html).group(0)
    hint_id = re.search(r'aria-describedby="([^"]+)"', radio).group(1)
    assert re.search(rf'id="{hint_id}"[^>]*>\s*At risk\s*<', html)
    off = re.search(r'<input[^>]*value="off_track"[^>]*>', html).group(0)
    hint_id = re.search(r'aria-describedby="([^"]+)"', off).group(1)
    assert re.search(rf'id="{hint_id}"[^>]*>\s*Off track: Behind\s*<', html)
