"""What the plan asks of each living animal: one disposition per animal, computed once.

A Breeding and Transfer Plan gives every living animal exactly one disposition (the AZA and
EAZA wording):

* **BREED WITH** the mate, at the animal's own institution (both are there already);
* **SEND TO** an institution, to breed with a mate held there (the animal moves);
* **RECEIVE FROM** an institution: the mate comes from there to breed with this animal;
* **DO NOT BREED**, with the contraception in place or the reason;
* **HOLD**: stay, no breeding this season (too young, sex or age unknown, on health hold, or
  left out of the genetic analysis), with the reason.

The rules, in order (:func:`dispositions`):

1. An animal in a planned pair breeds with its mate. Mates at one institution both get
   BREED WITH; mates at two institutions are brought together by moving the ``mover`` sex
   (default the male, as most carnivore programmes do): the mover gets SEND TO the mate's
   institution, the mate RECEIVE FROM the mover's. A plan with an animal in two pairs is refused
   (the document's plan pairs each animal once).
2. A living animal left out of the reference population P gets HOLD, with the reason.
3. A breeding candidate without a mate gets DO NOT BREED ("not paired in this plan"), with its
   contraception when it is on one.
4. Any other animal of P is not a breeding candidate, for the reason the candidate rules give
   (:class:`~studbook.population.Candidates`): below the breeding-age window, sex unknown, age
   unknown or on health hold gets HOLD; above the window or a non-breeder gets DO NOT BREED.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from enum import Enum

from studbook.errors import StudbookError

__all__ = ["AnimalDisposition", "AnimalStanding", "Disposition", "dispositions"]


class Disposition(Enum):
    """The five dispositions of a Breeding and Transfer Plan."""

    BREED_WITH = "BREED WITH"
    SEND_TO = "SEND TO"
    RECEIVE_FROM = "RECEIVE FROM"
    DO_NOT_BREED = "DO NOT BREED"
    HOLD = "HOLD"


@dataclass(frozen=True)
class AnimalStanding:
    """What the rules need to know about one living animal on the plan's census date.

    ``in_population``: ``None`` when the animal is in P, else why not. ``not_candidate``:
    ``None`` for a breeding candidate, else the candidate rule that excludes it (the keys of
    :attr:`studbook.population.Candidates.excluded`, e.g. ``outside breeding age``).
    ``breeding_age`` is the species profile's window for its sex (``None``: no limit);
    ``contraception`` says the contraception in place (e.g. ``on contraception since
    2024-03-01``), ``None`` when there is none.
    """

    id: str
    sex: str
    institution: str
    age: float | None = None
    in_population: str | None = None
    not_candidate: str | None = None
    breeding_age: tuple[float, float] | None = None
    contraception: str | None = None


@dataclass(frozen=True)
class AnimalDisposition:
    """One animal's disposition. ``mate`` and ``breed_at`` are set for BREED WITH, SEND TO and
    RECEIVE FROM; ``counterpart`` is the institution of SEND TO / RECEIVE FROM."""

    animal: str
    institution: str
    disposition: Disposition
    mate: str = ""
    breed_at: str = ""
    counterpart: str = ""
    notes: str = ""


_HOLD_REASONS = ("sex unknown", "age unknown (no birth date)", "health hold")


def _unpaired(animal: AnimalStanding) -> AnimalDisposition:
    """Rules 2 to 4 of the module docstring."""

    def say(disposition: Disposition, note: str) -> AnimalDisposition:
        if disposition is Disposition.DO_NOT_BREED and animal.contraception:
            note = f"{note}; {animal.contraception}"
        return AnimalDisposition(animal.id, animal.institution, disposition, notes=note)

    if animal.in_population is not None:
        return say(Disposition.HOLD, f"left out of the genetic analysis: {animal.in_population}")
    reason = animal.not_candidate
    if reason is None:
        return say(Disposition.DO_NOT_BREED, "not paired in this plan")
    if reason == "outside breeding age" and animal.breeding_age is not None:
        low, high = animal.breeding_age
        age = f"{animal.age:.1f} years" if animal.age is not None else "age unknown"
        if animal.age is not None and animal.age < low:
            return say(Disposition.HOLD, f"below breeding age ({age}; breeds from {low:g})")
        return say(Disposition.DO_NOT_BREED, f"past breeding age ({age}; window {low:g}-{high:g})")
    if reason in _HOLD_REASONS:
        return say(Disposition.HOLD, reason)
    return say(Disposition.DO_NOT_BREED, reason)


def dispositions(
    animals: Sequence[AnimalStanding],
    pairs: Iterable[tuple[str, str]],
    *,
    mover: str = "M",
    moving: Collection[str] = (),
) -> tuple[AnimalDisposition, ...]:
    """One :class:`AnimalDisposition` per animal of ``animals``, in their order (module docstring).

    ``pairs`` are the plan's (male, female) ids; when mates live apart, the animal of the pair
    in ``moving`` (the plan's own choice, :attr:`~studbook.breeding_plan.PlannedPair.mover`)
    travels, else the one of sex ``mover`` (``M`` or ``F``). Raises :class:`StudbookError`
    for a pair naming an animal that is not among ``animals`` or an animal in two pairs.

    Examples
    --------
    >>> herd = [AnimalStanding("1", "M", "TALLINN"), AnimalStanding("2", "F", "BERLINTP"),
    ...         AnimalStanding("3", "F", "TALLINN", age=0.5, not_candidate="outside breeding age",
    ...                        breeding_age=(2.0, 15.0))]
    >>> [(r.animal, r.disposition.value, r.counterpart or r.notes)
    ...  for r in dispositions(herd, [("1", "2")])]  # doctest: +NORMALIZE_WHITESPACE
    [('1', 'SEND TO', 'BERLINTP'), ('2', 'RECEIVE FROM', 'TALLINN'),
     ('3', 'HOLD', 'below breeding age (0.5 years; breeds from 2)')]
    """
    if mover not in ("M", "F"):
        raise ValueError(f"mover must be 'M' or 'F', not {mover!r}")
    by_id = {a.id: a for a in animals}
    mate_of: dict[str, str] = {}
    for male, female in pairs:
        unknown = [a for a in (male, female) if a not in by_id]
        if unknown:
            raise StudbookError(
                "the plan pairs animals that are not living on its census date: "
                + ", ".join(unknown)
            )
        for one, other in ((male, female), (female, male)):
            if one in mate_of:
                raise StudbookError(
                    f"animal {one} is in two pairs ({mate_of[one]} and {other}); the plan "
                    "document takes a plan that pairs each animal once"
                )
            mate_of[one] = other
    out = []
    for animal in animals:
        mate_id = mate_of.get(animal.id)
        if mate_id is None:
            out.append(_unpaired(animal))
            continue
        mate = by_id[mate_id]
        if mate.institution == animal.institution:
            out.append(
                AnimalDisposition(
                    animal.id,
                    animal.institution,
                    Disposition.BREED_WITH,
                    mate=mate.id,
                    breed_at=animal.institution,
                    notes="both here",
                )
            )
        elif animal.id in moving or (mate.id not in moving and animal.sex == mover):
            out.append(
                AnimalDisposition(
                    animal.id,
                    animal.institution,
                    Disposition.SEND_TO,
                    mate=mate.id,
                    breed_at=mate.institution,
                    counterpart=mate.institution,
                    notes=f"to breed with {mate.id} there",
                )
            )
        else:
            out.append(
                AnimalDisposition(
                    animal.id,
                    animal.institution,
                    Disposition.RECEIVE_FROM,
                    mate=mate.id,
                    breed_at=animal.institution,
                    counterpart=mate.institution,
                    notes=f"{mate.id} comes here to breed",
                )
            )
    return tuple(out)
