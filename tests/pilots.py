"""What the terminal-UI tests share: waiting until the app has nothing left to do."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot


async def settle(app: App[None], pilot: Pilot[None]) -> None:
    """Wait until every worker is done and the messages they posted are handled (workers may
    start workers, so a few rounds)."""
    for _ in range(4):
        await app.workers.wait_for_complete()
        await pilot.pause()
