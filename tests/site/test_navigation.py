"""The header: the service navigation holds only what the person's roles can use, the
account links stand apart from it, and the Reports page lists the reports of every plan
the person may read (and nothing else)."""

import re

import pytest
from django.urls import reverse

from improvement import roles
from tests.factories import PlanFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

ENTRIES = {
    "Dashboard": "dashboard",
    "Plans": "plan-list",
    "Actions": "action-list",
    "Measures": "measure-list",
    "Workforce": "workforce",
    "My actions": "my-actions",
    "Sign-off": "sign-off-list",
    "Reports": "reports",
    "Admin": "admin:index",
}


def _menu(client) -> list[str]:
    page = client.get(reverse("accessibility-statement")).content.decode()
    match = re.search(r'<ul class="govuk-service-navigation__list".*?</ul>', page, re.S)
    if match is None:
        return []
    return [
        name
        for name, url_name in ENTRIES.items()
        if f'href="{reverse(url_name)}"' in match.group(0)
    ]


def _editor_of_a_plan():
    editor = user_with_role(roles.PLAN_EDITOR)
    PlanFactory().editors.add(editor)
    return editor


@pytest.mark.parametrize(
    ("make_user", "expected"),
    [
        (
            lambda: user_with_role(roles.ACTION_OWNER),
            ["Dashboard", "Plans", "Actions", "Measures", "Workforce", "My actions", "Reports"],
        ),
        (
            lambda: user_with_role(roles.VIEWER),
            ["Dashboard", "Plans", "Actions", "Measures", "Workforce", "Reports"],
        ),
        (
            lambda: user_with_role(roles.CLERK),
            ["Dashboard", "Plans", "Actions", "Measures", "Workforce", "Reports"],
        ),
        (
            _editor_of_a_plan,
            [
                "Dashboard",
                "Plans",
                "Actions",
                "Measures",
                "Workforce",
                "Sign-off",
                "Reports",
                "Admin",
            ],
        ),
        (
            lambda: user_with_role(roles.PLAN_EDITOR),  # edits no plan yet: signs nothing off
            ["Dashboard", "Plans", "Actions", "Measures", "Workforce", "Reports", "Admin"],
        ),
        (
            lambda: user_with_role(roles.ADMINISTRATOR),
            [
                "Dashboard",
                "Plans",
                "Actions",
                "Measures",
                "Workforce",
                "Sign-off",
                "Reports",
                "Admin",
            ],
        ),
        (UserFactory, []),  # signed in without a role: nothing to use
    ],
)
def test_the_navigation_holds_only_what_the_role_can_use(client, make_user, expected):
    client.force_login(make_user())
    assert _menu(client) == expected


@pytest.mark.parametrize(
    ("role", "url_name"),
    [
        (roles.VIEWER, "my-actions"),
        (roles.CLERK, "my-actions"),
        (roles.ACTION_OWNER, "sign-off-list"),
        (roles.VIEWER, "sign-off-list"),
        (roles.PLAN_EDITOR, "sign-off-list"),  # edits no plan
    ],
)
def test_what_is_not_in_the_navigation_is_refused_at_its_address(client, role, url_name):
    client.force_login(user_with_role(role))
    assert client.get(reverse(url_name)).status_code == 403


def test_someone_without_a_role_is_refused_the_reports_and_my_actions(client, outsider):
    client.force_login(outsider)
    assert client.get(reverse("reports")).status_code == 403
    assert client.get(reverse("my-actions")).status_code == 403


def test_account_links_are_apart_from_the_service_navigation(client):
    client.force_login(user_with_role(roles.ACTION_OWNER, first_name="Olu", last_name="Owner"))
    page = client.get(reverse("dashboard")).content.decode()
    account = re.search(r'<nav aria-label="Your account".*?</nav>', page, re.S).group(0)
    menu = re.search(r'<nav aria-label="Menu".*?</nav>', page, re.S).group(0)
    for link in (reverse("preferences"), reverse("api"), reverse("logout")):
        assert link in account
        assert link not in menu
    assert "Olu Owner" in account
    assert "Sign out" in account


def test_the_current_page_is_marked_in_the_navigation(client):
    client.force_login(user_with_role(roles.CLERK))
    page = client.get(reverse("reports")).content.decode()
    assert f'href="{reverse("reports")}" aria-current="page">Reports' in page
    page = client.get(reverse("report-archive")).content.decode()
    assert f'href="{reverse("reports")}" aria-current="true">Reports' in page


# -- the Reports page ----------------------------------------------------------------------


def test_a_clerk_finds_every_report_of_every_plan_and_the_archive(client):
    first = PlanFactory(title="Alpha improvement plan")
    second = PlanFactory(title="Beta workforce strategy", restricted=True)
    client.force_login(user_with_role(roles.CLERK))
    page = client.get(reverse("reports")).content.decode()
    for plan in (first, second):  # a clerk reads every plan, restricted ones too
        assert plan.title in page
        for url_name in ("plan-report", "plan-exceptions"):
            url = reverse(url_name, kwargs={"slug": plan.slug})
            assert f'href="{url}"' in page
            for fmt in ("docx", "pdf", "xlsx", "csv"):
                assert f'href="{url}?format={fmt}"' in page
    assert reverse("report-archive") in page
    assert reverse("board-packs") in page
    assert reverse("house-style") in page  # clerks keep the Word template


def test_the_download_links_work(client):
    plan = PlanFactory()
    client.force_login(user_with_role(roles.CLERK))
    response = client.get(reverse("plan-report", kwargs={"slug": plan.slug}) + "?format=csv")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]


def test_a_restricted_plan_is_not_listed_for_an_owner_and_its_reports_are_404(client):
    open_plan = PlanFactory(title="Open plan")
    closed = PlanFactory(title="Closed plan", restricted=True)
    client.force_login(user_with_role(roles.ACTION_OWNER))
    page = client.get(reverse("reports")).content.decode()
    assert open_plan.title in page
    assert closed.title not in page
    assert reverse("house-style") not in page  # only clerks and administrators
    for url_name in ("plan-report", "plan-exceptions"):
        url = reverse(url_name, kwargs={"slug": closed.slug})
        assert client.get(url).status_code == 404
        assert client.get(url + "?format=pdf").status_code == 404
    assert client.get(reverse("house-style")).status_code == 403


def test_the_reports_page_query_count_does_not_grow_with_the_plans(client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(user_with_role(roles.VIEWER))

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("reports")).status_code == 200
        return len(queries)

    PlanFactory.create_batch(2)
    few = count()
    PlanFactory.create_batch(20)
    assert count() == few
