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
from studbook.kinship import (
    EmptyPopulationError,
    founder_genome_equivalents,
    gene_diversity,
    inbreeding,
    kinship,
    kinship_block,
    kinship_matrix,
    mean_kinship,
)
from studbook.pedigree import Pedigree, read_pedigree

__version__ = "0.1.0"

__all__ = [
    "EmptyPopulationError",
    "ImportValidationError",
    "ParentProbabilityError",
    "Pedigree",
    "PedigreeCycleError",
    "PedigreeError",
    "Problem",
    "StudbookError",
    "UnknownAnimalError",
    "__version__",
    "founder_genome_equivalents",
    "gene_diversity",
    "inbreeding",
    "kinship",
    "kinship_block",
    "kinship_matrix",
    "mean_kinship",
    "read_pedigree",
]
