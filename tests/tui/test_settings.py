"""The programme settings form, driven through the Pilot on a real SQLite studbook."""

from __future__ import annotations

from pilots import other_user, settle
from textual.message import Message
from textual.widgets import Button, Input, Label, Static, TabbedContent

from db.audit import history
from db.session import session_scope
from db.settings import save_settings, stored_settings
from studbook.settings import SETTING_GROUPS
from tui.app import make_app
from tui.messages import RecordSaved
from tui.screens.errors import ErrorModal
from tui.screens.settings import SettingsForm

SIZE = (150, 46)
CENSUS = "2024-01-01"


class TestSettingsForm:
    """F6 / the palette open the form; values are checked as typed, saved audited."""

    async def test_f6_shows_and_saves_a_setting(self, db_url: str) -> None:
        """The form shows the stored values; a refused value says why and blocks Save; a good
        one is saved (audited) and the analyses are recomputed."""
        messages: list[Message] = []
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE, message_hook=messages.append) as pilot:
            await settle(app, pilot)
            await pilot.press("f6")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, SettingsForm)
            assert form.query_one("#setting-release_age", Input).value == "1-4"  # as imported
            field = form.query_one("#setting-target_size", Input)
            assert field.value == "none"
            assert form.query_one("#save", Button).disabled  # nothing changed yet
            field.value = "eighty"
            await settle(app, pilot)
            error = str(form.query_one("#error-target_size", Static).render())
            assert "setting 'target_size': 'eighty' is not allowed; use a whole number" in error
            assert form.query_one("#save", Button).disabled
            field.value = "80"
            form.query_one("#setting-species", Input).value = "[b]Panthera[/b] pardus"
            await settle(app, pilot)
            assert not form.query_one("#save", Button).disabled
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert not isinstance(app.screen, SettingsForm)
            saved = [m for m in messages if isinstance(m, RecordSaved)]
            assert saved and saved[-1].action == "settings"
        with other_user(db_url)() as session:
            stored = stored_settings(session)
            assert stored["target_size"] == "80" and stored["release_age"] == "1-4"
            assert stored["species"] == "[b]Panthera[/b] pardus"  # typed text is data, not markup
            assert [r.action for r in history(session, "target_size")] == ["insert"]
            assert [r.action for r in history(session, "species")] == ["insert", "update"]

    async def test_palette_command_and_conflict(self, db_url: str) -> None:
        """The palette opens the form; a value changed elsewhere meanwhile is not overwritten."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("ctrl+p")
            await pilot.press(*"programme settings")
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, SettingsForm)
            with session_scope(other_user(db_url)) as session:
                save_settings(session, {"flagged_cap": "0.2"})
            form.query_one("#setting-flagged_cap", Input).value = "0.1"
            await settle(app, pilot)
            await pilot.press("ctrl+s")
            await settle(app, pilot)
            assert isinstance(app.screen, ErrorModal)
            assert "flagged_cap" in str(app.screen.query_one("#error-message", Static).render())
        with other_user(db_url)() as session:
            assert stored_settings(session)["flagged_cap"] == "0.2"


class TestSettingsLayout:
    """At 100×30 the settings come a group at a time, each group whole on the screen."""

    async def test_every_group_fits_100_by_30(self, db_url: str) -> None:
        """The first group holds species and breeding ages; page down shows each next group
        with every field, its label and Save on screen, and nothing to scroll."""
        app = make_app(db_url, census_date=CENSUS)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(app, pilot)
            await pilot.press("f6")
            await settle(app, pilot)
            form = app.screen
            assert isinstance(form, SettingsForm)
            screen_region = form.region
            box = form.query_one("#settings-box")
            for number, keys in enumerate(SETTING_GROUPS.values()):
                assert form.query_one(TabbedContent).active == f"group-{number}"
                await settle(app, pilot)
                assert box.max_scroll_y == 0
                for key in keys:
                    field = form.query_one(f"#setting-{key}", Input)
                    label = field.parent.query_one(Label)  # type: ignore[union-attr]
                    assert screen_region.contains_region(field.region), key
                    assert label.region.width >= len(str(label.render())), key
                assert screen_region.contains_region(form.query_one("#save", Button).region)
                assert app.focused is form.query_one(f"#setting-{keys[0]}", Input)
                help_text = str(form.query_one("#setting-help", Static).render())
                assert help_text.startswith(f"{keys[0]}: use ")
                await pilot.press("pagedown")
            assert form.query_one(TabbedContent).active == "group-0"
