"""Reading a studbook CSV from its bytes gives exactly the pedigree the row-by-row path gives."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from studbook.csvformat import StudbookTable, read_table, table_from_text
from studbook.dates import parse_partial_date
from studbook.errors import ImportValidationError, StudbookError, UnknownAnimalError
from studbook.kinship import kinship, mean_kinship
from studbook.pedigree import Pedigree, _from_plain, read_pedigree
from studbook.plaincsv import plain_columns, read_iso_dates
from studbook.release import ReleaseInputs, evaluate_release_group

HEADER = "id,sire,dam,sex,birth_date,birth_type,death_date,alive,location,founder,flags,notes"


def slow(path: Path) -> Pedigree:
    """The reference: the row path (text cells per row, then :meth:`Pedigree.from_table`)."""
    return Pedigree.from_table(read_table(path))


def assert_same(fast: Pedigree, ref: Pedigree) -> None:
    assert fast.ids == ref.ids
    assert all(type(i) is str for i in fast.ids)
    for name in ("sex", "sire", "dam", "alive", "founder", "hypothetical", "location"):
        a, b = getattr(fast, name), getattr(ref, name)
        assert a.dtype == b.dtype, name
        assert a.tolist() == b.tolist(), name
    for name in ("birth_date", "death_date"):
        assert np.array_equal(getattr(fast, name), getattr(ref, name), equal_nan=True), name
    for name in ("mult_sire", "mult_dam"):
        a, b = getattr(fast, name), getattr(ref, name)
        assert list(a) == list(b), name
        for k in a:
            assert a[k][0].tolist() == b[k][0].tolist() and a[k][1].tolist() == b[k][1].tolist()
    assert list(fast.flags) == list(ref.flags)
    assert all(fast.flags[k].tolist() == ref.flags[k].tolist() for k in fast.flags)
    assert fast.attributes == ref.attributes
    assert fast.generation.tolist() == ref.generation.tolist()


def read_both(tmp_path: Path, data: bytes, *, fast_path: bool = True) -> Pedigree:
    """Read ``data`` with :func:`read_pedigree` and check it against the reference."""
    path = tmp_path / "studbook.csv"
    path.write_bytes(data)
    columns = plain_columns(data, str(path))
    took_fast = columns is not None and _from_plain(columns) is not None
    assert took_fast is fast_path
    ped = read_pedigree(path)
    assert_same(ped, slow(path))
    return ped


def random_studbook(rng: random.Random, rows: int) -> str:
    """A valid studbook with every kind of cell, rows shuffled (parents after offspring too).

    Parents come from earlier animals of the right sex and birth years grow with the row, so
    that no rule is broken; :func:`corrupt` breaks one.
    """
    numeric = rng.random() < 0.5
    prefixes = ["A", "b", "0", "x.1", "LONG-NAME-"]
    ids = [str(k + 1) if numeric else rng.choice(prefixes) + f"{k:0{rng.randint(1, 4)}d}"
           for k in range(rows)]  # fmt: skip
    if not numeric and len({i.lstrip("0") for i in ids}) != rows:  # '00' and '0' would collide
        ids = [f"i{i}" for i in ids]
    sexes = [rng.choice(["M", "F", "F", "U"]) for _ in ids]
    lines = []
    for k, animal in enumerate(ids):
        cells = [animal]
        for wanted in ("MU", "F"):
            pool = [i for i, s in zip(ids[:k], sexes, strict=False) if s in wanted]
            r = rng.random()
            if k < 3 or r < 0.15 or len(pool) < 2:
                cells.append(rng.choice(["", "0", "UNK", "unk", "WILD", "wild", " UNK "]))
            elif r < 0.25:
                a, b = rng.sample(pool, 2)
                cells.append(rng.choice([f"{a}|{b}", f"{a}:0.25|{b}:0.75"]))
            else:
                cells.append(rng.choice(pool))
        sex = {"M": ["M", "m", "male"], "F": ["F", " f", "Female"], "U": ["U", ""]}[sexes[k]]
        year = 1950 + k
        dead = rng.random() < 0.25
        cells += [
            rng.choice(sex),
            rng.choice(["", f"{year}-04-05", f"{year}-12", f"{year}"]),
            rng.choice(["", "C", "wild", "captive", "U"]),
            "2020-01-02" if dead else "",
            rng.choice(["", "0", "N"] if dead else ["", "1", "0", "yes", "N"]),
            rng.choice(["", "ZOO1", "Zürich", "REGION123456", " PRAGUE "]),
            rng.choice(["", "", "1", "0"]),
            rng.choice(["", "", "b;a", "a", " a ; c ", ";"]),
            rng.choice(["", "note", "naïve\u00a0", "\u3000x"]),
        ]
        lines.append(",".join(cells))
    order = list(range(rows))
    rng.shuffle(order)
    body = [lines[k] for k in order]
    for _ in range(rng.randint(0, 3)):
        body.insert(rng.randint(0, len(body)), rng.choice(["", "  ", "\t"]))
    return "\n".join([HEADER, *body]) + rng.choice(["", "\n"])


class TestBytePath:
    """The vectorised reader agrees with the row-by-row reader, cell for cell."""

    @pytest.mark.parametrize("seed", range(40))
    def test_random_round_trip(self, tmp_path: Path, seed: int) -> None:
        """Random studbooks: numeric and text ids, MULT, WILD, UNK, blank lines, any order."""
        rng = random.Random(seed)
        text = random_studbook(rng, rng.randint(5, 60))
        if seed % 3 == 0:
            text = text.replace("\n", "\r\n")
        data = text.encode("utf-8")
        if seed % 4 == 0:
            data = b"\xef\xbb\xbf" + data
        read_both(tmp_path, data)

    def test_leading_zero_ids_are_text(self, tmp_path: Path) -> None:
        """``0042`` is matched by its text; ``0`` in a parent cell is an unknown parent."""
        ped = read_both(tmp_path, b"id,sire,dam,sex\n0042,,,M\n43,,,F\n7,0042,43,F\n8,0,43,M\n")
        assert ped.sire.tolist() == [-1, -1, 0, -1]

    def test_wide_text_ids(self, tmp_path: Path) -> None:
        """Ids longer than eight bytes are matched by their full text."""
        ped = read_both(
            tmp_path,
            b"id,sire,dam,sex\nLEOPARD-0001,,,M\nLEOPARD-0002,,,F\nLEOPARD-0003,LEOPARD-0001,"
            b"LEOPARD-0002,F\nLEOPARD-00011,LEOPARD-0001,LEOPARD-0003,M\n",
        )
        assert ped.dam.tolist() == [-1, -1, 1, 2]

    def test_extra_columns_and_crlf(self, tmp_path: Path) -> None:
        """Unknown columns are kept as text; CRLF line ends are not part of the last cell."""
        ped = read_both(tmp_path, b"ID,Sire,Dam,Sex,weight\r\nA,,,M,12\r\nB,A,,F, 9 \r\n")
        assert ped.attributes == {"weight": ["12", "9"]}

    @pytest.mark.parametrize(
        "data",
        [
            b'id,sire,dam,sex\nA,,,M\nB,A,,"F"\n',  # quotes: the csv module reads them
            b"id,sire,dam,sex\nA,,,M\rB,A,,F\n",  # a lone carriage return
            b"id,sire,dam,sex,notes\nA,,,M,\xff\n",  # not UTF-8
        ],
    )
    def test_other_files_take_the_row_path(self, tmp_path: Path, data: bytes) -> None:
        """Files the byte reader cannot take are read (or refused) by the row path."""
        path = tmp_path / "studbook.csv"
        path.write_bytes(data)
        assert plain_columns(data, str(path)) is None
        try:
            expected = slow(path)
        except StudbookError as exc:
            with pytest.raises(type(exc), match="not UTF-8"):
                read_pedigree(path)
        else:
            assert_same(read_pedigree(path), expected)


ERRORS = [
    ("A,,,M\nB,A,,F\nC,Z,,F\n", "studbook.csv:4: error: field 'sire': sire 'Z' is neither"),
    ("A,,,M\n\nB,,,F\nC,A|B:0.5,,F\n", "studbook.csv:5: error: field 'sire': give a probab"),
    ("A,,,M\nB,,,M\nC,A:0.6|B:0.6,,F\n", "studbook.csv:4: error: field 'sire': MULT probab"),
    ("A,,,M\nB,,,F\nA,,,F\n", "studbook.csv:4: error: field 'id': studbook id 'A' is already"),
    ("A,,,M\nB,A,A,F\n", "studbook.csv:3: error: field 'dam': 'A' is both sire and dam"),
    ("A,,,M\nB,,,X\n", "studbook.csv:3: error: field 'sex': 'X' is not a sex code"),
    ("A,,,M\nB,,,F,,,,,\n", "studbook.csv:3: error: field '(row)': has 9 cells"),
    ("A,,,F\nB,A,,M\n", "studbook.csv:3: error: field 'sire': sire 'A' is female"),
    ("A,,,M\nB,,A,M\n", "studbook.csv:3: error: field 'dam': dam 'A' is male"),
    ("A,,,M\nB,,,M\nC,A|B,A,M\n", "studbook.csv:4: error: field 'dam': 'A' is both"),
    ("A,,,M\nB,,,M\nC,,A|B,M\n", "studbook.csv:4: error: field 'dam': MULT dam candidate 'A'"),
    ("X,,,U\nA,,,M\nB,,,F\nC,X,B,F\nD,A,X,M\n", "studbook.csv:6: error: field 'dam': 'X' is dam"),
    ("A,,,M,2005\nB,A,,F,2001\n", "studbook.csv:3: error: field 'sire': sire 'A' was born 2005"),
    ("A,,,M,,wombat\n", "studbook.csv:2: error: field 'birth_type': 'wombat' is not captive"),
    ("A,,,M,2001-13-01\n", "studbook.csv:2: error: field 'birth_date': '2001-13-01' is not a real"),
    ("A,,,M,,,2001-02-30\n", "studbook.csv:2: error: field 'death_date': '2001-02-30' is not"),
    ("A,,,M,2001-02-01T00\n", "studbook.csv:2: error: field 'birth_date': '2001-02-01T00' is no"),
    ("A,,,M,,,,maybe\n", "studbook.csv:2: error: field 'alive': 'maybe' is not yes/no"),
    ("A,,,F,,,2000\nB,,A,M,2001\n", "studbook.csv:3: error: field 'dam': dam 'A' died 2000"),
    ("A,,,F,2003,,2000\n", "studbook.csv:2: error: field 'death_date': death date 2000 is befo"),
    ("A,,,F,,,2000,1\n", "studbook.csv:2: error: field 'alive': marked alive but has a death"),
    ("7,,,M\n007,,,F\n", "studbook.csv:3: error: field 'id': studbook id '007' and '7'"),
    ("0,,,M\n", "studbook.csv:2: error: field 'id': studbook id '0' is how sire and dam"),
    ("T,,,M\nwild,,,F\n", "studbook.csv:3: error: field 'id': studbook id 'wild' is how"),
    ("A|B,,,M\n", "studbook.csv:2: error: field 'id': studbook id 'A|B' contains '|'"),
    (
        "A,C,,M\nB,A,,F\nC,B,,M\n",
        "studbook.csv:2: error: field 'sire': pedigree loop: 'A' is its own ancestor ('A' (line 2)"
        " has sire 'C', 'C' (line 4) has sire 'B', 'B' (line 3) has sire 'A')",
    ),
]


class TestFromCells:
    """``Pedigree.from_cells`` reads its columns as the same CSV file would be read."""

    @pytest.mark.parametrize("seed", range(8))
    def test_same_as_the_table(self, seed: int, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr("studbook.pedigree.SMALL", 0)  # the byte path even for a few rows
        rng = random.Random(seed)
        table = table_from_text(random_studbook(rng, rng.randint(5, 40)), "cells.csv")
        cols = table.columns
        if seed % 2:  # a comma in a cell: the byte reader cannot take it, the row path does
            cols["location"] = [c.replace("ZOO1", "ZOO, 1") for c in cols["location"]]
        names = ["id", "sire", "dam", "sex", "birth_date", "death_date", "location", "notes"]
        ped = Pedigree.from_cells(
            cols["id"], cols["sire"], cols["dam"], cols["sex"],
            birth_date=cols["birth_date"], death_date=cols["death_date"],
            location=cols["location"], attributes={"notes": cols["notes"]}, source="cells.csv",
            lines=table.lines,
        )  # fmt: skip
        subset = StudbookTable("cells.csv", {n: cols[n] for n in names}, table.lines, names)
        assert_same(ped, Pedigree.from_table(subset))


class TestBytePathErrors:
    """Every rule the byte path checks with numpy is refused there and reported by the row path."""

    @pytest.mark.parametrize(("body", "message"), ERRORS)
    def test_same_error_as_the_row_path(self, tmp_path: Path, body: str, message: str) -> None:
        """The error (text, line numbers included) is the row path's, and names the line."""
        data = f"id,sire,dam,sex,birth_date,birth_type,death_date,alive\n{body}".encode()
        data = b"\n".join(row + b"," * (7 - row.count(b",")) if row else row
                          for row in data.split(b"\n"))  # fmt: skip
        path = tmp_path / "studbook.csv"
        path.write_bytes(data)
        columns = plain_columns(data, str(path))
        assert columns is None or _from_plain(columns) is None
        with pytest.raises(ImportValidationError) as expected:
            slow(path)
        with pytest.raises(ImportValidationError) as got:
            read_pedigree(path)
        assert str(got.value) == str(expected.value)
        assert message in str(got.value).replace(str(tmp_path) + "/", "")

    def test_missing_file_says_it_is_missing(self, tmp_path: Path) -> None:
        """A file that is not there is named as missing; nothing suggests a write."""
        with pytest.raises(ImportValidationError, match="the file is missing") as got:
            read_pedigree(tmp_path / "amur.csv")
        assert "written" not in str(got.value)


class TestIdLookup:
    """``Pedigree.indices`` by number (ids read as canonical numbers) and by text agree."""

    def test_numeric_table_matches_text_lookup(self, tmp_path: Path) -> None:
        path = tmp_path / "n.csv"
        path.write_text("id,sire,dam,sex\n10,,,M\n2,,,F\n31,10,2,M\n1,,,F\n")
        ped = read_pedigree(path)
        assert ped.numeric_ids is not None
        by_text = dataclasses.replace(ped, numeric_ids=None)
        wanted = ["31", "1", "10", "2", "31"]
        assert ped.indices(wanted).tolist() == by_text.indices(wanted).tolist() == [2, 3, 0, 1, 2]
        for absent in (["031"], ["3"], ["+2"], ["2 "], ["٣"], ["99999999999999999999"], ["0"]):
            with pytest.raises(UnknownAnimalError) as caught:
                ped.indices(["2", *absent])
            assert list(caught.value.ids) == absent

    def test_text_ids_keep_text_lookup(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_text("id,sire,dam,sex\n7,,,M\n008,,,F\nA1,7,008,M\n")
        ped = read_pedigree(path)
        assert ped.numeric_ids is None
        assert ped.indices(["008", "7", "A1"]).tolist() == [1, 0, 2]

    def test_integer_ids_are_their_decimal_text(self, tmp_path: Path) -> None:
        """``kinship(ped, 1, 2)``: an int names the id written in decimal, on both lookups."""
        text = tmp_path / "t.csv"
        text.write_text("id,sire,dam,sex\n1,,,M\n2,,,F\n3,1,2,M\n04,1,2,F\n")
        numbers = tmp_path / "n.csv"
        numbers.write_text("id,sire,dam,sex\n1,,,M\n2,,,F\n3,1,2,M\n5,1,2,F\n")
        for path, last in ((text, "04"), (numbers, "5")):
            ped = read_pedigree(path)
            assert (ped.numeric_ids is None) is (path == text)
            assert ped.indices([3, np.int64(1), last]).tolist() == [2, 0, 3]
            assert ped.indices(2).tolist() == [1]
            assert kinship(ped, 3, last) == kinship(ped, "3", last) == 0.25
            assert mean_kinship(ped, [1, 2]) == mean_kinship(ped, ["1", "2"])
            with pytest.raises(UnknownAnimalError, match="'4'"):
                ped.indices([4])
        kin = np.array([[4, 2, 1, 1], [2, 4, 2, 2], [1, 2, 4, 2], [1, 2, 2, 4]]) / 8
        inputs = ReleaseInputs.from_arrays(["1", "2", "3", "4"], kin, kin.mean(axis=1), n=4,
                                           mean_mk=kin.mean())  # fmt: skip
        assert evaluate_release_group(inputs, [4, 1]) == evaluate_release_group(inputs, ["4", "1"])
        for wrong in (1.0, True, None):
            with pytest.raises(TypeError, match="text or an integer"):
                ped.indices([wrong])  # type: ignore[list-item]


class TestDateColumn:
    """The compiled date reader agrees with ``parse_partial_date`` on every cell it reads."""

    def test_twin_of_parse_partial_date(self) -> None:
        rng = random.Random(3)
        cells = ["", "2001", "2001-02", "2000-02-29", "1900-02-29", "2001-02-29", "0000",
                 "0001-01-01", "2001-13", "2001-00", "2001-1", "2001-4-05", "9999-12-31",
                 "20010101", "2001-02-3x", "x001", "2001/02/03", "-001", "２００１"]  # fmt: skip
        for _ in range(3000):
            y, m, d = rng.randint(0, 9999), rng.randint(0, 13), rng.randint(0, 32)
            cells.append(rng.choice([f"{y:04d}", f"{y:04d}-{m:02d}", f"{y:04d}-{m:02d}-{d:02d}"]))
        encoded = [c.encode("utf-8") for c in cells]
        ends = np.cumsum([len(e) for e in encoded]).astype(np.int64)
        starts = ends - np.array([len(e) for e in encoded], np.int64)
        data = np.frombuffer(b"".join(encoded), np.uint8)
        first, last, read = read_iso_dates(data, starts, ends)
        for cell, a, b, ok in zip(cells, first, last, read.tolist(), strict=True):
            try:
                date = parse_partial_date(cell)
            except ValueError:
                assert not ok, cell  # left to parse_partial_date, which words the error
                continue
            if not ok:
                assert cell in ("2001-1", "2001-4-05", "２００１"), cell  # spellings it also takes
            elif date is None:
                assert np.isnat(a) and np.isnat(b)
            else:
                assert (a, b) == (np.datetime64(date.value), np.datetime64(date.latest)), cell
        assert int(read.sum()) > 1500
