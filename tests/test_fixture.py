"""The synthetic Amur leopard fixture: reproducible, valid, and shaped like the real programme."""

from __future__ import annotations

import itertools
import statistics
import subprocess
import sys
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from studbook.assumption_file import read_assumption_file
from studbook.assumptions import apply_assumptions
from studbook.csvformat import read_table
from studbook.events import EventCode, EventRecord, location_history, read_events, validate_events
from studbook.institutions import InstitutionRecord, read_institutions, validate_institutions
from studbook.parents import ParentKind
from studbook.pedigree import Pedigree, read_pedigree
from studbook.records import AnimalRecord, BirthType, records_from_table
from studbook.validation import validate_records

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
ANIMALS = FIXTURES / "amur_leopard.csv"
EVENTS = FIXTURES / "amur_leopard_events.csv"
INSTITUTIONS = FIXTURES / "amur_leopard_institutions.csv"
SETTINGS = FIXTURES / "amur_leopard_settings.csv"
ASSUMPTIONS = FIXTURES / "amur_leopard_assumptions.csv"
FILES = (ANIMALS, EVENTS, INSTITUTIONS, SETTINGS, ASSUMPTIONS)
CENSUS = date(2026, 1, 1)


@pytest.fixture(scope="module")
def animals() -> list[AnimalRecord]:
    records, problems = records_from_table(read_table(ANIMALS))
    assert problems == []
    return records


@pytest.fixture(scope="module")
def by_id(animals: list[AnimalRecord]) -> dict[str, AnimalRecord]:
    return {a.id: a for a in animals}


@pytest.fixture(scope="module")
def events() -> list[EventRecord]:
    records, problems = read_events(EVENTS)
    assert problems == []
    return records


@pytest.fixture(scope="module")
def institutions() -> dict[str, InstitutionRecord]:
    records, problems = read_institutions(INSTITUTIONS)
    assert problems == []
    return {i.mnemonic: i for i in records}


@pytest.fixture(scope="module")
def pedigree() -> Pedigree:
    return read_pedigree(ANIMALS)


def kinship_matrix(ped: Pedigree) -> npt.NDArray[np.float64]:
    """Kinship of every pair by the tabular method, MULT parents weighted by probability."""
    n = len(ped)
    edges = ped.parent_edges
    parents: dict[int, list[tuple[int, float, int]]] = defaultdict(list)
    for c, p, w, r in zip(edges.child, edges.parent, edges.weight, edges.role, strict=True):
        parents[int(c)].append((int(p), float(w), int(r)))
    k = np.zeros((n, n))
    for i in ped.order.tolist():
        links = parents.get(i, [])
        row = np.zeros(n)
        for p, w, _ in links:
            row += 0.5 * w * k[p]
        sires = [(p, w) for p, w, r in links if r == 0]
        dams = [(p, w) for p, w, r in links if r == 1]
        inbreeding = sum(ws * wd * k[s, d] for s, ws in sires for d, wd in dams)
        k[i, :] = row
        k[:, i] = row
        k[i, i] = 0.5 * (1 + inbreeding)
    return k


class TestReproducible:
    """The generator is seeded: running it again gives the same bytes."""

    def test_regenerating_gives_identical_files(self, tmp_path: Path) -> None:
        script = FIXTURES / "generate_amur.py"
        subprocess.run(
            [sys.executable, str(script), "--out", str(tmp_path)],
            check=True,
            capture_output=True,
        )
        for path in FILES:
            assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


class TestValid:
    """Every rule passes without an error."""

    def test_animals_validate(self, animals: list[AnimalRecord]) -> None:
        problems = validate_records(animals, str(ANIMALS))
        assert [p for p in problems if p.severity == "error"] == []

    def test_institutions_validate(self, institutions: dict[str, InstitutionRecord]) -> None:
        assert validate_institutions(list(institutions.values()), str(INSTITUTIONS)) == []

    def test_events_validate(
        self,
        events: list[EventRecord],
        by_id: dict[str, AnimalRecord],
        institutions: dict[str, InstitutionRecord],
    ) -> None:
        problems = validate_events(events, by_id, str(EVENTS), set(institutions))
        assert [p for p in problems if p.severity == "error"] == []

    def test_locations_are_institutions_and_match_the_stays(
        self,
        animals: list[AnimalRecord],
        events: list[EventRecord],
        institutions: dict[str, InstitutionRecord],
    ) -> None:
        history = location_history(events)
        for animal in animals:
            if animal.hypothetical:
                continue
            assert animal.location in institutions, animal.id
            assert history[animal.id][-1].institution == animal.location, animal.id
            if animal.is_living:
                assert history[animal.id][-1].end is None, animal.id

    def test_nothing_happens_after_the_census(self, events: list[EventRecord]) -> None:
        assert max(e.date.latest for e in events if e.date) < CENSUS


class TestShape:
    """Sizes and composition of the real programme (domain notes)."""

    def test_size(self, animals: list[AnimalRecord]) -> None:
        assert 600 <= len(animals) <= 900
        living = [a for a in animals if a.is_living and not a.hypothetical]
        assert 180 <= len(living) <= 230

    def test_living_spread_over_forty_zoos_in_four_regions(
        self, animals: list[AnimalRecord], institutions: dict[str, InstitutionRecord]
    ) -> None:
        places = {a.location for a in animals if a.is_living and not a.hypothetical}
        assert len(places) >= 40
        assert {institutions[p].region for p in places} >= {"EAZA", "EARAZA", "AZA", "JAZA"}

    def test_named_holders_are_present(self, institutions: dict[str, InstitutionRecord]) -> None:
        named = "TALLINN WHF HELSINKI LEIPZIG HIGHLAND MOSCOW MARWELL PRAGUE BERLINTP NOVOSIBIR"
        assert set(named.split()) | {"ERIE", "STLOUIS", "COLCHESTR"} <= set(institutions)

    def test_fourteen_wild_founders_captured_1960s_to_1990s(
        self, animals: list[AnimalRecord], events: list[EventRecord]
    ) -> None:
        wild = [a for a in animals if a.birth_type is BirthType.WILD]
        assert len(wild) == 14
        assert all(a.sire.kind is ParentKind.WILD and a.dam.kind is ParentKind.WILD for a in wild)
        captures = {e.animal_id: e.date for e in events if e.event is EventCode.CAPTURE}
        assert set(captures) == {a.id for a in wild}
        years = sorted(d.value.year for d in captures.values() if d)
        assert years[0] < 1970 and 1990 <= years[-1] < 2000

    def test_one_non_amur_founder_behind_nearly_everyone(
        self, animals: list[AnimalRecord], pedigree: Pedigree
    ) -> None:
        flagged = [a for a in animals if "non-amur" in a.flags]
        assert [a.birth_type for a in flagged] == [BirthType.WILD]
        k = kinship_matrix(pedigree)
        founder = pedigree.index[flagged[0].id]
        living = pedigree.population_indices()
        descendants = np.count_nonzero(k[living, founder] > 0)
        assert descendants >= 0.9 * living.size

    def test_inbreeding_and_gene_diversity(self, pedigree: Pedigree) -> None:
        k = kinship_matrix(pedigree)
        living = pedigree.population_indices()
        sub = k[np.ix_(living, living)]
        mean_f = float(np.mean(2 * np.diag(sub) - 1))
        gene_diversity = 1 - float(sub.mean())
        assert 0.01 <= mean_f <= 0.08
        assert 0.88 <= gene_diversity <= 0.95

    def test_pedigree_depth(self, pedigree: Pedigree) -> None:
        generations = pedigree.generation[pedigree.living]
        assert 5 <= generations.mean() <= 12

    def test_breeding_ages_and_litter_sizes(
        self, animals: list[AnimalRecord], by_id: dict[str, AnimalRecord]
    ) -> None:
        litters: Counter[tuple[str, str]] = Counter()
        first_litter: dict[str, float] = {}
        for a in animals:
            if a.dam.kind is not ParentKind.KNOWN or a.birth_date is None:
                continue
            dam = by_id[a.dam.ids[0]]
            assert dam.birth_date is not None
            age = (a.birth_date.midpoint - dam.birth_date.midpoint).days / 365.25
            assert 2.5 <= age <= 15, a.id
            first_litter[dam.id] = min(age, first_litter.get(dam.id, 99.0))
            litters[(dam.id, str(a.birth_date))] += 1
            if a.sire.kind is ParentKind.KNOWN and not by_id[a.sire.ids[0]].hypothetical:
                sire = by_id[a.sire.ids[0]]
                assert sire.birth_date is not None
                sire_age = (a.birth_date.midpoint - sire.birth_date.midpoint).days / 365.25
                assert 2.5 <= sire_age <= 16, a.id
        assert set(litters.values()) == {1, 2, 3}
        assert 3 <= statistics.median(first_litter.values()) <= 5.5

    def test_generations_overlap(
        self, animals: list[AnimalRecord], by_id: dict[str, AnimalRecord]
    ) -> None:
        """Some animals have offspring born after their grandchildren."""
        last_birth: dict[str, date] = {}
        for a in animals:
            if a.dam.kind is ParentKind.KNOWN and a.birth_date:
                dam = a.dam.ids[0]
                last_birth[dam] = max(last_birth.get(dam, date.min), a.birth_date.value)
        overlapping = [
            a
            for a in animals
            if a.dam.kind is ParentKind.KNOWN
            and a.birth_date
            and by_id[a.dam.ids[0]].dam.kind is ParentKind.KNOWN
            and last_birth.get(by_id[a.dam.ids[0]].dam.ids[0], date.min) > a.birth_date.value
        ]
        assert overlapping


class TestRecordsAndEvents:
    """The record-keeping details the software must handle."""

    def test_unknown_mult_and_hypothetical_parents(self, animals: list[AnimalRecord]) -> None:
        """UNK and MULT sires in the record; the hypothetical sires that would link two lost
        litters are assumptions, in the assumptions file, never in the record."""
        unk = [
            a
            for a in animals
            if a.sire.kind is ParentKind.UNKNOWN and a.birth_type is BirthType.CAPTIVE
        ]
        mult = [a for a in animals if a.sire.kind is ParentKind.MULT]
        assert len(unk) >= 2 and len(mult) >= 2
        assert all(a.sire.candidates[0][1] == 0.5 and len(a.sire.candidates) == 2 for a in mult)
        assert not any(a.hypothetical for a in animals)
        (assumed,) = read_assumption_file(ASSUMPTIONS)
        assert [h.id for h in assumed.hypotheticals] == ["H1", "H2"]
        by_id = {a.id: a for a in animals}
        out = {r.id: r for r in apply_assumptions(animals, assumed)}
        for placeholder in assumed.hypotheticals:
            litter = [a for a in assumed.assumptions if a.assumed == placeholder.id]
            assert len(litter) >= 2  # it links siblings
            for a in litter:
                assert by_id[a.animal_id].sire.kind is ParentKind.UNKNOWN  # the record says UNK
                assert out[a.animal_id].sire.ids == (placeholder.id,)
            assert out[placeholder.id].alive is False and out[placeholder.id].hypothetical

    def test_transfers_with_local_ids_between_regions(
        self, events: list[EventRecord], institutions: dict[str, InstitutionRecord]
    ) -> None:
        arrivals = [
            e for e in events if e.event in (EventCode.TRANSFER, EventCode.LOAN, EventCode.BIRTH)
        ]
        assert all(e.local_id for e in arrivals)
        moves: Counter[tuple[str, str]] = Counter()
        for stays in location_history(events).values():
            regions = [institutions[s.institution].region for s in stays]
            moves.update(itertools.pairwise(regions))
        assert moves[("EAZA", "EARAZA")] + moves[("EARAZA", "EAZA")] >= 10
        assert moves[("EAZA", "AZA")] + moves[("EARAZA", "AZA")] >= 1
        assert moves[("EAZA", "JAZA")] + moves[("EARAZA", "JAZA")] >= 1

    def test_deaths_have_causes(self, events: list[EventRecord]) -> None:
        deaths = [e for e in events if e.event is EventCode.DEATH]
        assert len(deaths) > 300
        assert all(e.cause for e in deaths)

    def test_contraception(self, events: list[EventRecord]) -> None:
        codes = Counter(e.event for e in events)
        assert codes[EventCode.CONTRACEPTION_START] >= 20
        assert codes[EventCode.CONTRACEPTION_STOP] >= 10

    def test_releases_to_the_wild_at_lazovsky(
        self, events: list[EventRecord], by_id: dict[str, AnimalRecord]
    ) -> None:
        releases = [e for e in events if e.event is EventCode.RELEASE]
        assert 1 <= len(releases) <= 2
        for e in releases:
            assert e.institution == "LAZOVSKY" and e.date and 2024 <= e.date.value.year <= 2026
            assert not by_id[e.animal_id].is_living

    def test_freddi_and_darla_and_their_cubs(
        self,
        animals: list[AnimalRecord],
        events: list[EventRecord],
        institutions: dict[str, InstitutionRecord],
    ) -> None:
        named = {a.house_name: a for a in animals if a.house_name in ("Freddi", "Darla")}
        freddi, darla = named["Freddi"], named["Darla"]
        assert (freddi.sex, str(freddi.birth_date)) == ("M", "1995-07-13")
        assert (darla.sex, str(darla.birth_date)) == ("F", "2004-04-17")
        history = location_history(events)
        assert history[freddi.id][0].institution == "TALLINN"
        assert history[darla.id][0].institution == "BERLINTP"
        cubs = [a for a in animals if a.sire.ids == (freddi.id,) and a.dam.ids == (darla.id,)]
        moved_to = {history[c.id][1].institution for c in cubs if len(history[c.id]) > 1}
        assert {"ERIE", "HELSINKI", "MARWELL", "PRAGUE", "NOVOSIBIR"} <= moved_to
        assert any(institutions[m].country == "Italy" for m in moved_to)
