"""Studbook ids as callers hand them in: text, or an integer for a numeric studbook number.

Ids are text (``"0042"`` and ``"42"`` are different animals), but a numeric studbook number is
naturally typed as an int (``kinship(ped, 1, 2)``). Every function that takes ids from a caller
passes them through :func:`animal_ids` (usually by way of :meth:`Pedigree.indices`), so an int
means the id written in decimal and nothing else. An id is never parsed as a number.
"""

from __future__ import annotations

from collections.abc import Iterable
from numbers import Integral

__all__ = ["AnimalId", "animal_id", "animal_ids"]

AnimalId = str | int
"""A studbook id as a caller may give it: its text, or an int for a numeric id."""


def animal_id(value: object) -> str:
    """The text of one id: a ``str`` as it is, an integer (Python or numpy) in decimal.

    Raises ``TypeError`` for anything else (a float or a bool is no studbook number).

    >>> animal_id(42), animal_id("0042")
    ('42', '0042')
    """
    if isinstance(value, str):
        return value
    if isinstance(value, Integral) and not isinstance(value, bool):
        return str(int(value))
    raise TypeError(f"a studbook id is text or an integer, not {type(value).__name__} {value!r}")


def animal_ids(values: AnimalId | Iterable[AnimalId]) -> list[str]:
    """The text of each id; a single id (str or int) gives a list of one.

    >>> animal_ids([7, "T12"]), animal_ids(3)
    (['7', 'T12'], ['3'])
    """
    if isinstance(values, str | int | Integral):
        return [animal_id(values)]
    return [animal_id(v) for v in values]
