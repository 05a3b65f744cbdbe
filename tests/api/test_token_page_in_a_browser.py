"""The /api/ page in a real browser, checked by axe-core at each step: no token, a new
token shown once, revoked. Skipped, saying why, where Chromium or Playwright is missing
(as the tests in tests/browser/ are)."""

import asyncio
import os

import pytest

from improvement import roles
from tests.browser.conftest import ARGS, CHROMIUM, assert_accessible, page, sign_in

__all__ = ["page"]  # the browser tests' page fixture, on the browser below

try:
    import playwright.sync_api  # noqa: F401

    MISSING = None if os.path.exists(CHROMIUM) else f"Chromium not found at {CHROMIUM}"
except ImportError:
    MISSING = "the playwright package is not installed"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(MISSING is not None, reason=MISSING or ""),
]


@pytest.fixture(scope="module")
def browser():
    # Playwright allows one sync instance per thread at a time, and tests/browser keeps
    # its own open for the whole session: this one is closed when this module is done,
    # before those start (tests/api runs first). Run in the other order, it steps aside.
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        pass
    else:
        pytest.skip("another Playwright browser is open in this process; run this file alone")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


def test_a_person_creates_sees_once_and_revokes_their_token(page):
    from playwright.sync_api import expect
    from rest_framework.authtoken.models import Token

    user = sign_in(page, roles.ACTION_OWNER)
    page.goto(page.base + "/api/")
    expect(page.get_by_role("heading", level=1)).to_have_text("API for reporting tools")
    expect(page.get_by_text("You have no token.")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Create a token").click()
    key = Token.objects.get(user=user).key
    expect(page.locator("#new-token")).to_have_text(key)
    assert_accessible(page)

    page.goto(page.base + "/api/")
    expect(page.locator("#new-token")).to_have_count(0)
    page.get_by_role("button", name="Revoke your token").click()
    expect(page.get_by_text("Your API token is revoked.")).to_be_visible()
    assert_accessible(page)
    assert not Token.objects.filter(user=user).exists()
