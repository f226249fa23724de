"""studbook: captive-breeding studbook manager, genetics core.

This package is pure Python + numpy: it never imports the database layer (``db``) or the user
interface (``tui``).
"""

from studbook.breeding_plan import BreedingPlan, Plan, PlannedPair, PlanSettings, breeding_plan
from studbook.demography import sex_ratio_ne
from studbook.errors import (
    ImportValidationError,
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
from studbook.ids import AnimalId
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
from studbook.pairing import (
    MsiTable,
    PairingInputs,
    PairingRow,
    PairingTable,
    pairing_inputs,
    rank_pairings,
)
from studbook.pedigree import Pedigree, read_pedigree
from studbook.population import (
    AMUR_LEOPARD,
    NO_AGE_LIMITS,
    Candidates,
    PopulationGenetics,
    ReferencePopulation,
    SpeciesProfile,
    breeding_candidates,
    population_genetics,
    reference_population,
    release_candidates,
)
from studbook.release import (
    ReleaseGroup,
    ReleaseInputs,
    ReleaseRow,
    evaluate_release_group,
    rank_release_candidates,
    release_group,
    release_inputs,
)
from studbook.reports import (
    Report,
    breeding_plan_report,
    pairing_report,
    release_report,
    render,
    summary_report,
)
from studbook.summary import PopulationSummary, population_summary

__version__ = "0.1.0"

__all__ = [
    "AMUR_LEOPARD",
    "NO_AGE_LIMITS",
    "AnimalId",
    "BreedingPlan",
    "Candidates",
    "EmptyPopulationError",
    "GeneDropResult",
    "ImportValidationError",
    "MsiTable",
    "PairingInputs",
    "PairingRow",
    "PairingTable",
    "Pedigree",
    "PedigreeCycleError",
    "PedigreeError",
    "Plan",
    "PlanSettings",
    "PlannedPair",
    "PopulationGenetics",
    "PopulationSummary",
    "Problem",
    "ReferencePopulation",
    "ReleaseGroup",
    "ReleaseInputs",
    "ReleaseRow",
    "Report",
    "SpeciesProfile",
    "StudbookError",
    "UnknownAnimalError",
    "__version__",
    "breeding_candidates",
    "breeding_plan",
    "breeding_plan_report",
    "evaluate_release_group",
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
    "pairing_inputs",
    "pairing_report",
    "percent_known",
    "population_genetics",
    "population_summary",
    "rank_pairings",
    "rank_release_candidates",
    "read_pedigree",
    "reference_population",
    "release_candidates",
    "release_group",
    "release_inputs",
    "release_report",
    "render",
    "sex_ratio_ne",
    "summary_report",
]
