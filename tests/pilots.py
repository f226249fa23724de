"""What the terminal-UI tests share: waiting until the app has nothing left to do, and
pressing a button as a person would."""

from __future__ import annotations

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Button


async def settle(app: App[None], pilot: Pilot[None]) -> None:
    """Wait until every worker is done and the messages they posted are handled: at least four
    rounds (workers may start workers), then on while a round leaves a worker unfinished (a
    loaded machine hands a message on more slowly), at most 50 rounds."""
    for done in range(50):
        await app.workers.wait_for_complete()
        await pilot.pause()
        if done >= 3 and all(w.is_finished for w in app.workers):
            return


async def press_button(pilot: Pilot[None], selector: str) -> None:
    """Click the button ``selector`` once it can take a click: a Button ignores clicks for
    0.2 s after the last one (its "-active" flash), so a second click on the same button
    that a fast machine sends sooner would be lost."""
    button = pilot.app.screen.query_one(selector, Button)
    for _ in range(100):
        if not button.has_class("-active"):
            break
        await pilot.pause(0.05)
    await pilot.click(selector)
