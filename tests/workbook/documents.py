"""Building councils' own documents for the document import tests: Word action plans in
two column layouts (with merged cells and a table broken across a page), an Excel
tracker with its own column names and a CSV tracker; built with python-docx and openpyxl,
as a council's would be."""

from __future__ import annotations

import csv
import io

import docx
from docx.enum.text import WD_BREAK
from openpyxl import Workbook

ACTIVITY_HEADINGS = [
    "No",
    "Improvement Key Activity",
    "Benefit to the customer",
    "Actions Required",
    "Timescale Milestones",
    "Progress",
]
WHAT_HEADINGS = ["What", "Who", "How", "When", "Success measures", "Current status"]


def _table(document, headings, rows):
    table = document.add_table(rows=0, cols=len(headings or rows[0]))
    if headings:
        cells = table.add_row().cells
        for cell, text in zip(cells, headings, strict=True):
            cell.text = text
    for values in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, values, strict=True):
            cell.text = text
    return table


def _page_break(document) -> None:
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _bytes(document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def activity_plan() -> bytes:
    """The Nottinghamshire layout: an objective in a paragraph before each table; its
    first table broken across a page (the heading row repeated); a benefit merged down
    two rows in the second."""
    document = docx.Document()
    document.add_heading("Best Value Service Review Improvement Plan Update February 2004", 0)
    document.add_paragraph(
        "1 Workforce Planning – Overall Objective to ensure recruitment and retention of "
        "appropriately skilled social work workforce"
    )
    _table(
        document,
        ACTIVITY_HEADINGS,
        [
            [
                "1.1",
                "Increase secondments to qualifying courses to 10 per year",
                "Supply of qualified social workers for vacancies",
                "1. Purchase 5 more places on courses.\n2. Offer 5 more secondments.",
                "Recruit potential secondees Dec 2003 to start Sept 2004",
                "Secondments increased to 9 this year.",
            ],
            [
                "1.2",
                "Recruit qualified social workers to fill vacancies",
                "Supply of qualified staff to fill vacancies",
                "1. Enhance marketing strategy.",
                "09/03",
                "Staff have county-wide contracts.",
            ],
        ],
    )
    _page_break(document)
    _table(
        document,
        ACTIVITY_HEADINGS,
        [
            [
                "1.3",
                "Protected caseloads for newly qualified staff",
                "Less turnover",
                "More flexibility in allocation",
                "09/03",
                "",
            ]
        ],
    )
    # notes on the table before (its targets), then the next objective
    document.add_heading("The Targets and Measure of Progress", 3)
    document.add_paragraph(
        "To increase the number of staff seconded to social work training from 3 to 10."
    )
    document.add_paragraph("2 Practice – Improve the quality of assessments")
    table = _table(
        document,
        ACTIVITY_HEADINGS,
        [
            ["2.1", "Audit case files monthly", "Better decisions", "Set up audits", "Ongoing", ""],
            ["2.2", "Train team managers", "", "Book courses", "03/04", "Courses booked."],
        ],
    )
    table.cell(1, 2).merge(table.cell(2, 2))  # "Better decisions" for both actions
    return _bytes(document)


def what_plan(*, unknown_label: str = "") -> bytes:
    """The "What | Who | How | When | Success measures | Current status" layout: a
    section heading, an objective in words, a status cell that starts with the key's
    label, a row inside the table merged across as the next objective, and the table
    broken across a page with no heading row on the second part."""
    document = docx.Document()
    document.add_heading("Children's Services Improvement Plan", 0)
    document.add_paragraph("Position as at 30 September 2014")
    document.add_heading("Leadership and Governance", 1)
    document.add_paragraph("Objective One: Strong and visible leadership")
    table = _table(
        document,
        WHAT_HEADINGS,
        [
            [
                "Set up an improvement board",
                "Chief Executive",
                "Appoint an independent chair",
                "October 2014",
                "Board meets monthly",
                "Green - the board has met twice.",
            ],
            [
                "Publish the improvement plan",
                "Director of Children's Services",
                "Cabinet approval",
                "November 2014",
                "",
                unknown_label or "Complete",
            ],
            ["Objective Two: Good practice", "", "", "", "", ""],
            [
                "Audit cases",
                "Head of Service",
                "Monthly audits",
                "Quarterly",
                "80% good or better",
                "Amber",
            ],
        ],
    )
    merged = table.cell(3, 0)
    for column in range(1, len(WHAT_HEADINGS)):
        merged = merged.merge(table.cell(3, column))
    merged.text = "Objective Two: Good practice"
    _page_break(document)
    _table(
        document,
        [],
        [["Supervise staff", "Team managers", "Monthly", "Ongoing", "", "Red: not yet started"]],
    )
    return _bytes(document)


TRACKER_HEADINGS = [
    "Ref",
    "Priority",
    "Key action",
    "Lead officer",
    "Target date",
    "RAG",
    "Update",
    "Evidence",
]
TRACKER_ROWS = [
    [
        "A1",
        "Recruitment",
        "Run a recruitment campaign",
        "HR",
        "31/03/2015",
        "Green",
        "Campaign launched",
        "Adverts",
    ],
    ["A2", "Recruitment", "Cut agency staff", "HR", "30/06/2015", "Amber", "Agency at 20%", ""],
    ["B1", "Quality", "Monthly audits", "QA team", "30/09/2015", "", "", ""],
]


def tracker_xlsx() -> bytes:
    """A council's own tracker: a title and a date above the heading row."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    sheet.append(["Workforce improvement tracker"])
    sheet.append(["Updated March 2015"])
    sheet.append([])
    sheet.append(TRACKER_HEADINGS)
    for row in TRACKER_ROWS:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def tracker_csv() -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(TRACKER_HEADINGS)
    writer.writerows(TRACKER_ROWS)
    return buffer.getvalue().encode()
