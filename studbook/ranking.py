"""The mean-kinship ranking of breeders: rank 1 is the lowest MK, the most valuable breeder.

Animals with low MK carry under-represented genes, so programmes breed them first; equal MKs
are ranked in studbook order (:func:`~studbook.status.studbook_order`) so the ranking is
the same on every run. The greedy breeding plan visits mates in this order and the UI shows
each animal's rank; both call this module.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from studbook.status import studbook_order

__all__ = ["mk_order", "mk_ranks"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


def mk_order(ids: Sequence[str], mk: FloatArray) -> IntArray:
    """Positions of ``ids`` from the lowest MK to the highest, ties in studbook order.

    >>> mk_order(["10", "9", "T1"], np.array([0.2, 0.2, 0.1])).tolist()
    [2, 1, 0]
    """
    return np.lexsort((studbook_order(ids), mk)).astype(np.int64)


def mk_ranks(ids: Sequence[str], mk: FloatArray) -> dict[str, int]:
    """Each id's MK rank (1 = lowest MK).

    >>> mk_ranks(["10", "9", "T1"], np.array([0.2, 0.2, 0.1]))
    {'T1': 1, '9': 2, '10': 3}
    """
    return {ids[k]: rank + 1 for rank, k in enumerate(mk_order(ids, mk).tolist())}
