"""Typed messages: every worker ends by posting one of these to the screen that asked."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.message import Message

from studbook.errors import Problem
from studbook.plan_draft import DraftEdit, MateCandidate
from studbook.timeseries import GeneDiversitySeries
from tui.engine_explorer import FamilyView
from tui.store import (
    AnimalDetail,
    AnimalFilter,
    AnimalRow,
    DemographyView,
    EditValues,
    FilterChoices,
    PairingsView,
    PlanView,
    PopulationView,
    ReleaseGroupView,
    ReleasesView,
)

__all__ = [
    "AnimalsLoaded",
    "BirthPrefilled",
    "DatabaseFailed",
    "DatabaseOpened",
    "DemographyLoaded",
    "FamilyLoaded",
    "FilterChoicesLoaded",
    "GeneticsFailed",
    "GeneticsProgress",
    "GeneticsReady",
    "MatesLoaded",
    "OpenAnimal",
    "PlanEditRefused",
    "PlanGeneticsLoaded",
    "PlanIssued",
    "PlanLoaded",
    "RecordSaved",
    "RelationshipLoaded",
    "SettingsLoaded",
]


class DatabaseOpened(Message):
    """The database answered and its schema is current; ``description`` names it for people."""

    def __init__(self, description: str) -> None:
        super().__init__()
        self.description = description


class DatabaseFailed(Message):
    """The database could not be opened; ``reason`` says why, ``hint`` what to do."""

    def __init__(self, url: str, reason: str, hint: str) -> None:
        super().__init__()
        self.url = url
        self.reason = reason
        self.hint = hint


class GeneticsProgress(Message):
    """Part of the genetics recomputation is done (``done`` of ``total`` steps)."""

    def __init__(self, done: int, total: int, step: str) -> None:
        super().__init__()
        self.done = done
        self.total = total
        self.step = step


class GeneticsReady(Message):
    """Fresh genetics for the living population; ``generation`` counts recomputations."""

    def __init__(self, generation: int) -> None:
        super().__init__()
        self.generation = generation


class GeneticsFailed(Message):
    """The genetics could not be computed (the pedigree is broken, ...)."""

    def __init__(self, error: BaseException) -> None:
        super().__init__()
        self.error = error


class OpenAnimal(Message):
    """Show one animal (from a table row, a pedigree node, a command)."""

    def __init__(self, animal_id: str) -> None:
        super().__init__()
        self.animal_id = animal_id


class RecordSaved(Message):
    """An edit was written; ``animal_ids`` are the animals it touched."""

    def __init__(self, action: str, animal_ids: Sequence[str]) -> None:
        super().__init__()
        self.action = action
        self.animal_ids = tuple(animal_ids)


class AnimalsLoaded(Message):
    """The animals table query finished for ``filter``."""

    def __init__(self, filter: AnimalFilter, rows: list[AnimalRow]) -> None:
        super().__init__()
        self.filter = filter
        self.rows = rows


class FilterChoicesLoaded(Message):
    """The institutions and regions the filters offer."""

    def __init__(self, choices: FilterChoices) -> None:
        super().__init__()
        self.choices = choices


class AnimalLoaded(Message):
    """One animal's detail was read."""

    def __init__(self, detail: AnimalDetail) -> None:
        super().__init__()
        self.detail = detail


class PopulationLoaded(Message):
    """The population summary, founder representation and pyramid were computed."""

    def __init__(self, view: PopulationView) -> None:
        super().__init__()
        self.view = view


class DemographyLoaded(Message):
    """The demography and the GD projection were computed (``view.band`` when simulated)."""

    def __init__(self, view: DemographyView) -> None:
        super().__init__()
        self.view = view


class GeneDiversityProgress(Message):
    """``done`` of ``total`` census dates of the GD series are computed."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done = done
        self.total = total


class GeneDiversityLoaded(Message):
    """Gene diversity at each year's census."""

    def __init__(self, series: GeneDiversitySeries) -> None:
        super().__init__()
        self.series = series


class PairingsLoaded(Message):
    """The pairings (or plan) for a filter were ranked."""

    def __init__(self, view: PairingsView) -> None:
        super().__init__()
        self.view = view


class PlanLoaded(Message):
    """The Breeding and Transfer Plan's recommendations were computed."""

    def __init__(self, view: PlanView) -> None:
        super().__init__()
        self.view = view


class PlanGeneticsLoaded(Message):
    """The plan's next-generation genetics after ``edits`` were computed (label, text)."""

    def __init__(self, lines: tuple[tuple[str, str], ...], edits: tuple[DraftEdit, ...]) -> None:
        super().__init__()
        self.lines = lines
        self.edits = edits


class PlanEditRefused(Message):
    """A change to the plan broke a rule (``reason``); the plan is as it was."""

    def __init__(self, edit: DraftEdit, reason: str) -> None:
        super().__init__()
        self.edit = edit
        self.reason = reason


class MatesLoaded(Message):
    """The ranked possible mates of ``animal`` (empty when it cannot breed)."""

    def __init__(self, animal: str, mates: tuple[MateCandidate, ...]) -> None:
        super().__init__()
        self.animal = animal
        self.mates = mates


class PlanIssued(Message):
    """The plan was stored as issued, as version ``version``."""

    def __init__(self, version: int) -> None:
        super().__init__()
        self.version = version


class ReportExported(Message):
    """A report file was written."""

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path


class ReleasesLoaded(Message):
    """The release candidates were ranked."""

    def __init__(self, view: ReleasesView) -> None:
        super().__init__()
        self.view = view


class ReleaseGroupLoaded(Message):
    """A release group was evaluated (or chosen)."""

    def __init__(self, view: ReleaseGroupView) -> None:
        super().__init__()
        self.view = view


class EditFormLoaded(Message):
    """The current values (and version) of the record an edit form is about."""

    def __init__(self, values: EditValues) -> None:
        super().__init__()
        self.values = values


class BirthPrefilled(Message):
    """Values a birth form can fill in (from the dam or a littermate), by field name."""

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__()
        self.fields = fields


class EditChecked(Message):
    """The database rules were checked for ``values``; ``problems`` are what they refuse."""

    def __init__(self, values: EditValues, problems: tuple[Problem, ...]) -> None:
        super().__init__()
        self.values = values
        self.problems = problems


class SettingsLoaded(Message):
    """The programme's settings as stored (key -> text), for the settings form."""

    def __init__(self, values: Mapping[str, str]) -> None:
        super().__init__()
        self.values = dict(values)


class FamilyLoaded(Message):
    """An animal's litters, mates and descendants were found."""

    def __init__(self, view: FamilyView) -> None:
        super().__init__()
        self.view = view


class RelationshipLoaded(Message):
    """How two animals are related, as lines of text (or why it could not be said)."""

    def __init__(self, a: str, b: str, lines: Sequence[str]) -> None:
        super().__init__()
        self.a = a
        self.b = b
        self.lines = tuple(lines)
