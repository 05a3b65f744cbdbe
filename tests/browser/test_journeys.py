"""End-to-end journeys in a real browser, each page checked by axe-core."""

import datetime
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from improvement import roles
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def plan():
    plan = PlanFactory(title="Children's workforce plan", reports_to="Improvement Board")
    objective = ObjectiveFactory(plan=plan, reference="1", title="Recruit and keep social workers")
    action = ActionFactory(
        objective=objective,
        reference="1.1",
        title="Run a recruitment campaign",
        owner=None,
        due_date=datetime.date(2030, 3, 31),
    )
    ProgressUpdateFactory(
        action=action,
        as_at=datetime.date.today(),
        status="on_track",
        narrative="Adverts placed in three journals.",
    )
    measure = MeasureFactory(plan=plan, name="Vacancy rate", direction="lower")
    measure.objectives.add(objective)
    TargetFactory(measure=measure, value=8, due_date=datetime.date(2030, 3, 31))
    DataPointFactory(measure=measure, period_end=datetime.date.today(), value=12)
    return plan


def test_a_director_opens_the_dashboard_and_drills_down_to_an_action(page, plan, director):
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", name=re.compile("Dashboard"))).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Children's workforce plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Children's workforce plan")
    expect(page.get_by_text("Status key")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Objective 1: Recruit and keep social workers").click()
    expect(page.get_by_text("Decided by: action 1.1.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Run a recruitment campaign").first.click()
    expect(page.get_by_text("Adverts placed in three journals.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Measures").first.click()
    page.get_by_role("link", name="Vacancy rate").click()
    expect(page.locator("svg[role=img]")).to_be_visible()
    assert_accessible(page)


def test_an_owner_records_an_update_and_the_dashboard_changes(page, plan, browser):
    owner = sign_in(page, roles.ACTION_OWNER, first_name="Olu", last_name="Owner")
    action = plan.objectives.get().actions.get()
    action.owner = owner
    action.save()

    page.goto(page.base + "/")
    expect(page).to_have_url(re.compile(r"/my-actions/$"))
    assert_accessible(page)
    page.get_by_role("link", name="Action 1.1: Run a recruitment campaign").click()  # the task
    expect(page.get_by_role("heading", level=1)).to_contain_text("Update action 1.1")
    assert_accessible(page)

    # Submitting nothing shows the problems, keyboard-reachable from the summary.
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Off track").check()
    page.get_by_label("Progress").fill("The campaign has stalled: no applicants.")
    page.get_by_role("button", name="Save update").click()
    expect(page.get_by_text("Your update is saved.")).to_be_visible()

    # A director sees the plan go red.
    director_context = browser.new_context()
    director_page = director_context.new_page()
    director_page.base = page.base
    sign_in(director_page, roles.VIEWER)
    section = director_page.locator(
        "section", has=director_page.get_by_role("link", name="Children's workforce plan")
    )
    expect(section.locator(".app-status").first).to_have_text("Off track")
    director_context.close()


def test_a_clerk_downloads_the_word_and_pdf_reports_and_they_read_back(page, plan):
    import io

    import docx
    from pypdf import PdfReader

    from improvement.reports.assembly import progress_report

    second = ActionFactory(
        objective=plan.objectives.get(),
        reference="1.10",
        title="Publish & promote the offer",
        owner=None,
    )
    ProgressUpdateFactory(
        action=second,
        as_at=datetime.date.today(),
        status="at_risk",
        narrative="Slower than hoped <but moving>.",
    )
    summary = progress_report(plan, datetime.date.today()).summary
    sign_in(page, roles.CLERK, first_name="Cleo", last_name="Clerk")
    page.goto(page.base + plan.get_absolute_url())
    page.get_by_role("link", name="Progress report").click()
    expect(page.get_by_text(summary)).to_be_visible()
    assert_accessible(page)

    texts = {}
    for name, link in (("Word", "Word (.docx)"), ("PDF", "PDF")):
        with page.expect_download() as download:
            page.get_by_role("link", name=link, exact=True).click()
        texts[name] = download.value.path().read_bytes()
    document = docx.Document(io.BytesIO(texts["Word"]))
    word = "\n".join(
        [p.text for p in document.paragraphs]
        + [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    )
    pdf = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(texts["PDF"])).pages)
    for text in (word, " ".join(pdf.split())):
        assert " ".join(summary.split()) in " ".join(text.split())
        for reference in ("1.1", "1.10"):
            assert reference in text
    assert "Publish & promote the offer" in word

    page.goto(page.base + reverse("plan-exceptions", kwargs={"slug": plan.slug}))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Exceptions")
    assert_accessible(page)
