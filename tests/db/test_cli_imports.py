"""Commands load neither numba, scipy nor the UI unless they need them (SQLite and PostgreSQL)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "amur_leopard.csv"

# Runs one command in a fresh interpreter and prints the heavy modules it loaded.
PROBE = r"""
import contextlib, io, sys
from tui.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
print(",".join(m for m in ("numba", "scipy", "textual", "rich") if m in sys.modules))
sys.exit(code)
"""


@pytest.fixture
def loaded(db_url: str, capsys: pytest.CaptureFixture[str]) -> str:
    """A database initialised and filled with the Amur leopard fixture."""
    assert main(["--db", db_url, "init"]) == 0
    assert main(["--db", db_url, "import", str(FIXTURE)]) == 0
    capsys.readouterr()
    return db_url


class TestCommandsStayLight:
    """census, animals and animal ID pay only for the database and the records; summary on a
    small studbook runs its kernels interpreted (:mod:`studbook.jit`)."""

    @pytest.mark.parametrize("argv", [["census"], ["animals"], ["animal", "1"], ["summary"]])
    def test_no_numba_scipy_or_ui(self, loaded: str, argv: list[str]) -> None:
        """The command succeeds without importing numba, scipy, textual or rich."""
        result = subprocess.run(
            [sys.executable, "-c", PROBE, "--db", loaded, *argv], capture_output=True, text=True
        )
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == ""

    def test_the_breeding_plan_does_load_scipy(self, loaded: str) -> None:
        """The control: ``breeding-plan`` loads scipy's solver (so the probe can see it)."""
        result = subprocess.run(
            [sys.executable, "-c", PROBE, "--db", loaded, "breeding-plan"],
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        assert "scipy" in result.stdout.strip().split(",")
