"""Tables that never scroll sideways: their last column is free text cut to what is left.

A table whose last column holds free-length text (the pairings' MSI reason, the Plan screen's
notes, the assumption sets' notes) would be as wide as its longest text.
:func:`free_column_width` gives that column only the width the other columns leave, so the
table fits its place; the cells of that column are made by :func:`free_text`, which ends a cut
text with "…", and each screen shows the highlighted row's whole text elsewhere (its status
line, or the form a row is opened in). :class:`FittingTable` keeps its last column so as its
width changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual.widgets import DataTable

from tui.text import plain

__all__ = ["FittingTable", "free_column_width", "free_text"]


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


class FittingTable(DataTable[str | Text]):
    """A table whose last column is free text (made by :func:`free_text`) cut to the width
    the other columns leave: :meth:`fill` fills it, and it fills itself again whenever its
    width changes (a resize, the layout switching between narrow and wide)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._columns: list[tuple[str, str]] = []
        self._rows: list[tuple[str, Sequence[str | Text]]] = []
        self._filled_for = 0

    def fill(
        self,
        columns: Sequence[tuple[str, str]],
        rows: Iterable[tuple[str, Sequence[str | Text]]],
    ) -> None:
        """Clear the table and fill it with ``columns`` (key, title) and ``rows`` (key,
        cells), the last column cut to the width that is left."""
        self._columns, self._rows = list(columns), list(rows)
        self.clear(columns=True)
        titles = [title for _, title in self._columns]
        width = free_column_width(self, titles, [cells for _, cells in self._rows])
        for k, (key, title) in enumerate(self._columns):
            last = k == len(self._columns) - 1
            self.add_column(title, key=key, width=width if last else None)
        for key, cells in self._rows:
            self.add_row(*cells, key=key)
        self._filled_for = self.scrollable_content_region.width

    def on_resize(self) -> None:
        if self._columns and self.scrollable_content_region.width != self._filled_for:
            row = self.cursor_row
            self.fill(self._columns, self._rows)
            if self.row_count:
                self.move_cursor(row=min(row, self.row_count - 1), animate=False)
