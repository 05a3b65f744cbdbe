"""Hostile and broken files are refused, or every problem reported, without saving
anything: never an exception. What bounds the work is asserted (rows and bytes read),
never the time it took: the machines that run the tests are shared and noisy."""

import io
import zipfile
from dataclasses import dataclass

import pytest

from improvement.workbook import format as fmt
from improvement.workbook.readers import workbook as reader
from improvement.workbook.services import plan_import
from tests.workbook.conftest import (
    crafted_xlsx,
    csv_zip,
    minimal_sheets,
    rezipped,
    row_counts,
    xlsx,
    zip_bomb,
)

pytestmark = pytest.mark.django_db


@dataclass
class Work:
    rows: dict  # sheet rows read, by how many were taken from each sheet in turn
    unpacked: int = 0  # bytes unpacked from the zip


@pytest.fixture
def work(monkeypatch) -> Work:
    """Counts the rows the reader takes from each sheet and the bytes it unpacks."""
    seen = Work(rows={})

    def counting(rows_of):
        def wrapped(*args, **kwargs):
            key = len(seen.rows)
            seen.rows[key] = 0
            for row in rows_of(*args, **kwargs):
                seen.rows[key] += 1
                yield row

        return wrapped

    for name in ("_worksheet_rows", "_csv_rows"):
        monkeypatch.setattr(reader, name, counting(getattr(reader, name)))
    for name in ("read", "read1"):
        original = getattr(zipfile.ZipExtFile, name)

        def read(self, *args, _original=original, **kwargs):
            data = _original(self, *args, **kwargs)
            seen.unpacked += len(data)
            return data

        monkeypatch.setattr(zipfile.ZipExtFile, name, read)
    return seen


@pytest.fixture
def importing(administrator, work):
    """Runs an import as an administrator, checks nothing was saved, returns problems."""

    def run(data: bytes, name: str = "plan.xlsx", *, confirm: bool = True):
        counts = row_counts()
        result = plan_import(data=data, file_name=name, user=administrator, confirm=confirm)
        assert not result.saved
        assert row_counts() == counts
        assert result.problems
        return result.problems

    return run


def messages(problems) -> str:
    return " | ".join(str(p) for p in problems)


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (b"Title,Organisation\nA plan,A council\n", "plan.xlsx", "is not a spreadsheet"),
        (b"%PDF-1.4 not a workbook", "plan.xlsx", "is not a spreadsheet"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512, "plan.xls", "old-style Excel"),
        (b"PK\x03\x04 broken zip", "plan.xlsx", "is damaged"),
        (b"", "plan.xlsx", "is empty"),
    ],
)
def test_a_file_that_is_not_a_spreadsheet_is_refused(importing, data, name, says):
    [problem] = importing(data, name)
    assert says in problem.message and problem.fix


def test_a_zip_that_is_not_a_workbook_or_csv_files_is_refused(importing):
    problems = importing(csv_zip({"notes.txt": "hello"}), "plan.zip")
    assert "not a CSV file" in messages(problems)


def test_a_workbook_with_macros_is_refused(importing):
    data = csv_zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>",
                    "xl/vbaProject.bin": "macro"})  # fmt: skip
    [problem] = importing(data)
    assert "macros" in problem.message


def test_a_zip_bomb_is_refused_from_its_declared_size_before_it_is_opened(importing, work):
    bomb = zip_bomb(300)
    assert len(bomb) < 2 * 1024 * 1024  # small on the way in …
    [problem] = importing(bomb)
    assert "would unpack to 300.0\xa0MB" in problem.message  # … huge once unpacked
    assert work.unpacked == 0


def test_a_zip_with_thousands_of_parts_is_refused(importing):
    data = csv_zip({f"part{i}.csv": "" for i in range(1000)})
    [problem] = importing(data, "plan.zip")
    assert "1000 parts" in problem.message


def test_a_50_mb_file_is_refused_before_it_is_read(importing, work):
    data = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    [problem] = importing(data)
    assert "50.0\xa0MB" in problem.message and "5.0\xa0MB or smaller" in problem.message
    assert work.unpacked == 0 and not work.rows


def test_100000_rows_stop_at_the_row_cap_with_a_message(importing, work):
    sheets = {
        "Plan": [["Field", "Value"], ["Slug", "big-2025"], ["Title", "Big"],
                 ["Organisation", "A council"], ["Kind", "Action plan"]],
        "Objectives": (
            ["Reference", "Title"] if i == 0 else [str(i), f"Objective {i}"]
            for i in range(100_001)
        ),
    }  # fmt: skip
    data = crafted_xlsx(sheets)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        sheet_bytes = archive.getinfo("xl/worksheets/sheet2.xml").file_size

    problems = importing(data)

    assert [p.message for p in problems] == [
        f"“plan.xlsx” has more than {fmt.MAX_ROWS:,} rows in all its sheets (reading stopped "
        f"at row {fmt.MAX_ROWS - 4:,} of the Objectives sheet): a plan this large cannot be "
        "imported in one go."
    ]
    assert "Split it into several workbooks" in problems[0].fix
    # The Plan sheet's 5 rows, then the Objectives sheet's up to the cap, and one more.
    assert work.rows == {0: 5, 1: fmt.MAX_ROWS - 4}
    # The sheet has no <dimension>, so it is copied once to give it one (reader.py);
    # parsing it stopped at the cap: the rest of the 100,000 rows were never unpacked.
    parsed = work.unpacked - sheet_bytes
    assert parsed < sheet_bytes * (fmt.MAX_ROWS / 100_000) * 1.5


def test_100000_csv_rows_stop_at_the_row_cap_too(importing, work):
    objectives = "Reference,Title\n" + "".join(f"{i},Objective {i}\n" for i in range(100_000))
    plan = "Field,Value\nSlug,big-2025\nTitle,Big\nOrganisation,A council\nKind,Action plan\n"
    problems = importing(csv_zip({"Plan.csv": plan, "Objectives.csv": objectives}), "plan.zip")
    assert f"more than {fmt.MAX_ROWS:,} rows in all its sheets" in messages(problems)
    assert work.rows == {0: 5, 1: fmt.MAX_ROWS - 4}


def test_the_row_cap_counts_the_rows_of_all_the_sheets_together(importing, monkeypatch):
    monkeypatch.setattr(fmt, "MAX_ROWS", 10)
    # Plan 5 rows, Objectives 3, Actions 4: the 11th row read is row 3 of Actions.
    [problem] = importing(xlsx(minimal_sheets()))
    assert "more than 10 rows in all its sheets" in problem.message
    assert "row 3 of the Actions sheet" in problem.message


def test_formulas_are_reported_cell_by_cell_never_worked_out(importing):
    sheets = minimal_sheets()
    sheets["Objectives"][1][1] = '=HYPERLINK("http://evil.example","Click")'
    sheets["Actions"][2][3] = "=TODAY()+30"
    problems = importing(xlsx(sheets))
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("Objectives", 2, "Title"),
        ("Actions", 3, "Due date"),
    ]
    assert all("formula" in p.message for p in problems)


def test_formulas_in_csv_files_are_reported_too(importing):
    files = {
        "Plan.csv": "Field,Value\nSlug,csv-2025\nTitle,=1+1\nOrganisation,A\nKind,Action plan\n",
    }
    [problem] = importing(csv_zip(files), "plan.zip")
    assert (problem.sheet, problem.row, problem.column) == ("Plan", 3, "Value")
    assert "formula" in problem.message


def test_unknown_sheets_are_reported(importing):
    sheets = minimal_sheets(Notes=[["Anything"], ["at all"]])
    [problem] = importing(xlsx(sheets))
    assert problem.sheet == "Notes" and "no sheet called “Notes”" in problem.message
    assert "Objectives" in problem.fix


def test_missing_and_unknown_columns_are_reported(importing):
    sheets = minimal_sheets(
        Actions=[["Objective", "Title", "Colour"], ["1", "Recruit", "Blue"]],
    )
    problems = importing(xlsx(sheets))
    assert [(p.sheet, p.column, p.message) for p in problems] == [
        ("Actions", "Colour", "“Colour” is not a column of the Actions sheet."),
        ("Actions", "Reference", "The Actions sheet has no Reference column, which it needs."),
    ]


def test_duplicate_references_are_reported_with_the_first_row(importing):
    sheets = minimal_sheets()
    sheets["Objectives"].append(["1", "Again", "A second objective 1"])
    sheets["Actions"].append(["1", "1.1", "A second 1.1", None])
    problems = importing(xlsx(sheets))
    assert [(p.sheet, p.row, p.column, p.message) for p in problems] == [
        ("Objectives", 4, "Reference", "The objective 1 is already on row 2."),
        ("Actions", 5, "Reference", "Action 1.1 of objective 1 is already on row 2."),
    ]


def test_references_to_objectives_that_do_not_exist_are_reported(importing):
    sheets = minimal_sheets()
    sheets["Actions"].append(["7", "7.1", "Orphan", None])
    sheets["Milestones"] = [["Objective", "Action", "Title"], ["1", "1.9", "Nowhere"]]
    sheets["Measures"] = [["Name", "Unit", "Objectives"], ["Caseload", "Ratio", "1, 8"]]
    problems = importing(xlsx(sheets))
    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("Actions", 5, "Objective"),
        ("Milestones", 2, "Action"),
        ("Measures", 2, "Objectives"),
    ]
    assert "no objective “7”" in problems[0].message
    assert "no objective “8”" in problems[2].message


def test_a_status_nobody_defined_is_reported(importing):
    sheets = minimal_sheets(
        Updates=[["Update ref", "Objective", "Action", "As at", "Status"],
                 ["1", "1", "1.1", "30/06/2025", "Purple"]],
    )  # fmt: skip
    [problem] = importing(xlsx(sheets))
    assert (problem.sheet, problem.row, problem.column) == ("Updates", 2, "Status")
    assert "“Purple” is not a status this plan defines" in problem.message


def test_every_problem_is_reported_at_once(importing):
    sheets = minimal_sheets()
    sheets["Objectives"][1][1] = "=1"
    sheets["Actions"][1][3] = "04/03/2026"
    sheets["Actions"].append(["9", "9.1", "Orphan", None])
    sheets["Updates"] = [["Update ref", "Objective", "As at", "Status"],
                         ["1", "2", "soon", "Purple"]]  # fmt: skip
    problems = importing(xlsx(sheets))
    assert len(problems) == 5, messages(problems)


def test_a_chart_or_damaged_part_is_a_problem_not_a_crash(importing):
    data = crafted_xlsx({"Plan": [["Field", "Value"]]})
    broken = data.replace(b"<sheetData>", b"<sheetData><row><c t=")  # invalid XML
    problems = importing(broken)
    assert problems


def test_a_nul_or_control_character_in_any_cell_is_a_problem_on_that_cell(importing):
    files = {
        "Plan.csv": "Field,Value\nSlug,nul-2025\nTitle,A\x00plan\nOrganisation,A council\n"
        "Kind,Action plan\n",
        "Objectives.csv": "Reference,Title,Description\n1,Work\x01force,Staff\n2\x00,Practice,\n",
        "Actions.csv": "Objective,Reference,Title,Owner,Due date\n"
        "1,1.1,Recruit,admin\x00,2026-03-31\n1,1.2,Retain,,2026-06-3\x000\n",
        "Updates.csv": "Update ref,Objective,Action,Status,Progress,Achievements\n"
        '1,1,1.1,On track,Four\x0bappointed,"One\nTwo\x00"\n',
    }

    problems = importing(csv_zip(files), "plan.zip")

    assert [(p.sheet, p.row, p.column) for p in problems] == [
        ("Plan", 3, "Value"),
        ("Objectives", 2, "Title"),
        ("Objectives", 3, "Reference"),
        ("Actions", 2, "Owner"),
        ("Actions", 3, "Due date"),
        ("Updates", 2, "Progress"),
        ("Updates", 2, "Achievements"),
    ]
    assert problems[0].message == (
        "The cell holds a NUL character (U+0000), which the tracker cannot store."
    )
    assert "control character (U+0001)" in problems[1].message
    assert all("plain text" in p.fix for p in problems)


def _small_workbook() -> bytes:
    return xlsx(minimal_sheets())


def _damaged_versions():
    data = _small_workbook()
    yield "truncated to half", data[: len(data) // 2]
    yield "truncated by one byte", data[:-1]
    yield "a sheet's data corrupt", rezipped(data, corrupt="xl/worksheets/sheet2.xml")
    yield "the styles corrupt", rezipped(data, corrupt="xl/styles.xml")
    yield "a sheet missing", rezipped(data, drop="xl/worksheets/sheet2.xml")
    yield "the workbook part missing", rezipped(data, drop="xl/workbook.xml")
    yield (
        "a sheet that is not XML",
        crafted_xlsx({"Plan": [["Field", "Value"]]}).replace(
            b"<sheetData>", b"<sheetData><row><c t="
        ),
    )
    # One flipped byte, at places spread over the file (local headers, compressed data,
    # the central directory at the end).
    step = max(1, len(data) // 40)
    for offset in [*range(0, len(data), step), *range(len(data) - 120, len(data), 9)]:
        flipped = bytearray(data)
        flipped[offset] ^= 0xFF
        yield f"byte {offset} flipped", bytes(flipped)


def test_a_damaged_workbook_is_a_clear_problem_never_an_error(administrator):
    counts = row_counts()
    refused = 0
    for what, data in _damaged_versions():
        result = plan_import(data=data, file_name="plan.xlsx", user=administrator)
        # A flipped byte in a date or a name inside the zip may leave it readable; else
        # the person is told what is wrong and what to do, and nothing is saved.
        assert all(p.message and p.fix for p in result.problems), what
        refused += any("damaged" in p.message or "could not be read" in p.message
                       for p in result.problems)  # fmt: skip
        assert row_counts() == counts, what
    assert refused >= 40


def test_a_damaged_workbook_is_refused_when_confirming_too(administrator):
    data = rezipped(_small_workbook(), corrupt="xl/worksheets/sheet2.xml")
    result = plan_import(data=data, file_name="plan.xlsx", user=administrator, confirm=True)
    assert not result.saved
    [problem] = result.problems
    assert problem.message == "“plan.xlsx” is damaged: it cannot be opened."
    assert "save it again" in problem.fix
