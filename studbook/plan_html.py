"""The Breeding and Transfer Plan as one self-contained HTML file, ready to print on A4.

The content comes from :mod:`studbook.plan_document`; this module lays it out. The file needs
nothing else: the stylesheet is inline, the charts are inline SVG (:mod:`studbook.svg`) and
there is no script. The print stylesheet sets A4 pages, starts each institution on a new page,
repeats table headings on every page a table spans and keeps rows and charts whole.

Every text (house names, local ids, notes, institution names, settings) is shown through
:func:`studbook.present.printable` and then HTML-escaped (``<``, ``>``, ``&`` and both quotes),
so studbook data is never read as markup.
"""

from __future__ import annotations

from html import escape

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
from studbook.svg import chart_svg

__all__ = ["STYLE", "html_text", "plan_html", "render_html"]

STYLE = """
:root { color-scheme: light; }
body { font: 10.5pt/1.4 "Helvetica Neue", Helvetica, Arial, sans-serif; color: #111;
       max-width: 1050px; margin: 0 auto; padding: 1.5em; }
h1 { font-size: 20pt; margin: 0 0 .2em; }
h2 { font-size: 15pt; border-bottom: 2px solid #1f4e79; padding-bottom: .15em;
     margin-top: 1.6em; color: #1f4e79; }
h3 { font-size: 12pt; margin: 1.2em 0 .4em; }
nav ol { columns: 2; margin: .4em 0 1em; }
table { border-collapse: collapse; width: 100%; margin: .3em 0 .9em; }
th, td { border: 1px solid #bbb; padding: .18em .45em; text-align: left; vertical-align: top; }
th { background: #e8eef5; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
table.settings td:first-child { width: 34%; }
table.facts, table.figures { width: auto; min-width: 55%; }
table.figures td:first-child { width: 70%; }
table.recommendations { table-layout: fixed; }
table.recommendations th:nth-child(1) { width: 7%; }
table.recommendations th:nth-child(2) { width: 7%; }
table.recommendations th:nth-child(3) { width: 10%; }
table.recommendations th:nth-child(4) { width: 4%; }
table.recommendations th:nth-child(5) { width: 6%; }
table.recommendations th:nth-child(6) { width: 19%; }
table.recommendations th:nth-child(7) { width: 11%; }
table.recommendations td:nth-child(6) { font-weight: bold; }
tr.mean td { background: #fff3cd; font-weight: bold; text-align: center; }
figure { margin: .8em 0 1.4em; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; max-width: 760px; height: auto; display: block;
             border: 1px solid #ddd; }
figcaption { font-size: 9pt; color: #444; margin-top: .3em; }
footer { margin-top: 2em; border-top: 1px solid #bbb; padding-top: .4em; font-size: 9pt;
         color: #444; }
@page { size: A4; margin: 14mm 12mm 16mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  nav { display: none; }
  h2 { break-after: avoid; page-break-after: avoid; }
  h3 { break-after: avoid; page-break-after: avoid; }
  section.new-page { break-before: page; page-break-before: always; }
  section.top { break-before: page; page-break-before: always; }
  section.top:first-of-type { break-before: auto; page-break-before: auto; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; page-break-inside: avoid; }
  th { background: #e8eef5 !important; -webkit-print-color-adjust: exact;
       print-color-adjust: exact; }
  tr.mean td { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def html_text(text: str) -> str:
    """``text`` as HTML character data or an attribute value: printable, then escaped.

    >>> html_text('<script>alert("x")</script> & \\'')
    '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#x27;'
    """
    return escape(printable(text), quote=True)


def _table(table: Table) -> str:
    numeric = table.numeric or (False,) * len(table.headings)

    def cls(k: int) -> str:
        return ' class="num"' if k < len(numeric) and numeric[k] else ""

    parts = [f'<table class="{html_text(table.kind)}">']
    if any(table.headings):
        heads = "".join(f"<th{cls(k)}>{html_text(h)}</th>" for k, h in enumerate(table.headings))
        parts.append(f"<thead><tr>{heads}</tr></thead>")
    parts.append("<tbody>")
    for row in table.rows:
        if isinstance(row, str):
            parts.append(
                f'<tr class="mean"><td colspan="{len(table.headings)}">— {html_text(row)} —'
                "</td></tr>"
            )
        else:
            cells = "".join(f"<td{cls(k)}>{html_text(c)}</td>" for k, c in enumerate(row))
            parts.append(f"<tr>{cells}</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def _block(block: Block) -> str:
    if isinstance(block, Paragraph):
        return f"<p>{html_text(block.text)}</p>"
    if isinstance(block, Table):
        return _table(block)
    assert isinstance(block, ChartBlock)
    chart = block.chart
    caption = f"<figcaption>{html_text(chart.note)}</figcaption>" if chart.note else ""
    return f"<figure>{chart_svg(chart)}{caption}</figure>"


def render_html(document: Document) -> str:
    """The document laid out as one HTML page (module docstring)."""
    title = html_text(document.title)
    toc = "".join(
        f'<li><a href="#s{k}">{html_text(s.title)}</a></li>'
        for k, s in enumerate(document.sections, start=1)
    )
    body = [f"<header><h1>{title}</h1></header>", f"<nav><ol>{toc}</ol></nav>"]
    for k, section in enumerate(document.sections, start=1):
        body.append(f'<section class="top" id="s{k}"><h2>{html_text(section.title)}</h2>')
        body.extend(_block(b) for b in section.blocks)
        for sub in section.subsections:
            body.append(f'<section class="part{" new-page" if sub.new_page else ""}">')
            body.append(f"<h3>{html_text(sub.title)}</h3>")
            body.extend(_block(b) for b in sub.blocks)
            body.append("</section>")
        body.append("</section>")
    body.append(f"<footer>{html_text(document.footer)}</footer>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )


def plan_html(inputs: PlanDocumentInputs) -> str:
    """The Breeding and Transfer Plan of ``inputs`` as a self-contained HTML page."""
    return render_html(build_document(inputs))
