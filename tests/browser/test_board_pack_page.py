"""A clerk asks for a board pack in Chromium: the pages pass axe-core, the pack's page
says it is waiting for a worker, and its script shows the download once the job is done
(the job is run here by hand, as a worker would); the Word template page passes too."""

import datetime

import pytest
from playwright.sync_api import expect

from improvement import roles
from improvement.board_pack import build
from improvement.models import BoardPack
from tests.browser.conftest import assert_accessible, sign_in
from tests.factories import ActionFactory, ObjectiveFactory, PlanFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_asks_for_a_pack_and_its_page_shows_the_download_when_done(page):
    plan = PlanFactory(title="Anytown improvement plan", start_date=datetime.date(2024, 4, 1))
    ActionFactory(objective=ObjectiveFactory(plan=plan, reference="1"), reference="1.1")
    sign_in(page, roles.CLERK)
    page.goto(page.base + "/plans/")
    page.get_by_role("link", name="Board packs").click()
    assert_accessible(page)
    page.get_by_label("Committee or board").fill("Children's Scrutiny Committee")
    page.get_by_label("Anytown improvement plan").check()
    page.get_by_role("button", name="Make the pack").click()

    # The request only queued the job (no worker runs here).
    expect(page.get_by_text("Waiting for a worker to start it.")).to_be_visible()
    assert_accessible(page)
    pack = BoardPack.objects.get()
    build(pack)  # what the worker does
    expect(page.get_by_role("heading", name="The pack is ready")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download {BoardPack.objects.get().file_name}").click()
    assert download.value.path().read_bytes().startswith(b"%PDF")

    page.goto(page.base + "/reports/word-template/")
    assert_accessible(page)
