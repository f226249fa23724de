"""Where the tests find their data: the bundled fixture, the pedigrees the repository carries and
the shared real pedigrees beside it.

``tests/data`` holds the small published pedigrees every clone has (see its README). The larger
third-party studbooks live in ``shared/data/pedigrees`` beside the repository (as on CI); set
``STUDBOOK_SHARED_DIR`` to use another copy of ``shared/``. A test that needs a shared file and
finds it absent is skipped with the reason, never failed.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "fixtures"
BUNDLED = ROOT / "tests" / "data"
SHARED = Path(os.environ.get("STUDBOOK_SHARED_DIR", ROOT.parent / "shared"))
PEDIGREES = SHARED / "data" / "pedigrees"
SHARED_ABSENT = f"shared pedigree data not present at {PEDIGREES} (set STUDBOOK_SHARED_DIR)"


SOURCE_MAPPINGS = {"barbary_sheep_purgeR": {"birth_year": "ignore"}}
"""``--map`` options for real files that contradict themselves: the Barbary sheep's birth years
put dam 306 (2008) after her offspring 310 (2003); kinship needs only the parents."""


def pedigree_file(name: str) -> Path:
    """The file ``name`` (e.g. ``lacy1989_founder_example.csv``): the repository's copy, else
    the shared one; skips the calling test when neither exists."""
    for folder in (BUNDLED, PEDIGREES):
        if (folder / name).is_file():
            return folder / name
    pytest.skip(f"{name}: {SHARED_ABSENT}")


@cache
def _real_files() -> tuple[Path, ...]:
    by_name = {p.name: p for p in sorted(BUNDLED.glob("*.csv"))}
    by_name.update({p.name: p for p in sorted(PEDIGREES.glob("*.csv"))})
    return tuple(by_name[name] for name in sorted(by_name))


def real_pedigree_params() -> list[Any]:
    """Every real pedigree CSV as a pytest parameter (id: its stem), shared ones when present;
    without ``shared/`` one skipped parameter says what was not tested."""
    params: list[Any] = [pytest.param(p, id=p.stem) for p in _real_files()]
    if not PEDIGREES.is_dir():
        params.append(pytest.param(None, id="shared", marks=pytest.mark.skip(SHARED_ABSENT)))
    return params


def require_shared() -> None:
    """Skip the calling test when the shared pedigrees are absent."""
    if not PEDIGREES.is_dir():
        pytest.skip(SHARED_ABSENT)
