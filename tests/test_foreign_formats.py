"""Reading the formats of other programs: SPARKS exchange DBF files, ZIMS publication exports
and PMx pedigree text files, each into the studbook's own records and events."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from dbfwriter import EXCHANGE, MOVES, animal, move, small_exchange, write_dbf
from testdata import BUNDLED

from studbook.dates import DatePrecision, PartialDate, parse_partial_date
from studbook.errors import ImportValidationError
from studbook.events import EventCode
from studbook.foreign import date_covering, detect_format, estimate_code, estimated_date
from studbook.formats import apply_corrections
from studbook.parents import ParentKind
from studbook.pmx import read_pmx
from studbook.records import BirthType
from studbook.sparks import read_sparks
from studbook.zims import parse_zims_date, parse_zims_parent, read_zims

ZIMS_SAMPLE = BUNDLED / "formats" / "zims_publication_sample.csv"


class TestDates:
    """Estimates of every format become the studbook's precisions."""

    @pytest.mark.parametrize(
        ("first", "last", "text", "covered"),
        [
            ("2001-05-12", "2001-05-12", "2001-05-12", True),
            ("2001-05-12", "2001-05-13", "2001-05", True),
            ("2001-05-12", "2001-11-22", "2001", True),
            ("1984-09-01", "1985-09-01", "1985", False),
        ],
    )
    def test_date_covering(self, first: str, last: str, text: str, covered: bool) -> None:
        """The finest exact/month/year date that covers a range, or the middle's year."""
        got = date_covering(date.fromisoformat(first), date.fromisoformat(last))
        assert (str(got[0]), got[1]) == (text, covered)

    @pytest.mark.parametrize("text", ["1999-07-13", "1999-07", "1999"])
    def test_estimate_codes_round_trip(self, text: str) -> None:
        """A date written as its first day and estimate code reads back the same."""
        value = parse_partial_date(text)
        assert value is not None
        assert estimated_date(value.value, estimate_code(value)) == value

    def test_sparks_year_estimate_and_bad_code(self) -> None:
        """Y keeps the year; an unknown code is refused."""
        assert estimated_date(date(1966, 1, 1), "Y") == PartialDate(
            date(1966, 1, 1), DatePrecision.YEAR
        )
        with pytest.raises(ValueError, match="estimate code"):
            estimated_date(date(1966, 1, 1), "Q")

    @pytest.mark.parametrize(
        ("text", "expected", "covered"),
        [
            ("13/Jul/1995", "1995-07-13", True),
            ("13/Jul/1995 +/- 3 day", "1995-07", True),
            ("15/Jun/1995 +/- 2 months", "1995", True),
            ("01/Mar/1985 +/- 6 month", "1985", False),
            ("~ from 24/Dec/2022 to 26/Dec/2022", "2022-12", True),
            ("~ from 24/Dec/2022 to 02/Jan/2023", "2022", False),
        ],
    )
    def test_zims_dates(self, text: str, expected: str, covered: bool) -> None:
        """ZIMS's exact dates, +/- estimates and from-to ranges."""
        value, ok = parse_zims_date(text)
        assert (str(value), ok) == (expected, covered)

    def test_zims_bad_date(self) -> None:
        with pytest.raises(ValueError, match="DD/Mon/YYYY"):
            parse_zims_date("1995-07-13")


class TestSparks:
    """EXCHANGE.DBF + MOVES.DBF as SPARKS wrote them (a tiny dBase writer makes them)."""

    def test_animals_parents_and_dates(self, tmp_path: Path) -> None:
        """Sex codes, estimate codes, DEAD, comments; wild placeholders stay distinct founders,
        and one shared by two animals becomes their common hypothetical wild sire."""
        reading = read_sparks(small_exchange(tmp_path))
        assert reading.problems == []
        by_id = {r.id: r for r in reading.records}
        assert list(by_id) == ["WILD-5", "1", "2", "3", "4", "5"]
        one, two = by_id["1"], by_id["2"]
        assert (one.sex, str(one.birth_date), one.alive, one.notes) == (
            "M",
            "1980",
            True,
            "Topa-topa",
        )
        assert one.sire.kind is one.dam.kind is ParentKind.WILD
        assert (str(two.birth_date), str(two.death_date), two.alive) == (
            "1981-06",
            "2000-05-01",
            False,
        )
        assert str(by_id["4"].birth_date) == "1985"  # M: the month is estimated
        shared = by_id["WILD-5"]
        assert shared.hypothetical and shared.sex == "M"
        assert by_id["4"].sire.ids == by_id["5"].sire.ids == ("WILD-5",)
        assert by_id["4"].dam.kind is by_id["5"].dam.kind is ParentKind.WILD
        assert reading.counts["wild founders"] == 4

    def test_moves_translated_and_counted(self, tmp_path: Path) -> None:
        """Every move is an event or a counted note: stop-overs, releases, returns, loans."""
        reading = read_sparks(small_exchange(tmp_path))
        events = {(e.animal_id, e.event, e.institution, str(e.date)) for e in reading.events}
        assert ("1", EventCode.CAPTURE, "ZOOA", "1982-03-03") in events  # CALIFORNI stop-over
        assert ("3", EventCode.LOAN, "ZOOB", "1991-01-01") in events  # OWNER = F
        assert ("3", EventCode.CAPTURE, "ZOOB", "1995-01-01") in events  # back from the wild
        assert ("2", EventCode.CAPTURE, "CALIFORNI", "1983") in events
        release = next(e for e in reading.events if e.event is EventCode.RELEASE)
        assert "release recorded again on 1992-03-03" in release.notes
        counts = reading.counts
        assert counts["moves"] == 14 and counts["events"] == 12
        assert (counts["releases"], counts["deaths"], counts["estimated dates"]) == (1, 1, 5)
        text = "\n".join(reading.lines())
        assert "1 same-day stop-over folded" in text
        assert "1 repeated release kept as a note" in text
        assert "1 transfer after a release read as a capture" in text

    def test_birth_date_widened_when_the_birth_move_disagrees(self, tmp_path: Path) -> None:
        """BDATE 1990-05-12 and AA 1990-05-10: the birth date becomes 1990-05, both noted."""
        three = next(r for r in read_sparks(small_exchange(tmp_path)).records if r.id == "3")
        assert str(three.birth_date) == "1990-05"
        assert "1990-05-12" in three.notes and "1990-05-10" in three.notes
        assert three.birth_type is BirthType.CAPTIVE

    def test_bad_cells_name_file_record_and_field(self, tmp_path: Path) -> None:
        """A bad sex code, a date that is not one and an unknown move code are problems with
        the record number as the line."""
        write_dbf(
            tmp_path / "EXCHANGE.DBF",
            EXCHANGE,
            [
                animal("1", "WILD", "WILD", "1", "19800101"),
                animal("2", "1", "UNK", "7", "19811301"),
            ],
        )
        write_dbf(tmp_path / "MOVES.DBF", MOVES, [move("1", "ZZ", "ZOOA", "19800101")])
        reading = read_sparks(tmp_path / "EXCHANGE.DBF")
        found = {(Path(p.file).name, p.line, p.field) for p in reading.problems}
        assert found == {
            ("EXCHANGE.DBF", 2, "SEX"),
            ("EXCHANGE.DBF", 2, "BDATE"),
            ("MOVES.DBF", 1, "TRAN_CODE"),
        }

    def test_missing_field_and_not_a_dbf(self, tmp_path: Path) -> None:
        """A file without a required field, or not dBase at all, is refused whole."""
        write_dbf(tmp_path / "EXCHANGE.DBF", EXCHANGE[:3], [{"STUD_ID": "1"}])
        with pytest.raises(ImportValidationError, match="BDATE"):
            read_sparks(tmp_path / "EXCHANGE.DBF")
        (tmp_path / "junk.dbf").write_text("id,sire,dam\n")
        with pytest.raises(ImportValidationError, match="dBase"):
            read_sparks(tmp_path / "junk.dbf")

    def test_corrections_are_applied_and_noted(self, tmp_path: Path) -> None:
        """--correct puts a source mistake right, visibly; a bad option is refused."""
        reading = read_sparks(small_exchange(tmp_path))
        apply_corrections(reading, ["3:dam=UNK", "3:birth_date=1990-05-12"])
        three = next(r for r in reading.records if r.id == "3")
        assert three.dam.kind is ParentKind.UNKNOWN and str(three.birth_date) == "1990-05-12"
        assert "--correct 3:dam=UNK (was 2)" in reading.notes
        with pytest.raises(ImportValidationError) as caught:
            apply_corrections(reading, ["99:dam=UNK", "3:colour=red", "3:sex=Q", "nonsense"])
        assert len(caught.value.problems) == 4


class TestZims:
    """A ZIMS publication export: one row per event."""

    def test_sample_animals(self) -> None:
        """Parents (WILD, UND, MULT with probabilities), sex, status and dates from events."""
        reading = read_zims(ZIMS_SAMPLE)
        assert reading.problems == []
        by_id = {r.id: r for r in reading.records}
        assert len(by_id) == 9
        assert by_id["104"].sire.kind is ParentKind.UNKNOWN
        assert by_id["106"].sire.candidates == (("103", 0.6), ("105", 0.4))
        assert by_id["107"].sex == "U" and by_id["107"].location == ""
        assert str(by_id["104"].birth_date) == "1998-12"
        assert str(by_id["103"].death_date) == "2010-08-17"
        assert by_id["101"].alive is False and by_id["105"].alive is True
        counts = reading.counts
        assert (counts["animals"], counts["wild founders"], counts["MULT parents"]) == (9, 3, 2)
        assert (counts["events"], counts["releases"], counts["undated events"]) == (23, 1, 1)

    def test_sample_events(self) -> None:
        """Event types, wild places, LTF and the return from it, a same-day stop-over."""
        events = read_zims(ZIMS_SAMPLE).events
        capture = next(e for e in events if e.animal_id == "101")
        assert (capture.event, capture.institution, str(capture.date)) == (
            EventCode.CAPTURE, "WILD", "1985",
        )  # fmt: skip
        assert "Russian Federation" in capture.notes
        kinds = [e.event for e in events if e.animal_id == "109"]
        assert kinds == [EventCode.CAPTURE, EventCode.LTF, EventCode.TRANSFER]

    def test_mult_cells(self) -> None:
        """Percentages, fractions or none (equal shares); a bare MULT is refused."""
        assert parse_zims_parent("MULT2; 7; 9").candidates == (("7", 0.5), ("9", 0.5))
        assert parse_zims_parent("MULT3: 7 (0.25), 9 (0.75)").candidates == (
            ("7", 0.25), ("9", 0.75),
        )  # fmt: skip
        with pytest.raises(ValueError, match="expanded"):
            parse_zims_parent("MULT1")

    def test_bad_rows_and_disagreeing_rows(self, tmp_path: Path) -> None:
        """Problems name the line and column; an animal's rows must agree."""
        text = ZIMS_SAMPLE.read_text().splitlines()
        text[2] = text[2].replace("Transfer,12/Apr/1986", "Shipped,1986-04-12")
        text.append("103,HELSINKI,H7,Female,dead,101,102,Captive,Transfer,01/Jan/2000,HELSINKI,H7")
        path = tmp_path / "zims.csv"
        path.write_text("\n".join(text) + "\n")
        found = {(p.line, p.field) for p in read_zims(path).problems}
        assert found == {(3, "date"), (3, "event type"), (26, "sex type")}


class TestPmx:
    def test_pedigree_with_companions(self, tmp_path: Path) -> None:
        """Columns, estimate codes, MULT ids from the _mult file, moves as events."""
        (tmp_path / "p.txt").write_text(
            "STUD_ID\tSIRE_ID\tDAM_ID\tSEX\tBDATE\tBIRTH_EST\tDEATHDATE\tDEAD\tLOCATION\n"
            "1\tWILD\tWILD\tM\t1990-01-01\tM\t\tF\tZOOA\n"
            "2\tWILD\tWILD\tF\t19910601\tD\t2001-02-03\tT\tZOOA\n"
            "3\tUNK\tUNK\tM\t\t\t\tF\tZOOA\n"
            "4\tMULT1\t2\tF\t2000-06-15\t\t\tF\tZOOB\n"
        )
        (tmp_path / "p_mult.txt").write_text(
            "MULT_ID\tPARENT_ID\tPROBABILITY\nMULT1\t1\t0.25\nMULT1\t3\t0.75\n"
        )
        (tmp_path / "p_moves.txt").write_text(
            "STUD_ID\tTRAN_CODE\tLOCATION\tLOCAL_ID\tTRAN_DATE\tTDATE_EST\tOWNER\n"
            "4\tAA\tZOOA\tA4\t2000-06-15\t\tT\n4\tAS\tZOOB\tB4\t2001-01-01\t\tF\n"
        )
        reading = read_pmx(tmp_path / "p.txt")
        assert reading.problems == []
        by_id = {r.id: r for r in reading.records}
        assert str(by_id["1"].birth_date) == "1990" and str(by_id["2"].birth_date) == "1991-06"
        assert by_id["4"].sire.candidates == (("1", 0.25), ("3", 0.75))
        assert by_id["2"].alive is False and by_id["1"].alive is True
        assert [(e.event, e.institution) for e in reading.events] == [
            (EventCode.BIRTH, "ZOOA"), (EventCode.LOAN, "ZOOB"),
        ]  # fmt: skip

    def test_mult_without_candidates(self, tmp_path: Path) -> None:
        (tmp_path / "p.txt").write_text("STUD_ID,SIRE_ID,DAM_ID,SEX\n1,MULT1,UNK,M\n")
        problem = read_pmx(tmp_path / "p.txt").problems[0]
        assert (problem.line, problem.field) == (2, "SIRE_ID") and "_mult" in problem.message


class TestDetection:
    def test_formats_told_by_the_file(self, tmp_path: Path) -> None:
        """.dbf is SPARKS; ZIMS and PMx headers say so; anything else is the CSV format."""
        pmx = tmp_path / "p.txt"
        pmx.write_text("STUD_ID\tSIRE_ID\tDAM_ID\n")
        csv = tmp_path / "c.csv"
        csv.write_text("id,sire,dam,sex\n")
        assert [detect_format(p) for p in (small_exchange(tmp_path), ZIMS_SAMPLE, pmx, csv)] == [
            "sparks", "zims", "pmx", "csv",
        ]  # fmt: skip

    def test_dbase_file_under_another_name(self, tmp_path: Path) -> None:
        path = small_exchange(tmp_path).rename(tmp_path / "exchange.bin")
        with pytest.raises(ImportValidationError, match="--format sparks"):
            detect_format(path)


class TestMultProbabilities:
    def test_zims_and_pmx_refuse_sets_that_do_not_sum_to_one(self, tmp_path: Path) -> None:
        """60 % + 30 % is not a MULT parent, in either format."""
        with pytest.raises(ValueError, match=r"sum to 0\.9"):
            parse_zims_parent("MULT1: 7 (60%), 9 (30%)")
        (tmp_path / "p.txt").write_text("STUD_ID\tSIRE_ID\tDAM_ID\n3\tMULT1\tUNK\n")
        (tmp_path / "p_mult.txt").write_text(
            "MULT_ID\tPARENT_ID\tPROBABILITY\nMULT1\t1\t0.6\nMULT1\t2\t0.3\n"
        )
        problems = read_pmx(tmp_path / "p.txt").problems
        assert [(p.field, "sum to 0.9" in p.message) for p in problems] == [("PROBABILITY", True)]

    def test_month_estimates_at_the_end_of_a_month(self) -> None:
        """31 Jan +/- 1 month runs from 31 Dec to 29 Feb: it spans two years."""
        assert parse_zims_date("31/Jan/2000 +/- 1 month") == (
            PartialDate(date(2000, 1, 1), DatePrecision.YEAR), False,
        )  # fmt: skip
        assert str(parse_zims_date("29/Feb/2000 +/- 1 month")[0]) == "2000"
