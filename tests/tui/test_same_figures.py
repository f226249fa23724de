"""The command line and the UI show the same label and the same text for the same figure.

Both run on the Amur leopard fixture at one census date: the CLI reports in their human
formats (table, Markdown) against what the UI's population, pairings, plan and releases screens
draw.
"""

from __future__ import annotations

import pytest
from pilots import settle, show
from textual.widgets import DataTable, Static

from tui.app import make_app
from tui.cli import main
from tui.screens.pairings import PairingsScreen
from tui.screens.population import PopulationScreen
from tui.screens.releases import ReleasesScreen

CENSUS = "2026-01-01"
SIZE = (150, 46)
ROWS = 5


def cli(capsys: pytest.CaptureFixture[str], url: str, *argv: str) -> str:
    """Run a report on the command line at the census date; its standard output."""
    assert main(["--db", url, *argv, "--census-date", CENSUS]) == 0
    return capsys.readouterr().out


def markdown_tables(text: str) -> list[list[list[str]]]:
    """Each Markdown table of a report as rows of cells (header first, alignment row dropped)."""
    tables: list[list[list[str]]] = []
    previous = ""
    for line in text.splitlines():
        if line.startswith("| "):
            if not previous.startswith("| "):
                tables.append([])
            tables[-1].append(line[2:-2].split(" | "))
        previous = line
    return [[t[0], *t[2:]] for t in tables]


def shown_table(table: DataTable[object]) -> list[list[str]]:
    """The UI table as its column titles, then its first rows, as plain text."""
    titles = [str(c.label) for c in table.ordered_columns]
    rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(ROWS)]
    return [titles, *rows]


def same_columns(ui: list[list[str]], report: list[list[str]], skip: set[str]) -> int:
    """Assert every UI column (bar ``skip``) is a report column with the same cells; how many."""
    compared = 0
    for k, title in enumerate(ui[0]):
        if title in skip:
            continue
        assert title in report[0], f"UI column {title!r} is not in the report: {report[0]}"
        j = report[0].index(title)
        assert [r[k] for r in ui[1:]] == [r[j] for r in report[1 : len(ui)]], title
        compared += 1
    return compared


class TestSameFigures:
    """One label and one number format for a figure, whichever front end shows it."""

    async def test_summary(self, fixture_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
        """Every figure of the population screen is a line of ``studbook summary``."""
        report = cli(capsys, fixture_db_url, "summary", "--format", "table").splitlines()
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f3", PopulationScreen)
            assert screen.view is not None
            figures = screen.view.figures
        assert len(figures) > 10
        for label, text in figures:
            assert any(
                line.startswith(label + " ") and line.split("  ")[-1].strip() == text
                for line in report
            ), (label, text)

    async def test_pairings_and_plan(
        self, fixture_db_url: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """The pairings table and the plan view show the report's columns and cells; the plan
        totals read as in ``studbook breeding-plan``."""
        pairs = markdown_tables(
            cli(capsys, fixture_db_url, "pairings", "--top", str(ROWS), "--format", "markdown")
        )[0]
        plan_text = cli(capsys, fixture_db_url, "breeding-plan", "--format", "table")
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f4", PairingsScreen)
            ui = shown_table(screen.query_one(DataTable))
            await pilot.press("p")
            await settle(app, pilot)
            assert screen.view is not None and screen.view.filter.plan
            totals = str(screen.query_one("#plan-totals", Static).render())
        # the female cell carries the contraception mark; the institutions are plain text
        assert same_columns(ui, pairs, {"Female", "Inst ♂", "Inst ♀"}) >= 7
        assert "ΔGD (×10⁻⁴)" in ui[0] and "Offspring F" in ui[0]
        for line in totals.splitlines():
            for figure in line.split(": ", 1)[1].split(" · "):
                label, text = figure.rsplit(" ", 1)
                assert f"  {label}: {text}\n" in plan_text, figure

    async def test_releases(self, fixture_db_url: str, capsys: pytest.CaptureFixture[str]) -> None:
        """The release candidates table shows the release report's columns and cells."""
        report = markdown_tables(cli(capsys, fixture_db_url, "releases", "--format", "markdown"))
        app = make_app(fixture_db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f5", ReleasesScreen)
            ui = shown_table(screen.query_one(DataTable))
        assert same_columns(ui, report[0], set()) == len(ui[0])
