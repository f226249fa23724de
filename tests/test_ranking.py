"""The mean-kinship ranking: lowest MK first, equal MKs in studbook order."""

from __future__ import annotations

import numpy as np

from studbook.ranking import mk_order, mk_ranks


class TestMkRanking:
    """One MK ranking for the UI's MK rank and the greedy plan's mate order."""

    def test_lowest_mk_is_rank_one(self) -> None:
        """The animal with the lowest MK is the most valuable breeder."""
        ranks = mk_ranks(["1", "2", "3"], np.array([0.3, 0.1, 0.2]))
        assert ranks == {"2": 1, "3": 2, "1": 3}

    def test_ties_in_studbook_order(self) -> None:
        """Equal MKs: numeric ids by value (9, 10, 042), then other ids as text."""
        order = mk_order(["10", "T1", "9", "042"], np.full(4, 0.05))
        assert [["10", "T1", "9", "042"][k] for k in order.tolist()] == ["9", "10", "042", "T1"]

    def test_empty(self) -> None:
        """No animals, no ranks."""
        assert mk_ranks([], np.array([], dtype=np.float64)) == {}
