"""How studbook compiles its sequential hot loops: numba, cached on disk, releasing the GIL.

Caching keeps start-up fast after the first run; releasing the GIL keeps a UI responsive while a
worker thread computes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numba

__all__ = ["compiled", "parallel"]


def compiled(fn: Callable[..., Any]) -> Any:
    """Compile ``fn`` with ``numba.njit(cache=True, nogil=True)``."""
    return numba.njit(cache=True, nogil=True)(fn)


def parallel(fn: Callable[..., Any]) -> Any:
    """Compile ``fn`` like :func:`compiled`, its ``numba.prange`` loops spread over the cores."""
    return numba.njit(cache=True, nogil=True, parallel=True)(fn)
