"""studbook: captive-breeding studbook manager, genetics core.

This package is pure Python + numpy: it never imports the database layer (``db``) or the user
interface (``tui``).
"""

from studbook.errors import (
    ImportValidationError,
    ParentProbabilityError,
    PedigreeCycleError,
    PedigreeError,
    Problem,
    StudbookError,
    UnknownAnimalError,
)
from studbook.pedigree import Pedigree, read_pedigree

__version__ = "0.1.0"

__all__ = [
    "ImportValidationError",
    "ParentProbabilityError",
    "Pedigree",
    "PedigreeCycleError",
    "PedigreeError",
    "Problem",
    "StudbookError",
    "UnknownAnimalError",
    "__version__",
    "read_pedigree",
]
