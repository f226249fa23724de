"""The Breeding and Transfer Plan as Markdown (:mod:`studbook.plan_document` gives the content).

Sections become ``##`` headings, institutions and other parts ``###``, tables pipe tables and
charts the table of their numbers (:func:`studbook.chart_data.chart_table`). Every cell is
shown through :func:`studbook.present.printable` and has the characters Markdown would read as
markup (``* _ ` [ ] < > | & \\``) backslash-escaped, so a house name such as ``<script>`` or
``*Freddi*`` is printed as written, never run or formatted.
"""

from __future__ import annotations

import re

from studbook.chart_data import chart_table
from studbook.plan_document import (
    Block,
    ChartBlock,
    Document,
    Paragraph,
    PlanDocumentInputs,
    Table,
    build_document,
)
from studbook.present import printable

__all__ = ["markdown_text", "plan_markdown", "render_markdown"]

_MARKUP = re.compile(r"([\\`*_\[\]<>|&#~])")


def markdown_text(text: str) -> str:
    r"""``text`` as literal Markdown: printable, markup characters escaped, on one line.

    >>> markdown_text("<script>a|b</script> *x*")
    '\\<script\\>a\\|b\\</script\\> \\*x\\*'
    """
    return _MARKUP.sub(r"\\\1", printable(text)).replace("\n", " ")


def _table(table: Table) -> list[str]:
    width = len(table.headings)
    heads = [markdown_text(h) or " " for h in table.headings]
    numeric = (*table.numeric, *(False,) * width)[:width]
    lines = ["| " + " | ".join(heads) + " |",
             "| " + " | ".join("---:" if n else "---" for n in numeric) + " |"]  # fmt: skip
    for row in table.rows:
        if isinstance(row, str):
            cells = [f"**— {markdown_text(row)} —**", *([""] * (width - 1))]
        else:
            cells = [markdown_text(c) for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, ""]


def _block(block: Block) -> list[str]:
    if isinstance(block, Paragraph):
        return [markdown_text(block.text), ""]
    if isinstance(block, Table):
        return _table(block)
    assert isinstance(block, ChartBlock)
    chart = block.chart
    headings, rows = chart_table(chart)
    out = [f"**{markdown_text(chart.title)}**", ""]
    out += _table(Table(headings, tuple(rows), (False,) + (True,) * (len(headings) - 1), "chart"))
    if chart.note:
        out += [markdown_text(chart.note), ""]
    return out


def render_markdown(document: Document) -> str:
    """The document laid out as Markdown."""
    out = [f"# {markdown_text(document.title)}", ""]
    for section in document.sections:
        out += [f"## {markdown_text(section.title)}", ""]
        for block in section.blocks:
            out += _block(block)
        for sub in section.subsections:
            out += [f"### {markdown_text(sub.title)}", ""]
            for block in sub.blocks:
                out += _block(block)
    out += ["---", "", markdown_text(document.footer), ""]
    return "\n".join(out)


def plan_markdown(inputs: PlanDocumentInputs) -> str:
    """The Breeding and Transfer Plan of ``inputs`` as Markdown."""
    return render_markdown(build_document(inputs))
