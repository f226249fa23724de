"""The Breeding and Transfer Plan's recommendations as a CSV table for spreadsheets.

One row per living animal, by institution and studbook id (the order of the document's
recommendations, :func:`studbook.plan_document.recommendation_rows`), with the disposition and
its parts in columns of their own. Text cells go through :func:`studbook.present.printable` and
:func:`studbook.present.spreadsheet_safe`, so a house name starting with ``=`` is shown, never
run as a formula; numbers keep full precision.
"""

from __future__ import annotations

import csv
import io

from studbook.plan_document import PlanDocumentInputs, recommendation_rows
from studbook.present import printable, spreadsheet_safe

__all__ = ["CSV_COLUMNS", "plan_csv"]

CSV_COLUMNS = (
    "institution", "institution_name", "region", "id", "local_id", "house_name", "sex", "age",
    "disposition", "counterpart_institution", "mate", "breed_at", "notes",
)  # fmt: skip
"""The columns, in order: where the animal is, who it is, then what the plan asks of it
(``counterpart_institution``: the institution of SEND TO / RECEIVE FROM)."""


def _cell(text: str) -> str:
    return spreadsheet_safe(printable(text))


def plan_csv(inputs: PlanDocumentInputs) -> str:
    """The recommendations table of ``inputs`` as CSV text (module docstring)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for animal, rec in recommendation_rows(inputs):
        record = inputs.institutions.get(animal.institution)
        writer.writerow(
            [
                _cell(animal.institution),
                _cell(record.name if record else ""),
                _cell(record.region if record else ""),
                _cell(animal.id),
                _cell(animal.local_id),
                _cell(animal.house_name),
                animal.sex,
                "" if animal.age is None else repr(animal.age),
                rec.disposition.value,
                _cell(rec.counterpart),
                _cell(rec.mate),
                _cell(rec.breed_at),
                _cell(rec.notes),
            ]
        )
    return out.getvalue()
