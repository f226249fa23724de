"""Writing files so that a crash or a full disk leaves the old file or none, never half of one.

Every file studbook writes (exports, reports) goes through :func:`atomic_text_file`: the text is
written to a temporary file in the target's own folder, flushed to disk, and then renamed over
the target in one step (``os.replace`` is atomic within a file system).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO

__all__ = ["atomic_text_file", "write_text_atomically"]


@contextmanager
def atomic_text_file(path: str | Path, *, newline: str | None = None) -> Iterator[TextIO]:
    """Open a UTF-8 text stream whose contents replace ``path`` only when the block succeeds.

    On an exception (including ``OSError`` from a full disk) the temporary file is removed and
    ``path`` is left as it was.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_text_file(target) as stream:
    ...     _ = stream.write("hello")
    >>> target.read_text()
    'hello'
    """
    target = Path(path)
    descriptor, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline=newline) as stream:
            yield stream
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def write_text_atomically(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` (UTF-8) atomically; see :func:`atomic_text_file`."""
    with atomic_text_file(path) as stream:
        stream.write(text)
