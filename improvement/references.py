"""References as people write them: their natural order, and the number the tracker
gives a row the plan leaves without one.

"1.2" sorts before "1.10", "Objective Two" after "Objective One", "A.1" after "7".
The key is stored beside the reference (`sort_key`) so the database can order by it.
Numbers are zero-padded to a fixed width, so the key orders the same way under the
byte-wise ("C") collation SQLite and our PostgreSQL use and under locale collations
that ignore punctuation.
"""

import re
from collections.abc import Callable, Container

_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
}
NUMBER_WORDS = {word: n for n, word in enumerate(_WORDS)} | _TENS | _ORDINALS

_TOKEN = re.compile(r"\d+|[^\W\d_]+")
WIDTH = 10


def natural_key(reference: str) -> str:
    """A string that sorts references in the order a reader expects."""
    parts: list[str] = []
    tokens = _TOKEN.findall(reference.lower())
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.isdigit():
            number = int(token)
        elif token in NUMBER_WORDS:
            number = NUMBER_WORDS[token]
            # "twenty one" / "twenty-one" is one number, not two.
            if token in _TENS and i + 1 < len(tokens) and tokens[i + 1] in _WORDS[1:10]:
                number += NUMBER_WORDS[tokens[i + 1]]
                i += 1
        else:
            parts.append(token)
            i += 1
            continue
        parts.append(str(min(number, 10**WIDTH - 1)).zfill(WIDTH))
        i += 1
    return ".".join(parts)[:255]


# An objective referred to by a number ("1", "2.3") numbers its actions under it (1.1,
# 1.2); one referred to in words ("Objective One", "A") numbers them 1, 2.
NUMBERED_PARENT = re.compile(r"\d+(\.\d+)*")


def numbered_reference(
    place: int, taken: Container[str] | Callable[[str], bool], parent: str = ""
) -> str:
    """The reference the tracker gives something the plan leaves without one: its place
    in the document (the third objective is "3"; the second action of objective 1 is
    "1.2", of "Objective One" "2"), or the next number on that is not `taken`."""
    is_taken = taken if callable(taken) else taken.__contains__
    prefix = f"{parent}." if parent and NUMBERED_PARENT.fullmatch(parent) else ""
    number = max(place, 1)
    while is_taken(f"{prefix}{number}"):
        number += 1
    return f"{prefix}{number}"
