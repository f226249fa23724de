"""Where the UI writes files: one exports folder for reports and charts alike."""

from __future__ import annotations

from pathlib import Path

__all__ = ["export_folder", "export_target"]


def export_folder() -> Path:
    """Where reports are written by default: ``studbook`` in the user's documents folder
    (platformdirs: ``~/Documents/studbook`` on Linux and macOS, ``Documents\\studbook`` on
    Windows)."""
    from platformdirs import user_documents_dir

    return Path(user_documents_dir()) / "studbook"


def export_target(typed: str, folder: Path) -> Path:
    """The absolute file a typed path names: ``~`` expanded, a relative path inside ``folder``.

    >>> str(export_target("plan.csv", Path("/data/exports")))
    '/data/exports/plan.csv'
    >>> str(export_target("/tmp/plan.csv", Path("/data/exports")))
    '/tmp/plan.csv'
    """
    path = Path(typed).expanduser()
    return (path if path.is_absolute() else folder / path).resolve()
