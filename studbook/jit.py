"""How studbook compiles its sequential hot loops: numba, on first call, cached on disk, no GIL.

Every kernel is declared with :func:`compiled`, :func:`inlined` or :func:`parallel`. None of
them imports numba: the decorated function stays a plain Python function behind a
:class:`Kernel` until it is first called, so ``import studbook`` (and every command that runs no
genetics, ``--help`` included) does not pay numba's import of about half a second. On the first
call numba is imported and the kernel is handed to ``numba.njit(cache=True, nogil=True)``:
caching keeps later runs from compiling again; releasing the GIL keeps a UI responsive while a
worker thread computes.

Kernels marked :func:`interpretable` run as plain Python on small inputs (no array argument
over :data:`SMALL` elements) while numba is not loaded, and so do the kernels they call: for
the sample studbook's 806 animals that takes about a tenth of a second, where loading numba
and its compiled code takes about a second. A process that has loaded numba (a large studbook,
:func:`preload`) compiles from then on. It is the same code either way; the tests compare the
two.

A kernel may call other kernels and use :data:`prange`. numba types a kernel's globals when it
compiles it, so before that the globals the kernel names are bound to what numba understands:
each :class:`Kernel` to its numba dispatcher, :data:`prange` to ``numba.prange``. (Both names
are rebound in the kernel's own module only, and only once numba is loaded anyway.)
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from types import CodeType
from typing import Any, TypeVar, cast

__all__ = [
    "SMALL",
    "Kernel",
    "compiled",
    "inlined",
    "interpretable",
    "parallel",
    "prange",
    "preload",
]

F = TypeVar("F", bound=Callable[..., Any])

prange = range
"""``range`` for a loop whose iterations :func:`parallel` may spread over the cores.

It is ``range`` until the kernel using it compiles, when the name becomes ``numba.prange``.
"""

SMALL = 4096
"""Largest array argument (elements) with which an :func:`interpretable` kernel may be
interpreted: about 2000 animals, where interpreting costs about as much as loading numba."""

_lock = threading.RLock()
_local = threading.local()


class Kernel:
    """A function compiled by numba when first called; called like the function itself."""

    def __init__(self, fn: Callable[..., Any], options: dict[str, Any]) -> None:
        self.py_func = fn
        self.options = options
        self._dispatcher: Any = None
        self.interpretable = False
        self.__name__ = fn.__name__
        self.__qualname__ = fn.__qualname__
        self.__doc__ = fn.__doc__
        self.__module__ = fn.__module__
        self.__wrapped__ = fn

    def __repr__(self) -> str:
        return f"<Kernel {self.__module__}.{self.__qualname__}>"

    def __call__(self, *args: Any) -> Any:
        if self._dispatcher is not None:
            return self._dispatcher(*args)
        if getattr(_local, "interpreting", False):
            return self.py_func(*args)
        if self.interpretable and "numba" not in sys.modules and _small(args):
            _local.interpreting = True
            try:
                return self.py_func(*args)
            finally:
                _local.interpreting = False
        return self.dispatcher()(*args)

    def dispatcher(self) -> Any:
        """The numba dispatcher of this kernel, created (numba imported) on the first request."""
        with _lock:
            if self._dispatcher is None:
                import numba

                fn = self.py_func
                # Set before binding the globals, so kernels that call each other terminate.
                self._dispatcher = numba.njit(**self.options)(fn)
                scope = fn.__globals__
                for name in _global_names(fn.__code__):
                    value = scope.get(name)
                    if isinstance(value, Kernel):
                        scope[name] = value.dispatcher()
                    elif value is prange:
                        scope[name] = numba.prange
            return self._dispatcher


def _small(args: tuple[Any, ...]) -> bool:
    return all(getattr(a, "size", 0) <= SMALL for a in args)


def _global_names(code: CodeType) -> Iterator[str]:
    """Every global name ``code`` and the code nested in it may load."""
    yield from code.co_names
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _global_names(const)


def compiled(fn: F) -> F:
    """Compile ``fn`` with ``numba.njit(cache=True, nogil=True)`` when it is first called."""
    return cast(F, Kernel(fn, {"cache": True, "nogil": True}))


def inlined(fn: F) -> F:
    """Compile ``fn`` like :func:`compiled`, inlined into the kernels calling it.

    numba's ``inline="always"``: for small helpers called in an inner loop.
    """
    return cast(F, Kernel(fn, {"cache": True, "nogil": True, "inline": "always"}))


def interpretable(kernel: F) -> F:
    """Let a kernel (decorated with :func:`compiled` above this) run interpreted when small.

    Only for kernels whose plain-Python run gives numba's result: no random numbers (numba's
    stream is not numpy's) and no integer wrap-around (numpy warns where numba wraps).
    """
    if not isinstance(kernel, Kernel):
        raise TypeError(f"{kernel!r} is not a kernel: put @interpretable above @compiled")
    kernel.interpretable = True
    return kernel


def parallel(fn: F) -> F:
    """Compile ``fn`` like :func:`compiled`, its :data:`prange` loops spread over the cores."""
    return cast(F, Kernel(fn, {"cache": True, "nogil": True, "parallel": True}))


def preload() -> None:
    """Import numba and set up its compiler now, ahead of the first kernel call.

    For a process that will compute soon but is idle now (the terminal UI's genetics process
    while the UI starts): the first kernel call then only loads its cached code. Setting up the
    compiler (numba's type and function registries) costs as much again as importing numba.
    """
    from numba.core.registry import cpu_target

    cpu_target.target_context.refresh()
