"""Reading a studbook CSV from its bytes gives exactly the pedigree the row-by-row path gives."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from studbook.csvformat import plain_columns, read_table
from studbook.errors import StudbookError, UnknownAnimalError
from studbook.pedigree import Pedigree, _from_plain, read_pedigree

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
    """A studbook with every kind of cell, rows shuffled (parents after offspring too)."""
    numeric = rng.random() < 0.5
    prefixes = ["A", "b", "0", "x:1", "LONG-NAME-"]
    ids = [str(k + 1) if numeric else rng.choice(prefixes) + f"{k:0{rng.randint(1, 4)}d}"
           for k in range(rows)]  # fmt: skip
    lines = []
    for k, animal in enumerate(ids):
        cells = [animal]
        for _ in ("sire", "dam"):
            r = rng.random()
            if k < 3 or r < 0.15:
                cells.append(rng.choice(["", "0", "UNK", "unk", "WILD", "wild", " UNK "]))
            elif r < 0.25 and k > 3:
                a, b = rng.sample([i for i in ids[:k] if ":" not in i] or ["UNK", "WILD"], 2)
                cells.append(rng.choice([f"{a}|{b}", f"{a}:0.25|{b}:0.75"]))
            else:
                cells.append(rng.choice(ids[:k]))
        if cells[1] == cells[2] and cells[1] in ids:
            cells[2] = "UNK"
        if "|" in cells[1]:  # the dam must not be one of the possible sires
            cells[2] = rng.choice(["", "WILD"])
        cells += [
            rng.choice(["M", "F", "U", "", "m", " f"]),
            rng.choice(["", "2001-04-05", "1999-12", "1987"]),
            rng.choice(["", "C", "wild", "captive", "U"]),
            rng.choice(["", "", "", "2020-01-02"]),
            rng.choice(["", "1", "0", "yes", "N"]),
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

    def test_leading_zero_ids_are_other_animals(self, tmp_path: Path) -> None:
        """``0042`` and ``42`` are two animals; ``0`` as an id is an animal, not unknown."""
        ped = read_both(
            tmp_path, b"id,sire,dam,sex\n42,,,M\n0042,,,F\n0,,,M\n7,0042,42,F\n8,0,42,M\n"
        )
        assert ped.sire.tolist() == [-1, -1, -1, 1, 2]

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


class TestBytePathErrors:
    """Problems found on the byte path are reported by the row path, with their lines."""

    @pytest.mark.parametrize(
        ("body", "message"),
        [
            ("A,,,M\nB,A,,F\nC,Z,,F\n", "studbook.csv:4: sire of 'C' is not in the pedigree: 'Z'"),
            ("A,,,M\n\nB,,,F\nC,A|B:0.5,,F\n", "studbook.csv:5: sire of 'C': give a probability"),
            ("A,,,M\nB,,,M\nC,A:0.6|B:0.6,,F\n", "studbook.csv:4: MULT sire probabilities"),
            ("A,,,M\nB,,,F\nA,,,F\n", "duplicate studbook ids: A"),
            ("A,,,M\nB,A,A,F\n", "studbook.csv:3: 'B' has the same animal as sire and dam"),
            ("A,,,M\nB,,,X\n", "studbook.csv:3: sex of 'B': 'X' is not a sex code"),
            ("A,,,M\nB,,,F,\n", "studbook.csv:3: error: field '(row)': has 5 cells"),
            ("A,C,,M\nB,A,,F\nC,B,,M\n", "loop"),
        ],
    )
    def test_same_error_as_the_row_path(self, tmp_path: Path, body: str, message: str) -> None:
        """The error (type and text, line numbers included) is the row path's."""
        data = f"id,sire,dam,sex\n{body}".encode()
        path = tmp_path / "studbook.csv"
        path.write_bytes(data)
        with pytest.raises(StudbookError) as expected:
            slow(path)
        with pytest.raises(type(expected.value)) as got:
            read_pedigree(path)
        assert str(got.value) == str(expected.value)
        assert message in str(got.value).replace(str(tmp_path) + "/", "")


class TestIdLookup:
    """``Pedigree.indices`` by number (ids read as canonical numbers) and by text agree."""

    def test_numeric_table_matches_text_lookup(self, tmp_path: Path) -> None:
        path = tmp_path / "n.csv"
        path.write_text("id,sire,dam,sex\n10,,,M\n2,,,F\n31,10,2,M\n0,,,F\n")
        ped = read_pedigree(path)
        assert ped.numeric_ids is not None
        by_text = dataclasses.replace(ped, numeric_ids=None)
        wanted = ["31", "0", "10", "2", "31"]
        assert ped.indices(wanted).tolist() == by_text.indices(wanted).tolist() == [2, 3, 0, 1, 2]
        for absent in (["031"], ["3"], ["+2"], ["2 "], ["٣"], ["99999999999999999999"]):
            with pytest.raises(UnknownAnimalError) as caught:
                ped.indices(["2", *absent])
            assert list(caught.value.ids) == absent

    def test_text_ids_keep_text_lookup(self, tmp_path: Path) -> None:
        path = tmp_path / "t.csv"
        path.write_text("id,sire,dam,sex\n7,,,M\n007,,,F\nA1,7,007,M\n")
        ped = read_pedigree(path)
        assert ped.numeric_ids is None
        assert ped.indices(["007", "7", "A1"]).tolist() == [1, 0, 2]
