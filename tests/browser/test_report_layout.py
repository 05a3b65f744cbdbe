"""The report page as Chromium lays it out: at 320, 768 and 1280 px wide and printed, no
status tag spills out of its cell, no column heading breaks inside a word, no cell or
heading overflows and the page never scrolls sideways, with long labels, long narratives
and a long web address as evidence."""

import datetime

import pytest
from django.urls import reverse

from improvement import roles
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory, ProgressUpdateFactory

D = datetime.date

# Every way a table can overprint, measured in the page: a list of what is wrong.
PROBLEMS = """
() => {
  const problems = [];
  const within = (inner, outer) =>
    inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5;
  const tags = '.app-report-table .app-status, .app-report-table .app-flag';
  for (const tag of document.querySelectorAll(tags)) {
    const cell = tag.closest('td, th');
    if (!within(tag.getBoundingClientRect(), cell.getBoundingClientRect()))
      problems.push('tag outside its cell: ' + tag.textContent);
  }
  for (const th of document.querySelectorAll('.app-report-table thead th')) {
    if (th.getBoundingClientRect().width <= 1) continue;  // headings hidden on a narrow screen
    const range = document.createRange();
    range.selectNodeContents(th);
    if (range.getClientRects().length > 1) problems.push('heading broken: ' + th.textContent);
  }
  const boxes = '.app-report-table td, .app-report-table th, .app-report h1, .app-report h2';
  for (const el of document.querySelectorAll(boxes + ', .app-report h3')) {
    if (el.getBoundingClientRect().width > 1 && el.scrollWidth > el.clientWidth + 1)
      problems.push('overflows: ' + el.textContent.trim().slice(0, 40));
  }
  if (document.documentElement.scrollWidth > window.innerWidth + 1)
    problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + 'px');
  return problems;
}
"""


@pytest.fixture
def plan(db):
    plan = PlanFactory(title="Children's services improvement plan", reports_to="Scrutiny")
    plan.status_key.create(status="on_track", label="Objective will be met on time")
    plan.status_key.create(status="at_risk", label="Outstanding concerns remain")
    plan.status_key.create(status="complete", label="Objective met")
    objective = ObjectiveFactory(
        plan=plan, reference="1", title="Responsibilities and accountability"
    )
    for number, status in enumerate(["on_track", "at_risk", "complete"], start=1):
        action = ActionFactory(
            objective=objective,
            reference=f"1.{number}",
            title="Establish a multi-agency safeguarding arrangement across the partnership",
            responsible="Assistant Director, Safeguarding and Quality Assurance",
            timescale="Ongoing, reviewed quarterly",
            due_date=D(2025, 1, 31),
        )
        ProgressUpdateFactory(
            action=action,
            as_at=D(2025, 6, 1),
            status=status,
            narrative="Progress has been steady. " * 12,
            evidence=[
                "https://example.gov.uk/committees/documents/s12345/Improvement-Board-minutes-June.pdf"
            ],
        )
    return plan


def test_nothing_overprints_at_any_width_or_in_print(page, plan):
    sign_in(page, roles.CLERK)
    urls = [
        page.base + reverse(name, kwargs={"slug": plan.slug}) + "?as_at=2025-06-30"
        for name in ("plan-report", "plan-exceptions")
    ]
    for width in (320, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        for url in urls:
            page.goto(url)
            assert page.evaluate(PROBLEMS) == [], (width, url)
        if width == 320:
            assert_accessible(page)
    page.set_viewport_size({"width": 1123, "height": 794})  # A4 landscape
    page.emulate_media(media="print")
    for url in urls:
        page.goto(url)
        assert page.evaluate(PROBLEMS) == [], ("print", url)
