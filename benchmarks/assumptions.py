"""Benchmark the assumptions layer on zoo-like synthetic studbooks of 1e3 to 1e5 animals.

Usage::

    .venv/bin/python benchmarks/assumptions.py
    .venv/bin/python benchmarks/assumptions.py --sizes 1000 10000

For each size, a studbook from :func:`studbook.synthetic.synthetic_studbook` (seed 1, 2 % UNK
sires, 1 % MULT sires) and an assumption set resolving every MULT sire to its first candidate and
giving every UNK-sired animal a hypothetical sire (one per 50 such animals). Stages (wall-clock
seconds, one cold call each): building the :class:`~studbook.book.Studbook`; applying the set
(:func:`studbook.assumptions.apply_assumptions`, which checks the rules between records);
the pedigree certainty figures of the living (% known before and after, % certain, potential
founders with GD/FGE if they bred: :attr:`studbook.analysis.Analysis.certainty`).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from studbook.analysis import Analysis, AnalysisSettings  # noqa: E402
from studbook.assumptions import (  # noqa: E402
    Assumption,
    AssumptionSet,
    HypotheticalAnimal,
    apply_assumptions,
)
from studbook.book import Studbook  # noqa: E402
from studbook.parents import ParentKind  # noqa: E402
from studbook.records import AnimalRecord  # noqa: E402
from studbook.synthetic import synthetic_studbook  # noqa: E402


def _records(n: int) -> list[AnimalRecord]:
    from studbook.csvformat import table_from_text
    from studbook.records import records_from_table

    book = synthetic_studbook(n, seed=1, mult_sire_rate=0.01)
    cols = book.columns()
    text = ",".join(cols) + "\n" + "\n".join(",".join(r) for r in book.rows()) + "\n"
    records, _ = records_from_table(table_from_text(text, "synthetic.csv"))
    return records


def _set(records: list[AnimalRecord]) -> AssumptionSet:
    items: list[Assumption] = []
    placeholders: list[HypotheticalAnimal] = []
    unknown = 0
    for r in records:
        if r.sire.kind is ParentKind.MULT:
            items.append(Assumption(r.id, "sire", r.sire.ids[0], note="likeliest"))
        elif r.sire.kind is ParentKind.UNKNOWN and r.dam.kind is ParentKind.KNOWN:
            if unknown % 50 == 0:
                placeholders.append(HypotheticalAnimal(f"H{len(placeholders) + 1}", "M"))
            items.append(Assumption(r.id, "sire", placeholders[-1].id))
            unknown += 1
    return AssumptionSet("bench", assumptions=tuple(items), hypotheticals=tuple(placeholders))


def run(n: int) -> list[str]:
    records = _records(n)
    chosen = _set(records)
    t0 = time.perf_counter()
    book = Studbook.build(records, assumption_sets=[chosen])
    t1 = time.perf_counter()
    apply_assumptions(records, chosen)
    t2 = time.perf_counter()
    analysis = Analysis(book, AnalysisSettings(census_date="2030-01-01", assumptions="bench"))
    certainty = analysis.certainty
    t3 = time.perf_counter()
    return [
        f"{n:>8}",
        f"{len(chosen.assumptions):>11}",
        f"{t1 - t0:>8.3f}",
        f"{t2 - t1:>8.3f}",
        f"{t3 - t2:>10.3f}",
        f"{100 * certainty.known_before:>8.1f}",
        f"{100 * certainty.certain:>9.1f}",
    ]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[1_000, 10_000, 100_000])
    args = parser.parse_args(argv)
    header = ["animals", "assumptions", "build s", "apply s", "certainty s", "% known", "% certain"]
    print(" | ".join(header))
    for n in args.sizes:
        print(" | ".join(run(n)))


if __name__ == "__main__":
    main()
