"""Hostile and broken uploads are refused with a message, and nothing is stored."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from improvement import roles
from improvement.models import EvidenceFile, ProgressUpdate
from improvement.uploads import safe_name
from tests.factories import ActionFactory, user_with_role

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")


def office_file(main_part: str, extra: bytes = b"") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(main_part, "<document/>")
        if extra:
            archive.writestr("word/media/big.bin", extra)
    return buffer.getvalue()


@pytest.fixture
def action(client):
    owner = user_with_role(roles.ACTION_OWNER)
    client.force_login(owner)
    return ActionFactory(owner=owner)


def post_files(client, action, *files):
    return client.post(
        reverse("action-update", kwargs={"pk": action.pk}),
        {
            "status": "on_track",
            "narrative": "With evidence",
            "based_on": 0,
            "areas-TOTAL_FORMS": "0",
            "areas-INITIAL_FORMS": "0",
            "files": list(files),
        },
    )


def assert_refused(response, message):
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html, html[:2000]
    assert 'id="id_files-error"' in html
    assert not ProgressUpdate.objects.exists()
    assert not EvidenceFile.objects.exists()


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "is not a type of file we take"),
        ("notes.txt", b"hello", "is not a type of file we take"),
        ("no-extension", PDF, "is not a type of file we take"),
        ("report.pdf", PNG, "is not a real PDF"),
        ("photo.png", PDF, "is not a real PNG image"),
        ("report.docx", PDF, "is not a real Word document"),
        ("sheet.xlsx", office_file("word/document.xml"), "is not a real Excel workbook"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_wrong_or_disguised_files_are_refused(client, action, name, data, message):
    assert_refused(post_files(client, action, SimpleUploadedFile(name, data)), message)


def test_an_oversize_file_is_refused(client, action, settings):
    settings.EVIDENCE_MAX_BYTES = 1000
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * 2000)
    assert_refused(post_files(client, action, big), "files must be 1000\xa0bytes or smaller")


def test_a_zip_bomb_is_refused(client, action, settings):
    settings.EVIDENCE_MAX_UNZIPPED_BYTES = 1024 * 1024
    bomb = office_file("word/document.xml", extra=b"\0" * (5 * 1024 * 1024))
    assert len(bomb) < 50_000  # tiny on the wire, 5 MB unpacked
    assert_refused(post_files(client, action, SimpleUploadedFile("bomb.docx", bomb)), "unpack")


def test_too_many_files_are_refused(client, action, settings):
    settings.EVIDENCE_MAX_FILES = 2
    files = [SimpleUploadedFile(f"f{i}.pdf", PDF) for i in range(3)]
    assert_refused(post_files(client, action, *files), "Upload at most 2 files")


def test_one_bad_file_among_good_ones_stores_none_of_them(client, action):
    good = SimpleUploadedFile("good.pdf", PDF)
    bad = SimpleUploadedFile("bad.exe", b"MZ")
    assert_refused(post_files(client, action, good, bad), "bad.exe")


@pytest.mark.parametrize(
    ("uploaded", "stored"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("..\\..\\windows\\system32\\evil.pdf", "evil.pdf"),
        ("/absolute/path/minutes.pdf", "minutes.pdf"),
        ("my report<script>.pdf", "my report_script_.pdf"),
        ("....pdf", "evidence.pdf"),
        ("board\x00minutes.PDF", "boardminutes.pdf"),
    ],
)
def test_path_traversal_and_odd_names_are_made_safe(client, action, uploaded, stored):
    assert safe_name(uploaded) == stored
    response = post_files(client, action, SimpleUploadedFile(uploaded, PDF))
    assert response.status_code == 302
    assert EvidenceFile.objects.get().name == stored


def test_real_office_and_image_files_are_taken(client, action):
    files = [
        SimpleUploadedFile("plan.docx", office_file("word/document.xml")),
        SimpleUploadedFile("figures.xlsx", office_file("xl/workbook.xml")),
        SimpleUploadedFile("chart.png", PNG),
    ]
    assert post_files(client, action, *files).status_code == 302
    assert sorted(EvidenceFile.objects.values_list("name", flat=True)) == [
        "chart.png",
        "figures.xlsx",
        "plan.docx",
    ]
