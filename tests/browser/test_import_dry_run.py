"""The plan import's dry run in a real browser: the Import button is on the first screen,
beside the summary; the changes come first and the unchanged rows are folded away until
opened; axe-core finds nothing; after importing, the message says what was done."""

import re

import pytest
from playwright.sync_api import expect

from improvement import roles
from tests.browser.conftest import assert_accessible, sign_in
from tests.workbook.conftest import minimal_sheets, xlsx

pytestmark = pytest.mark.django_db(transaction=True)


def upload(page, tmp_path, sheets, name):
    path = tmp_path / name
    path.write_bytes(xlsx(sheets))
    page.goto(page.base + "/plan-workbooks/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check the workbook").click()
    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()


def test_an_administrator_checks_a_changed_workbook_and_imports_it(page, tmp_path):
    sign_in(page, roles.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    upload(page, tmp_path, minimal_sheets(), "first.xlsx")
    page.get_by_role("button", name="Import the plan").first.click()
    expect(
        page.get_by_text(re.compile(r"Imported “Anytown improvement plan”: created 6"))
    ).to_be_visible()

    sheets = minimal_sheets()
    sheets["Objectives"][1][1] = "Workforce and recruitment"
    upload(page, tmp_path, sheets, "second.xlsx")

    button = page.get_by_role("button", name="Import the plan").first
    expect(button).to_be_in_viewport()  # beside the summary, no scrolling to find it
    expect(page.locator("#steps")).to_contain_text(
        "Title from “Workforce” to “Workforce and recruitment”"
    )
    unchanged = page.locator("#unchanged")
    expect(unchanged.get_by_text("Action 1.1 unchanged")).to_be_hidden()
    assert_accessible(page)
    unchanged.locator("summary").click()
    expect(unchanged.get_by_text("Action 1.1 unchanged")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Import the plan").last.click()
    message = page.get_by_text(
        re.compile(r"Imported “Anytown improvement plan”: created 0, changed 1")
    )
    expect(message).to_be_visible()
    expect(page.get_by_text(re.compile("to create|to change"))).to_have_count(0)


def test_a_label_the_key_lacks_is_added_on_the_page_and_imported(page, tmp_path):
    sign_in(page, roles.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    sheets = minimal_sheets(
        Updates=[
            ["Update ref", "Objective", "Action", "As at", "Status"],
            ["1", "1", "1.1", None, "Delivered"],
        ]
    )
    path = tmp_path / "labels.xlsx"
    path.write_bytes(xlsx(sheets))
    page.goto(page.base + "/plan-workbooks/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check the workbook").click()

    offer = page.locator("#labels-to-add")
    expect(offer.get_by_role("group", name="What “Delivered” means")).to_be_visible()
    assert_accessible(page)
    # Sent without a choice: the error summary leads to the choice.
    offer.get_by_role("button", name="Add this label to the key and check again").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Choose the standard status of at least one label")
    assert_accessible(page)
    summary.get_by_role("link").first.click()
    offer.get_by_role("radio", name="Complete").check()
    offer.get_by_role("button", name="Add this label to the key and check again").click()

    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
    expect(page.locator("#labels-added")).to_contain_text("“Delivered” (complete)")
    assert_accessible(page)
    page.get_by_role("button", name="Import the plan").first.click()
    expect(page.get_by_text(re.compile(r"Imported “Anytown improvement plan”"))).to_be_visible()


def _fits(page, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"the page scrolls sideways by {overflow}px at {width}px"


@pytest.mark.parametrize("width", [320, 640])
def test_a_documents_check_page_reflows_at_narrow_widths(page, tmp_path, width):
    """Its preview, problems and steps stack into labelled rows (WCAG 1.4.10)."""
    from tests.workbook.documents import activity_plan

    sign_in(page, roles.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    path = tmp_path / "Improvement plan with a very long file name for the problems table.docx"
    path.write_bytes(activity_plan())
    page.goto(page.base + "/plan-documents/import/")
    page.get_by_label("A new plan's title").fill("Children's services improvement plan")
    page.get_by_label("A new plan's organisation").fill("Anytown Council")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check the document").click()
    expect(page.get_by_role("heading", name="The plan it would build")).to_be_visible()
    _fits(page, width)
    assert_accessible(page)


@pytest.mark.parametrize("width", [320])
def test_a_workbooks_dry_run_with_problems_reflows(page, tmp_path, width):
    sign_in(page, roles.ADMINISTRATOR, first_name="Ada", last_name="Admin")
    sheets = minimal_sheets()
    sheets["Actions"][1][3] = "the thirty-first of never, a date no one can read"
    path = tmp_path / "a-workbook-with-a-long-name-and-problems.xlsx"
    path.write_bytes(xlsx(sheets))
    page.goto(page.base + "/plan-workbooks/import/")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_role("button", name="Check the workbook").click()
    expect(page.locator("#problems")).to_be_visible()
    _fits(page, width)
