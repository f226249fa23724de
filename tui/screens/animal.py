"""One animal: the record, parents, relatives, mates and litters, location history, genetics,
the pedigree and descendants trees, its relationship to any other animal, and its chart."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Input, OptionList, Static, Tree
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from studbook import present
from studbook.book import Relative
from studbook.parents import UNKNOWN_TOKEN
from studbook.present import printable
from tui.engine_explorer import FamilyView
from tui.messages import AnimalLoaded, FamilyLoaded, RelationshipLoaded, ReportExported
from tui.screens.base import StudbookScreen
from tui.store import AnimalDetail, AnimalGenetics, describe_error
from tui.text import plain
from tui.widgets.descendants import DescendantsTree
from tui.widgets.pedigree import PedigreeTree

__all__ = [
    "AnimalScreen",
    "animal_heading",
    "genetics_text",
    "history_text",
    "litters_text",
    "record_text",
    "relative_text",
]


def record_text(d: AnimalDetail) -> str:
    """The record as aligned lines (plain text)."""
    parents: dict[str, list[str]] = {}
    for link in d.parents:
        parents.setdefault(link.role, []).append(link.label)
    where = (d.institution or present.MISSING) + (f" ({d.region})" if d.region else "")
    lines = [
        ("Studbook id", d.id),
        ("House name", d.house_name or present.MISSING),
        ("Sex", {"M": "male", "F": "female"}.get(d.sex, "unknown")),
        (present.BIRTH_DATE.label, f"{d.birth_date or 'unknown'} ({d.birth_type})"),
        (present.DEATH_DATE.label, d.death_date or present.MISSING),
        ("Status", d.status),
        ("Institution", where),
        ("Sire", " | ".join(parents.get("sire", [UNKNOWN_TOKEN]))),
        ("Dam", " | ".join(parents.get("dam", [UNKNOWN_TOKEN]))),
    ]
    if d.flags:
        lines.append(("Flags", ", ".join(d.flags)))
    if d.notes:
        lines.append(("Notes", d.notes))
    return "\n".join(f"{k:<12} {printable(str(v))}" for k, v in lines)


def animal_heading(d: AnimalDetail) -> tuple[str, str]:
    """The header's title (id and house name, once) and subtitle (sex, status, where)."""
    title = f"{d.id}  {d.house_name}" if d.house_name else d.id
    sex = {"M": "male", "F": "female"}.get(d.sex, "sex unknown")
    where = [d.institution] if d.institution else []
    return printable(title), printable(" · ".join([sex, d.status, *where]))


def genetics_text(g: AnimalGenetics | None) -> str:
    """F, MK and its rank, % known, flagged-founder share and genome uniqueness."""
    if g is None:
        return "Genetics are being computed…"
    rank = (
        f"{present.MK_RANK.text(g.mk_rank)} of {g.mk_of}"
        if g.mk_rank is not None
        else "not in the population"
    )
    lines = [
        (present.F.label, present.F.text(g.f)),
        (present.MK.label, present.MK.text(g.mk)),
        (present.MK_RANK.label, rank),  # a line of its own: no wrap in a 100-column terminal
        (present.KNOWN.label, present.KNOWN.text(g.known)),
        (present.FLAGGED.label, present.FLAGGED.text(g.flagged)),
        (present.UNIQUENESS.label, present.UNIQUENESS.text(g.uniqueness)),
    ]
    return "\n".join(f"{k:<21} {v}" for k, v in lines)


def relative_text(r: Relative) -> str:
    """``son        14  Timur``; a relation through a possible (MULT) parent shows its p."""
    p = present.PROBABILITY
    chance = f" ({p.label}={p.text(r.probability)})" if r.probability < 1.0 else ""
    return f"{r.relation + chance:<28} {r.id}" + (f"  {r.house_name}" if r.house_name else "")


def litters_text(view: FamilyView) -> str:
    """Mates (litters and offspring with each), then every litter, oldest first."""
    if not view.litters:
        return "No recorded offspring."
    p = present.PROBABILITY
    out = []
    for mate in view.mates:
        chance = f" ({p.label}={p.text(mate.probability)})" if mate.probability < 1.0 else ""
        litters = present.counted(mate.litters, "litter")
        out.append(f"mate {mate.id}{chance}: {litters}, {mate.offspring} offspring")
    for litter in view.litters:
        mates = " | ".join(
            m if q >= 1.0 else f"{m} ({p.label}={p.text(q)})" for m, q in litter.mates
        )
        mine = f" (possible parent, {p.label}={p.text(litter.probability)})"
        out.append(
            f"{litter.born or '????-??-??'}  with {mates or 'UNK'}: "
            f"{', '.join(litter.offspring)}" + (mine if litter.probability < 1.0 else "")
        )
    return "\n".join(printable(line) for line in out)


def history_text(d: AnimalDetail) -> str:
    """The location history as a timeline, oldest first; an event's detail (its local id, a
    note) on the line under it, so a line fits the narrow left column."""
    if not d.history:
        return "No events recorded."
    out = []
    last = len(d.history) - 1
    width = max(len(stay.event) for stay in d.history)  # 'contraception start' lines up too
    for i, stay in enumerate(d.history):
        mark = "●" if i in (0, last) else "○"
        bar = " " if i == last else "│"
        out.append(
            f"{mark} {stay.date or '????-??-??':<10}  {stay.event:<{width}} "
            f"{printable(stay.institution)}"
        )
        if stay.detail:
            out.append(f"{bar}             ({printable(stay.detail)})")
        elif i != last:
            out.append(bar)
    return "\n".join(out)


class AnimalScreen(StudbookScreen):
    """One animal; enter on a relative or a pedigree node jumps to it, backspace goes back."""

    AUTO_FOCUS = "#pedigree"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="animal.close"),
        Binding("backspace", "back", "Back", id="animal.back"),
        Binding("p", "focus_pedigree", "Pedigree", id="animal.pedigree"),
        Binding("o", "focus_descendants", "Descendants", id="animal.descendants", show=False),
        Binding("k", "focus_relationship", "Relationship", id="animal.relationship"),
        Binding("x", "export_chart", "Export chart", id="animal.export_chart"),
        Binding("plus", "expand_all", "Expand all", id="animal.expand", show=False),
        Binding("e", "edit('edit')", "Edit", id="animal.edit"),
        Binding("d", "edit('death')", "Death", id="animal.death"),
        Binding("t", "edit('transfer')", "Transfer", id="animal.transfer"),
        Binding("L", "edit('loan')", "Loan", id="animal.loan"),
        Binding("w", "edit('release')", "Release", id="animal.release"),
        Binding("c", "edit('contraception')", "Contraception", id="animal.contra"),
    ]

    def __init__(self, animal_id: str) -> None:
        super().__init__(id="animal")
        self.animal_id = animal_id
        self.detail: AnimalDetail | None = None
        self.family: FamilyView | None = None
        self.history: list[str] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="animal-body"):
            with VerticalScroll(id="animal-left"):
                yield Static("", id="animal-record", classes="panel", markup=False)
                yield Static("", id="animal-genetics", classes="panel", markup=False)
                yield OptionList(id="relatives", classes="panel")
                yield Static("", id="animal-litters", classes="panel", markup=False)
                with Vertical(id="animal-relationship", classes="panel"):
                    yield Input(placeholder="another studbook id, then enter", id="relate-to")
                    yield Static("", id="relationship-text", markup=False)
                yield Static("", id="animal-history", classes="panel", markup=False)
            with Vertical(id="animal-right"):
                with Vertical(id="pedigree-panel", classes="panel"):
                    yield PedigreeTree(id="pedigree")
                with Vertical(id="descendants-panel", classes="panel"):
                    yield DescendantsTree(id="descendants")
                yield Static("", id="chart-status", classes="status", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#animal-record").border_title = "Record"
        self.query_one("#animal-genetics").border_title = "Genetics"
        self.query_one("#relatives").border_title = "Relatives (enter jumps)"
        self.query_one("#animal-litters").border_title = "Mates and litters"
        self.query_one("#animal-relationship").border_title = "Relationship to… (k)"
        self.query_one("#animal-history").border_title = "Location history"
        self.query_one("#pedigree-panel").border_title = "Pedigree (enter jumps, space opens)"
        self.query_one("#descendants-panel").border_title = "Descendants (o; MULT marked)"

    def show(self, animal_id: str, *, remember: bool = True) -> None:
        """Show another animal on this screen (backspace returns)."""
        if animal_id == self.animal_id:
            return
        if remember:
            self.history.append(self.animal_id)
        self.animal_id = animal_id
        self.reload()

    def reload(self) -> None:
        self.title = printable(self.animal_id)
        self.query_one("#animal-body").loading = self.detail is None
        self.load_animal(self.animal_id)
        self.load_family(self.animal_id)
        self.query_one("#relationship-text", Static).update("")

    @work(thread=True, exclusive=True, exit_on_error=False, group="animal", name="load animal")
    def load_animal(self, animal_id: str) -> None:
        detail = self.store.animal(animal_id)
        if not get_current_worker().is_cancelled:
            self.post_message(AnimalLoaded(detail))

    @work(thread=True, exclusive=True, exit_on_error=False, group="family", name="find family")
    def load_family(self, animal_id: str) -> None:
        view = self.store.family(animal_id)
        if not get_current_worker().is_cancelled:
            self.post_message(FamilyLoaded(view))

    @work(thread=True, exclusive=True, exit_on_error=False, group="relate", name="relationship")
    def load_relationship(self, a: str, b: str) -> None:
        from studbook.errors import StudbookError

        try:
            lines = self.store.relationship(a, b)
        except StudbookError as exc:  # an unknown id is an answer here, not a failure
            lines = (describe_error(exc),)
        if not get_current_worker().is_cancelled:
            self.post_message(RelationshipLoaded(a, b, lines))

    @work(thread=True, exclusive=True, exit_on_error=False, group="chart", name="export chart")
    def write_chart(self, animal_id: str) -> None:
        written = self.store.export_chart(animal_id)
        self.post_message(ReportExported(str(written)))

    def on_family_loaded(self, message: FamilyLoaded) -> None:
        view = message.view
        if view.animal_id != self.animal_id:
            return
        self.family = view
        self.query_one("#animal-litters", Static).update(litters_text(view))
        self.query_one(DescendantsTree).show_descendants(
            view.animal_id, view.offspring, view.labels
        )

    def on_relationship_loaded(self, message: RelationshipLoaded) -> None:
        if message.a == self.animal_id:
            self.query_one("#relationship-text", Static).update(
                "\n".join(printable(line) for line in message.lines)
            )

    def on_report_exported(self, message: ReportExported) -> None:
        text = f"Chart written to {message.path}"
        self.query_one("#chart-status", Static).update(printable(text))
        self.notify(printable(text), title="Exported", markup=False)

    @on(Input.Submitted, "#relate-to")
    def relate(self, event: Input.Submitted) -> None:
        other = event.value.strip()
        if other:
            self.query_one("#relationship-text", Static).update("Tracing the paths…")
            self.load_relationship(self.animal_id, other)

    def on_animal_loaded(self, message: AnimalLoaded) -> None:
        d = message.detail
        if d.id != self.animal_id:
            return
        self.detail = d
        self.query_one("#animal-body").loading = False
        self.title, self.sub_title = animal_heading(d)
        self.query_one("#animal-record", Static).update(record_text(d))
        self.query_one("#animal-genetics", Static).update(genetics_text(d.genetics))
        self.query_one("#animal-history", Static).update(history_text(d))
        relatives = self.query_one("#relatives", OptionList)
        relatives.clear_options()
        # No option ids: one relative can be listed twice (same dam; maybe the same sire too).
        relatives.add_options(Option(plain(relative_text(r))) for r in d.relatives)
        if not d.relatives:
            relatives.add_option(Option("no recorded relatives", disabled=True))
        self.query_one(PedigreeTree).show_pedigree(d.id, d.ancestry, d.names)

    @on(OptionList.OptionSelected, "#relatives")
    def relative_selected(self, event: OptionList.OptionSelected) -> None:
        if self.detail is not None and event.option_index < len(self.detail.relatives):
            self.show(self.detail.relatives[event.option_index].id)

    @on(Tree.NodeSelected, "#pedigree, #descendants")
    def node_selected(self, event: Tree.NodeSelected[str | None]) -> None:
        target = event.node.data
        if target is not None and target != self.animal_id:
            self.show(target)

    def action_back(self) -> None:
        if self.history:
            self.show(self.history.pop(), remember=False)
        else:
            self.dismiss()

    def action_close(self) -> None:
        self.dismiss()

    def action_focus_pedigree(self) -> None:
        self.query_one(PedigreeTree).focus()

    def action_focus_descendants(self) -> None:
        self.query_one(DescendantsTree).focus()

    def action_focus_relationship(self) -> None:
        self.query_one("#relate-to", Input).focus()

    def action_export_chart(self) -> None:
        self.query_one("#chart-status", Static).update("Writing the chart…")
        self.write_chart(self.animal_id)

    def action_expand_all(self) -> None:
        focused = self.focused
        tree = focused if isinstance(focused, Tree) else self.query_one(PedigreeTree)
        node = tree.cursor_node or tree.root
        node.expand_all()

    def action_edit(self, kind: str) -> None:
        self.studbook.open_edit(kind, self.animal_id)
