"""Nothing wrong gets in (issue #10): limits, control characters, the id alphabet and
impossible records are refused alike by ``read_pedigree``, ``validate``, ``import`` and the edit
services, with file, line and field; what is accepted exports and re-imports unchanged."""

from __future__ import annotations

import csv
import dataclasses
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from refusals import errors, refused_alike
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from db import migrate
from db.editing import edit_animal, record_event
from db.errors import InvalidEditError
from db.exporter import export_studbook_csv
from db.importer import check_studbook, import_studbook
from db.models import Animal
from db.repository import load_records
from db.session import make_engine, make_session_factory, session_scope
from studbook import read_pedigree
from studbook.dates import parse_partial_date
from studbook.errors import ImportValidationError
from studbook.events import EventCode
from studbook.limits import COLUMN_NAME_LENGTH, HOUSE_NAME_LENGTH, ID_LENGTH, id_problem
from studbook.status import studbook_sort_key

HEADER = "id,sire,dam,sex,birth_date,birth_type,death_date,alive,house_name,notes"

REFUSED = {
    "nul_in_house_name": ("A,,,M,,,,,Ada\x00,", 2, "house_name", "U+0000"),
    "long_house_name": (f"A,,,M,,,,,{'h' * 500},", 2, "house_name", "500 characters"),
    "long_id": (f"{'7' * 200},,,M,,,,,,", 2, "id", f"at most {ID_LENGTH}"),
    "escape_in_notes": ("A,,,M,,,,,,\x1b[31m", 2, "notes", "U+001B"),
    "del_in_notes": ("A,,,M,,,,,,a\x7f", 2, "notes", "U+007F"),
    "c1_in_house_name": ("A,,,M,,,,,a\x85b,", 2, "house_name", "U+0085"),
    "tab_inside_notes": ("A,,,M,,,,,,a\tb", 2, "notes", "U+0009"),
    "superscript_digit_id": ("7\u00b2,,,M,,,,,,", 2, "id", "U+00B2 SUPERSCRIPT TWO"),
    "zero_width_space_id": ("N1,,,M,,,,,,\nN\u200b1,,,F,,,,,,", 3, "id", "U+200B ZERO WIDTH"),
    "arabic_digit_id": ("\u0667,,,M,,,,,,", 2, "id", "ARABIC-INDIC DIGIT SEVEN"),
    "no_break_space_id": ("A\u00a01,,,M,,,,,,", 2, "id", "U+00A0 NO-BREAK SPACE"),
    "reserved_unk": ("unk,,,M,,,,,,", 2, "id", "an unknown parent"),
    "reserved_zero": ("0,,,M,,,,,,", 2, "id", "an unknown parent"),
    "reserved_wild": ("Wild,,,M,,,,,,", 2, "id", "a wild-born parent"),
    "birth_in_future": ("A,,,M,2099-01-01,,,,,", 2, "birth_date", "in the future"),
    "death_in_future": ("A,,,M,2000,,2099,0,,", 2, "death_date", "in the future"),
}


def quoted_row(row: str) -> str:
    """The same row with every cell quoted (sends readers through the csv module)."""
    return ",".join(f'"{cell}"' for cell in row.split(","))


class TestEveryReaderRefusesAlike:
    """read_pedigree (byte and csv paths), validate and import refuse with the same words."""

    @pytest.mark.parametrize(
        ("rows", "line", "field", "words"), REFUSED.values(), ids=list(REFUSED)
    )
    def test_refused(
        self,
        factory: sessionmaker[Session],
        tmp_path: Path,
        rows: str,
        line: int,
        field: str,
        words: str,
    ) -> None:
        """Each bad cell is an error naming file, line and field; nothing is written."""
        plain = tmp_path / "amur.csv"
        plain.write_text(f"{HEADER}\n{rows}\n", encoding="utf-8")
        quoted = tmp_path / "quoted.csv"
        quoted.write_text(
            "\n".join([HEADER, *map(quoted_row, rows.split("\n"))]) + "\n", encoding="utf-8"
        )
        refused_alike(factory, plain, quoted, line, field, words)
        with session_scope(factory) as session:
            assert session.scalar(select(func.count()).select_from(Animal)) == 0

    @pytest.mark.parametrize(("cell", "code"), [("a\rb", "U+000D"), ("a\nb", "U+000A")])
    def test_line_break_inside_quotes(
        self, factory: sessionmaker[Session], tmp_path: Path, cell: str, code: str
    ) -> None:
        """A quoted line break in a cell (which a CSV export would not quote back) is refused."""
        path = tmp_path / "amur.csv"
        path.write_bytes(f'{HEADER}\nA,,,M,,,,,,"{cell}"\n'.encode())
        with pytest.raises(ImportValidationError) as read:
            read_pedigree(path)
        with pytest.raises(ImportValidationError) as imported, session_scope(factory) as session:
            import_studbook(session, path)
        assert errors(read.value.problems) == errors(imported.value.problems)
        assert errors(check_studbook(None, path).problems) == errors(read.value.problems)
        assert f"{path}:2: error: field 'notes': notes contains {code}" in str(read.value)

    def test_long_column_name(self, factory: sessionmaker[Session], tmp_path: Path) -> None:
        """A 150-character extra column name is refused on the header line."""
        name = "c" * 150
        path = tmp_path / "amur.csv"
        path.write_text(f"id,sire,dam,sex,{name}\nA,,,M,x\n", encoding="utf-8")
        with pytest.raises(ImportValidationError) as read:
            read_pedigree(path)
        with pytest.raises(ImportValidationError) as imported, session_scope(factory) as session:
            import_studbook(session, path)
        assert errors(read.value.problems) == errors(imported.value.problems)
        assert f"{path}:1: error: field '{name}': column name has 150 characters" in str(read.value)
        assert f"at most {COLUMN_NAME_LENGTH}" in str(read.value)

    def test_longest_values_fit_both_backends(
        self, factory: sessionmaker[Session], tmp_path: Path
    ) -> None:
        """Values exactly at the limits are accepted and stored whole."""
        path = tmp_path / "amur.csv"
        animal_id = "7" * ID_LENGTH
        house = "h" * HOUSE_NAME_LENGTH
        path.write_text(f"{HEADER}\n{animal_id},,,M,,,,,{house},\n", encoding="utf-8")
        with session_scope(factory) as session:
            import_studbook(session, path)
        with session_scope(factory) as session:
            assert load_records(session)[0].house_name == house


EVENTS_HEADER = "id,date,event,institution,local_id,cause,notes"


class TestImpossibleEvents:
    """Events that cannot have happened are refused by validate and import alike."""

    @pytest.mark.parametrize(
        ("animal", "event", "field", "words"),
        [
            ("A,,,M,2000,,,1,,", "A,2010,death,,,,", "event", "record says alive=1"),
            ("A,,,M,2000,,,,,", "A,2099-05-01,transfer,TALLINN,,,", "date", "in the future"),
            ("A,,,M,2000,,,,,", "A,1999,transfer,TALLINN,,,", "date", "before the animal's"),
            ("A,,,M,2000,,2005,0,,", "A,2006,transfer,TALLINN,,,", "date", "after the animal's"),
            ("A,,,M,2000,,,,,", "A,2001,transfer,TALLINN,\x00,,", "local_id", "U+0000"),
            ("A,,,M,2000,,,,,", f"A,2001,death,,,{'c' * 101},", "cause", "101 characters"),
        ],
        ids=["death_while_alive", "future", "before_birth", "after_death", "nul", "long_cause"],
    )
    def test_refused(
        self,
        factory: sessionmaker[Session],
        tmp_path: Path,
        animal: str,
        event: str,
        field: str,
        words: str,
    ) -> None:
        """The event's line and field are named; nothing is written."""
        pedigree = tmp_path / "amur.csv"
        pedigree.write_text(f"{HEADER}\n{animal}\n", encoding="utf-8")
        events = tmp_path / "amur_events.csv"
        events.write_text(f"{EVENTS_HEADER}\n{event}\n", encoding="utf-8")
        validated = check_studbook(None, pedigree, events).problems
        with pytest.raises(ImportValidationError) as imported, session_scope(factory) as session:
            import_studbook(session, pedigree, events)
        assert errors(validated) == errors(imported.value.problems)
        assert f"{events}:2: error: field '{field}': " in str(imported.value)
        assert words in str(imported.value)


@pytest.fixture
def one_animal(factory: sessionmaker[Session], tmp_path: Path) -> sessionmaker[Session]:
    path = tmp_path / "amur.csv"
    path.write_text(f"{HEADER}\nA,,,M,2000,,,,,\n", encoding="utf-8")
    with session_scope(factory) as session:
        import_studbook(session, path)
    return factory


class TestEditsRefuseAlike:
    """The edit services apply the same text and date rules as a file."""

    @pytest.mark.parametrize(
        ("change", "field", "words"),
        [
            ({"house_name": "Ada\x00"}, "house_name", "U+0000"),
            ({"notes": "x\x9b2J"}, "notes", "U+009B"),
            ({"house_name": "h" * 500}, "house_name", "500 characters"),
            ({"birth_date": parse_partial_date("2099")}, "birth_date", "in the future"),
            ({"flags": ("bad\x07",)}, "flags", "U+0007"),
        ],
        ids=["nul", "c1", "long", "future", "flag"],
    )
    def test_edit_animal(
        self, one_animal: sessionmaker[Session], change: dict[str, object], field: str, words: str
    ) -> None:
        """edit_animal raises InvalidEditError naming the field."""
        with pytest.raises(InvalidEditError) as refused, session_scope(one_animal) as session:
            record = load_records(session, ["A"])[0]
            edit_animal(session, dataclasses.replace(record, **change))  # type: ignore[arg-type]
        assert f"field '{field}'" in str(refused.value)
        assert words in str(refused.value)

    def test_event_notes(self, one_animal: sessionmaker[Session]) -> None:
        """An event whose notes hold a control character is refused."""
        with pytest.raises(InvalidEditError) as refused, session_scope(one_animal) as session:
            record_event(
                session, "A", EventCode.DEATH, parse_partial_date("2010"), notes="\x1b]8;;x\x07"
            )
        assert "field 'notes'" in str(refused.value)
        assert "U+001B" in str(refused.value)


class TestIds:
    """The id alphabet and numeric sorting never meet a non-ASCII digit."""

    def test_sort_key_of_a_superscript(self) -> None:
        """A stored '7²' (from before the alphabet) sorts as text instead of crashing int()."""
        assert studbook_sort_key("7\u00b2") == (1, 0, "7\u00b2")

    @pytest.mark.parametrize("bad", [" A", "A ", ""])
    def test_no_space_at_the_ends(self, bad: str) -> None:
        """An edit cannot give an id a space at either end (a file's cells are stripped)."""
        assert id_problem(bad) is not None

    @pytest.mark.parametrize(
        "good", ["1", "T12", "N-1", "a_b", "1.2", "EAZA/7", "00", "William Darwin I"]
    )
    def test_alphabet_accepts(self, good: str) -> None:
        """ASCII letters, digits and - _ . / are ids."""
        assert id_problem(good) is None


# Hostile but storable text: quotes, commas, unicode, formula starts; no control characters.
_TEXT = st.text(
    st.characters(blacklist_categories=("Cc", "Cs"), blacklist_characters="\u2028\u2029"),
    max_size=30,
).map(lambda s: s.strip())
_HOSTILE = st.one_of(_TEXT, st.sampled_from(["=1+1", '"', '","', "a,b", "'", "@SUM(A1)", "é"]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(houses=st.lists(_HOSTILE, min_size=1, max_size=4), notes=_HOSTILE, extra=_HOSTILE)
def test_accepted_files_round_trip(
    tmp_path_factory: pytest.TempPathFactory, houses: list[str], notes: str, extra: str
) -> None:
    """Every accepted file exports and re-imports to the same records (real SQLite)."""
    folder = tmp_path_factory.mktemp("trip")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["id", "sire", "dam", "sex", "house_name", "notes", "remark"])
    for k, house in enumerate(houses):
        writer.writerow([f"A{k}", "", "", "M", house, notes, extra])
    source = folder / "in.csv"
    source.write_text(buffer.getvalue(), encoding="utf-8")
    first = _import(folder / "one.sqlite", source)
    if first is None:
        return  # refused: nothing to round-trip
    exported = folder / "out.csv"
    engine = make_engine(f"sqlite:///{folder / 'one.sqlite'}")
    try:
        with session_scope(make_session_factory(engine, user="t")) as session:
            export_studbook_csv(session, exported)
    finally:
        engine.dispose()
    assert _import(folder / "two.sqlite", exported) == first


def _import(database: Path, source: Path) -> list[object] | None:
    """The records after importing ``source`` into a new SQLite file; None when refused."""
    engine = make_engine(f"sqlite:///{database}")
    try:
        migrate.upgrade(engine)
        factory = make_session_factory(engine, user="t")
        try:
            with session_scope(factory) as session:
                import_studbook(session, source)
        except ImportValidationError:
            return None
        with session_scope(factory) as session:
            return [dataclasses.replace(r, line=None) for r in load_records(session)]
    finally:
        engine.dispose()
