"""The app's one door to the database and the genetics engine.

Every method here is blocking and is called from a worker thread, never from the UI thread.
The store holds the engine, a session factory and the latest genetics of the living
population (recomputed after every edit, in a worker). It calls ``db`` for every query and
write and ``studbook`` for every figure; what it adds is the shape the screens draw.
"""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from db.errors import DatabaseSchemaError
from db.session import make_engine, make_session_factory, resolve_url
from studbook.pairing import PairingRow
from studbook.timeseries import AgeSexPyramid

__all__ = ["DatabaseUnavailable", "Store", "describe_error"]


class DatabaseUnavailable(Exception):
    """The database cannot be used: ``reason`` says why, ``hint`` what to do about it."""

    def __init__(self, url: str, reason: str, hint: str) -> None:
        super().__init__(f"{url}: {reason}")
        self.url = url
        self.reason = reason
        self.hint = hint


def describe_error(error: BaseException) -> str:
    """A message for a person: the studbook's own errors as written, others with their type."""
    from studbook.errors import StudbookError

    if isinstance(error, StudbookError):
        return str(error)
    if isinstance(error, DBAPIError):
        return f"the database refused the request: {error.orig}"
    return f"{type(error).__name__}: {error}"


def _is_locked(error: BaseException) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return "locked" in text or "busy" in text


def _schema_is_newer(engine: Engine) -> bool:
    """Whether the database is at a migration this program does not know (made by a newer one)."""
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from alembic.util.exc import CommandError

    from db.migrate import current_revision, ini_path

    current = current_revision(engine)
    if current is None:
        return False
    try:
        ScriptDirectory.from_config(Config(str(ini_path()))).get_revision(current)
    except CommandError:
        return True
    return False


def _open_engine(url: str | None, timeout: float) -> tuple[Engine, str]:
    """An engine for ``url`` that answered and whose schema is current; see :class:`Store`."""
    resolved = resolve_url(url)
    parsed = make_url(resolved)
    shown = parsed.render_as_string(hide_password=True)
    retry = "fix it and press r to retry"
    if parsed.get_backend_name() == "sqlite":
        path = parsed.database or ""
        on_disk = path and path != ":memory:" and not path.startswith("file:")
        if on_disk and not Path(path).is_file():
            raise DatabaseUnavailable(
                shown,
                f"There is no studbook database at {path}.",
                "Check the path given with --db or STUDBOOK_DB_URL, or create the studbook "
                "with 'studbook import FILE.csv'.",
            )
        connect_args: dict[str, object] = {"timeout": timeout}
    else:
        connect_args = {"connect_timeout": max(round(timeout), 1)}
    try:
        engine = make_engine(resolved, connect_args=connect_args)
    except Exception as exc:
        raise DatabaseUnavailable(
            shown, f"This database URL cannot be used: {exc}", f"Correct the URL; {retry}."
        ) from exc
    from db.migrate import require_current

    try:
        require_current(engine)
    except DatabaseSchemaError as exc:
        newer = _schema_is_newer(engine)
        engine.dispose()
        if newer:
            raise DatabaseUnavailable(
                shown,
                "This studbook was written by a newer version of studbook (its schema is newer "
                "than this program knows).",
                "Install the newer studbook to open it; this version will not touch it.",
            ) from exc
        raise DatabaseUnavailable(shown, f"{exc}.", "Then press r to retry.") from exc
    except (OperationalError, DBAPIError, sqlite3.Error) as exc:
        engine.dispose()
        if _is_locked(exc):
            raise DatabaseUnavailable(
                shown,
                "The database is locked by another program (an import or another editor is "
                "writing to it).",
                "Wait for it to finish or close it, then press r to retry.",
            ) from exc
        detail = getattr(exc, "orig", exc)
        raise DatabaseUnavailable(
            shown,
            f"The database cannot be read: {detail}",
            f"Check that it is a studbook database and that the server is reachable; {retry}.",
        ) from exc
    return engine, shown


# --------------------------------------------------------------------------- view models
SORTABLE = ("id", "house_name", "sex", "age", "status", "institution", "region", "f", "mk_rank")
"""Columns of the animals table, in order; each can be sorted on."""


@dataclass(frozen=True)
class AnimalFilter:
    """Which animals the table shows and in what order (applied by the database query)."""

    living_only: bool = True
    sex: str | None = None
    institution: str | None = None
    region: str | None = None
    search: str = ""
    sort: str = "id"
    descending: bool = False


@dataclass(frozen=True, slots=True)
class AnimalRow:
    """One row of the animals table; ``f`` and ``mk_rank`` are ``None`` until genetics are in."""

    id: str
    house_name: str
    sex: str
    age: float | None
    status: str
    institution: str
    region: str
    f: float | None
    mk_rank: int | None


@dataclass(frozen=True)
class FilterChoices:
    """What the filters offer: institutions (mnemonic, name) and regions present."""

    institutions: tuple[tuple[str, str], ...]
    regions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ParentLink:
    """One parent cell of an animal: a known id, or WILD / UNK, or one MULT candidate."""

    role: str
    kind: str
    id: str | None = None
    probability: float = 1.0

    @property
    def label(self) -> str:
        """``123``, ``WILD``, ``UNK`` or ``123 (p=0.50)`` for a MULT candidate."""
        if self.id is None:
            return self.kind.upper() if self.kind != "unknown" else "UNK"
        if self.kind == "mult":
            return f"{self.id} (p={self.probability:.2f})"
        return self.id


@dataclass(frozen=True, slots=True)
class Relative:
    """An animal related to the one shown: ``relation`` is e.g. ``son``, ``half-sister``."""

    id: str
    relation: str
    house_name: str = ""


@dataclass(frozen=True, slots=True)
class Stay:
    """One event of the location history (birth, transfer, release, death...)."""

    date: str
    event: str
    institution: str
    detail: str = ""


@dataclass(frozen=True)
class AnimalGenetics:
    """The genetics of one animal; ``None`` values are not defined for it (e.g. MK if dead)."""

    f: float | None
    mk: float | None
    mk_rank: int | None
    mk_of: int
    known: float | None
    flagged: float | None
    uniqueness: float | None


@dataclass(frozen=True)
class AnimalDetail:
    """Everything the animal screen shows about one animal."""

    id: str
    house_name: str
    sex: str
    birth_date: str
    birth_type: str
    death_date: str
    status: str
    institution: str
    region: str
    flags: tuple[str, ...]
    notes: str
    version: int
    parents: tuple[ParentLink, ...]
    relatives: tuple[Relative, ...]
    history: tuple[Stay, ...]
    genetics: AnimalGenetics | None
    ancestry: dict[str, tuple[ParentLink, ...]]
    """Parent links of the animal and of every ancestor (for the pedigree tree)."""
    names: dict[str, tuple[str, str]]
    """Sex and house name of the animal and its ancestors, for tree labels."""


@dataclass(frozen=True)
class PopulationView:
    """The population screen's numbers: summary figures, founder representation, pyramid."""

    definition: str
    figures: tuple[tuple[str, str], ...]
    founder_labels: tuple[str, ...]
    founder_values: tuple[float, ...]
    pyramid: AgeSexPyramid


@dataclass(frozen=True)
class PairingFilter:
    """Which pairs the pairings table shows."""

    institution: str | None = None
    region: str | None = None
    male: str | None = None
    female: str | None = None
    plan: bool = False
    """Show the optimal breeding plan instead of every ranked pair."""


@dataclass(frozen=True)
class PairingsView:
    """Ranked pairs (or the plan's pairs) after filtering, with what the screen says about them."""

    filter: PairingFilter
    rows: tuple[PairingRow, ...]
    total: int
    description: str
    males: tuple[str, ...]
    females: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ReleaseRow:
    """One ranked release candidate."""

    rank: int
    id: str
    sex: str
    age: float | None
    mk: float
    known: float
    flagged: float
    institution: str


@dataclass(frozen=True)
class ReleasesView:
    """The ranked release candidates and how they were chosen."""

    rows: tuple[ReleaseRow, ...]
    description: str


@dataclass(frozen=True)
class ReleaseGroupView:
    """A chosen release group: its own GD and founders, and what the captives lose."""

    ids: tuple[str, ...]
    figures: tuple[tuple[str, str], ...]


# --------------------------------------------------------------------------- the store
class Store:
    """The open database plus the genetics of the living population (see the module docstring).

    Thread-safe: workers may call any method at the same time; the genetics are replaced as a
    whole when a recomputation finishes, so readers always see one consistent snapshot.
    """

    def __init__(self, engine: Engine, description: str, census_date: str | None = None) -> None:
        self.engine = engine
        self.description = description
        self.census_date = census_date
        self.sessions = make_session_factory(engine)
        self._lock = threading.Lock()
        self._generation = 0

    @classmethod
    def open(
        cls, url: str | None, *, census_date: str | None = None, timeout: float = 2.0
    ) -> Store:
        """Open ``url`` (see :func:`db.session.resolve_url`) and check its schema.

        Raises :class:`DatabaseUnavailable` when the file does not exist, the database is
        locked or unreachable, or its schema is missing, older or newer than this program.
        """
        engine, shown = _open_engine(url, timeout)
        return cls(engine, shown, census_date)

    def close(self) -> None:
        """Release the database connections."""
        self.engine.dispose()


@dataclass(frozen=True)
class EditValues:
    """What an edit form holds: its kind, the animal, the typed fields, the version read."""

    kind: str
    animal_id: str | None
    fields: tuple[tuple[str, str], ...]
    version: int | None = None

    def get(self, name: str) -> str:
        return dict(self.fields).get(name, "").strip()
