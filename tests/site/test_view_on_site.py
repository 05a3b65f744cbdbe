"""The admin's "view on site" (/admin/r/<content type>/<id>/) sends someone to an object's
page only when they may read it; otherwise 404, exactly as for an object that does not
exist, so a plan editor learns no restricted plan's slug and no evidence file's address."""

import datetime
import re

import pytest
from django.contrib.contenttypes.models import ContentType

from improvement import roles
from improvement.models import SavedReport
from tests.factories import (
    ActionFactory,
    EvidenceFileFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    UserFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db


def _view_on_site(obj) -> str:
    return f"/admin/r/{ContentType.objects.get_for_model(obj).pk}/{obj.pk}/"


def _without_csrf_token(response) -> str:
    # The sign-out form's token is masked afresh on every page.
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


@pytest.fixture
def restricted():
    plan = PlanFactory(slug="secret-plan-slug", restricted=True)
    objective = ObjectiveFactory(plan=plan)
    action = ActionFactory(objective=objective)
    evidence = EvidenceFileFactory(update=ProgressUpdateFactory(action=action))
    report = SavedReport.objects.create(
        plan=plan,
        kind="progress",
        format="csv",
        as_at=datetime.date(2025, 6, 30),
        saved_by=UserFactory(),
        file_name="x.csv",
        content_type="text/csv",
        data=b"a,b\n",
    )
    return {
        "plan": plan,
        "objective": objective,
        "action": action,
        "evidence file": evidence,
        "measure": MeasureFactory(plan=plan),
        "saved report": report,
    }


@pytest.fixture
def editor():
    """A plan editor (staff) who edits another plan, not the restricted one."""
    user = user_with_role(roles.PLAN_EDITOR)
    PlanFactory().editors.add(user)
    return user


def test_a_plan_editor_gets_404_for_what_they_may_not_read(client, editor, restricted):
    client.force_login(editor)
    for what, obj in restricted.items():
        response = client.get(_view_on_site(obj))
        assert response.status_code == 404, what
        assert "Location" not in response.headers, what
        page = response.content.decode()
        assert "secret-plan-slug" not in page, what
        assert str(restricted["evidence file"].public_id) not in page, what


def test_the_404_is_the_same_as_for_an_object_that_does_not_exist(client, editor, restricted):
    client.force_login(editor)
    hidden = client.get(_view_on_site(restricted["action"]))
    plan_type = ContentType.objects.get_for_model(restricted["action"]).pk
    missing = client.get(f"/admin/r/{plan_type}/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert _without_csrf_token(hidden) == _without_csrf_token(missing)
    for bad in ["/admin/r/999999/1/", f"/admin/r/{plan_type}/not-a-number/"]:
        assert client.get(bad).status_code == 404, bad


def test_an_administrator_is_sent_to_each_page(client, restricted):
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    for what, obj in restricted.items():
        response = client.get(_view_on_site(obj))
        assert response.status_code == 302, what
        assert response.url.endswith(obj.get_absolute_url()), what


def test_a_plan_editor_is_sent_to_the_pages_of_their_own_plan(client, editor):
    plan = editor.edited_plans.get()
    plan.restricted = True
    plan.save()
    action = ActionFactory(objective=ObjectiveFactory(plan=plan))
    client.force_login(editor)
    for obj in (plan, action):
        response = client.get(_view_on_site(obj))
        assert response.status_code == 302
        assert response.url.endswith(obj.get_absolute_url())


def test_someone_not_staff_is_sent_to_sign_in(client, restricted):
    client.force_login(user_with_role(roles.VIEWER))
    response = client.get(_view_on_site(restricted["plan"]))
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
