"""The pedigree explorer for the UI, computed in the genetics process (:mod:`tui.engine`).

The relationship graph, F (the kinship engine's numba kernels) and MK are built where the
other genetics are, so the UI's event loop never waits on them. One
:class:`~studbook.explorer.Explorer` is kept per data version, beside the process's studbook.
"""

from __future__ import annotations

from dataclasses import dataclass

from studbook.explorer import Explorer, Litter, Mate
from tui import engine
from tui.engine import Job

__all__ = ["FamilyView", "chart_svg", "family_view", "relationship_lines"]

CHART_UP, CHART_DOWN = 4, 2
"""Generations of ancestors and of descendants on the chart the animal screen exports."""


@dataclass(frozen=True)
class FamilyView:
    """The animal screen's family panels: litters, mates and the descendants' tree.

    ``offspring`` maps the animal and each of its descendants to its offspring as (id,
    probability, only a possible parent); ``labels`` gives each id's sex, house name and
    whether it is living.
    """

    animal_id: str
    litters: tuple[Litter, ...]
    mates: tuple[Mate, ...]
    offspring: dict[str, tuple[tuple[str, float, bool], ...]]
    labels: dict[str, tuple[str, str, bool]]


def _explorer(job: Job) -> Explorer:
    book = engine._book(job)
    key = ("explorer", job.census_date)
    cached = engine._cache.get(key)
    if not isinstance(cached, Explorer):
        from datetime import date

        on = date.fromisoformat(job.census_date) if job.census_date else None
        cached = engine._cache[key] = Explorer.from_studbook(book, on)
    return cached


def family_view(job: Job, animal_id: str) -> FamilyView:
    """Litters, mates and descendants of ``animal_id``."""
    explorer = _explorer(job)
    members = [animal_id, *(k.id for k in explorer.descendants(animal_id))]
    graph = explorer.graph_of(members)  # the offspring of a descendant are descendants
    nodes = graph.nodes
    offspring = {
        m: tuple(
            (child, float(d["probability"]), bool(d["mult"]))
            for child, d in sorted(
                graph.succ[m].items(), key=lambda item: str(nodes[item[0]]["birth_date"])
            )
        )
        for m in members
    }
    labels = {
        m: (str(nodes[m]["sex"]), str(nodes[m]["house_name"]), bool(nodes[m]["living"]))
        for m in members
    }
    return FamilyView(
        animal_id, explorer.litters(animal_id), explorer.mates(animal_id), offspring, labels
    )


def relationship_lines(job: Job, a: str, b: str) -> tuple[str, ...]:
    """The explanation of how ``a`` and ``b`` are related (:mod:`studbook.relationship`)."""
    from studbook.relationship import relationship

    return tuple(relationship(_explorer(job), a, b).lines(limit=8))


def chart_svg(job: Job, animal_id: str) -> str:
    """The SVG chart of ``animal_id`` (:data:`CHART_UP` and :data:`CHART_DOWN` generations),
    MK to the living."""
    from tui.cli_explorer import chart_document

    return chart_document(_explorer(job), animal_id, CHART_UP, CHART_DOWN, "svg")
