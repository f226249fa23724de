"""The audit log records every change, with who made it, on both backends."""

from __future__ import annotations

import dataclasses
import threading

from sqlalchemy.orm import Session, sessionmaker
from testdata import FIXTURES

from db import audit
from db.editing import edit_animal
from db.errors import EditConflictError
from db.importer import import_studbook
from db.repository import animal_version, load_records
from db.session import current_user, session_scope


def loaded(factory: sessionmaker[Session]) -> sessionmaker[Session]:
    with session_scope(factory, write=True) as session:
        import_studbook(session, FIXTURES / "amur_leopard.csv")
    return factory


def note_updates(
    factory: sessionmaker[Session], animal: str
) -> list[tuple[str | None, str | None]]:
    with session_scope(factory) as session:
        rows = audit.history(session, animal, "animal")
        return [(r.old_value, r.new_value) for r in rows if r.field == "notes"]


class TestNotes:
    """A change of an animal's notes is logged with the old and the new text."""

    def test_notes_edit_is_logged(self, factory: sessionmaker[Session]) -> None:
        loaded(factory)
        with session_scope(factory, write=True) as session:
            version = animal_version(session, "2")
            record = load_records(session, ["2"])[0]
            changed = dataclasses.replace(record, notes="moved to the breeding centre")
            edit_animal(session, changed, expected_version=version)
        assert note_updates(factory, "2") == [
            (
                "Founder No. 2: North Chinese ancestry, not pure Amur",
                "moved to the breeding centre",
            )
        ]

    def test_an_unchanged_edit_logs_nothing_but_bumps_the_version(
        self, factory: sessionmaker[Session]
    ) -> None:
        loaded(factory)
        with session_scope(factory, write=True) as session:
            version = animal_version(session, "2")
            edit_animal(session, load_records(session, ["2"])[0], expected_version=version)
        with session_scope(factory) as session:
            assert animal_version(session, "2") == version + 1
            assert [r for r in audit.history(session, "2", "animal") if r.action == "update"] == []

    def test_the_winner_of_a_race_is_logged(self, factory: sessionmaker[Session]) -> None:
        """Ten editors change the same notes from the same version: one wins, and its edit is
        the one in the log; the others are refused."""
        loaded(factory)
        with session_scope(factory) as session:
            version = animal_version(session, "2")
            record = load_records(session, ["2"])[0]
        outcomes: dict[int, str] = {}

        def edit(k: int) -> None:
            try:
                with session_scope(factory, write=True) as session:
                    changed = dataclasses.replace(record, notes=f"note {k}")
                    edit_animal(session, changed, expected_version=version)
                outcomes[k] = "won"
            except EditConflictError:
                outcomes[k] = "refused"

        threads = [threading.Thread(target=edit, args=(k,)) for k in range(10)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [k for k, outcome in outcomes.items() if outcome == "won"]
        assert len(winners) == 1 and len(outcomes) == 10
        logged = note_updates(factory, "2")
        assert [new for _, new in logged] == [f"note {winners[0]}"]


class TestWho:
    """The author is the login name; a name given with --user is recorded beside it."""

    def test_login_name_with_the_given_name(self, factory: sessionmaker[Session]) -> None:
        loaded(factory)
        with session_scope(factory) as session:
            who = {r.who for r in audit.imports(session)}
        assert who == {f"{current_user()} as tester"}

    def test_login_name_alone(self, factory: sessionmaker[Session]) -> None:
        with session_scope(factory, write=True) as session:
            audit.set_user(session, current_user())
            import_studbook(session, FIXTURES / "amur_leopard.csv")
        with session_scope(factory) as session:
            assert {r.who for r in audit.imports(session)} == {current_user()}


class TestSoftware:
    """Every logged change names the program and version that made it."""

    def test_imports_and_edits_carry_the_version(self, factory: sessionmaker[Session]) -> None:
        from importlib.metadata import version

        loaded(factory)
        with session_scope(factory, write=True) as session:
            record = load_records(session, ["2"])[0]
            edit_animal(
                session,
                dataclasses.replace(record, notes="checked"),
                expected_version=animal_version(session, "2"),
            )
        with session_scope(factory) as session:
            rows = [*audit.imports(session), *audit.history(session, "2", "animal")]
        assert rows and {r.software for r in rows} == {f"studbook {version('studbook')}"}
