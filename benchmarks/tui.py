"""Benchmark the terminal UI on a generated 10,000-animal studbook.

Measures, headless (``App.run_test``): time from start until the animals table is filled,
until the population screen is drawn, and the latency of key presses handled while the
genetics are being recomputed. Prints a table.

Key latency is the time from the key event reaching the app until the table's cursor has
moved. (``Pilot.press`` is not a latency measure: it waits until the whole *process* is idle,
so any worker thread using CPU stretches it by up to two seconds.) The longest stall of the
event loop during the recompute is reported too.

Run: ``.venv/bin/python benchmarks/tui.py [N]``
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the
# ``tui`` package.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).parent.resolve()]

from textual import events  # noqa: E402
from textual.message import Message  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from db.importer import import_studbook  # noqa: E402
from db.migrate import upgrade  # noqa: E402
from db.session import make_engine, make_session_factory, session_scope  # noqa: E402
from studbook.synthetic import synthetic_studbook  # noqa: E402
from tui.app import make_app  # noqa: E402
from tui.messages import AnimalsLoaded, PopulationLoaded  # noqa: E402
from tui.screens.animals import AnimalsScreen  # noqa: E402


def build(directory: Path, n: int) -> str:
    csv = synthetic_studbook(n, seed=1).write_csv(directory / "synthetic.csv")
    url = f"sqlite:///{directory / 'bench.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(make_session_factory(engine)) as session:
        import_studbook(session, csv)
    engine.dispose()
    return url


async def measure(url: str) -> dict[str, float | str]:
    seen: dict[str, float] = {}
    start = time.perf_counter()

    def hook(message: Message) -> None:
        name = type(message).__name__
        if isinstance(message, AnimalsLoaded | PopulationLoaded) and name not in seen:
            seen[name] = time.perf_counter()

    app = make_app(url)
    results: dict[str, float | str] = {}
    async with app.run_test(size=(160, 48), message_hook=hook) as pilot:
        while "AnimalsLoaded" not in seen:
            await pilot.pause(0.01)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, AnimalsScreen)
        results["animals table shown (s)"] = seen["AnimalsLoaded"] - start
        results["rows in the table"] = str(len(screen.rows))
        await app.workers.wait_for_complete()
        # Key presses while the genetics recompute.
        stalls: list[float] = []
        stop = asyncio.Event()

        async def watch_loop() -> None:
            while not stop.is_set():
                t = time.perf_counter()
                await asyncio.sleep(0.005)
                stalls.append(time.perf_counter() - t - 0.005)

        watcher = asyncio.create_task(watch_loop())
        if app.store is not None:
            app.store.invalidate()
        app.refresh_genetics()
        table = screen.query_one(DataTable)
        latencies = []
        for key in ("down", "up") * 15:
            before = table.cursor_row
            t0 = time.perf_counter()
            app.post_message(events.Key(key, None))
            while table.cursor_row == before and time.perf_counter() - t0 < 10:
                await asyncio.sleep(0.001)
            latencies.append(time.perf_counter() - t0)
            await asyncio.sleep(0.05)  # a person presses a key every ~50 ms at most
        results["key latency during recompute, median (ms)"] = 1000 * statistics.median(latencies)
        results["key latency during recompute, max (ms)"] = 1000 * max(latencies)
        await app.workers.wait_for_complete()
        stop.set()
        await watcher
        results["longest event-loop stall during recompute (ms)"] = 1000 * max(stalls)
        await app.workers.wait_for_complete()
        t0 = time.perf_counter()
        await pilot.press("f3")
        while "PopulationLoaded" not in seen:
            await pilot.pause(0.01)
        results["population screen shown (s)"] = seen["PopulationLoaded"] - t0
        results["population screen from start (s)"] = seen["PopulationLoaded"] - start
    return results


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        url = build(Path(tmp), n)
        print(f"generated and imported {n} animals in {time.perf_counter() - t0:.1f} s")
        results = asyncio.run(measure(url))
    width = max(len(k) for k in results)
    print(f"{'measure':<{width}}  value")
    for key, value in results.items():
        shown = f"{value:.3f}" if isinstance(value, float) else value
        print(f"{key:<{width}}  {shown}")


if __name__ == "__main__":
    main()
