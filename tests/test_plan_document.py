"""The Breeding and Transfer Plan document on the Amur fixture: coverage, order, formats, safety."""

from __future__ import annotations

import csv
import io
import re
import subprocess
from dataclasses import replace
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from testdata import FIXTURES, ROOT

from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.csvformat import read_table
from studbook.demography import demography, window_for
from studbook.dispositions import Disposition
from studbook.errors import StudbookError
from studbook.events import read_events
from studbook.institutions import read_institutions
from studbook.plan_csv import CSV_COLUMNS, plan_csv
from studbook.plan_document import SECTION_TITLES, PlanDocumentInputs
from studbook.plan_html import plan_html
from studbook.plan_inputs import plan_document_inputs
from studbook.plan_markdown import plan_markdown
from studbook.records import records_from_table
from studbook.settings import ProgrammeSettings, read_settings

CENSUS = "2026-01-01"
HOSTILE = {
    "name": "<script>alert(\"x\")</script> & 'quoted' *bold*",
    "formula": '=HYPERLINK("http://x","y")',
    "institution": '<b>Zoo</b> & "Park"',
}


def fixture_book(hostile: bool = False) -> Studbook:
    """The Amur fixture in memory; ``hostile`` gives two living animals and one institution
    names meant to break out of HTML, Markdown and spreadsheets."""
    records, problems = records_from_table(read_table(FIXTURES / "amur_leopard.csv"))
    events, event_problems = read_events(FIXTURES / "amur_leopard_events.csv")
    institutions, inst_problems = read_institutions(FIXTURES / "amur_leopard_institutions.csv")
    assert problems == event_problems == inst_problems == []
    settings = ProgrammeSettings.from_text(read_settings(FIXTURES / "amur_leopard_settings.csv"))
    book = Studbook.build(records, events, institutions, settings)
    if not hostile:
        return book
    living = book.living_ids(date.fromisoformat(CENSUS))
    changed = {living[0]: HOSTILE["name"], living[1]: HOSTILE["formula"]}
    records = [replace(r, house_name=changed.get(r.id, r.house_name)) for r in records]
    where = book.location_on(living[0], date.fromisoformat(CENSUS))
    institutions = [
        replace(i, name=HOSTILE["institution"]) if i.mnemonic == where else i for i in institutions
    ]
    return Studbook.build(records, events, institutions, settings)


def inputs_for(book: Studbook, **kw: object) -> PlanDocumentInputs:
    analysis = Analysis(book, AnalysisSettings(census_date=CENSUS))
    demo = demography(book, window_for(book, today=analysis.census_date), replicates=50)
    return plan_document_inputs(analysis, demo, plan_date=date(2026, 1, 15), **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def book() -> Studbook:
    return fixture_book()


@pytest.fixture(scope="module")
def inputs(book: Studbook) -> PlanDocumentInputs:
    return inputs_for(book)


@pytest.fixture(scope="module")
def hostile() -> PlanDocumentInputs:
    return inputs_for(fixture_book(hostile=True))


class _Tags(HTMLParser):
    """Every start tag, attribute and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str | None]] = []
        self.text: list[str] = []
        self.rows: list[list[str]] = []
        self._cells: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += attrs
        if tag == "tr":
            self._cells = []
        elif tag in ("td", "th") and self._cells is not None:
            self._cells.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "tr" and self._cells is not None:
            self.rows.append(self._cells)
            self._cells = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cells:
            self._cells[-1] += data


ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "nav", "ol", "li", "a",
    "section", "h2", "h3", "p", "table", "thead", "tbody", "tr", "th", "td", "figure",
    "figcaption", "footer", "svg", "rect", "text", "line", "path", "polyline",
}  # fmt: skip


def _markdown_recommendations(text: str) -> list[list[str]]:
    """The rows of every institution table of the Markdown plan."""
    part = text.split("## 2. Recommendations by institution")[1].split("## 3.")[0]
    rows = []
    for line in part.splitlines():
        cells = [c.strip() for c in re.split(r"(?<!\\)\|", line)[1:-1]]
        if cells and cells[0] not in ("Studbook id", "---"):
            rows.append(cells)
    return rows


class TestEveryLivingAnimalOnce:
    """Every living animal appears exactly once, with exactly one disposition."""

    def test_inputs(self, book: Studbook, inputs: PlanDocumentInputs) -> None:
        """The recommendations cover the living population once each."""
        living = book.living_ids(date.fromisoformat(CENSUS))
        assert len(living) == 200
        assert sorted(r.animal for r in inputs.recommendations) == sorted(living)
        assert sorted(a.id for a in inputs.animals) == sorted(living)
        assert inputs.plan is not None
        paired = {p.male for p in inputs.plan.pairs} | {p.female for p in inputs.plan.pairs}
        breeding = {
            r.animal
            for r in inputs.recommendations
            if r.disposition
            in (Disposition.BREED_WITH, Disposition.SEND_TO, Disposition.RECEIVE_FROM)
        }
        assert breeding == paired

    def test_markdown(self, book: Studbook, inputs: PlanDocumentInputs) -> None:
        """Each living animal is one row of one institution table, with one disposition."""
        rows = _markdown_recommendations(plan_markdown(inputs))
        ids = [r[0] for r in rows]
        assert sorted(ids) == sorted(book.living_ids(date.fromisoformat(CENSUS)))
        words = tuple(d.value for d in Disposition)
        for row in rows:
            assert sum(row[5].startswith(w) for w in words) == 1, row

    def test_csv(self, book: Studbook, inputs: PlanDocumentInputs) -> None:
        """The CSV has one row per living animal and a disposition each."""
        rows = list(csv.DictReader(io.StringIO(plan_csv(inputs))))
        assert tuple(rows[0]) == CSV_COLUMNS
        assert sorted(r["id"] for r in rows) == sorted(book.living_ids(date.fromisoformat(CENSUS)))
        assert {r["disposition"] for r in rows} <= {d.value for d in Disposition}
        moves = [r for r in rows if r["disposition"] in ("SEND TO", "RECEIVE FROM")]
        assert all(r["counterpart_institution"] and r["mate"] for r in moves)

    def test_html(self, inputs: PlanDocumentInputs) -> None:
        """The HTML's recommendation rows are the living animals, once each."""
        parser = _Tags()
        parser.feed(plan_html(inputs))
        words = tuple(d.value for d in Disposition)
        rows = [r for r in parser.rows if len(r) == 8 and r[0] != "Studbook id"]
        assert sorted(r[0] for r in rows) == sorted(r.animal for r in inputs.recommendations)
        assert all(sum(r[5].startswith(w) for w in words) == 1 for r in rows)

    def test_missing_disposition_refused(self, inputs: PlanDocumentInputs) -> None:
        """Inputs where an animal has no disposition, or two, are refused, naming them."""
        first = inputs.recommendations[0]
        with pytest.raises(StudbookError, match=f"no disposition: {first.animal}"):
            plan_markdown(replace(inputs, recommendations=inputs.recommendations[1:]))
        with pytest.raises(StudbookError, match=f"more than one disposition: {first.animal}"):
            plan_html(replace(inputs, recommendations=(first, *inputs.recommendations)))


class TestSections:
    """The six sections come in the AZA/EAZA order, in every human format."""

    def test_markdown_order(self, inputs: PlanDocumentInputs) -> None:
        """## headings are the six sections, in order."""
        text = plan_markdown(inputs)
        assert re.findall(r"^## (.*)$", text, re.M) == list(SECTION_TITLES)

    def test_html_order(self, inputs: PlanDocumentInputs) -> None:
        """<h2> headings are the six sections, in order."""
        text = plan_html(inputs)
        assert re.findall(r"<h2>(.*?)</h2>", text) == [
            t.replace("&", "&amp;") for t in SECTION_TITLES
        ]

    def test_summary_figures(self, inputs: PlanDocumentInputs) -> None:
        """The summary names the programme, dates, settings and the figures."""
        text = plan_markdown(inputs)
        summary = text.split("## 2.")[0]
        for expected in ("Amur leopard", "| Census date | 2026-01-01 |", "Data current to",
                         "Demographic window", "Species profile", "Goals", "λ life table",
                         "λ 5-year census", "λ projected, mean", "Generation time T",
                         "Births needed per year", "Founder genome equivalents",
                         "| Gene diversity (GD) | 0.9249 |", "Mean MK", "Mean F",
                         "Mean % known"):  # fmt: skip
            assert expected in summary, expected
        # The assumptions layer's figures: % certain always; % known with assumptions only when
        # a set is applied (none is here).
        assert "Previous plan" not in summary and "| Mean % certain |" in summary
        assert "with assumptions" not in summary

    def test_previous_plan_and_assumption_metrics(self, inputs: PlanDocumentInputs) -> None:
        """Given the previous plan's figures and the assumptions layer's metrics, the summary
        shows them in their own column and rows."""
        genetic = {**inputs.genetic, "mean_certain": 0.62, "potential_founders": 2}
        text = plan_markdown(
            replace(inputs, genetic=genetic, previous={"gene_diversity": 0.93, "n": 190})
        )
        summary = text.split("## 2.")[0]
        assert "| Figure | This plan | Previous plan |" in summary
        assert "| Gene diversity (GD) | 0.9249 | 0.9300 |" in summary
        assert "| N living (P) | 200 | 190 |" in summary
        assert "| Mean % certain | 62.0 | – |" in summary
        assert "| Potential founders (living, wild-born, no descendants) | 2 | – |" in summary

    def test_unknown_previous_key_refused(self, book: Studbook) -> None:
        """A previous figure the plan does not show is refused, naming it."""
        with pytest.raises(StudbookError, match=r"unknown figure.*gd_typo"):
            inputs_for(book, previous={"gd_typo": 0.9})

    def test_mk_lists_mark_the_mean(self, inputs: PlanDocumentInputs) -> None:
        """Each sex's list runs from the lowest MK up, with the population mean marked once
        between the animals below and above it."""
        for mk_list in inputs.mk_lists:
            mks = [r.mk for r in mk_list.rows]
            assert mks == sorted(mks)
        text = plan_markdown(inputs).split("## 4.")[1].split("## 5.")[0]
        assert text.count("population mean MK 0.0751") == 2  # males, females

    def test_exclusions(self, book: Studbook) -> None:
        """An animal left out of the analysis is listed with the reason and held."""
        animal = book.living_ids(date.fromisoformat(CENSUS))[5]
        analysis = Analysis(book, AnalysisSettings(census_date=CENSUS, exclude=(animal,)))
        demo = demography(book, window_for(book, today=analysis.census_date), replicates=20)
        inputs = plan_document_inputs(
            analysis, demo, exclusion_reasons={animal: "quarantine after import"}
        )
        text = plan_markdown(inputs).split("## 3.")[1].split("## 4.")[0]
        assert f"| {animal} |" in text and "quarantine after import" in text
        (rec,) = [r for r in inputs.recommendations if r.animal == animal]
        assert rec.disposition is Disposition.HOLD


class TestHostileText:
    """House names and institution names are data in every format, never markup."""

    def test_html_escapes(self, hostile: PlanDocumentInputs) -> None:
        """The HTML parses into the project's own tags only; the hostile strings come back as
        text, whole."""
        page = plan_html(hostile)
        parser = _Tags()
        parser.feed(page)
        assert set(parser.tags) <= ALLOWED_TAGS
        assert not any(name.startswith("on") for name, _ in parser.attributes)
        text = "".join(parser.text)
        assert HOSTILE["name"] in text and HOSTILE["institution"] in text
        assert "<script" not in page and "<b>" not in page

    def test_markdown_escapes(self, hostile: PlanDocumentInputs) -> None:
        """Markdown carries the name with its markup characters escaped."""
        text = plan_markdown(hostile)
        assert r"""\<script\>alert("x")\</script\> \& 'quoted' \*bold\*""" in text
        assert "<script>" not in text and "<b>" not in text

    def test_csv_is_spreadsheet_safe(self, hostile: PlanDocumentInputs) -> None:
        """A house name starting with '=' is written as text for spreadsheets."""
        rows = list(csv.DictReader(io.StringIO(plan_csv(hostile))))
        names = {r["house_name"] for r in rows}
        assert "'" + HOSTILE["formula"] in names and HOSTILE["formula"] not in names


class TestInABrowser:
    """The HTML renders in a real browser (Chromium, headless)."""

    @pytest.fixture(scope="class")
    def browser(self) -> str:
        found = subprocess.run(
            [str(ROOT / "scripts" / "find-browser")], capture_output=True, text=True, check=False
        )
        if found.returncode != 0 or not found.stdout.strip():
            pytest.skip(f"no browser: {found.stderr.strip() or 'scripts/find-browser failed'}")
        return found.stdout.strip()

    def _run(self, browser: str, *args: str) -> None:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", *args],
            capture_output=True,
            check=True,
            timeout=180,
        )

    def test_screenshot(self, browser: str, inputs: PlanDocumentInputs, tmp_path: Path) -> None:
        """The first screen renders to a PNG of the asked size with real content."""
        page = tmp_path / "plan.html"
        page.write_text(plan_html(inputs), encoding="utf-8")
        shot = tmp_path / "plan.png"
        self._run(browser, f"--screenshot={shot}", "--window-size=1100,1600", page.as_uri())
        data = shot.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(data[16:20], "big") == 1100
        assert len(data) > 50_000  # a blank page compresses to a few kilobytes

    def test_print_starts_each_institution_on_a_page(
        self, browser: str, inputs: PlanDocumentInputs, tmp_path: Path
    ) -> None:
        """Printed to PDF (A4), the plan has at least one page per institution."""
        page = tmp_path / "plan.html"
        page.write_text(plan_html(inputs), encoding="utf-8")
        pdf = tmp_path / "plan.pdf"
        self._run(browser, f"--print-to-pdf={pdf}", "--no-pdf-header-footer", page.as_uri())
        pages = len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))
        institutions = len({a.institution for a in inputs.animals})
        assert pages > institutions
