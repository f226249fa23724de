"""The demography screen (F7), driven through the Pilot."""

from __future__ import annotations

import math

from pilots import settle, show
from textual.message import Message

from db.session import make_engine, make_session_factory, session_scope
from db.settings import save_settings
from tui.app import make_app
from tui.messages import DemographyLoaded
from tui.screens.demography import DemographyScreen
from tui.widgets.charts import LineChart

SIZE = (150, 46)
CENSUS = "2024-01-01"


def _set(url: str, values: dict[str, str]) -> None:
    engine = make_engine(url)
    try:
        with session_scope(make_session_factory(engine, user="tester"), write=True) as session:
            save_settings(session, values)
    finally:
        engine.dispose()


class TestDemographyScreen:
    """Life tables, lambdas, census history and the GD projection on screen."""

    async def test_without_ne_ratio_the_screen_says_what_to_set(self, db_url: str) -> None:
        """F7 shows the window, the lambdas, the census chart; no Ne/N, no drift projection."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f7", DemographyScreen)
            assert screen.view is not None
            view = screen.view
            figures = dict(view.figures)
            assert "λ life table (females)" in figures and "λ projected, mean" in figures
            assert "Ne (individual rate of inbreeding)" in figures
            assert view.window.startswith("1990-05-01 to 2024-01-02")
            census = screen.query_one("#census-chart", LineChart)
            assert census.x[-1] == "2024" and census.y[-1] == 13  # the living on the census date
            assert "ne_ratio" in view.projection and len(view.gd) == view.observed
            assert view.life_tables[0][0].startswith("Life table, males")
            assert any(isinstance(m, DemographyLoaded) for m in messages)

    async def test_drift_then_simulation_band(self, db_url: str) -> None:
        """With Ne/N set, the chart continues into the drift projection; s adds the band."""
        _set(db_url, {"ne_ratio": "0.4", "target_size": "20"})
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = await show(app, pilot, "f7", DemographyScreen)
            assert screen.view is not None
            view = screen.view
            assert len(view.gd) == view.observed + 100 and view.band is None
            assert "drift projection" in view.projection
            await pilot.press("s")
            await settle(app, pilot)
            view = screen.view
            assert view is not None and view.band is not None
            low, high = view.band
            assert all(math.isnan(v) for v in low[: view.observed])
            assert all(
                a <= b
                for a, b in zip(low[view.observed :], high[view.observed :], strict=True)
                if not math.isnan(a)
            )
            chart = screen.query_one("#projection-chart", LineChart)
            assert chart.band is not None and "░" in "".join(
                str(line) for line in chart.render_lines_text(120, 11)
            )
