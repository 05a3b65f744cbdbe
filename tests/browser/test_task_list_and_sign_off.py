"""My actions, sign-off, the Reports page and the accessibility statement in a real
browser: axe-core finds nothing at 1280 px and at 320 px, nothing scrolls sideways, the
task list is worked with the keyboard, and the navigation of a person holding every role
fits one line at 1280 px."""

import datetime

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from improvement import roles
from improvement.services import latest_update_marker, progress_update_create
from tests.browser.conftest import PASSWORD, assert_accessible, sign_in
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    user_with_role,
)

pytestmark = pytest.mark.django_db(transaction=True)


def _no_sideways_scroll(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"{page.url}: {width} px wide"


def _check_at_both_widths(page):
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.set_viewport_size({"width": 320, "height": 800})
    assert_accessible(page)
    _no_sideways_scroll(page)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def plan():
    today = datetime.date.today()
    plan = PlanFactory(title="Children's services improvement notice", requires_sign_off=True)
    ReportingPeriodFactory(
        plan=plan,
        name="This quarter",
        start=today - datetime.timedelta(days=30),
        end=today + datetime.timedelta(days=30),
        update_deadline=today + datetime.timedelta(days=40),
    )
    return plan


def _record(subject, author, narrative):
    return progress_update_create(
        subject=subject,
        author=author,
        based_on=latest_update_marker(subject),
        status="at_risk",
        narrative=narrative,
        achievements=[],
        evidence=[],
        files=[],
        milestones_done=[],
        areas=[],
    )


def test_an_owner_works_through_their_task_list(page, plan):
    owner = sign_in(page, roles.ACTION_OWNER, first_name="Olu", last_name="Owner")
    objective = ObjectiveFactory(plan=plan, reference="1", title="Recruitment")
    late = ActionFactory(
        objective=objective,
        reference="1.1",
        title="Run a recruitment campaign",
        owner=owner,
        due_date=datetime.date.today() - datetime.timedelta(days=10),
    )
    waiting = ActionFactory(objective=objective, reference="1.2", title="Agree pay", owner=owner)
    ProgressUpdateFactory(action=waiting, as_at=datetime.date.today() - datetime.timedelta(40))
    _record(waiting, owner, "Offer sent to the union.")
    requirement = ObjectiveFactory(
        plan=plan, reference="27", title="Performance management", owner=owner
    )

    page.goto(page.base + "/my-actions/")
    expect(page.get_by_role("heading", level=1)).to_have_text("My actions")
    overdue = page.get_by_role("list", name="Overdue")
    expect(
        overdue.get_by_role("link", name="Action 1.1: Run a recruitment campaign")
    ).to_be_visible()
    expect(page.get_by_role("link", name="Objective 27: Performance management")).to_be_visible()
    expect(page.get_by_text("Awaiting sign-off", exact=True)).to_be_visible()
    expect(page.get_by_text("None yet")).to_have_count(0)
    _check_at_both_widths(page)

    # The keyboard reaches the first task from the top of the page and opens it.
    link = page.get_by_role("link", name="Action 1.1: Run a recruitment campaign")
    for _ in range(40):
        page.keyboard.press("Tab")
        if link.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the first task")
    page.keyboard.press("Enter")
    expect(page).to_have_url(page.base + f"/actions/{late.pk}/update/")

    # The row's second link (the action's page) is clickable above the row's own link.
    page.goto(page.base + "/my-actions/")
    page.get_by_role("link", name="View objective 27 and its history").click()
    expect(page).to_have_url(page.base + requirement.get_absolute_url())


def test_an_editor_signs_off_with_the_context_one_click_away(page, plan):
    owner = user_with_role(roles.ACTION_OWNER, first_name="Olu", last_name="Owner")
    action = ActionFactory(
        objective=ObjectiveFactory(plan=plan, reference="1"),
        reference="1.1",
        title="Run a recruitment campaign",
        owner=owner,
    )
    before = ProgressUpdateFactory(
        action=action,
        as_at=datetime.date.today() - datetime.timedelta(days=40),
        narrative="Adverts drafted.",
    )
    _record(action, owner, "Adverts placed in three journals.")
    editor = sign_in(page, roles.PLAN_EDITOR, first_name="Eve", last_name="Editor")
    plan.editors.add(editor)

    page.goto(page.base + "/dashboard/")
    expect(page.get_by_role("link", name="Sign-off 1 waiting")).to_be_visible()
    page.get_by_role("link", name="Sign-off 1 waiting").click()
    expect(page.get_by_role("heading", level=2, name="Action 1.1: Run a recruitment campaign"))
    _check_at_both_widths(page)

    page.get_by_role("link", name=f"Update as at {before.as_at:%-d %B %Y}").click()
    expect(page).to_have_url(page.base + f"{action.get_absolute_url()}#update-{before.pk}")
    expect(page.get_by_text("Adverts drafted.")).to_be_visible()


def test_the_reports_page_and_the_statement_are_accessible(page, plan):
    sign_in(page, roles.CLERK)
    page.goto(page.base + "/dashboard/")
    page.get_by_role("link", name="Reports", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Reports")
    expect(page.get_by_role("heading", name=plan.title)).to_be_visible()
    _check_at_both_widths(page)

    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Accessibility statement for the Improvement tracker"
    )
    _check_at_both_widths(page)


def test_the_statement_is_open_without_signing_in(page):
    page.goto(page.base + "/accounts/login/")
    page.get_by_role("link", name="Accessibility statement").click()
    expect(page.get_by_role("heading", name="Enforcement procedure")).to_be_visible()
    assert_accessible(page)


def test_the_navigation_of_someone_holding_every_role_fits_one_line_at_1280(page, plan):
    person = sign_in(page, roles.ADMINISTRATOR, first_name="Alexandria", last_name="Everyrole")
    person.groups.add(*Group.objects.filter(name__in=list(roles.ROLE_PERMISSIONS)))
    owner = user_with_role(roles.ACTION_OWNER)
    for reference in ("1.1", "1.2", "1.3"):
        _record(ActionFactory(objective__plan=plan, reference=reference, owner=owner), owner, "x")
    page.goto(page.base + "/sign-off/")
    items = page.locator(".govuk-service-navigation__item")
    expect(items).to_have_count(9)
    tops = {round(box["y"]) for box in (items.nth(i).bounding_box() for i in range(9))}
    assert len(tops) == 1, f"the navigation wraps: item tops {sorted(tops)}"
    _no_sideways_scroll(page)
    # At 320 px the menu folds behind its button and opens with the keyboard.
    page.set_viewport_size({"width": 320, "height": 800})
    menu = page.get_by_role("button", name="Menu")
    expect(menu).to_be_visible()
    menu.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Reports", exact=True)).to_be_visible()
    _no_sideways_scroll(page)
    assert PASSWORD  # the person signed in through the form
