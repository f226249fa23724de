"""The pedigree tree: an animal and its ancestors, expandable generation by generation."""

from __future__ import annotations

from collections.abc import Mapping

from rich.text import Text, TextType
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from studbook.present import PROBABILITY
from tui.store import ParentLink
from tui.text import plain

__all__ = ["PedigreeTree", "expand_levels"]

_SEX_MARK = {"M": "♂", "F": "♀"}


def expand_levels(node: TreeNode[str | None], levels: int) -> None:
    """Open ``node`` and its descendants ``levels`` deep (the trees' first view)."""
    if levels <= 0:
        return
    node.expand()
    for child in node.children:
        expand_levels(child, levels - 1)


class PedigreeTree(Tree[str | None]):
    """Ancestors of one animal. Node data is the studbook id (``None`` for WILD / UNK).

    The first ``depth`` generations are built and opened at once; deeper ones are added when
    their parent node is expanded. Selecting a node asks to show that animal.
    """

    def __init__(self, *, id: str | None = None, depth: int = 4) -> None:
        super().__init__("pedigree", id=id)
        self.depth = depth
        self.ancestry: Mapping[str, tuple[ParentLink, ...]] = {}
        self.names: Mapping[str, tuple[str, str]] = {}
        self.show_root = True
        self.auto_expand = False  # enter jumps to the animal; space opens a node

    def process_label(self, label: TextType) -> Text:
        """Labels are studbook text: shown plain (never markup), control characters escaped."""
        return plain(label) if isinstance(label, str) else label

    def label_for(self, animal_id: str, prefix: str = "") -> str:
        sex, house = self.names.get(animal_id, ("U", ""))
        mark = _SEX_MARK.get(sex, "?")
        return f"{prefix}{mark} {animal_id}" + (f"  {house}" if house else "")

    def show_pedigree(
        self,
        animal_id: str,
        ancestry: Mapping[str, tuple[ParentLink, ...]],
        names: Mapping[str, tuple[str, str]],
    ) -> None:
        """Draw ``animal_id`` with its ancestors (``ancestry``: id -> its parent links)."""
        self.ancestry = ancestry
        self.names = names
        self.clear()
        self.root.set_label(self.label_for(animal_id))
        self.root.data = animal_id
        self._add_parents(self.root, animal_id, generations=self.depth)
        expand_levels(self.root, max(self.depth, 1))
        self.move_cursor(self.root)

    def _add_parents(self, node: TreeNode[str | None], animal_id: str, generations: int) -> None:
        """Add the parent nodes of ``animal_id`` under ``node``, ``generations`` levels deep."""
        links = self.ancestry.get(animal_id, ())
        mult: dict[str, list[ParentLink]] = {}
        for link in links:
            if link.kind == "mult":
                mult.setdefault(link.role, []).append(link)
                continue
            self._add_link(node, link, link.role, generations)
        for role, candidates in mult.items():
            group = node.add(f"{role}: MULT (one of {len(candidates)})", data=None)
            for link in candidates:
                p = PROBABILITY
                self._add_link(group, link, f"{p.label}={p.text(link.probability)}", generations)

    def _add_link(
        self, node: TreeNode[str | None], link: ParentLink, prefix: str, generations: int
    ) -> None:
        if link.id is None:
            node.add_leaf(f"{prefix}: {link.label}", data=None)
            return
        has_parents = any(p.id is not None for p in self.ancestry.get(link.id, ()))
        child = node.add(
            self.label_for(link.id, f"{prefix}: "), data=link.id, allow_expand=has_parents
        )
        if generations > 1:
            self._add_parents(child, link.id, generations - 1)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[str | None]) -> None:
        node = event.node
        if node.data is not None and not node.children and node is not self.root:
            self._add_parents(node, node.data, generations=1)
