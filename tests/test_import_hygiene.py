"""The layers point one way (tui -> db -> studbook) and each pays only for the imports it uses.

Two gates hold this: the import-linter contracts in ``pyproject.toml`` (every import statement,
function-level ones included) and the check below, which imports every module of a package in
a fresh interpreter and looks at what got loaded. Each gate is shown to fail on a planted
forbidden import, so a gate that cannot fail is noticed.
"""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# Imports every module of each package named on the command line (walking its subpackages) in
# this order, and after each one checks whether a forbidden module has been loaded; the first
# module that loads one is named and the exit code is 1. Alembic's env.py runs only inside
# alembic (it reads alembic's context at import) and is left out; import-linter covers it.
CHECK = r"""
import importlib, pkgutil, sys
forbidden = sys.argv[1].split(",")
names = []
for package in sys.argv[2:]:
    module = importlib.import_module(package)
    names.append(package)
    for info in pkgutil.walk_packages(getattr(module, "__path__", []), package + "."):
        if info.name != "db.migrations.env":
            names.append(info.name)
for name in names:
    importlib.import_module(name)
    loaded = [f for f in forbidden if f in sys.modules]
    if loaded:
        print(f"importing {name} loads {', '.join(loaded)}")
        sys.exit(1)
print(f"{len(names)} modules")
"""

HEAVY = ["numba", "llvmlite", "scipy", "networkx"]
UI = ["tui", "textual", "rich"]
DATABASE = ["db", "sqlalchemy", "alembic", "psycopg"]


def check(
    forbidden: list[str], *packages: str, path: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run :data:`CHECK` in a fresh interpreter (with ``path`` first on ``sys.path``)."""
    env = dict(os.environ)
    if path is not None:
        env["PYTHONPATH"] = str(path)
    return subprocess.run(
        [sys.executable, "-c", CHECK, ",".join(forbidden), *packages],
        capture_output=True,
        text=True,
        env=env,
        cwd=path or ROOT,
    )


class TestEveryModuleLoadsOnlyItsLayer:
    """Every module of a layer, imported by name, leaves upper layers and heavy libraries out."""

    @pytest.mark.parametrize(
        ("package", "forbidden"),
        [("studbook", DATABASE + UI + HEAVY), ("db", UI + HEAVY)],
    )
    def test_every_module_of_the_package(self, package: str, forbidden: list[str]) -> None:
        """Walks the whole package: a forbidden import in any submodule is found."""
        result = check(forbidden, package)
        assert result.returncode == 0, result.stdout + result.stderr
        assert int(result.stdout.split()[0]) > 10

    def test_command_line_module_loads_neither_ui_nor_database_nor_numba(self) -> None:
        """``tui.cli`` (what ``studbook --help`` runs) imports the UI and the database lazily."""
        result = check(["textual", "rich", "sqlalchemy", "alembic", *HEAVY], "tui.cli")
        assert result.returncode == 0, result.stdout + result.stderr

    def test_help_loads_neither_ui_nor_database_nor_numba(self) -> None:
        """``studbook --help`` runs without importing textual, sqlalchemy, numba or scipy."""
        code = (
            "import sys\nfrom tui.cli import main\ntry:\n    main(['--help'])\n"
            "except SystemExit:\n    pass\n"
            "print(','.join(m for m in ['textual', 'sqlalchemy', 'numba', 'scipy'] "
            "if m in sys.modules), file=sys.stderr)"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.returncode == 0 and result.stderr.strip() == "", result.stderr


class TestNumbaLoadsWhenAsked:
    """numba loads on the first kernel call, or ahead of it when a process asks."""

    def test_preload_imports_numba_and_sets_up_its_compiler(self) -> None:
        """``studbook.jit.preload()`` leaves numba loaded with its CPU target's registries."""
        code = (
            "import sys\nfrom studbook.jit import preload\nassert 'numba' not in sys.modules\n"
            "preload()\nassert 'numba.np.arraymath' in sys.modules\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

    def test_a_kernel_compiles_on_first_call_and_calls_other_kernels(self, tmp_path: Path) -> None:
        """A kernel calling another kernel in a ``prange`` loop gives the right sum."""
        (tmp_path / "kernels.py").write_text(
            "from studbook.jit import compiled, parallel, prange\n\n"
            "@compiled\ndef twice(x):\n    return 2 * x\n\n"
            "@parallel\ndef total(a):\n    s = 0\n"
            "    for i in prange(a.size):\n        s += twice(a[i])\n    return s\n"
        )
        code = (
            "import sys, numpy as np, kernels\n"
            "assert 'numba' not in sys.modules\n"
            "assert kernels.total(np.arange(10)) == 90\n"
            "import numba\n"
            "assert isinstance(kernels.twice, numba.core.dispatcher.Dispatcher)\n"
            "assert kernels.prange is numba.prange\n"
        )
        env = {**os.environ, "PYTHONPATH": str(tmp_path), "NUMBA_CACHE_DIR": str(tmp_path)}
        result = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, env=env
        )
        assert result.returncode == 0, result.stderr


# Computes the sample studbook's genetics (F, mean kinship, GD, FGE, founder representation,
# % known, generations) and prints them exactly, with whether numba was loaded. "preload" as
# argument loads numba first, so every kernel is compiled; without it the small-input kernels
# run interpreted.
GENETICS = r"""
import csv, sys
import numpy as np
from studbook import jit
from studbook.founders import founder_representation, percent_known
from studbook.kinship import founder_genome_equivalents, gene_diversity, inbreeding
from studbook.kinship import mean_kinship_array
from studbook.pedigree import Pedigree
if sys.argv[2:] == ["preload"]:
    jit.preload()
with open(sys.argv[1], encoding="utf-8", newline="") as file:
    rows = list(csv.DictReader(file))
ped = Pedigree.from_cells(
    [r["id"] for r in rows], [r["sire"] for r in rows], [r["dam"] for r in rows],
    [r["sex"] for r in rows], alive=[r["alive"] == "1" for r in rows],
)
living = ped.alive
figures = [
    inbreeding(ped).tobytes().hex(), mean_kinship_array(ped, living).tobytes().hex(),
    gene_diversity(ped, living).hex(), founder_genome_equivalents(ped, living).hex(),
    repr(sorted(founder_representation(ped, living).items())),
    percent_known(ped).tobytes().hex(), ped.generation.tobytes().hex(),
]
print("numba" in sys.modules, hash(tuple(figures)), len(ped.ids))
"""


class TestInterpretedKernelsAgree:
    """Small inputs run the kernels interpreted, with exactly the compiled kernels' results."""

    def test_sample_studbook_genetics_are_identical_both_ways(self) -> None:
        """F, MK, GD, FGE, founder representation, % known, generations: bit for bit."""
        fixture = str(ROOT / "fixtures" / "amur_leopard.csv")
        runs = [
            subprocess.run(
                [sys.executable, "-c", GENETICS, fixture, *extra],
                capture_output=True,
                text=True,
                env={**os.environ, "PYTHONHASHSEED": "0"},
            )
            for extra in ([], ["preload"])
        ]
        for run in runs:
            assert run.returncode == 0, run.stderr
        interpreted, compiled = (run.stdout.split() for run in runs)
        assert interpreted[0] == "False" and compiled[0] == "True"
        assert interpreted[1:] == compiled[1:]
        assert interpreted[2] == "804"

    def test_interpretable_refuses_a_plain_function(self) -> None:
        """``@interpretable`` without ``@compiled`` under it is a mistake, reported at once."""
        from studbook.jit import interpretable

        with pytest.raises(TypeError, match="put @interpretable above @compiled"):
            interpretable(len)


class TestTheCheckFails:
    """The check above fails on a planted forbidden import, naming the module that has it."""

    @staticmethod
    def plant(tmp_path: Path, leaf: str) -> None:
        package = tmp_path / "planted" / "deep"
        package.mkdir(parents=True)
        (tmp_path / "planted" / "__init__.py").write_text('"""Clean."""\n')
        (package / "__init__.py").write_text('"""Clean."""\n')
        (package / "leaf.py").write_text(leaf)

    def test_planted_import_deep_in_the_package_is_found(self, tmp_path: Path) -> None:
        """``import textual`` two levels down fails the check and is named."""
        self.plant(tmp_path, "import textual\n")
        result = check(["textual"], "planted", path=tmp_path)
        assert result.returncode == 1
        assert result.stdout.strip() == "importing planted.deep.leaf loads textual"

    def test_the_same_package_without_it_passes(self, tmp_path: Path) -> None:
        """The control: the same package with a harmless import passes."""
        self.plant(tmp_path, "import json\n")
        result = check(["textual"], "planted", path=tmp_path)
        assert result.returncode == 0, result.stdout + result.stderr


class TestTheImportContractsFail:
    """lint-imports, on a copy of the project, breaks the contract a planted import violates."""

    @staticmethod
    def lint(tmp_path: Path, plant: tuple[str, str] | None) -> subprocess.CompletedProcess[str]:
        for package in ("studbook", "db", "tui"):
            shutil.copytree(
                ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__")
            )
        shutil.copy(ROOT / "pyproject.toml", tmp_path)
        if plant is not None:
            module, statement = plant
            with (tmp_path / module).open("a", encoding="utf-8") as file:
                file.write(f"\n\ndef _planted() -> None:\n    {statement}\n")
        lint_imports = Path(sys.executable).with_name("lint-imports")
        return subprocess.run(
            [str(lint_imports), "--no-cache"],
            capture_output=True,
            text=True,
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(tmp_path)},
        )

    def test_the_unchanged_copy_passes(self, tmp_path: Path) -> None:
        """The control: the copy as it is keeps every contract."""
        result = self.lint(tmp_path, None)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "BROKEN" not in result.stdout

    @pytest.mark.parametrize(
        ("module", "statement", "contract"),
        [
            ("db/session.py", "import textual", "The database layer stays free of the UI"),
            ("db/queries.py", "from rich.text import Text", "The database layer stays free of"),
            ("studbook/kinship.py", "import db.session", "The genetics core stays free of"),
            ("studbook/pedigree.py", "import sqlalchemy", "The genetics core stays free of"),
            ("studbook/reports.py", "from tui import cli", "Layers: tui -> db -> studbook"),
        ],
    )
    def test_a_planted_import_breaks_its_contract(
        self, tmp_path: Path, module: str, statement: str, contract: str
    ) -> None:
        """Even an import inside a function body is caught."""
        result = self.lint(tmp_path, (module, statement))
        assert result.returncode == 1
        broken = [line for line in result.stdout.splitlines() if line.endswith("BROKEN")]
        assert any(line.startswith(contract) for line in broken), result.stdout


class TestLazyPackageNames:
    """``studbook``'s names load on first use, and say the same to type checkers and at run time."""

    def test_type_checking_imports_match_the_runtime_table(self) -> None:
        """The ``TYPE_CHECKING`` imports of ``studbook/__init__.py`` are exactly ``_EXPORTS``."""
        import studbook

        tree = ast.parse((ROOT / "studbook" / "__init__.py").read_text(encoding="utf-8"))
        block = next(n for n in tree.body if isinstance(n, ast.If))
        declared = {
            alias.name: node.module
            for node in block.body
            if isinstance(node, ast.ImportFrom)
            for alias in node.names
        }
        assert declared == studbook._EXPORTS

    def test_a_function_named_like_its_module_stays_the_function(self) -> None:
        """``studbook.kinship`` is the function even after ``studbook.kinship`` (module) loads."""
        code = (
            "import studbook.kinship, studbook.inbreeding, studbook.breeding_plan, studbook\n"
            "from studbook.kinship import kinship, inbreeding\n"
            "from studbook.breeding_plan import breeding_plan\n"
            "assert studbook.kinship is kinship and studbook.inbreeding is inbreeding\n"
            "assert studbook.breeding_plan is breeding_plan\n"
        )
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert result.returncode == 0, result.stderr

    def test_every_exported_name_resolves(self) -> None:
        """Each name of ``studbook.__all__`` is importable from its module."""
        import studbook

        for name in studbook.__all__:
            assert getattr(studbook, name) is not None
        with pytest.raises(AttributeError, match="no attribute 'nothing'"):
            _ = studbook.nothing  # type: ignore[attr-defined]
