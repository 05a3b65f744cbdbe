"""Error pages in the service's look (GOV.UK styles, the tracker's header), with DEBUG off.
Django renders 400 and 500 pages (and the CSRF failure page) with an empty context, so
those must need neither a request nor the database."""

import pytest
from django.contrib.auth.decorators import login_not_required
from django.test import Client, RequestFactory
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.defaults import bad_request, server_error

from improvement import roles
from tests.factories import ActionFactory, user_with_role


@login_not_required
@csrf_exempt
def _boom(request):
    raise RuntimeError("something broke")


# The site's URLs and one view that fails (handler500 is Django's own view).
urlpatterns = [path("boom/", _boom), path("", include("config.urls"))]


def _in_the_service_look(response, heading: str) -> str:
    page = response.content.decode()
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in page
    assert 'class="govuk-template"' in page
    assert "govuk-frontend.min.css" in page
    assert "Improvement tracker</a>" in page  # the service name in the header
    return page


@pytest.fixture(autouse=True)
def _debug_off(settings):
    settings.DEBUG = False


@pytest.mark.django_db
def test_a_missing_page_is_404_in_the_service_look(client, user):
    client.force_login(user)
    response = client.get("/plans/no-such-plan/")
    assert response.status_code == 404
    page = _in_the_service_look(response, "Page not found")
    assert "Sign out" in page  # the signed-in header: the page has the request's context


@pytest.mark.django_db
def test_refused_is_403_in_the_service_look(client):
    action = ActionFactory()
    client.force_login(user_with_role(roles.VIEWER))
    response = client.get(f"/actions/{action.pk}/update/")
    assert response.status_code == 403
    _in_the_service_look(response, "You cannot do that")


def test_a_bad_request_is_400_in_the_service_look(client):
    # Not an allowed host: Django answers 400 before any view, with an empty context.
    response = client.get("/accounts/login/", HTTP_HOST="attacker.example")
    assert response.status_code == 400
    _in_the_service_look(response, "Sorry, there is a problem with your request")


def test_the_400_page_needs_no_request_context_and_no_database():
    # No django_db mark: any query fails the test.
    response = bad_request(RequestFactory().get("/"), exception=None)
    assert response.status_code == 400
    _in_the_service_look(response, "Sorry, there is a problem with your request")


def test_the_500_page_needs_no_request_context_and_no_database():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _in_the_service_look(response, "Sorry, there is a problem with the service")


def test_an_unhandled_error_is_500_in_the_service_look(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500
    _in_the_service_look(response, "Sorry, there is a problem with the service")


@pytest.mark.django_db
def test_a_form_without_its_csrf_token_is_refused_in_the_service_look():
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "someone", "password": "x"})
    assert response.status_code == 403
    page = _in_the_service_look(response, "Sorry, the form could not be sent")
    assert "accepts cookies" in page  # the likely causes, said plainly
    assert "CSRF verification failed" not in page


# -- titles that say "Error:", and the refusal's way back ----------------------------------


def _title(response) -> str:
    page = response.content.decode()
    return page[page.index("<title>") + 7 : page.index("</title>")]


@pytest.mark.django_db
def test_every_error_page_title_starts_with_error(client, settings):
    action = ActionFactory()
    client.force_login(user_with_role(roles.VIEWER))
    assert _title(client.get("/plans/no-such-plan/")).startswith("Error: Page not found")
    refused = client.get(f"/actions/{action.pk}/update/")
    assert _title(refused).startswith("Error: You cannot do that")
    assert _title(bad_request(RequestFactory().get("/"), exception=None)).startswith("Error: ")
    assert _title(server_error(RequestFactory().get("/"))).startswith("Error: ")
    csrf = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "x"})
    assert _title(csrf).startswith("Error: Sorry, the form could not be sent")


@pytest.mark.django_db
def test_a_refusal_links_back_to_the_page_the_person_came_from(client):
    action = ActionFactory()
    client.force_login(user_with_role(roles.VIEWER))
    came_from = f"http://testserver{action.get_absolute_url()}"
    response = client.get(f"/actions/{action.pk}/update/", HTTP_REFERER=came_from)
    assert response.status_code == 403
    page = _in_the_service_look(response, "You cannot do that")
    assert f'href="{came_from}">Go back to the page you were on' in page
    assert "Sign out" in page  # the signed-in header and navigation
    assert 'aria-label="Menu"' in page


@pytest.mark.django_db
def test_a_refusal_never_links_back_to_another_site(client):
    action = ActionFactory()
    client.force_login(user_with_role(roles.VIEWER))
    response = client.get(
        f"/actions/{action.pk}/update/", HTTP_REFERER="https://attacker.example/phish"
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert "attacker.example" not in page
    assert "Go to the start page" in page


@pytest.mark.django_db
def test_a_refusal_in_the_administration_is_in_the_service_look(client):
    """The admin's own refusals (a history page is read-only) use the same page."""
    from tests.factories import PlanFactory

    plan = PlanFactory()
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    history = plan.history.latest("history_id")
    response = client.post(f"/admin/improvement/plan/{plan.pk}/history/{history.pk}/", {})
    assert response.status_code == 403
    _in_the_service_look(response, "You cannot do that")
