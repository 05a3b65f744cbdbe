"""References sort the way people read them."""

from improvement.references import natural_key, numbered_reference


def test_numbers_sort_by_value():
    refs = ["1.10", "1.2", "2", "1", "10", "1.1"]
    assert sorted(refs, key=natural_key) == ["1", "1.1", "1.2", "1.10", "2", "10"]


def test_number_words_sort_by_their_number():
    refs = ["Objective Six", "Objective Two", "Objective One", "Objective Twenty-one"]
    assert sorted(refs, key=natural_key) == [
        "Objective One",
        "Objective Two",
        "Objective Six",
        "Objective Twenty-one",
    ]


def test_letters_come_after_numbers():
    refs = ["B.1", "A.10", "7", "A.2"]
    assert sorted(refs, key=natural_key) == ["7", "A.2", "A.10", "B.1"]


def test_the_order_holds_where_a_collation_ignores_punctuation():
    # Some PostgreSQL locales compare strings ignoring "."; fixed-width numbers keep order.
    refs = ["1", "1.1", "1.2", "1.10", "2", "10", "A.1", "A.2"]
    assert sorted(reversed(refs), key=lambda r: natural_key(r).replace(".", "")) == refs


def test_a_missing_reference_is_numbered_by_its_place_or_the_next_number_free():
    assert numbered_reference(3, set()) == "3"
    assert numbered_reference(3, {"3", "4"}) == "5"
    assert numbered_reference(2, set(), parent="1") == "1.2"  # under objective 1
    assert numbered_reference(2, {"2.2"}, parent="2") == "2.3"
    assert numbered_reference(1, set(), parent="Objective One") == "1"  # parent in words
    assert numbered_reference(1, lambda ref: ref == "1", parent="A") == "2"
