"""Browser tests: Playwright driving Debian's Chromium (`/usr/bin/chromium`, or
CHROMIUM_PATH), headless, against Django's live server. Skipped, with the reason, when
Chromium or Playwright is missing; `.ci/run` installs Chromium so CI runs them."""

import os
import shutil

import pytest

from improvement import roles
from tests.factories import user_with_role

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "a-long-test-password"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Playwright's sync API runs an event loop in this thread; Django would otherwise refuse
# the test's own database calls made alongside it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    reason = None
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        reason = "the playwright package is not installed (make test installs it)"
    if reason is None and not os.path.exists(CHROMIUM):
        reason = (
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install -y chromium) or set CHROMIUM_PATH; .ci/run installs it"
        )
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live_server, settings):
    settings.AXES_ENABLED = False
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.base = live_server.url
    yield page
    context.close()


def sign_in(page, role, **user_fields):
    """A real sign-in through the form, as a new user holding `role`."""
    user = user_with_role(role, password=PASSWORD, **user_fields)
    page.goto(page.base + "/accounts/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return user


def assert_accessible(page):
    """axe-core finds no WCAG 2.2 A/AA violation on the page as it stands."""
    from axe_playwright_python.sync_playwright import Axe

    # Only the violations are asked back: every rule still runs on every element, but the
    # passes, the inapplicable and the incomplete (thousands of nodes on a long table)
    # are not collected and sent over from the browser: that was half of axe's time on the
    # demo's long tables (5.7 s a page against 2.8 s, on a loaded machine).
    options = {"runOnly": {"type": "tag", "values": WCAG}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options)
    assert results.violations_count == 0, f"{page.url}\n{results.generate_report()}"


@pytest.fixture
def director(page):
    return sign_in(page, roles.VIEWER, first_name="Dana", last_name="Director")
