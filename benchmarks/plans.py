"""Benchmark: the plan a coordinator sends, on the Amur leopard fixture.

Times :meth:`studbook.analysis.Analysis.recommended_plan` (sizing from the life tables, the
constrained optimum, the cost of every proven pair) without and with institution capacity (the
integer program), and prints the plan's size and moves. Goal: a few seconds on a laptop.

Run: ``.venv/bin/python benchmarks/plans.py``
"""

from __future__ import annotations

import time
from pathlib import Path

from studbook.analysis import Analysis, AnalysisSettings
from studbook.book import Studbook
from studbook.csvformat import read_table
from studbook.events import read_events
from studbook.institutions import read_institutions
from studbook.records import records_from_table
from studbook.settings import ProgrammeSettings, read_settings

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "amur_leopard"
CAPACITY = "AALBORG:1/1,BERLINTP:2/2,KALININGR:1/1,LENINGRAD:2/2,MARWELL:2/2,ZURICH:1/2"


def main() -> None:
    records, _ = records_from_table(read_table(f"{FIXTURE}.csv"))
    events, _ = read_events(f"{FIXTURE}_events.csv")
    institutions, _ = read_institutions(f"{FIXTURE}_institutions.csv")
    settings = ProgrammeSettings.from_text(read_settings(f"{FIXTURE}_settings.csv"))
    book = Studbook.build(records, events, institutions, settings)
    print(f"{'case':<28} {'candidates':>11} {'pairs':>6} {'moves':>6} {'proven':>7} {'time s':>7}")
    for case, capacity in (("no capacity", "none"), ("capacity at 6 institutions", CAPACITY)):
        programme = settings.with_text("institution_capacity", capacity)
        analysis = Analysis(book, AnalysisSettings(census_date="2026-01-01", programme=programme))
        inputs = analysis.pairing_inputs  # kinship and MK are not what is timed here
        start = time.perf_counter()
        result = analysis.recommended_plan()
        seconds = time.perf_counter() - start
        pairs = result.plan.optimal.pairs
        print(
            f"{case:<28} {len(inputs.male_ids):>4} x {len(inputs.female_ids):<4} {len(pairs):>6} "
            f"{sum(p.mover != 'none' for p in pairs):>6} {sum(p.proven for p in pairs):>7} "
            f"{seconds:>7.2f}"
        )


if __name__ == "__main__":
    main()
