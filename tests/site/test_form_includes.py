"""The form includes (fields drawn by GOV.UK Frontend's components through
govuk-frontend-django): a password is never written back into a page, and every link in
an error summary, on every form of the app, leads to an element on the page (a radio
group's first option, a date's first wrong box, not `#`)."""

import re

import pytest
from django import forms
from django.template.loader import render_to_string
from django.urls import reverse

from improvement import roles
from tests.factories import ActionFactory, ObjectiveFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

TYPED = "Typed-Secret-9876"


def _password_inputs(html: str) -> list[str]:
    return [tag for tag in re.findall(r"<input\b[^>]*>", html) if 'type="password"' in tag]


def _summary_targets(html: str) -> list[str]:
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r'<a href="#([^"]*)"', summary)


def test_a_failed_sign_in_does_not_send_the_password_back(client):
    UserFactory(username="sam", password="a-long-test-password")
    response = client.post(reverse("login"), {"username": "sam", "password": TYPED})
    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert TYPED not in html
    (password,) = _password_inputs(html)
    assert "value=" not in password
    assert 'value="sam"' in html  # the username is kept, so it need not be typed again


class _Passwords(forms.Form):
    hidden_again = forms.CharField(widget=forms.PasswordInput)
    shown_again = forms.CharField(widget=forms.PasswordInput(render_value=True))


def test_a_password_input_is_never_filled_unless_its_widget_asks():
    form = _Passwords(data={"hidden_again": TYPED, "shown_again": "kept-on-purpose"})
    html = "".join(
        render_to_string("includes/field.html", {"field": form[name]}) for name in form.fields
    )
    assert TYPED not in html
    assert len(_password_inputs(html)) == 2
    assert 'value="kept-on-purpose"' in html


class _Choices(forms.Form):
    colour = forms.ChoiceField(choices=[("r", "Red"), ("g", "Green")], widget=forms.RadioSelect)
    agreed = forms.BooleanField(label="I agree")
    name = forms.CharField()


def test_every_error_summary_link_leads_to_an_input_on_the_page():
    form = _Choices(data={})
    html = render_to_string("includes/error_summary.html", {"form": form}) + "".join(
        render_to_string("includes/field.html", {"field": form[name]}) for name in form.fields
    )
    targets = _summary_targets(html)
    assert targets == ["id_colour_0", "id_agreed", "id_name"]
    for target in targets:
        assert re.search(rf'<input\b[^>]*id="{target}"', html), target


def test_the_update_forms_missing_status_links_to_its_first_radio(client):
    owner = user_with_role(roles.ACTION_OWNER)
    action = ActionFactory(objective=ObjectiveFactory(), owner=owner)
    client.force_login(owner)
    response = client.post(
        reverse("action-update", kwargs={"pk": action.pk}),
        {
            "narrative": "No status chosen",
            "based_on": 0,
            "areas-TOTAL_FORMS": "0",
            "areas-INITIAL_FORMS": "0",
        },
    )
    html = response.content.decode()
    assert "Choose a status." in html
    (first,) = [t for t in _summary_targets(html) if t.startswith("id_status")]
    assert first == "id_status_0"
    assert re.search(r'<input\b[^>]*id="id_status_0"[^>]*type="radio"', html)


def _ids(html: str) -> set[str]:
    return set(re.findall(r'\sid="([^"]+)"', html))


def _assert_every_summary_link_lands(response):
    html = response.content.decode()
    assert "There is a problem" in html, response.status_code
    assert "<title>Error: " in html
    targets = _summary_targets(html)
    assert targets, "the summary links to the fields"
    ids = _ids(html)
    for target in targets:
        assert target in ids, f"#{target} is on no element"
    return targets


def test_every_app_form_with_errors_links_each_error_to_an_element_on_the_page(client):
    from improvement.models import ProgressUpdate
    from tests.factories import (
        MeasureFactory,
        MilestoneFactory,
        PlanFactory,
        ProgressUpdateFactory,
    )

    # Sign in, with nothing typed.
    _assert_every_summary_link_lands(client.post(reverse("login"), {}))

    owner = user_with_role(roles.ACTION_OWNER)
    plan = PlanFactory()
    action = ActionFactory(objective=ObjectiveFactory(plan=plan), owner=owner)
    milestone = MilestoneFactory(action=action, title="Advert placed")
    client.force_login(owner)
    targets = _assert_every_summary_link_lands(
        client.post(
            reverse("action-update", kwargs={"pk": action.pk}),
            {
                "based_on": 0,
                f"milestone_{milestone.pk}": "on",
                f"milestone_{milestone.pk}_on-day": "31",
                f"milestone_{milestone.pk}_on-month": "2",
                f"milestone_{milestone.pk}_on-year": "2025",
                "areas-TOTAL_FORMS": "1",
                "areas-INITIAL_FORMS": "0",
                "areas-0-timescale": "Quarter 3",
                "areas-0-due_date-day": "1",
                "areas-0-due_date-year": "2026",
            },
        )
    )
    assert targets == [
        "id_status_0",
        "id_narrative",
        f"id_milestone_{milestone.pk}_on-day",
        "id_areas-0-description",
        "id_areas-0-due_date-month",
    ]

    # The metrics entry form.
    measure = MeasureFactory(owner=owner, unit="percent")
    _assert_every_summary_link_lands(
        client.post(measure.get_absolute_url(), {"period_end-day": "40", "value": "x"})
    )

    # Sign-off, with no decision chosen.
    administrator = user_with_role(roles.ADMINISTRATOR)
    plan.editors.add(administrator)
    waiting = ProgressUpdateFactory(action=action, needs_sign_off=True)
    client.force_login(administrator)
    assert ProgressUpdate.objects.filter(pk=waiting.pk).exists()
    targets = _assert_every_summary_link_lands(
        client.post(reverse("sign-off", kwargs={"pk": waiting.pk}), {})
    )
    assert targets == [f"id_u{waiting.pk}-decision_0"]

    # The dashboard's and a plan's as-at forms (GET: dates from the address).
    _assert_every_summary_link_lands(
        client.get(reverse("dashboard") + "?as_at-day=31&as_at-month=2&as_at-year=2026")
    )
    _assert_every_summary_link_lands(client.get(plan.get_absolute_url() + "?as_at-month=13"))

    # Board packs, with nothing typed.
    client.force_login(user_with_role(roles.CLERK))
    _assert_every_summary_link_lands(client.post(reverse("board-packs"), {}))


class _Filter(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Any"), ("red", "Red")], required=False, help_text="Plans with it."
    )


def test_a_select_shows_its_hint_and_is_described_by_it():
    html = render_to_string("includes/select.html", {"field": _Filter()["status"]})
    assert re.search(
        r'<div id="id_status-hint" class="govuk-hint">\s*Plans with it.\s*</div>', html
    )
    assert re.search(r'<select[^>]*aria-describedby="id_status-hint"', html)
