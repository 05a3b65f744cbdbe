"""Board packs: several plans' reports as one PDF or Word document with a contents page,
made by a background job (never in the request), with its progress on its page; only
plans the user may export go in, and only its requester or someone who may export all
its plans may see it. Jobs run inline here (django-tasks' immediate backend) or through
`manage.py db_worker --batch`: the suite needs no worker running."""

import io

import pytest
from django.core.management import call_command
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from improvement import roles
from improvement.models import BoardPack
from improvement.reports import pdf
from tests.factories import (
    ActionFactory,
    ObjectiveFactory,
    PlanFactory,
    UserFactory,
    user_with_role,
)
from tests.reports.conftest import ORDER

pytestmark = pytest.mark.django_db
URL = "/reports/board-packs/"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def second(db):
    """A restricted plan of another council, with one action."""
    other = PlanFactory(
        slug="otherton", title="Otherton workforce strategy", organisation="Otherton Council",
        restricted=True,
    )  # fmt: skip
    objective = ObjectiveFactory(plan=other, reference="A", title="Stabilise the workforce")
    ActionFactory(objective=objective, reference="A.1", title="Recruit team managers")
    return other


@pytest.fixture
def clerk(client):
    user = user_with_role(roles.CLERK)
    client.force_login(user)
    return user


def ask(client, plans, fmt="pdf", **extra):
    data = {"title": "Children's Scrutiny Committee", "as_at": "2025-06-30", "format": fmt}
    data.update(extra)
    data["plans"] = [p.slug for p in plans]
    return client.post(URL, data)


def pdf_pages(content: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(content)).pages]


def test_a_pdf_pack_has_a_contents_page_and_each_plans_report(
    client, clerk, plan, second, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, [plan, second])
    pack = BoardPack.objects.get()
    assert response.status_code == 302 and response["Location"] == pack.get_absolute_url()
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.DONE
    assert (pack.progress_done, pack.progress_total) == (3, 3)
    download = client.get(reverse("board-pack-download", kwargs={"pk": pack.pk}))
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(download.content))
    assert str(reader.trailer["/Root"]["/Lang"]) == "en-GB"
    pages = pdf_pages(download.content)
    # The contents page: each plan with the page it starts on.
    contents = pages[0][pages[0].index("Contents") :]
    starts = {}
    for title in (
        "Progress report: Children's services improvement plan",
        "Progress report: Otherton workforce strategy",
    ):
        after = contents[contents.index(title) + len(title) :].replace(".", " ").split()
        starts[title] = int(after[0].strip("\u2060"))
        assert title in pages[starts[title] - 1]
    text = " ".join(pages)
    for reference in [*ORDER, "A.1"]:
        assert f" {reference} " in text, reference
    # Each plan's pages carry its own running title.
    assert "Otherton workforce strategy: progress report" in pages[-1]
    assert "Children's services improvement plan: progress report" in pages[1]


def test_a_word_pack_has_a_contents_field_and_each_plans_report(
    client, clerk, plan, second, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [plan, second], fmt="docx")
    pack = BoardPack.objects.get()
    download = client.get(reverse("board-pack-download", kwargs={"pk": pack.pk}))
    document = Document(io.BytesIO(download.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Children's Scrutiny Committee",
        "Contents",
        "Progress report: Children's services improvement plan",
        "Progress report: Otherton workforce strategy",
    ]
    body = document.element.body.xml
    assert 'TOC \\o "1-1"' in body
    # Word offers to fill in the page numbers on opening; the setting sits where the
    # schema puts it (before w:compat), or Word calls the file unreadable.
    tags = [child.tag.split("}")[1] for child in document.settings.element]
    assert tags.index("updateFields") < tags.index("compat")
    cells = {c.text for t in document.tables for r in t.rows for c in r.cells}
    assert {*ORDER, "A.1"} <= cells


# A real worker closes its database connection after a job: a transactional test.
@pytest.mark.django_db(transaction=True)
def test_the_request_only_queues_the_job_and_a_worker_makes_it(
    client, clerk, plan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [plan])
    pack = BoardPack.objects.get()
    assert pack.status == BoardPack.Status.QUEUED and pack.data is None
    page = client.get(pack.get_absolute_url()).content.decode()
    assert "Waiting for a worker to start it." in page
    assert reverse("board-pack-status", kwargs={"pk": pack.pk}) in page
    progress = client.get(reverse("board-pack-status", kwargs={"pk": pack.pk})).json()
    assert progress == {
        "status": "queued", "status_words": "Waiting to start",
        "progress": "Waiting for a worker to start it.", "done": 0, "total": 2, "finished": False,
    }  # fmt: skip
    assert client.get(reverse("board-pack-download", kwargs={"pk": pack.pk})).status_code == 404

    call_command("db_worker", batch=True, reload=False, startup_delay=False, verbosity=0)
    pack.refresh_from_db()
    assert pack.status == BoardPack.Status.DONE and bytes(pack.data).startswith(b"%PDF")
    assert "The pack is ready" in client.get(pack.get_absolute_url()).content.decode()


def test_a_failed_job_says_so_on_the_page(
    client, clerk, plan, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE

    def broken(document):
        raise pdf.PdfError("Typst: boom")

    monkeypatch.setattr(pdf, "render", broken)
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [plan])
    pack = BoardPack.objects.get()
    assert pack.status == BoardPack.Status.FAILED
    page = client.get(pack.get_absolute_url()).content.decode()
    assert "The pack could not be made (PdfError)" in page


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"as_at": "2999-01-01"}, "as_at", "Enter a date between 1900 and 2199"),
        ({"as_at": "2100-01-01"}, "as_at", "not a future date"),
        ({"as_at": "31/02/2025"}, "as_at", "The as-at date must be a real date"),
        ({"title": "x" * 201}, "title", "200 characters or fewer"),
        ({"title": "Committee\x00"}, "title", "Null characters are not allowed"),
        ({"title": ""}, "title", "Enter the committee or board"),
        ({"format": "exe"}, "format", "Select a valid choice"),
        ({"plans": []}, "plans", "Choose at least one plan"),
    ],
)
def test_bad_input_gets_a_message_next_to_the_field_and_makes_nothing(
    client, clerk, plan, change, field, message
):
    data = {"title": "Committee", "as_at": "2025-06-30", "format": "pdf", "plans": [plan.slug]}
    data.update(change)
    response = client.post(URL, data)
    assert response.status_code == 400
    page = response.content.decode()
    error = page[page.index(f'id="id_{field}-error"') :]
    assert message in error[: error.index("</p>")]
    assert not BoardPack.objects.exists()


def test_a_plan_the_user_may_not_export_cannot_go_in(client, plan, second):
    # An action owner reads open plans and the plans they own actions in, so only a
    # restricted plan is out of their reach.
    second.restricted = True
    second.save()
    owner = user_with_role(roles.ACTION_OWNER)
    ActionFactory(objective=ObjectiveFactory(plan=plan), owner=owner)
    client.force_login(owner)
    page = client.get(URL).content.decode()
    assert f'value="{plan.slug}"' in page and f'value="{second.slug}"' not in page
    response = ask(client, [plan, second])
    assert response.status_code == 400
    assert "Choose only plans from the list" in response.content.decode()
    assert not BoardPack.objects.exists()


def test_only_the_requester_or_who_may_export_every_plan_sees_the_pack(
    client, clerk, plan, second, settings, django_capture_on_commit_callbacks
):
    settings.TASKS = IMMEDIATE
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [plan, second])
    pack = BoardPack.objects.get()
    urls = [
        pack.get_absolute_url(),
        reverse("board-pack-status", kwargs={"pk": pack.pk}),
        reverse("board-pack-download", kwargs={"pk": pack.pk}),
    ]
    # An owner in the open plan cannot see the restricted one: the pack is not theirs.
    owner = UserFactory()
    ActionFactory(objective=ObjectiveFactory(plan=plan), owner=owner)
    for user in (owner, UserFactory()):
        client.force_login(user)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404]
        assert pack.get_absolute_url() not in client.get(URL).content.decode()
    # A director reads every plan, so may have the same pack.
    client.force_login(user_with_role(roles.VIEWER))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]


def test_the_list_of_packs_takes_the_same_queries_for_few_or_many(client, clerk, plan):
    def queries() -> int:
        from django.db import connection

        with CaptureQueriesContext(connection) as captured:
            assert client.get(URL).status_code == 200
        return len(captured)

    for _ in range(2):
        BoardPack.objects.create(title="P", as_at=plan.start_date, requested_by=clerk).plans.add(
            plan
        )
    few = queries()
    for _ in range(8):
        BoardPack.objects.create(title="P", as_at=plan.start_date, requested_by=clerk).plans.add(
            plan
        )
    assert queries() == few


def test_a_word_pack_of_one_councils_plans_uses_its_house_style_and_remembered_covers(
    client, clerk, plan, settings, django_capture_on_commit_callbacks
):
    from improvement.models import HouseStyle, ReportCover
    from tests.reports.test_house_style import LETTERHEAD, council_template

    settings.TASKS = IMMEDIATE
    HouseStyle.objects.create(
        organisation=plan.organisation,
        file_name="letterhead.docx",
        data=council_template(),
        uploaded_by=clerk,
    )
    ReportCover.objects.create(
        plan=plan, committee="Corporate Parenting Panel", document_reference="CPP/2025/17"
    )
    sibling = PlanFactory(organisation=plan.organisation, title="Anytown workforce plan")
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [plan, sibling], fmt="docx")
    pack = BoardPack.objects.get()
    download = client.get(reverse("board-pack-download", kwargs={"pk": pack.pk}))
    document = Document(io.BytesIO(download.content))
    assert document.sections[0].header.paragraphs[0].text == LETTERHEAD
    text = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for r in t.rows for c in r.cells
    )
    assert "CPP/2025/17" in text and "Corporate Parenting Panel" in text


def test_a_word_pack_across_councils_keeps_the_standard_layout(
    client, clerk, plan, second, settings, django_capture_on_commit_callbacks
):
    from improvement.models import HouseStyle
    from tests.reports.test_house_style import LETTERHEAD, council_template

    settings.TASKS = IMMEDIATE
    HouseStyle.objects.create(
        organisation=plan.organisation,
        file_name="letterhead.docx",
        data=council_template(),
        uploaded_by=clerk,
    )
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, [plan, second], fmt="docx")
    pack = BoardPack.objects.get()
    download = client.get(reverse("board-pack-download", kwargs={"pk": pack.pk}))
    document = Document(io.BytesIO(download.content))
    assert LETTERHEAD not in [p.text for p in document.sections[0].header.paragraphs]
