"""Running the studbook command line inside a test, as a user would from the shell."""

from __future__ import annotations

import pytest
from testdata import FIXTURES

from tui.cli import main

FIXTURE = FIXTURES / "amur_leopard.csv"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run the command line; return (exit code, stdout, stderr)."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out, out.err
