"""How a pedigree CSV is understood before it is checked: separator, columns, assumptions."""

from __future__ import annotations

from pathlib import Path

import pytest

from studbook.errors import ImportValidationError
from studbook.interpret import parse_mapping, read_understood
from studbook.pedigree import read_pedigree


def write(tmp_path: Path, text: str, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


class TestSeparator:
    """The separator is taken from the header line and said."""

    @pytest.mark.parametrize(("sep", "word"), [(";", "semicolon"), ("\t", "tab"), (",", "comma")])
    def test_detected_and_named(self, tmp_path: Path, sep: str, word: str) -> None:
        """A semicolon or tab file reads like a comma one, and the message names it."""
        text = sep.join(["id", "sire", "dam", "sex"]) + "\n" + sep.join(["A", "", "", "M"]) + "\n"
        table, understanding = read_understood(write(tmp_path, text))
        assert table.columns["id"] == ["A"] and table.columns["sex"] == ["M"]
        assert understanding.lines()[0].endswith(f"read as {word}-separated")

    def test_unknown_separator_gets_a_hint(self, tmp_path: Path) -> None:
        """A header that is one cell says the separator may be wrong, once per missing field."""
        with pytest.raises(ImportValidationError) as caught:
            read_understood(write(tmp_path, "id|sire|dam|sex\nA|||M\n"))
        assert all("separated by something else" in p.message for p in caught.value.problems)


class TestRecognisedColumns:
    """Common export columns and cell codes are read, and each translation is stated."""

    def test_birth_year_na_and_sex_digits(self, tmp_path: Path) -> None:
        """birth_year is a year-precision birth date, NA is empty, 1/2 are male/female."""
        path = write(tmp_path, "id,sire,dam,sex,birth_year\nA,NA,NA,1,1990\nB,A,NA,2,NA\n")
        table, understanding = read_understood(path)
        assert table.columns["birth_date"] == ["1990", ""]
        assert table.columns["sex"] == ["M", "F"]
        assert ("birth_year", "birth_date", "recognised") in understanding.mapped
        text = "\n".join(understanding.assumptions)
        assert "4 cells written NA" in text
        assert "1 read as male, 2 as female" in text
        assert "birth_year used as a year-precision birth date (1 animal)" in text
        assert "2 animals have no death date and no alive column: counted living" in text
        assert "1 animal has no birth date" in text

    def test_free_text_keeps_na(self, tmp_path: Path) -> None:
        """A house name or note written NA stays as written; only data cells are emptied."""
        path = write(tmp_path, "id,sire,dam,sex,house_name,notes\nA,NA,,M,NA,N/A\n")
        table, _ = read_understood(path)
        assert table.columns["sire"] == [""]
        assert (table.columns["house_name"], table.columns["notes"]) == (["NA"], ["N/A"])

    def test_read_pedigree_reads_the_same_way(self, tmp_path: Path) -> None:
        """read_pedigree gives the recognised columns the same meaning as import."""
        path = write(tmp_path, "id,sire,dam,sex,birth_year\nA,NA,NA,1,1990\nB,A,NA,2,NA\n")
        ped = read_pedigree(path)
        assert list(ped.sex) == ["M", "F"]
        assert str(ped.birth_date[0])[:4] == "1990"


class TestMapping:
    """--map COLUMN=FIELD is the user's word; alive-like flags are offered, never guessed."""

    def test_alive_flag_is_offered_not_applied(self, tmp_path: Path) -> None:
        """Without --map, alive_in_source stays an attribute and a hint names the option."""
        path = write(tmp_path, "id,sire,dam,sex,alive_in_source\nA,,,M,1\nB,,,F,\n")
        table, understanding = read_understood(path)
        assert "alive" not in table.columns and "alive_in_source" in understanding.attributes
        assert understanding.hints == [
            "column alive_in_source may say who is alive; if so, add --map alive_in_source=alive"
        ]

    def test_a_list_of_the_living_reads_empty_as_not_alive(self, tmp_path: Path) -> None:
        """A mapped column of only 1 and empty is a list of the living, and that is said."""
        path = write(tmp_path, "id,sire,dam,sex,alive_in_source,junk\nA,,,M,1,x\nB,,,F,,y\n")
        table, understanding = read_understood(
            path, parse_mapping(["alive_in_source=alive", "junk=ignore"])
        )
        assert table.columns["alive"] == ["1", "0"] and "junk" not in table.columns
        assert understanding.ignored == ["junk"]
        assert any("1 empty cell read as not alive" in a for a in understanding.assumptions)
        ped = read_pedigree(path, {"alive_in_source": "alive", "junk": "ignore"})
        assert list(ped.alive) == [True, False]

    def test_mapping_a_required_field(self, tmp_path: Path) -> None:
        """A file without an id column is read once --map names the column."""
        path = write(tmp_path, "number,sire,dam,sex\nA,,,M\n")
        with pytest.raises(ImportValidationError) as caught:
            read_understood(path)
        assert "--map COLUMN=id" in str(caught.value)
        table, _ = read_understood(path, {"number": "id"})
        assert table.columns["id"] == ["A"]

    @pytest.mark.parametrize(
        ("items", "message"),
        [(["alive"], "write --map COLUMN=FIELD"), (["x=lifespan"], "'lifespan' is not a field")],
    )
    def test_bad_option_is_named(self, items: list[str], message: str) -> None:
        """A malformed --map or an unknown field is an error naming the option."""
        with pytest.raises(ImportValidationError, match=message):
            parse_mapping(items)

    def test_absent_column_and_duplicate_field(self, tmp_path: Path) -> None:
        """--map of a column the file lacks, or two columns for one field, are errors."""
        path = write(tmp_path, "id,sire,dam,sex,gender\nA,,,M,M\n")
        with pytest.raises(ImportValidationError) as caught:
            read_understood(path, {"nope": "alive", "gender": "sex"})
        messages = [p.message for p in caught.value.problems]
        assert any("does not have" in m for m in messages)
        assert any("two columns give this field" in m for m in messages)
