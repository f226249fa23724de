"""studbook: captive-breeding studbook manager, genetics core.

This package is pure Python + numpy: it never imports the database layer (``db``) or the user
interface (``tui``).
"""

from studbook.demography import sex_ratio_ne
from studbook.errors import (
    ImportValidationError,
    ParentProbabilityError,
    PedigreeCycleError,
    PedigreeError,
    Problem,
    StudbookError,
    UnknownAnimalError,
)
from studbook.founders import (
    flagged_contribution,
    founder_contributions,
    founder_equivalents,
    founder_representation,
    genetic_founders,
    percent_known,
)
from studbook.genedrop import GeneDropResult, gene_drop
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
    "GeneDropResult",
    "ImportValidationError",
    "ParentProbabilityError",
    "Pedigree",
    "PedigreeCycleError",
    "PedigreeError",
    "Problem",
    "StudbookError",
    "UnknownAnimalError",
    "__version__",
    "flagged_contribution",
    "founder_contributions",
    "founder_equivalents",
    "founder_genome_equivalents",
    "founder_representation",
    "gene_diversity",
    "gene_drop",
    "genetic_founders",
    "inbreeding",
    "kinship",
    "kinship_block",
    "kinship_matrix",
    "mean_kinship",
    "percent_known",
    "read_pedigree",
    "sex_ratio_ne",
]
