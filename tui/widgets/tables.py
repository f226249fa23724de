"""Tables that never scroll sideways: their last column is free text cut to what is left.

A table whose last column holds free-length text (the pairings' MSI reason, the Plan screen's
notes) would be as wide as its longest text. :func:`free_column_width` gives that column only
the width the other columns leave, so the table fits its place; the cells of that column are
made by :func:`free_text`, which ends a cut text with "…", and each screen shows the
highlighted row's whole text in its status line.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from tui.text import plain

__all__ = ["free_column_width", "free_text"]


def free_text(text: str) -> Text:
    """A free-text cell: plain text (never markup) that ends in "…" where its column cuts it."""
    return plain(text, overflow="ellipsis", no_wrap=True)


def free_column_width(
    table: DataTable[str | Text],
    titles: Sequence[str],
    rows: Sequence[Sequence[str | Text]],
) -> int | None:
    """The width of the last column of ``table`` (``titles`` and ``rows`` in column order)
    when the columns would not fit the table's width otherwise, ``None`` when they fit.

    The other columns keep their natural width (their widest cell or title); the last one gets
    what is left, one cell for the vertical scrollbar kept free, but never less than its title.
    """
    if not rows or not titles:
        return None
    pad = 2 * table.cell_padding
    widths = [
        max(cell_len(title), *(cell_len(str(row[k])) for row in rows))
        for k, title in enumerate(titles)
    ]
    room = table.scrollable_content_region.width or table.app.size.width
    left = room - 1 - sum(width + pad for width in widths[:-1]) - pad
    return None if widths[-1] <= left else max(left, cell_len(titles[-1]))
