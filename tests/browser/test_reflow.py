"""Reflow (WCAG 1.4.10) on every page each demo role can reach: at 320 px wide and at
640 px (a 1280 px window at 200% zoom) the page never scrolls sideways, and the controls
a person came for (statuses, flags, "Update" links) are on the screen, not beyond its
edge or clipped inside a table's box. The data is the demo's (the three seed plans,
the demo workforce and the demo people), whose long titles are what breaks layouts.

Also: the lists' filters sit in a closed panel, with a one-line summary of what is
applied and a "Clear filters" link; and the stacked and scrolling tables pass axe."""

import datetime
import re

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from playwright.sync_api import expect

from improvement.models import Action, Objective, Plan, SavedReport
from improvement.services import latest_update_marker, progress_update_create
from metrics.models import Measure
from tests.browser.conftest import assert_accessible

# 320 px, and a 1280 px window at 200% zoom; then at 160% and 125%, where the widest
# tables switch between stacked rows and columns.
WIDTHS = (320, 640, 800, 1024)
ROLES = ("viewer", "owner", "editor", "clerk", "admin")
DEMO_PASSWORD = "demo-tracker-2026"
User = get_user_model()

# What is wrong with the page as laid out now: a list of problems, empty when it reflows.
# Key controls must lie within the screen's width and not be clipped by a box that
# scrolls (a table's wrapper), unless that box is a named, focusable scroll region.
PROBLEMS = """
() => {
  const problems = [];
  let checked = 0;
  const width = window.innerWidth;
  if (document.documentElement.scrollWidth > width)
    problems.push('page scrolls sideways: ' + document.documentElement.scrollWidth + 'px');
  const keys = 'main .app-status, main .app-flag, main a[href*="/update/"], '
    + 'main a[href*="/reports/archive/"]';
  for (const el of document.querySelectorAll(keys)) {
    const box = el.getBoundingClientRect();
    if (box.width < 2 || box.height < 2) continue;  // not shown (a visually hidden copy)
    if (el.closest('[role="region"][tabindex="0"]')) continue;  // scrolls with the keyboard
    checked += 1;
    const what = (el.textContent || '').trim().slice(0, 30);
    if (box.left < -0.5 || box.right > width + 0.5)
      problems.push('off screen: ' + what);
    for (let box2 = el.parentElement; box2 && box2 !== document.body; box2 = box2.parentElement) {
      const style = getComputedStyle(box2);
      if (style.overflowX === 'visible') continue;
      const outer = box2.getBoundingClientRect();
      if (box.left < outer.left - 0.5 || box.right > outer.right + 0.5) {
        problems.push('clipped: ' + what + ' in ' + box2.className);
        break;
      }
    }
  }
  return [problems, checked];
}
"""


@pytest.fixture
def demo(settings, transactional_db):
    """The demo (what `make run` loads): seed plans, workforce, one user per role; and an
    update of the owner's waiting for the editor's sign-off."""
    settings.DEBUG = True  # the demo commands refuse to run without it
    call_command("load_plans", verbosity=0)
    call_command("load_demo_workforce", verbosity=0)
    call_command("create_demo_users", verbosity=0)
    settings.DEBUG = False
    action = Action.objects.filter(
        objective__plan__slug="slough-2014", owner__username="owner"
    ).first()
    progress_update_create(
        subject=action,
        author=action.owner,
        based_on=latest_update_marker(action),
        status="at_risk",
        narrative="Recruitment campaign delayed: two of four posts filled, "
        "the rest readvertised with a longer closing date.",
    )
    # A report saved as issued, for the archive's table (its download link is a key control).
    SavedReport.objects.create(
        plan=action.objective.plan,
        kind=SavedReport.Kind.PROGRESS,
        format=SavedReport.Format.PDF,
        as_at=datetime.date(2026, 3, 31),
        saved_by=User.objects.get(username="clerk"),
        committee="Children and Young People's Scrutiny Committee",
        file_name="childrens-social-care-workforce-strategy-progress-report-2026-03-31.pdf",
        content_type="application/pdf",
        data=b"%PDF-1.7 a saved report",
    )
    return action


def pages_for(action) -> dict[str, str]:
    plan = action.objective.plan
    other = Objective.objects.filter(plan__slug="herefordshire-2013").first()
    measure = Measure.objects.filter(plan=plan).first()
    return {
        "dashboard": reverse("dashboard"),
        "my actions": reverse("my-actions"),
        "plans": reverse("plan-list"),
        **{
            f"plan {p.slug}": p.get_absolute_url()
            for p in Plan.objects.order_by("slug")  # all three seed plans
        },
        "objectives": reverse("objective-list"),
        "objectives filtered": reverse("objective-list") + f"?plan={plan.pk}&status=none",
        "objective": action.objective.get_absolute_url(),
        "assessed objective": other.get_absolute_url(),
        "actions": reverse("action-list"),
        "actions filtered": reverse("action-list")
        + f"?plan={plan.pk}&objective={action.objective_id}&overdue=no&q=a",
        "actions sorted": reverse("action-list") + "?sort=-status",
        "action": action.get_absolute_url(),
        "update form": reverse("action-update", args=[action.pk]),
        "measures": reverse("measure-list"),
        "measures filtered": reverse("measure-list") + f"?plan={plan.pk}&status=none",
        "measure": measure.get_absolute_url(),
        "workforce": reverse("workforce"),
        "sign-off": reverse("sign-off-list"),
        "progress report": reverse("plan-report", args=[plan.slug]),
        "exceptions report": reverse("plan-exceptions", args=[plan.slug]),
        "other progress report": reverse("plan-report", args=["herefordshire-2013"]),
        "board packs": reverse("board-packs"),
        "archive": reverse("report-archive"),
        "word template": reverse("house-style"),
        "preferences": reverse("preferences"),
        "API token": reverse("api"),
    }


def sign_in_as(page, username):
    page.goto(page.base + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


# Pages another helper is rebuilding (issue 14, item 2: My actions as a GOV.UK task
# list). Checked like every other page, but their problems are reported as an expected
# failure until then, rather than failing this test.
# Pages whose key controls must be there to be checked (the check is not vacuous).
MUST_HAVE_KEY_CONTROLS = {"actions", "action", "plans", "measures", "objectives", "archive"}
# The stacked and scrolling tables, checked with axe at 320 px.
AXE_AT_320 = {"actions", "objectives", "measures", "plans", "workforce", "plan slough-2014"}


def signed_in_as(page, username):
    """The browser holds a session of the demo user's, as after signing in (sign-in itself
    is tested elsewhere; going through its form for each role only cost time here)."""
    client = Client()
    client.force_login(
        User.objects.get(username=username), backend="django.contrib.auth.backends.ModelBackend"
    )
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME]
    page.context.clear_cookies()
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": page.base, "httpOnly": True}]
    )


def test_no_page_scrolls_sideways_at_320_px_or_200_percent_zoom(page, demo):
    # Each page is loaded wide and then narrowed, as a person zooms in. It is loaded at the
    # last width of the page before (1024 px): that is the same layout as 1280 px (the
    # widest breakpoint is 960 px), and saves resizing back to 1280 px before each page.
    problems = []
    pages = pages_for(demo)
    for role in ROLES:
        signed_in_as(page, role)
        page.set_viewport_size({"width": WIDTHS[-1], "height": 800})
        reached = []
        for name, url in pages.items():
            response = page.goto(page.base + url)
            if response.status in (403, 404):
                continue  # not this role's page
            assert response.status == 200, f"{role}: {name} answered {response.status}"
            reached.append(name)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 800})
                found, checked = page.evaluate(PROBLEMS)
                if name in MUST_HAVE_KEY_CONTROLS:
                    assert checked, f"{role} at {width} px, {name}: no status or Update link seen"
                for problem in dict.fromkeys(found):  # each once
                    said = f"{role} at {width} px, {name} ({url}): {problem}"
                    problems.append(said)
            if role == "viewer" and name in AXE_AT_320:
                page.set_viewport_size({"width": 320, "height": 800})
                assert_accessible(page)
                for region in page.locator(".app-table-wrap[role=region]").all():
                    # A table that scrolls is a named region the keyboard can reach.
                    assert region.get_attribute("tabindex") == "0"
                    assert region.get_attribute("aria-label")
        # Every role reaches the pages every reader has; the owner also their update form.
        for name in ("dashboard", "plans", "actions", "action", "measures", "workforce"):
            assert name in reached, f"{role} did not reach {name}"
        if role == "owner":
            assert "update form" in reached and "my actions" in reached
        if role == "viewer":
            assert "update form" not in reached
    assert not problems, "\n".join(problems)
    # Explicitly: on the owner's own action at 320 px, "Record progress" and its status.
    signed_in_as(page, "owner")
    page.set_viewport_size({"width": 320, "height": 800})
    action = Action.objects.filter(owner__username="owner").exclude(pk=demo.pk).first()
    page.goto(page.base + action.get_absolute_url())
    for locator in (
        page.locator('main a[href*="/update/"]').first,
        page.locator("main .app-status").first,
    ):
        expect(locator).to_be_visible()
        box = locator.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320


def test_the_action_filters_are_a_closed_panel_with_a_summary_and_clear_link(page, demo):
    plan = demo.objective.plan
    sign_in_as(page, "viewer")
    page.set_viewport_size({"width": 640, "height": 800})
    page.goto(
        page.base + reverse("action-list") + f"?plan={plan.pk}&status=on_track&sort=reference"
    )
    summary = page.locator("#filter-summary")
    expect(summary).to_contain_text(f"plan is {plan.title}")
    expect(summary).to_contain_text("status is On track")
    panel = page.locator("details.app-filter-panel")
    expect(panel).not_to_have_attribute("open", "")
    expect(page.get_by_label("Objective", exact=True)).to_be_hidden()
    # The results start on the first screen at 200% zoom.
    first_row = page.locator("main table tbody tr").first
    assert first_row.bounding_box()["y"] < 800
    # Opening the panel: the objectives say which plan they are in.
    page.get_by_text("Filter actions (2 applied)").click()
    options = page.get_by_label("Objective", exact=True).locator("option").all_text_contents()
    assert len(options) > 1 and all(o.endswith(f"— {plan.title}") for o in options[1:])
    page.get_by_label("Status", exact=True).select_option(label="Any status")
    page.get_by_role("button", name="Show actions").click()
    expect(page).to_have_url(re.compile(r"status=&"))
    expect(summary).not_to_contain_text("status is")
    summary.get_by_role("link", name="Clear filters").click()
    expect(page).to_have_url(re.compile(r"/actions/\?sort=reference$"))
    expect(summary).to_contain_text("no filters applied")
    # A refused filter opens the panel, its message next to the field.
    page.goto(page.base + reverse("action-list") + "?due_after=31/02/2026")
    expect(page.locator("details.app-filter-panel")).to_have_attribute("open", "")
    expect(page.get_by_role("group", name="Due from")).to_be_visible()  # day, month, year
    expect(page.locator(".govuk-error-summary")).to_be_visible()
