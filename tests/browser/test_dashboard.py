"""The dashboard in a real browser: axe-core finds nothing at 1280 and at 320 px, nothing
overflows the narrow screen, the keyboard reaches every count link (the decorative bar's
segments excepted) and the tiles show where focus is, and the filters land in the address."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import assert_accessible
from tests.factories import (
    ActionFactory,
    DataPointFactory,
    MeasureFactory,
    ObjectiveFactory,
    PlanFactory,
    ProgressUpdateFactory,
    ReportingPeriodFactory,
    SectionFactory,
    StatusKeyEntryFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)
D = datetime.date
TODAY = datetime.date.today()


@pytest.fixture
def plans():
    plan = PlanFactory(
        title="Children's workforce plan", start_date=TODAY - datetime.timedelta(days=800)
    )
    for i in range(6, 0, -1):  # six quarters ended before today, and the current one
        end = TODAY - datetime.timedelta(days=91 * i - 45)
        ReportingPeriodFactory(
            plan=plan,
            name=f"Quarter ending {end:%b %Y}",
            start=end - datetime.timedelta(days=90),
            end=end,
            update_deadline=end,
        )
    StatusKeyEntryFactory(plan=plan, status="at_risk", label="Amber")
    sections = [SectionFactory(plan=plan, title=t, position=i)
                for i, t in enumerate(["Leadership and governance", "Workforce"])]  # fmt: skip
    statuses = ["on_track", "at_risk", "off_track", "complete", ""]
    for o in range(4):
        objective = ObjectiveFactory(
            plan=plan,
            reference=str(o + 1),
            title="Recruit, develop and keep a stable, permanent social work workforce",
            section=sections[o % 2],
        )
        for a in range(5):
            action = ActionFactory(
                objective=objective,
                reference=f"{o + 1}.{a + 1}",
                owner=None,
                due_date=TODAY - datetime.timedelta(days=30) if a == 0 else None,
            )
            ProgressUpdateFactory(
                action=action, as_at=TODAY - datetime.timedelta(days=400), status="on_track"
            )
            ProgressUpdateFactory(
                action=action,
                as_at=TODAY - datetime.timedelta(days=20 + 10 * a),
                status=statuses[(a + o) % 5],
            )
    measure = MeasureFactory(plan=plan, name="Vacancy rate", direction="lower")
    TargetFactory(measure=measure, value=8, due_date=TODAY + datetime.timedelta(days=300))
    DataPointFactory(measure=measure, period_end=TODAY - datetime.timedelta(days=10), value=12)
    PlanFactory(title="A plan with nothing in it yet", organisation="Othertown Council")
    return plan


def test_the_dashboard_is_accessible_wide_and_at_320_px(page, plans, director):
    expect(page.get_by_role("heading", name=re.compile("Dashboard"))).to_be_visible()
    expect(page.locator(".app-strip").first).to_be_visible()
    assert_accessible(page)
    page.set_viewport_size({"width": 320, "height": 800})
    page.reload()
    assert_accessible(page)
    overflow = page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_the_keyboard_reaches_the_count_links_and_focus_is_visible_on_tiles(page, plans, director):
    page.get_by_role("link", name="Children's workforce plan").focus()
    reached = []
    for _ in range(80):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => [document.activeElement.className, document.activeElement.getAttribute('href')]"
        )
        reached.append(focused)
        if "app-tile__link" in (focused[0] or ""):
            break
    classes = [c or "" for c, _ in reached]
    assert "app-tile__link" in classes[-1]  # a tile is reachable
    assert not any("app-bar__segment" in c for c in classes)  # decoration is skipped
    hrefs = [h or "" for _, h in reached]
    assert any(h.startswith("/actions/?") and "status=" in h for h in hrefs)
    assert any(h.startswith("/objectives/?") for h in hrefs)
    link_background = page.evaluate(
        "() => getComputedStyle(document.activeElement).backgroundColor"
    )
    tile_shadow = page.evaluate(
        "() => getComputedStyle(document.activeElement.closest('.app-tile')).boxShadow"
    )
    assert link_background == "rgb(255, 221, 0)"  # GOV.UK focus yellow
    assert "255, 221, 0" in tile_shadow


def test_filters_are_chosen_with_the_keyboard_and_kept_in_the_address(page, plans, director):
    panel = page.locator("details.app-filter-panel summary")  # closed: the plans come first
    panel.focus()
    page.keyboard.press("Enter")
    status = page.get_by_label("Status", exact=True)
    status.focus()
    status.select_option(label="Off track")
    page.keyboard.press("Tab")  # to the Show button
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"status=off_track"))
    expect(page.get_by_role("link", name="A plan with nothing in it yet")).to_have_count(0)
    expect(page.locator("details.app-filter-panel")).to_have_attribute("open", "")  # applied
    assert_accessible(page)
