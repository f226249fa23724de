"""Commands load neither numba, scipy nor the UI unless they need them, and the reading commands
neither numpy nor the ORM (SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "amur_leopard.csv"

# Runs one command in a fresh interpreter and prints which of the modules named in the
# environment's PROBED (default: the heavy ones) it loaded.
PROBE = r"""
import contextlib, io, os, sys
from tui.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
probed = os.environ.get("PROBED", "numba,scipy,textual,rich").split(",")
print(",".join(m for m in probed if m in sys.modules))
sys.exit(code)
"""
# What a command that only reads records can do without: numpy (~0.1 s to import), the ORM and
# the models (~0.15 s; reading uses the Core clauses of db.tables), the genetics.
NOT_FOR_READING = "numpy,sqlalchemy.orm,db.models,studbook.pedigree,studbook.pairing"


def probe(url: str, argv: list[str], probed: str | None = None) -> list[str]:
    """The probed modules that ``studbook --db URL ARGV`` loaded (it must succeed)."""
    env = dict(os.environ)
    if probed is not None:
        env["PROBED"] = probed
    result = subprocess.run(
        [sys.executable, "-c", PROBE, "--db", url, *argv], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    return [m for m in result.stdout.strip().split(",") if m]


class TestCommandsStayLight:
    """census, animals and animal ID pay only for the database and the records; summary on a
    small studbook runs its kernels interpreted (:mod:`studbook.jit`)."""

    @pytest.mark.parametrize("argv", [["census"], ["animals"], ["animal", "1"], ["summary"]])
    def test_no_numba_scipy_or_ui(self, loaded: str, argv: list[str]) -> None:
        """The command succeeds without importing numba, scipy, textual or rich."""
        assert probe(loaded, argv) == []

    def test_the_breeding_plan_does_load_scipy(self, loaded: str) -> None:
        """The control: ``breeding-plan`` loads scipy's solver (so the probe can see it)."""
        assert "scipy" in probe(loaded, ["breeding-plan"])

    @pytest.mark.parametrize(
        "argv",
        [["census"], ["animals", "--living"], ["animal", "1"], ["census", "--date", "2000-01-01"]],
    )
    def test_reading_commands_load_neither_numpy_nor_the_orm(
        self, loaded: str, argv: list[str]
    ) -> None:
        """Listing and counting animals reads rows with SQLAlchemy Core and applies the status
        rules one animal at a time: no numpy, no ORM, no genetics."""
        assert probe(loaded, argv, NOT_FOR_READING) == []

    def test_summary_does_load_numpy_and_the_genetics(self, loaded: str) -> None:
        """The control: ``summary`` loads numpy and the pedigree (so the probe can see them)."""
        assert {"numpy", "studbook.pedigree"} <= set(probe(loaded, ["summary"], NOT_FOR_READING))
