"""The update form with the keyboard and axe: every error summary link moves focus to its
field, the milestone date appears only when its box is ticked, an area for development is
added without a page load, and Save is reached in few Tab presses."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from improvement import roles
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import (
    ActionFactory,
    MilestoneFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def owned_action(page):
    owner = sign_in(page, roles.ACTION_OWNER, first_name="Olu", last_name="Owner")
    plan = PlanFactory(title="Children's workforce plan")
    plan.status_key.create(status="on_track", label="On track", description="Going to plan.")
    objective = ObjectiveFactory(plan=plan, reference="1", title="Recruit social workers")
    action = ActionFactory(
        objective=objective, reference="1.1", title="Run a campaign", owner=owner
    )
    MilestoneFactory(action=action, title="Advert placed", due_date=datetime.date(2030, 1, 31))
    MilestoneFactory(action=action, title="Interviews held", due_date=datetime.date(2030, 3, 31))
    ProgressUpdateFactory(action=action, as_at=datetime.date(2025, 1, 31), status="on_track")
    return action


def tab_stops_to_save(page) -> int:
    """Tab presses from the top of the page until the Save button has focus."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    page.locator("body").focus()
    for presses in range(1, 200):
        page.keyboard.press("Tab")
        if page.evaluate(
            "document.activeElement && document.activeElement.matches('button[type=submit]')"
            " && /^Save/.test(document.activeElement.textContent.trim())"
        ):
            return presses
    raise AssertionError("Save was never reached with the Tab key")


def test_save_is_reached_in_few_tab_presses(page, owned_action):
    # Measured on this page before the GOV.UK components: 47 presses (three empty areas
    # for development, two milestone dates always shown, native date pickers with three
    # stops each). Now: 27.
    page.goto(page.base + reverse("action-update", kwargs={"pk": owned_action.pk}))
    presses = tab_stops_to_save(page)
    print(f"\nTab presses to reach Save on the update form: {presses}")
    assert presses <= 30


def test_the_update_form_passes_axe_and_works_from_the_keyboard(page, owned_action):
    page.goto(page.base + reverse("action-update", kwargs={"pk": owned_action.pk}))
    assert_accessible(page)

    # A milestone's date appears only when its box is ticked.
    advert = owned_action.milestones.get(title="Advert placed")
    done_on = page.locator(f"#id_milestone_{advert.pk}_on-day")
    expect(done_on).to_be_hidden()
    page.get_by_label("Advert placed").check()
    expect(done_on).to_be_visible()

    # "Add another" adds a numbered row without a page load and moves focus into it.
    page.get_by_role("button", name="Add another area for development").click()
    expect(page.get_by_role("group", name="Area for development 2")).to_be_visible()
    focused = page.evaluate("document.activeElement.id")
    assert focused == "id_areas-1-description"
    expect(page.locator('input[name="areas-TOTAL_FORMS"]')).to_have_value("2")
    page.keyboard.type("Second advert")

    # Submit with errors: the title says so, and each link in the summary moves focus
    # to its field (the first radio for the status, the day for a date).
    page.locator("#id_areas-0-due_date-day").fill("31")
    page.locator("#id_areas-0-due_date-month").fill("2")
    page.locator("#id_areas-0-due_date-year").fill("2026")
    page.get_by_role("button", name="Save update").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("The due date must be a real date")
    links = summary.get_by_role("link")
    targets = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert "#id_status_0" in targets and "#id_areas-0-due_date-day" in targets
    for i, target in enumerate(targets):
        summary.get_by_role("link").nth(i).click()
        assert page.evaluate("document.activeElement.id") == target[1:], target
    # The area added with JavaScript came back from the server, with its words.
    expect(page.locator("#id_areas-1-description")).to_have_value("Second advert")
    assert_accessible(page)

    # Correct it from the keyboard and save.
    summary.get_by_role("link", name="Choose a status.").click()
    page.keyboard.press("ArrowDown")  # radios: arrows choose within the group
    page.get_by_label("Progress").fill("Adverts placed.")
    page.locator("#id_areas-0-description").fill("First advert")
    page.locator("#id_areas-0-due_date-day").fill("28")
    page.get_by_role("button", name="Save update").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_text("Your update is saved")).to_be_visible()
    areas = owned_action.updates.latest("id").areas_for_development.all()
    assert sorted(a.description for a in areas) == ["First advert", "Second advert"]


def test_a_file_chosen_before_a_failed_submit_is_named_to_be_chosen_again(page, owned_action):
    page.goto(page.base + reverse("action-update", kwargs={"pk": owned_action.pk}))
    page.get_by_label("Evidence files (optional)").set_input_files(
        files=[{"name": "minutes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.4\n"}]
    )
    page.get_by_role("button", name="Save update").click()
    expect(page).to_have_title(re.compile(r"^Error: "))
    warning = page.locator("#files-not-kept")
    expect(warning).to_contain_text("Choose the file again: minutes.pdf")
    file_input = page.get_by_label("Evidence files (optional)")
    assert "files-not-kept" in file_input.get_attribute("aria-describedby")
    assert_accessible(page)
