"""Studbook text on screen: always plain, never markup, never a control sequence.

House names, notes, ids and institution names are data typed by people. Given to Textual as a
``str`` they would be parsed as markup (``[/]`` raises, ``[link=...]`` makes a link), and a
control character would reach the terminal. Every widget gets them through :func:`plain`.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text

from studbook.present import printable

__all__ = ["plain"]


def plain(text: str, **style: Any) -> Text:
    """``text`` as a Rich ``Text`` with its control characters escaped (``style``: as for
    ``Text``, e.g. ``justify="right"``)."""
    return Text(printable(text), **style)
