"""The admin's change lists never answer 500, whatever is put in the query string: NUL
bytes, years out of range, impossible months and days, regular expressions, lookups that
do not exist, any value of the custom filters; on every change list (ours and the
third-party ones), for an administrator and a plan editor. A bad filter is ignored, or
the list answers with Django's "?e=1" page."""

import pytest
from django.contrib import admin
from django.db import models, transaction

from improvement import roles
from improvement.status import Status
from tests.factories import ActionFactory, PlanFactory, ProgressUpdateFactory, user_with_role

pytestmark = pytest.mark.django_db

EVERYWHERE = ["status=%00", "q=x%00&o=%00&p=-1", "nonsense__lookup=1", "id__in=1,%00"]


def hostile_queries(model) -> list[str]:
    """The query strings to try on `model`'s change list: everywhere's, and for its own
    fields a NUL, a broken regular expression and dates out of range (on its date
    hierarchy, which Django bounds itself, or else its first date)."""
    queries = list(EVERYWHERE)
    fields = model._meta.concrete_fields
    text = next((f.name for f in fields if isinstance(f, models.CharField)), None)
    if text:
        queries += [f"{text}__exact=%00", f"{text}__regex=("]
    date = admin.site._registry[model].date_hierarchy or next(
        (f.name for f in fields if isinstance(f, models.DateField)), None
    )
    if date:
        queries += [
            f"{date}__year=99999",
            f"{date}__year=9999&{date}__month=12&{date}__day=31",
            f"{date}__year=2025&{date}__month=13",
            f"{date}__year=2025&{date}__month=2&{date}__day=0",
        ]
    return queries


# Every value of the action list's own filters, and some that are not.
FILTER_VALUES = [f"status={s}" for s in [*Status.values, "none", "x", "%00", ""]] + [
    f"overdue={v}&status=off_track" for v in ("yes", "no", "maybe", "%00")
]


def refused_with_500(client, url, queries) -> list:
    failures = []
    for query in queries:
        try:
            # A savepoint each, so one failed query (PostgreSQL) spoils no other.
            with transaction.atomic():
                status = client.get(f"{url}?{query}").status_code
        except Exception as error:  # noqa: BLE001 - reported below, whatever it is
            status = f"{type(error).__name__}: {error}"[:160]
        if status not in (200, 302, 400, 403, 404):
            failures.append((url, query, status))
    return failures


@pytest.fixture
def editor():
    editor = user_with_role(roles.PLAN_EDITOR)
    plan = PlanFactory()
    plan.editors.add(editor)
    ProgressUpdateFactory(action=ActionFactory(objective__plan=plan))
    return editor


def test_no_change_list_answers_500_to_a_hostile_query_string(client, editor):
    client.force_login(user_with_role(roles.ADMINISTRATOR))
    failures = []
    for model in admin.site._registry:
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        failures += refused_with_500(client, url, hostile_queries(model))
    failures += refused_with_500(client, "/admin/improvement/action/", FILTER_VALUES)
    assert failures == [], "\n".join(map(str, failures))


def test_nor_for_a_plan_editor(client, editor):
    client.force_login(editor)
    failures = []
    for name in ("action", "progressupdate"):
        model = next(m for m in admin.site._registry if m._meta.model_name == name)
        failures += refused_with_500(client, f"/admin/improvement/{name}/", hostile_queries(model))
    failures += refused_with_500(client, "/admin/improvement/action/", FILTER_VALUES)
    assert failures == [], "\n".join(map(str, failures))


def test_a_refused_query_string_says_so_and_a_good_one_still_filters(client, editor):
    client.force_login(editor)
    refused = client.get("/admin/improvement/progressupdate/?as_at__year=99999")
    assert refused.status_code == 302 and refused.url.endswith("?e=1")
    listed = client.get("/admin/improvement/progressupdate/?as_at__year=2025")
    assert listed.status_code == 200
    assert len(listed.context["cl"].result_list) == 1
    assert len(client.get("/admin/improvement/action/?status=on_track").context["cl"].result_list)
