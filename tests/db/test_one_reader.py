"""``studbook.read_pedigree``, ``studbook validate`` and ``studbook import`` read a pedigree CSV
with one interpreter and one set of rules: what one refuses, all refuse, with the same words."""

from __future__ import annotations

from pathlib import Path

import pytest
from refusals import errors, refused_alike
from sqlalchemy.orm import Session, sessionmaker

from db.importer import check_studbook
from studbook import read_pedigree
from studbook.errors import ImportValidationError

HEADER = "id,sire,dam,sex,birth_date,birth_type,death_date,alive\n"

# The cases of issue #9 that read_pedigree used to accept, then the other rules.
REFUSED = {
    "female_sire": ("A,,,F,,,,\nB,A,,M,,,,\n", 3, "sire", "sire 'A' is female"),
    "male_dam": ("A,,,M,,,,\nB,,A,F,,,,\n", 3, "dam", "dam 'A' is male"),
    "sire_of_one_dam_of_another": (
        "X,,,U,,,,\nS,,,M,,,,\nD,,,F,,,,\nA,X,D,M,,,,\nB,S,X,F,,,,\n",
        6,
        "dam",
        "'X' is dam of 'B' and sire of 'A' on line 5",
    ),
    "parent_born_after_offspring": (
        "A,,,M,2005,,,\nB,A,,F,2001,,,\n",
        3,
        "sire",
        "sire 'A' was born 2005, after this animal (born 2001)",
    ),
    "birth_type_wombat": ("A,,,M,,wombat,,\n", 2, "birth_type", "'wombat' is not captive"),
    "bad_date_names_its_line": ("A,,,M,1990,,,\nB,,,F,1990-02-30,,,\n", 3, "birth_date", "real"),
    "loop_names_its_lines": (
        "A,B,,M,,,,\nB,A,,M,,,,\n",
        2,
        "sire",
        "'A' (line 2) has sire 'B', 'B' (line 3) has sire 'A'",
    ),
    "mult_candidate_of_wrong_sex": (
        "A,,,M,,,,\nB,,,F,,,,\nC,A|B,,M,,,,\n",
        4,
        "sire",
        "MULT sire candidate 'B' is female",
    ),
    "dam_dead_before_birth": ("A,,,F,,,2000,\nB,,A,M,2001,,,\n", 3, "dam", "dam 'A' died 2000"),
    "alive_with_death_date": ("A,,,F,,,2000,1\n", 2, "alive", "marked alive but has a death"),
    "same_number_twice": ("7,,,M,,,,\n007,,,F,,,,\n", 3, "id", "'007' and '7'"),
    "id_read_as_unknown": ("UNK,,,M,,,,\n", 2, "id", "is how sire and dam cells write"),
    "missing_parent": ("A,Z,,M,,,,\n", 2, "sire", "sire 'Z' is neither in this file"),
}


@pytest.mark.parametrize(("rows", "line", "field", "words"), REFUSED.values(), ids=list(REFUSED))
def test_refused_by_every_reader_with_the_same_message(
    factory: sessionmaker[Session],
    tmp_path: Path,
    rows: str,
    line: int,
    field: str,
    words: str,
) -> None:
    """read_pedigree (byte path and csv-module path), validate and import give the same errors."""
    plain = tmp_path / "amur.csv"
    plain.write_text(HEADER + rows, encoding="utf-8")
    quoted = tmp_path / "quoted.csv"  # quotes send read_pedigree through the csv module
    quoted.write_text(HEADER.replace("id", '"id"', 1) + rows, encoding="utf-8")
    read, imported = refused_alike(factory, plain, quoted, line, field, words)
    assert "nothing was written" not in str(read)
    assert "nothing was written" in str(imported)


def test_missing_file_is_named_missing_by_every_reader(tmp_path: Path) -> None:
    """No reader talks about writing when the file is simply not there."""
    path = tmp_path / "amur.csv"
    with pytest.raises(ImportValidationError) as read:
        read_pedigree(path)
    validated = check_studbook(None, path).problems
    assert errors(read.value.problems) == errors(validated)
    assert f"{path}: error: field '(file)': the file is missing" in str(read.value)
    assert "written" not in str(read.value)
