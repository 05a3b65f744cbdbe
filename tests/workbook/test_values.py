"""Reading one cell: dates, statuses, numbers and lists, table by table, with the
ambiguous cases refused rather than guessed."""

from datetime import date, datetime
from decimal import Decimal

import pytest

from improvement.workbook.values import (
    CellProblem,
    PercentCell,
    escape,
    lines_out,
    read_choice,
    read_date,
    read_lines,
    read_list,
    read_number,
    read_status,
    read_yes_no,
    status_words,
    unescape,
)
from metrics.models import Target


@pytest.mark.parametrize(
    ("written", "month_year", "expected"),
    [
        (datetime(2013, 3, 31, 0, 0), False, date(2013, 3, 31)),  # a real Excel date
        (date(2013, 3, 31), False, date(2013, 3, 31)),
        ("31/03/2013", False, date(2013, 3, 31)),
        ("31.03.2013", False, date(2013, 3, 31)),
        ("2013-03-31", False, date(2013, 3, 31)),
        ("03/03/2013", False, date(2013, 3, 3)),  # the same either way round
        ("31 March 2013", False, date(2013, 3, 31)),
        ("March 2014", False, date(2014, 3, 31)),  # end of the month
        ("Feb 2004", False, date(2004, 2, 29)),
        ("Sept 2004", False, date(2004, 9, 30)),
        ("03/2005", False, date(2005, 3, 31)),
        ("09/03", True, date(2003, 9, 30)),  # month/year only in a month/year column
        ("10/03", True, date(2003, 10, 31)),
        ("31/03/2013", True, date(2013, 3, 31)),
        ("", False, None),
        (None, False, None),
        ("  ", False, None),
    ],
)
def test_dates_are_read_in_the_forms_the_seeds_use(written, month_year, expected):
    assert read_date(written, month_year=month_year) == expected


@pytest.mark.parametrize(
    ("written", "month_year", "says"),
    [
        ("04/03/2013", False, "could be 4 March or 3 April 2013"),  # day or month first?
        ("12/01/2014", False, "could be 12 January or 1 December 2014"),
        ("09/03", False, "day and month or a month and year"),  # not a month/year column
        ("13/03", True, "13 is not a month"),
        ("31/02/2013", False, "not a real date"),
        ("2013-02-30", False, "not a real date"),
        ("31/03/13", False, "is not a date"),  # two-digit years only as month/year
        ("Quarter 2", False, "is not a date"),
        ("March 0000", False, "is not a real month"),
        ("soon", False, "is not a date"),
        (41364, False, "is a number, not a date"),  # an Excel serial not formatted as a date
        (True, False, "is a number, not a date"),
    ],
)
def test_ambiguous_or_impossible_dates_are_refused_with_a_way_to_fix_them(
    written, month_year, says
):
    with pytest.raises(CellProblem) as caught:
        read_date(written, month_year=month_year)
    assert says in caught.value.message
    assert caught.value.fix


GREEN_AMBER_RED = {"on_track": "Green", "at_risk": "Amber", "off_track": "Red"}


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Green", "on_track"),  # the plan's own label
        ("green", "on_track"),
        (" AMBER ", "at_risk"),
        ("Red", "off_track"),
        ("On track", "on_track"),  # the standard words
        ("on_track", "on_track"),  # the stored value
        ("Off track", "off_track"),
        ("Complete", "complete"),
        ("not started", "not_started"),
        ("", ""),
        (None, ""),
    ],
)
def test_statuses_are_read_by_the_plans_labels_or_the_standard_words(written, expected):
    words = status_words(GREEN_AMBER_RED)
    assert read_status(written, words, GREEN_AMBER_RED) == expected


@pytest.mark.parametrize("written", ["Purple", "Blue-ish", "done", "RAG"])
def test_a_status_nobody_defined_is_refused_listing_the_words_that_work(written):
    with pytest.raises(CellProblem) as caught:
        read_status(written, status_words(GREEN_AMBER_RED), GREEN_AMBER_RED)
    assert "is not a status this plan defines" in caught.value.message
    assert "Its labels: Green, Amber, Red." in caught.value.message
    assert "On track" in caught.value.fix and "Status key sheet" in caught.value.fix
    assert caught.value.label == written  # the dry run offers to add it


def test_a_plans_own_label_wins_over_a_standard_word():
    labels = {"complete": "On track"}  # odd, but the plan's key says so
    assert read_status("On track", status_words(labels), labels) == "complete"


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        (14, Decimal("14")),
        (50.32, Decimal("50.32")),  # never through the float's long digits
        ("41,000", Decimal("41000")),
        ("£41,000", Decimal("41000")),
        ("14%", Decimal("14")),
        ("-3.5", Decimal("-3.5")),
        ("", None),
        (None, None),
    ],
)
def test_numbers(written, expected):
    assert read_number(written) == expected


@pytest.mark.parametrize("written", ["about 10", "1,5", "NaN", "Infinity", True])
def test_what_is_not_a_number_is_refused(written):
    with pytest.raises(CellProblem):
        read_number(written)


def test_a_cell_formatted_as_a_percentage_is_refused_not_multiplied():
    with pytest.raises(CellProblem) as caught:
        read_number(PercentCell(0.14))
    assert "0.14 rather than 14" in caught.value.message


@pytest.mark.parametrize(
    ("written", "expected"),
    [("Yes", True), ("no", False), ("Y", True), (True, True), (False, False), (None, None)],
)
def test_yes_and_no(written, expected):
    assert read_yes_no(written) is expected


def test_choices_by_label_value_or_first_word():
    choices = tuple(Target.Kind.choices)
    assert read_choice("Final target", choices) == "final"
    assert read_choice("interim", choices) == "interim"
    assert read_choice("Final", choices) == "final"
    with pytest.raises(CellProblem):
        read_choice("Penultimate", choices)


def test_lists_are_one_item_per_line_or_per_bullet():
    assert read_lines("One\n\nTwo\r\nThree ") == ["One", "Two", "Three"]
    assert read_lines("• First,\nover two lines\n• Second") == ["First,\nover two lines", "Second"]
    assert read_list("1, 2;3\n 4 ") == ["1", "2", "3", "4"]


@pytest.mark.parametrize(
    "items",
    [
        ["One", "Two"],
        ["Arrangements:\n- MARAC\n- MAPPA"],  # one item of several lines
        ["• starts with a bullet", "plain"],
        [],
    ],
)
def test_lists_written_out_read_back_the_same(items):
    assert read_lines(lines_out(items)) == items


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("x")', "+44 1234", "-5", "@SUM(A1)", "'=already quoted", "'", "''", "plain"],
)
def test_text_is_made_formula_safe_and_reads_back_as_written(text):
    written = escape(text)
    assert not written.startswith(("=", "+", "-", "@"))
    assert unescape(written) == text
