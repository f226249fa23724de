"""Assumption sets in the database and on the command line (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import FIXTURE, run
from sqlalchemy import Engine, func, select, text
from sqlalchemy.orm import Session, sessionmaker

from db.assumptions import (
    add_assumption,
    add_hypothetical,
    create_set,
    delete_set,
    load_assumption_sets,
    remove_hypothetical,
    use_set,
)
from db.audit import history
from db.importer import import_studbook
from db.models import AssumptionRow, AssumptionSetRow, AuditLog, HypotheticalAnimalRow
from db.repository import load_records, load_studbook
from db.session import session_scope
from studbook.assumptions import AssumptionError
from studbook.parents import format_parent

ANIMALS = (
    "id,sire,dam,sex,birth_date,alive\nA,,,M,1990,0\nB,,,F,1990,0\nC,,B,M,1995,1\nD,,B,F,1995,1\n"
)

# Animals 14 and 15 of the fixture: one litter of dam 3 (1970) with an UNK sire; 109 (living
# descendants) has a MULT sire, 53 or 38.
SETS = (
    "set,id,field,value,note\n"
    "litters,,set,,one sire per litter\n"
    "litters,H9,hypothetical,M,the 1970 litter's one sire\n"
    "litters,109,sire,53,53 was with the dam\n"
    "litters,14,sire,H9,litter mates\n"
    "litters,15,sire,H9,litter mates\n"
)


@pytest.fixture
def small(factory: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    path = tmp_path / "small.csv"
    path.write_text(ANIMALS, encoding="utf-8")
    with session_scope(factory, write=True) as session:
        import_studbook(session, path)
    return factory


def _counts(factory: sessionmaker[Session]) -> tuple[int, int, int]:
    with factory() as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(m)) or 0
            for m in (AssumptionSetRow, AssumptionRow, HypotheticalAnimalRow)
        )


class TestStore:
    """Sets are stored apart from the record, loaded with the studbook and audited."""

    def test_store_load_and_audit(self, small: sessionmaker[Session]) -> None:
        """A hypothetical sire for the litter C, D: stored with the record's UNK beside it,
        loaded with the studbook; the record's animals unchanged; every row audited."""
        with session_scope(small, write=True) as session:
            before = load_records(session)
            create_set(session, "sibs", "C and D share a sire")
            add_hypothetical(session, "sibs", "H1", "M", "their sire")
            add_assumption(session, "sibs", "C", "sire", "H1", "litter")
            add_assumption(session, "sibs", "D", "sire", "H1")
        with small() as session:
            book = load_studbook(session)
            assert load_records(session) == before
            rows = history(session, "sibs")
        (chosen,) = book.assumption_sets.values()
        assert [(a.animal_id, a.field, a.true_value, a.assumed) for a in chosen.assumptions] == [
            ("C", "sire", "UNK", "H1"),
            ("D", "sire", "UNK", "H1"),
        ]
        assert [(h.id, h.sex, h.note) for h in chosen.hypotheticals] == [("H1", "M", "their sire")]
        assert "H1" not in book.records
        assert sorted(r.table_name for r in rows if r.action == "insert") == [
            "assumption",
            "assumption",
            "assumption_set",
            "hypothetical_animal",
        ]

    def test_refusal_writes_nothing(self, small: sessionmaker[Session]) -> None:
        """A female sire is refused naming the animal and field; the transaction leaves no row."""
        refused = pytest.raises(AssumptionError, match=r"animal 'C', field 'sire': sire 'B' is fem")
        with refused, session_scope(small, write=True) as session:
            create_set(session, "bad")
            add_assumption(session, "bad", "C", "sire", "B")
        assert _counts(small) == (0, 0, 0)

    def test_replace_remove_and_delete(self, small: sessionmaker[Session]) -> None:
        """A second assumption for a field replaces the first (audited as an update); a named
        hypothetical cannot go; a set in use cannot be deleted; deleting takes its rows."""
        with session_scope(small, write=True) as session:
            create_set(session, "s")
            add_hypothetical(session, "s", "H1", "M")
            add_assumption(session, "s", "C", "birth_date", "1995-03")
            add_assumption(session, "s", "C", "birth_date", "1995-04", "scan")
            add_assumption(session, "s", "C", "sire", "H1")
            use_set(session, "s")
        with small() as session:
            (chosen,) = load_assumption_sets(session)
            updates = [r for r in history(session, "s") if r.action == "update"]
        assert [(a.field, a.assumed) for a in chosen.assumptions] == [
            ("birth_date", "1995-04"),
            ("sire", "H1"),
        ]
        assert {(r.field, r.old_value, r.new_value) for r in updates} >= {
            ("assumed_value", "1995-03", "1995-04")
        }
        named = pytest.raises(AssumptionError, match="'H1' is named by C sire")
        with named, session_scope(small, write=True) as session:
            remove_hypothetical(session, "s", "H1")
        in_use = pytest.raises(AssumptionError, match="is the one the analyses use")
        with in_use, session_scope(small, write=True) as session:
            delete_set(session, "s")
        with session_scope(small, write=True) as session:
            use_set(session, "none")
            delete_set(session, "s")
        assert _counts(small) == (0, 0, 0)

    def test_renamed_animal_carries_its_assumptions(
        self, small: sessionmaker[Session], engine: Engine
    ) -> None:
        """Assumptions follow a studbook id that is replaced (ON UPDATE CASCADE)."""
        with session_scope(small, write=True) as session:
            create_set(session, "s")
            add_assumption(session, "s", "C", "birth_date", "1995-03")
        with engine.begin() as connection:
            connection.execute(text("UPDATE animal SET studbook_id = 'C2' WHERE studbook_id = 'C'"))
        with small() as session:
            (chosen,) = load_assumption_sets(session)
        assert chosen.assumptions[0].animal_id == "C2"

    def test_direct_sql_is_audited_on_postgresql(
        self, small: sessionmaker[Session], engine: Engine
    ) -> None:
        """A set inserted with plain SQL reaches the audit log through migration 0006's
        trigger on PostgreSQL (SQLite has none)."""
        with engine.begin() as connection:
            connection.execute(text("INSERT INTO assumption_set (name, note) VALUES ('x', '')"))
        with small() as session:
            rows = list(session.scalars(select(AuditLog).where(AuditLog.who.startswith("sql:"))))
        expected = (
            [("insert", "assumption_set", "x")] if engine.dialect.name == "postgresql" else []
        )
        assert [(r.action, r.table_name, r.row_key) for r in rows] == expected


@pytest.fixture
def with_litters(loaded: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> str:
    """The Amur leopard fixture (``loaded`` of the conftest) with the set 'litters' stored."""
    sets = tmp_path / "sets.csv"
    sets.write_text(SETS, encoding="utf-8")
    code, _, err = run(capsys, "--db", loaded, "assumptions", "import", str(sets))
    assert code == 0 and "imported 1 assumption set: litters" in err, err
    return loaded


def _figures(out: str) -> dict[str, object]:
    sections = json.loads(out)["sections"]
    return {row["figure"]: row["value"] for s in (sections[0], sections[2]) for row in s["rows"]}


class TestCommandLine:
    """studbook assumptions ..., --assumptions and the record's round trip."""

    def test_set_changes_the_analyses_not_the_record(
        self, with_litters: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """With the set in use the summary names it and its figures move; the CSV export is the
        true record: export, import into a new database, export again gives the same bytes."""
        args = ("--db", with_litters, "summary", "--census-date", "2026-01-01", "--format", "json")
        true = _figures(run(capsys, *args, "--assumptions", "none")[1])
        code, _, err = run(capsys, "--db", with_litters, "assumptions", "use", "litters")
        assert code == 0 and "now use assumption set 'litters'" in err
        code, out, _ = run(capsys, *args)
        assumed = _figures(out)
        assert (
            json.loads(out)["meta"]["parameters"]["pedigree"]
            == "true record + assumption set 'litters'"
        )
        assert true["pedigree"] == "true record (no assumptions)"
        assert assumed["mean_kinship"] != true["mean_kinship"]
        assert assumed["known_before"] == true["known_before"]
        assert true["certain"] <= true["known_before"]  # type: ignore[operator]
        first, second = tmp_path / "one.csv", tmp_path / "two.csv"
        assert run(capsys, "--db", with_litters, "export", str(first))[0] == 0
        other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
        assert run(capsys, "--db", other, "init")[0] == 0
        assert run(capsys, "--db", other, "import", str(first))[0] == 0
        assert run(capsys, "--db", other, "export", str(second))[0] == 0
        assert first.read_bytes() == second.read_bytes()
        assert "H9" not in first.read_text(encoding="utf-8")
        exported_rows = first.read_text(encoding="utf-8").splitlines()
        assert [r.split(",")[1] for r in exported_rows if r.startswith(("14,", "15,", "109,"))] == [
            "",
            "",
            "53|38",
        ]

    def test_every_analysis_names_the_pedigree(
        self, with_litters: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """pairings, breeding-plan, releases, age-pyramid and projection print the pedigree
        they rest on."""
        projection = ("projection", "--years", "3", "--ne-ratio", "0.3")
        for command in ("pairings", "breeding-plan", "releases", "age-pyramid", projection):
            words = (command,) if isinstance(command, str) else command
            code, out, err = run(capsys, "--db", with_litters, *words, "--assumptions", "litters")
            assert code == 0, err
            assert "pedigree: true record + assumption set 'litters'" in out

    def test_refusals_name_animal_and_field(
        self, with_litters: str, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """Bad assumptions exit 1 naming the animal and field; unknown sets are refused by
        use, by the setting and by --assumptions."""
        base = ("--db", with_litters, "assumptions")
        code, _, err = run(capsys, *base, "add", "litters", "15", "sire", "3")
        assert code == 1 and "animal '15', field 'sire': sire '3' is female" in err
        assert "nothing was changed" in err
        code, _, err = run(capsys, *base, "add", "litters", "nope", "dam", "3")
        assert code == 1 and "animal 'nope', field 'dam': the animal is not in" in err
        code, _, err = run(capsys, *base, "use", "other")
        assert (
            code == 1 and "no assumption set 'other' (the sets: hypothetical-sires, litters)" in err
        )
        code, _, err = run(
            capsys, "--db", with_litters, "settings", "set", "assumption_set", "other"
        )
        assert code == 1 and "no assumption set 'other'" in err
        code, _, err = run(capsys, "--db", with_litters, "summary", "--assumptions", "other")
        assert code == 5 and "no assumption set 'other'" in err

    def test_list_show_export(
        self, with_litters: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        """list marks the set in use; show puts the record's value beside each assumption;
        export writes a file that imports back to the same sets."""
        run(capsys, "--db", with_litters, "assumptions", "use", "litters")
        code, out, _ = run(capsys, "--db", with_litters, "assumptions", "list", "--format", "json")
        rows = {row["set"]: row for row in json.loads(out)["sections"][0]["rows"]}
        assert rows["litters"] == {
            "set": "litters",
            "in use": True,
            "assumptions": 3,
            "hypothetical animals": 1,
            "note": "one sire per litter",
        }
        assert rows["hypothetical-sires"]["in use"] is False  # the fixture's set, stored unused
        code, out, _ = run(capsys, "--db", with_litters, "assumptions", "show", "litters")
        assert code == 0
        assert any(line.split()[:4] == ["14", "sire", "UNK", "H9"] for line in out.splitlines())
        written = tmp_path / "back.csv"
        assert run(capsys, "--db", with_litters, "assumptions", "export", str(written))[0] == 0
        lines = written.read_text(encoding="utf-8").splitlines()
        assert [line for line in lines if not line.startswith("hypothetical-sires,")] == (
            SETS.splitlines()
        )
        fixture_set = (FIXTURE.parent / "amur_leopard_assumptions.csv").read_text(encoding="utf-8")
        assert sorted(line for line in lines if line.startswith("hypothetical-sires,")) == sorted(
            fixture_set.splitlines()[1:]
        )

    def test_applied_pedigree(self, with_litters: str) -> None:
        """The analysis pedigree has H9 as the litter's sire; the record keeps UNK."""
        from db.opening import open_studbook
        from db.session import make_session_factory
        from studbook.analysis import Analysis, AnalysisSettings

        with make_session_factory(open_studbook(with_litters))() as session:
            book = load_studbook(session)
        analysis = Analysis(book, AnalysisSettings(assumptions="litters"))
        assert format_parent(analysis.book.records["14"].sire) == "H9"
        assert format_parent(analysis.record_book.records["14"].sire) == "UNK"
