"""Write a pairing report for the Amur leopard fixture with the Python API.

Usage::

    .venv/bin/python examples/pairing_report.py [PEDIGREE.csv] [--institutions FILE]
        [--settings FILE] [--census YYYY-MM-DD] [--top N] [--format table|csv|json|markdown]
        [--out FILE]

Without a pedigree argument it reads ``fixtures/amur_leopard.csv`` (and its institutions file,
for regions, and its settings file, for the Amur leopard's age windows). Without a settings
file the programme has no species profile: no age limits. The steps are the scripted-report
API: reference population -> breeding candidates -> engine-fed pairing inputs -> ranking ->
report -> text; the exact breeding plan is appended for the same candidates.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import studbook
from studbook.population import read_institution_regions

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "fixtures" / "amur_leopard.csv"
INSTITUTIONS = ROOT / "fixtures" / "amur_leopard_institutions.csv"
SETTINGS = ROOT / "fixtures" / "amur_leopard_settings.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Pairing report for a studbook CSV.")
    parser.add_argument("pedigree", nargs="?", type=Path, default=None)
    parser.add_argument("--institutions", type=Path, default=None)
    parser.add_argument("--settings", type=Path, default=None, help="programme settings CSV")
    parser.add_argument("--census", default=None, help="census date (default: today)")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--format", default="markdown", choices=studbook.reports.FORMATS)
    parser.add_argument("--out", type=Path, default=None, help="write here (default: stdout)")
    args = parser.parse_args(argv)

    path = args.pedigree or FIXTURE
    if not path.exists():
        parser.error(f"{path} does not exist; give a pedigree CSV on the command line")
    institutions = args.institutions or (INSTITUTIONS if args.pedigree is None else None)
    regions = read_institution_regions(institutions) if institutions else None
    settings_file = args.settings or (SETTINGS if args.pedigree is None else None)
    values = studbook.read_settings(settings_file) if settings_file else {}
    settings = studbook.ProgrammeSettings.from_text(values)

    ped = studbook.read_pedigree(path)
    population = studbook.reference_population(
        ped, census_date=args.census, institution_regions=regions
    )
    candidates = studbook.breeding_candidates(population, settings.profile)
    # MK over P, % known, flagged shares
    genetics = studbook.population_genetics(population, settings.founder_flags)
    inputs = studbook.pairing_inputs(candidates, genetics)
    table = studbook.rank_pairings(inputs, settings.msi)
    plan = studbook.breeding_plan(inputs, settings.plan_settings(max_per_animal=1))

    parameters = {"source": str(path), "top": args.top, **settings.describe()}
    text = studbook.render(
        studbook.pairing_report(table, table.rows(top=args.top), parameters=parameters),
        args.format,
    )
    text += "\n" + studbook.render(studbook.breeding_plan_report(plan), args.format)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out} ({len(table)} pairs ranked)", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
