"""The hand-written GOV.UK form includes: a password is never written back into a page,
and every link in an error summary leads to an input on the page (a radio group's first
option, not `#`)."""

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
