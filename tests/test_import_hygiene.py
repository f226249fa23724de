"""The layers point one way: tui -> db -> studbook."""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    ("module", "forbidden"),
    [
        ("studbook", ["sqlalchemy", "textual", "alembic", "db", "tui"]),
        ("db", ["textual", "tui"]),
    ],
)
def test_importing_a_layer_does_not_load_the_layers_above(
    module: str, forbidden: list[str]
) -> None:
    """Importing a layer in a fresh interpreter leaves the layers above it unloaded."""
    code = f"import sys, {module}; print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
