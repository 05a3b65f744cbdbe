"""An administrator's backdated update (a correction) is marked as one in every format of
the report, so a committee can tell why a report as at a past date now reads differently."""

from datetime import date as D

import pytest

from improvement.models import Action, Objective
from tests.factories import ProgressUpdateFactory
from tests.reports.test_read_back import download
from tests.reports.test_read_back_word_pdf import docx_text, pdf_text

pytestmark = pytest.mark.django_db

AS_AT = D(2025, 6, 30)


@pytest.fixture
def corrected(plan):
    action = Action.objects.get(objective__plan=plan, reference="1.2")
    ProgressUpdateFactory(
        action=action,
        as_at=D(2025, 6, 25),
        status="at_risk",
        narrative="Corrected: two posts filled, not three.",
        correction=True,
    )
    objective = Objective.objects.get(plan=plan, reference="2")
    ProgressUpdateFactory(
        action=None,
        objective=objective,
        as_at=D(2025, 6, 26),
        status="on_track",
        narrative="Corrected assessment.",
        correction=True,
    )
    return plan


def _text(fmt: str, content: bytes) -> str:
    if fmt == "docx":
        return docx_text(content)
    if fmt == "pdf":
        return pdf_text(content)
    return content.decode("utf-8")


@pytest.mark.parametrize("fmt", ["html", "csv", "docx", "pdf"])
def test_a_correction_is_marked_in_the_report(client, clerk, corrected, fmt):
    client.force_login(clerk)
    text = _text(fmt, download(client, corrected, fmt, AS_AT))
    if fmt == "csv":
        rows = [line for line in text.splitlines() if "Corrected" in line]
        assert len(rows) == 2 and all(",Yes," in row for row in rows)
    else:
        assert text.count("(a correction)") == 2


def test_an_ordinary_update_is_not_marked(client, clerk, plan):
    client.force_login(clerk)
    assert "(a correction)" not in download(client, plan, "html", AS_AT).decode()


def test_the_action_page_says_which_update_is_a_correction(client, clerk, corrected):
    client.force_login(clerk)
    action = Action.objects.get(objective__plan=corrected, reference="1.2")
    page = client.get(action.get_absolute_url()).content.decode()
    assert page.count('<strong class="app-flag">Correction</strong>') == 1
