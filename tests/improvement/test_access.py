"""Every page needs a signed-in user; the admin is for staff only."""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from improvement.models import Plan
from tests.factories import ActionFactory, EvidenceFileFactory, ProgressUpdateFactory

pytestmark = pytest.mark.django_db


def _patterns(resolver=None, prefix=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.app_name == "admin":
                continue
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield pattern


@pytest.fixture
def some_data():
    update = ProgressUpdateFactory(action=ActionFactory())
    action = update.action
    file = EvidenceFileFactory(update=update)
    return {
        "pk": action.pk,
        "slug": action.objective.plan.slug,
        "public_id": file.public_id,
        "token": uuid.uuid4(),  # a document import's check page: signed out first
    }


PUBLIC = {"login", "accessibility-statement"}


def _url(pattern, data):
    kwargs = {name: data[name] for name in pattern.pattern.converters}
    return reverse(pattern.name, kwargs=kwargs)


def test_every_page_sends_anonymous_users_to_sign_in(client, some_data):
    checked = []
    for pattern in _patterns():
        if pattern.name in PUBLIC:
            continue
        url = _url(pattern, some_data)
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("login")), url
        checked.append(pattern.name)
    assert {
        "plan-list",
        "plan-detail",
        "objective-detail",
        "action-detail",
        "action-update",
        "evidence-file",
        "my-actions",
        "sign-off",
    } <= set(checked)


def test_the_admin_sends_anonymous_users_to_sign_in(client):
    response = client.get("/admin/improvement/plan/")
    assert response.status_code == 302
    assert "login" in response.url


def test_the_admin_is_refused_to_non_staff(signed_in):
    for url in ["/admin/", "/admin/improvement/plan/", "/admin/improvement/plan/add/"]:
        response = signed_in.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/admin/login/"), url


def test_a_non_staff_post_to_the_admin_changes_nothing(signed_in):
    response = signed_in.post(
        "/admin/improvement/plan/add/",
        {"title": "Sneaky", "slug": "sneaky", "organisation": "X", "kind": "action_plan"},
    )
    assert response.status_code == 302
    assert not Plan.objects.filter(slug="sneaky").exists()


def test_unknown_objects_are_not_found(signed_in):
    assert signed_in.get(reverse("plan-detail", kwargs={"slug": "nope"})).status_code == 404
    assert signed_in.get(reverse("objective-detail", kwargs={"pk": 999999})).status_code == 404
    assert signed_in.get(reverse("action-detail", kwargs={"pk": 999999})).status_code == 404
