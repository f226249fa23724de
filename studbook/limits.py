"""What a text cell may hold: the id alphabet, control characters and the length of each field.

One set of rules for every way text gets in (``read_pedigree``, ``validate``, ``import``, the
edit services) and one set of lengths for both database backends: :mod:`db.models` sizes its
columns with the constants below, so a value that passes here always fits there.

- **Ids** (:func:`id_problem`) use ASCII letters, digits, ``- _ . /`` and spaces between words
  (``William Darwin I``), not at the ends:
  ``N\\u200b1`` (a zero-width space) beside ``N1``, ``7²`` or ``٧`` (an Arabic-Indic seven)
  would look like other ids or like numbers that are not.
- **Every text cell** (:func:`text_problem`) refuses control characters: C0 (tab and line
  breaks included: a cell is one line), DEL and C1. They are invisible, break terminals and
  CSV round trips, and PostgreSQL cannot store NUL.
"""

from __future__ import annotations

import unicodedata

from studbook.parents import UNKNOWN_TOKENS, WILD_TOKEN

__all__ = [
    "CAUSE_LENGTH",
    "COLUMN_NAME_LENGTH",
    "COUNTRY_LENGTH",
    "FLAG_LENGTH",
    "HOUSE_NAME_LENGTH",
    "ID_LENGTH",
    "ID_PUNCTUATION",
    "INSTITUTION_NAME_LENGTH",
    "LOCAL_ID_LENGTH",
    "MNEMONIC_LENGTH",
    "NOTES_LENGTH",
    "REGION_LENGTH",
    "character_name",
    "id_problem",
    "text_problem",
]

ID_LENGTH = 64
MNEMONIC_LENGTH = 9
HOUSE_NAME_LENGTH = 100
FLAG_LENGTH = 50
COLUMN_NAME_LENGTH = 100
LOCAL_ID_LENGTH = 50
CAUSE_LENGTH = 100
INSTITUTION_NAME_LENGTH = 200
COUNTRY_LENGTH = 100
REGION_LENGTH = 50
NOTES_LENGTH = 10_000
"""Free text (animal notes, event notes, extra column values): long, but not unbounded."""

ID_PUNCTUATION = "-_./ "
_ID_CHARACTERS = frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789" + ID_PUNCTUATION
)


_ALPHABET = "ids use ASCII letters, digits, - _ . / and spaces between words"


def character_name(char: str) -> str:
    """``U+200B ZERO WIDTH SPACE``: how a message names a character a person cannot see.

    >>> character_name("\\x00"), character_name("²")
    ('U+0000 (a control character)', 'U+00B2 SUPERSCRIPT TWO')
    """
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X} {name}" if name else f"U+{ord(char):04X} (a control character)"


def _is_control(char: str) -> bool:
    code = ord(char)
    return code < 0x20 or 0x7F <= code < 0xA0


def text_problem(text: str, limit: int | None = None, what: str = "the cell") -> str | None:
    """Why ``text`` cannot be stored (a control character, more than ``limit`` characters).

    >>> text_problem("Ada\\x00")
    'the cell contains U+0000 (a control character) at position 4; remove it'
    >>> text_problem("x" * 101, 100, "house name")
    'house name has 101 characters; at most 100 are allowed'
    """
    for position, char in enumerate(text, 1):
        if _is_control(char):
            return f"{what} contains {character_name(char)} at position {position}; remove it"
    if limit is not None and len(text) > limit:
        return f"{what} has {len(text)} characters; at most {limit} are allowed"
    return None


def id_problem(animal_id: str) -> str | None:
    """Why ``animal_id`` cannot be a studbook id, or ``None`` when it can.

    >>> print(id_problem("7\\u00b2").split(";")[0])
    studbook id '7\\xb2' contains U+00B2 SUPERSCRIPT TWO
    >>> "U+200B ZERO WIDTH SPACE" in id_problem("N\\u200b1")
    True
    >>> id_problem("WILD")[:60]
    "studbook id 'WILD' is how sire and dam cells write a wild-bo"
    """
    if not animal_id:
        return "studbook id is empty"
    shown = ascii(animal_id)
    if "|" in animal_id:
        return f"studbook id {shown} contains '|', which separates MULT parents"
    if animal_id != animal_id.strip(" "):
        return f"studbook id {shown} starts or ends with a space"
    for char in animal_id:
        if char not in _ID_CHARACTERS:
            return f"studbook id {shown} contains {character_name(char)}; {_ALPHABET}"
    if len(animal_id) > ID_LENGTH:
        return f"studbook id has {len(animal_id)} characters; at most {ID_LENGTH} are allowed"
    token = animal_id.upper()
    if token in UNKNOWN_TOKENS or token == WILD_TOKEN:
        meaning = "an unknown" if token in UNKNOWN_TOKENS else "a wild-born"
        return (
            f"studbook id {shown} is how sire and dam cells write {meaning} parent, "
            "so no animal could name it as a parent; give it another id"
        )
    return None
