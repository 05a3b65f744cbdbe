"""The accessibility statement: open to everyone, linked from every page's footer, in the
GOV.UK sample statement's sections, with the council's own details from settings."""

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from config.accessibility import accessibility_statement_filled_in

URL = "/accessibility/"

SECTIONS = [
    "Accessibility statement for the Improvement tracker",
    "How accessible this service is",
    "Feedback and contact information",
    "Reporting accessibility problems with this service",
    "Enforcement procedure",
    "Technical information about this service's accessibility",
    "Compliance status",
    "Non-accessible content",
    "Non-compliance with the accessibility regulations",
    "Disproportionate burden",
    "Content that's not within the scope of the accessibility regulations",
    "What we're doing to improve accessibility",
    "Preparation of this accessibility statement",
]


@pytest.mark.django_db
def test_anyone_can_read_it_signed_in_or_not():
    response = Client().get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    headings = re.findall(r"<h[123][^>]*>(.*?)</h[123]>", page)
    for section in SECTIONS:
        assert section in headings, section


@pytest.mark.django_db
def test_it_says_how_the_service_was_tested():
    page = Client().get(URL).content.decode()
    for method in ("axe-core", "keyboard", "320", "200% zoom", "screen reader"):
        assert method in page, method
    assert re.search(r"This statement was prepared on \d{1,2} \w+ 20\d\d", page)
    assert "partially compliant" in page
    assert "WCAG 2.2" in page


@pytest.mark.django_db
def test_every_page_links_to_it_in_the_footer(client, user):
    assert (
        f'href="{URL}">Accessibility statement' in Client().get("/accounts/login/").content.decode()
    )
    client.force_login(user)
    for url in (reverse("dashboard"), reverse("plan-list"), "/no-such-page/"):
        page = client.get(url).content.decode()
        footer = page[page.index("<footer") :]
        assert f'href="{URL}">Accessibility statement' in footer, url


@pytest.mark.django_db
def test_the_councils_details_come_from_settings(settings):
    settings.ACCESSIBILITY_ORGANISATION = "Anytown Borough Council"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "access@anytown.example"
    settings.ACCESSIBILITY_CONTACT_PHONE = "01234 567890"
    settings.ACCESSIBILITY_RESPONSE_DAYS = 10
    settings.ACCESSIBILITY_REVIEWED_ON = "2027-03-31"
    page = Client().get(URL).content.decode()
    assert "This service is run by Anytown Borough Council." in page
    assert 'href="mailto:access@anytown.example"' in page
    assert "01234 567890" in page
    assert "get back to you in 10 working days" in page
    assert "It was last reviewed on 31 March 2027" in page
    assert "Equality and Human Rights Commission" in page
    assert accessibility_statement_filled_in() == []


@pytest.mark.django_db
def test_unfilled_it_still_reads_correctly_and_the_deploy_check_warns(settings):
    settings.ACCESSIBILITY_ORGANISATION = ""
    settings.ACCESSIBILITY_CONTACT_EMAIL = ""
    settings.ACCESSIBILITY_CONTACT_PHONE = ""
    page = Client().get(URL).content.decode()
    assert "run by the council that runs this service" in page
    assert "mailto:" not in page
    warnings = accessibility_statement_filled_in()
    assert [w.id for w in warnings] == ["site.W101"]
    assert "ACCESSIBILITY_CONTACT_EMAIL" in warnings[0].msg


@pytest.mark.django_db
def test_in_northern_ireland_the_ecni_enforces(settings):
    settings.ACCESSIBILITY_ENFORCEMENT = "ni"
    page = Client().get(URL).content.decode()
    assert "Equality Commission for Northern Ireland" in page
    assert "Equality Advisory and Support Service" not in page


def test_a_review_date_that_is_not_a_date_is_warned_about(settings):
    settings.ACCESSIBILITY_ORGANISATION = "Anytown"
    settings.ACCESSIBILITY_CONTACT_EMAIL = "a@b.example"
    settings.ACCESSIBILITY_CONTACT_PHONE = "1"
    settings.ACCESSIBILITY_REVIEWED_ON = "31/03/2027"
    assert [w.id for w in accessibility_statement_filled_in()] == ["site.W102"]


def test_the_deploy_check_is_registered():
    from django.core.checks import registry

    assert accessibility_statement_filled_in in registry.registry.get_checks(
        include_deployment_checks=True
    )
    call_command("check")  # and the ordinary checks still pass
