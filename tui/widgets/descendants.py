"""The descendants tree: an animal's offspring, generation by generation."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text, TextType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from studbook.present import PROBABILITY
from tui.text import plain
from tui.widgets.pedigree import expand_levels

__all__ = ["DescendantsTree"]

_SEX_MARK = {"M": "♂", "F": "♀"}


class DescendantsTree(Tree[str | None]):
    """Descendants of one animal; node data is the studbook id. Offspring through a possible
    (MULT) parent are marked with their probability (they inflate the list, as ZIMS warns).
    The first ``depth`` generations are opened at once; deeper ones when a node is expanded.
    """

    def __init__(self, *, id: str | None = None, depth: int = 2) -> None:
        super().__init__("descendants", id=id)
        self.depth = depth
        self.offspring: Mapping[str, tuple[tuple[str, float, bool], ...]] = {}
        self.labels: Mapping[str, tuple[str, str, bool]] = {}
        self.show_root = True
        self.auto_expand = False  # enter jumps to the animal; space opens a node

    def process_label(self, label: TextType) -> Text:
        """Labels are studbook text: shown plain (never markup), control characters escaped."""
        return plain(label) if isinstance(label, str) else label

    def label_for(self, animal_id: str, prefix: str = "") -> str:
        sex, house, living = self.labels.get(animal_id, ("U", "", False))
        mark = _SEX_MARK.get(sex, "?")
        alive = "  (living)" if living else ""
        return f"{prefix}{mark} {animal_id}" + (f"  {house}" if house else "") + alive

    def show_descendants(
        self,
        animal_id: str,
        offspring: Mapping[str, tuple[tuple[str, float, bool], ...]],
        labels: Mapping[str, tuple[str, str, bool]],
    ) -> None:
        """Draw ``animal_id`` with its descendants (``offspring``: id -> its offspring)."""
        self.offspring, self.labels = offspring, labels
        self.clear()
        self.root.set_label(self.label_for(animal_id))
        self.root.data = animal_id
        if not offspring.get(animal_id):
            self.root.add_leaf("no recorded offspring", data=None)
        self._add_offspring(self.root, animal_id, self.depth)
        expand_levels(self.root, self.depth)
        self.move_cursor(self.root)

    def _add_offspring(self, node: TreeNode[str | None], animal_id: str, levels: int) -> None:
        for child, p, mult in self.offspring.get(animal_id, ()):
            chance = f"possible ({PROBABILITY.label}={PROBABILITY.text(p)}) " if mult else ""
            branch = node.add(
                self.label_for(child, chance),
                data=child,
                allow_expand=bool(self.offspring.get(child)),
            )
            if levels > 1:
                self._add_offspring(branch, child, levels - 1)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[str | None]) -> None:
        node = event.node
        if node.data is not None and not node.children and node is not self.root:
            self._add_offspring(node, node.data, 1)
