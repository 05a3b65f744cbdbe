"""The admin pages a plan editor works in, as the demo plan editor sees them in a real
browser at 1280 pixels: axe-core finds no critical or serious problem (of any rule, WCAG
or best practice), no page is wider than the window, no inline table scrolls inside its
box, and people are named by their full names in the pickers and read-only fields."""

import datetime
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from playwright.sync_api import expect

from improvement.management.commands.create_demo_users import DEMO_PASSWORD
from improvement.models import Action, Objective, Plan, ReportingPeriod, Section
from tests.factories import (
    DataPointFactory,
    MeasureFactory,
    MilestoneFactory,
    SectionFactory,
    StatusKeyEntryFactory,
    TargetFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

WIDTH = 1280
PLAN_FILE = Path(settings.BASE_DIR) / "fixtures" / "plans" / "nottinghamshire-2004.yaml"


@pytest.fixture
def demo():
    """The demo as `create_demo_users` sets it up, on one of the published plans, with a
    section, a status key, milestones and a measure with targets, so every inline table a
    plan editor meets has rows."""
    call_command("load_plans", str(PLAN_FILE), stdout=open("/dev/null", "w"))  # noqa: SIM115
    plan = Plan.objects.get(slug="nottinghamshire-2004")
    section = SectionFactory(plan=plan, title="Workforce", position=1)
    Objective.objects.filter(plan=plan, reference="1").update(section=section)
    StatusKeyEntryFactory(plan=plan, status="complete", label="Objective met")
    StatusKeyEntryFactory(plan=plan, status="on_track", label="On course")
    action = Action.objects.filter(objective__plan=plan).order_by("pk").first()
    MilestoneFactory(action=action, title="Agree the recruitment campaign")
    measure = MeasureFactory(plan=plan, name="Social worker vacancy rate", direction="lower")
    TargetFactory(measure=measure, value=10, due_date=datetime.date(2026, 3, 31))
    DataPointFactory(measure=measure, value=14, period_end=datetime.date(2025, 3, 31))
    call_command("create_demo_users", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return plan


def sign_in_as_the_demo_plan_editor(page):
    page.goto(page.base + reverse("admin:login"))
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name=re.compile("Log in", re.I)).click()
    expect(page).to_have_url(re.compile(r"/admin/$"))


def serious_problems(page) -> list[str]:
    """axe-core's critical and serious findings, every rule run."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['impact']} {v['id']}: {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


def widths(page) -> dict:
    return page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            tables: Array.from(document.querySelectorAll('.tabular-scroll'))
                .filter((box) => box.scrollWidth > box.clientWidth)
                .map((box) => box.closest('.inline-group').id),
        })"""
    )


def editor_pages(plan) -> list[str]:
    objective = Objective.objects.filter(plan=plan).order_by("pk").first()
    action = Action.objects.filter(objective__plan=plan).order_by("pk").first()
    section = Section.objects.filter(plan=plan).first()
    period = ReportingPeriod.objects.filter(plan=plan).order_by("-start").first()
    measure = plan.measures.get(name="Social worker vacancy rate")
    pages = [reverse("admin:index")]
    for name, obj in [
        ("improvement_plan", plan),
        ("improvement_section", section),
        ("improvement_objective", objective),
        ("improvement_action", action),
        ("improvement_reportingperiod", period),
        ("metrics_measure", measure),
        ("improvement_progressupdate", None),
    ]:
        pages.append(reverse(f"admin:{name}_changelist"))
        if obj is not None:
            pages.append(reverse(f"admin:{name}_change", args=[obj.pk]))
    pages += [
        reverse("admin:improvement_action_changelist") + "?overdue=yes",
        reverse("admin:improvement_objective_changelist") + "?q=workforce",
        reverse("admin:improvement_reportingperiod_add"),
        reverse("admin:improvement_progressupdate_add"),
        reverse("admin:improvement_plan_history", args=[plan.pk]),
    ]
    return pages


def test_every_page_a_plan_editor_uses_passes_axe_and_fits_1280_pixels(page, demo):
    page.set_viewport_size({"width": WIDTH, "height": 900})
    sign_in_as_the_demo_plan_editor(page)
    found = {}
    for url in editor_pages(demo):
        response = page.goto(page.base + url)
        assert response.status == 200, url
        problems = serious_problems(page)
        measured = widths(page)
        if problems or measured["page"] > WIDTH or measured["tables"]:
            found[url] = {"axe": problems, **measured}
    assert found == {}


def test_the_plan_page_names_people_and_its_pickers_by_full_name(page, demo):
    sign_in_as_the_demo_plan_editor(page)
    page.goto(page.base + reverse("admin:improvement_plan_change", args=[demo.pk]))

    # Each input of the objectives table is named after its column and its row.
    title = page.get_by_label("Title, 1 Workforce Planning", exact=True)
    expect(title).to_have_count(1)
    row = page.locator("tr.form-row", has=title)
    owner = row.locator(".field-owner .select2-selection__rendered")
    expect(owner).to_have_text(re.compile("Olu Action-Owner"))
    expect(page.locator(".field-editor_names .readonly")).to_have_text("Ed Plan-Editor")

    # The owner picker searches people by name and offers them by name.
    other = page.locator("tr.form-row", has=page.get_by_label(re.compile(r"^Title, 2 ")))
    other.locator(".field-owner .select2-selection").click()
    page.locator(".select2-search__field").fill("Olu")
    expect(page.locator(".select2-results__option")).to_have_text(["Olu Action-Owner"])
    assert serious_problems(page) == []
    page.keyboard.press("Escape")

    # A row added on the page is labelled like the others.
    page.get_by_role("button", name="Add another Objective").click()
    expect(page.locator("#objectives-4 label[for='id_objectives-4-title']")).to_have_text(
        "Title, new objective"
    )
    assert serious_problems(page) == []
    assert widths(page) == {"page": WIDTH, "tables": []}


def test_the_action_lists_owner_column_and_filter_use_full_names(page, demo):
    sign_in_as_the_demo_plan_editor(page)
    page.goto(page.base + reverse("admin:improvement_action_changelist"))
    owners = page.locator("#result_list td.field-owner_name")
    expect(owners.filter(has_text="Olu Action-Owner").first).to_be_visible()
    expect(owners.filter(has_text=re.compile(r"^owner$"))).to_have_count(0)  # no usernames
    owner_filter = page.locator('#changelist-filter details[data-filter-title="owner"]')
    expect(owner_filter.get_by_role("link", name="Olu Action-Owner")).to_have_count(1)
    expect(owner_filter.get_by_role("link", name="owner", exact=True)).to_have_count(0)
