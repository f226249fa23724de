"""studbook: captive-breeding studbook manager, genetics core.

This package is pure Python + numpy: it never imports the database layer (``db``) or the user
interface (``tui``). numba and scipy load inside the genetics calls that need them
(:mod:`studbook.jit`).

The names below load on first use (PEP 562), so ``import studbook`` costs next to nothing and a
command that needs one module (``studbook --help`` needs :mod:`studbook.errors`) does not import
them all. ``_EXPORTS`` says where each name lives at run time; the ``TYPE_CHECKING`` imports say
the same to type checkers (``tests/test_import_hygiene.py`` checks that the two agree).
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    __version__: str
    from studbook.assumptions import (
        Assumption as Assumption,
    )
    from studbook.assumptions import (
        AssumptionError as AssumptionError,
    )
    from studbook.assumptions import (
        AssumptionSet as AssumptionSet,
    )
    from studbook.assumptions import (
        HypotheticalAnimal as HypotheticalAnimal,
    )
    from studbook.assumptions import (
        apply_assumptions as apply_assumptions,
    )
    from studbook.assumptions import (
        assumed_studbook as assumed_studbook,
    )
    from studbook.breeding_plan import (
        BreedingPlan as BreedingPlan,
    )
    from studbook.breeding_plan import (
        Plan as Plan,
    )
    from studbook.breeding_plan import (
        PlannedPair as PlannedPair,
    )
    from studbook.breeding_plan import (
        PlanSettings as PlanSettings,
    )
    from studbook.breeding_plan import (
        breeding_plan as breeding_plan,
    )
    from studbook.certainty import (
        PedigreeCertainty as PedigreeCertainty,
    )
    from studbook.certainty import (
        PotentialFounders as PotentialFounders,
    )
    from studbook.certainty import (
        pedigree_certainty as pedigree_certainty,
    )
    from studbook.certainty import (
        percent_certain as percent_certain,
    )
    from studbook.certainty import (
        potential_founders as potential_founders,
    )
    from studbook.demography import (
        sex_ratio_ne as sex_ratio_ne,
    )
    from studbook.dispositions import (
        AnimalDisposition as AnimalDisposition,
    )
    from studbook.dispositions import (
        Disposition as Disposition,
    )
    from studbook.dispositions import (
        dispositions as dispositions,
    )
    from studbook.errors import (
        ImportValidationError as ImportValidationError,
    )
    from studbook.errors import (
        PedigreeCycleError as PedigreeCycleError,
    )
    from studbook.errors import (
        PedigreeError as PedigreeError,
    )
    from studbook.errors import (
        Problem as Problem,
    )
    from studbook.errors import (
        SettingsError as SettingsError,
    )
    from studbook.errors import (
        StudbookError as StudbookError,
    )
    from studbook.errors import (
        UnknownAnimalError as UnknownAnimalError,
    )
    from studbook.explorer import (
        Explorer as Explorer,
    )
    from studbook.foreign import (
        ForeignStudbook as ForeignStudbook,
    )
    from studbook.formats import (
        read_foreign as read_foreign,
    )
    from studbook.founders import (
        flagged_contribution as flagged_contribution,
    )
    from studbook.founders import (
        founder_contributions as founder_contributions,
    )
    from studbook.founders import (
        founder_equivalents as founder_equivalents,
    )
    from studbook.founders import (
        founder_representation as founder_representation,
    )
    from studbook.founders import (
        genetic_founders as genetic_founders,
    )
    from studbook.founders import (
        percent_known as percent_known,
    )
    from studbook.genedrop import (
        GeneDropResult as GeneDropResult,
    )
    from studbook.genedrop import (
        gene_drop as gene_drop,
    )
    from studbook.ids import (
        AnimalId as AnimalId,
    )
    from studbook.kinship import (
        EmptyPopulationError as EmptyPopulationError,
    )
    from studbook.kinship import (
        founder_genome_equivalents as founder_genome_equivalents,
    )
    from studbook.kinship import (
        gene_diversity as gene_diversity,
    )
    from studbook.kinship import (
        inbreeding as inbreeding,
    )
    from studbook.kinship import (
        kinship as kinship,
    )
    from studbook.kinship import (
        kinship_block as kinship_block,
    )
    from studbook.kinship import (
        kinship_matrix as kinship_matrix,
    )
    from studbook.kinship import (
        mean_kinship as mean_kinship,
    )
    from studbook.next_generation import (
        compare_plans as compare_plans,
    )
    from studbook.next_generation import (
        next_generation as next_generation,
    )
    from studbook.next_generation import (
        optimum_contributions as optimum_contributions,
    )
    from studbook.pairing import (
        MsiScale as MsiScale,
    )
    from studbook.pairing import (
        MsiTable as MsiTable,
    )
    from studbook.pairing import (
        PairingInputs as PairingInputs,
    )
    from studbook.pairing import (
        PairingRow as PairingRow,
    )
    from studbook.pairing import (
        PairingTable as PairingTable,
    )
    from studbook.pairing import (
        kinship_ceiling as kinship_ceiling,
    )
    from studbook.pairing import (
        pairing_inputs as pairing_inputs,
    )
    from studbook.pairing import (
        rank_pairings as rank_pairings,
    )
    from studbook.pedigree import (
        Pedigree as Pedigree,
    )
    from studbook.pedigree import (
        read_pedigree as read_pedigree,
    )
    from studbook.plan_constraints import (
        PlanConstraints as PlanConstraints,
    )
    from studbook.plan_csv import (
        plan_csv as plan_csv,
    )
    from studbook.plan_document import (
        PlanDocumentInputs as PlanDocumentInputs,
    )
    from studbook.plan_html import (
        plan_html as plan_html,
    )
    from studbook.plan_inputs import (
        plan_document_inputs as plan_document_inputs,
    )
    from studbook.plan_markdown import (
        plan_markdown as plan_markdown,
    )
    from studbook.plan_size import (
        PlanSize as PlanSize,
    )
    from studbook.population import (
        AMUR_LEOPARD as AMUR_LEOPARD,
    )
    from studbook.population import (
        NO_AGE_LIMITS as NO_AGE_LIMITS,
    )
    from studbook.population import (
        Candidates as Candidates,
    )
    from studbook.population import (
        PopulationGenetics as PopulationGenetics,
    )
    from studbook.population import (
        ReferencePopulation as ReferencePopulation,
    )
    from studbook.population import (
        SpeciesProfile as SpeciesProfile,
    )
    from studbook.population import (
        breeding_candidates as breeding_candidates,
    )
    from studbook.population import (
        population_genetics as population_genetics,
    )
    from studbook.population import (
        reference_population as reference_population,
    )
    from studbook.population import (
        release_candidates as release_candidates,
    )
    from studbook.projection import (
        GeneDiversityProjection as GeneDiversityProjection,
    )
    from studbook.projection import (
        growth_needed as growth_needed,
    )
    from studbook.projection import (
        project_gene_diversity as project_gene_diversity,
    )
    from studbook.recommendations import (
        BreedingHold as BreedingHold,
    )
    from studbook.recommendations import (
        IssuedPlan as IssuedPlan,
    )
    from studbook.recommendations import (
        PlanHistory as PlanHistory,
    )
    from studbook.recommendations import (
        Recommendation as Recommendation,
    )
    from studbook.recommended_plan import (
        RecommendedPlan as RecommendedPlan,
    )
    from studbook.relationship import (
        Relationship as Relationship,
    )
    from studbook.relationship import (
        relationship as relationship,
    )
    from studbook.release import (
        ReleaseGroup as ReleaseGroup,
    )
    from studbook.release import (
        ReleaseInputs as ReleaseInputs,
    )
    from studbook.release import (
        ReleaseRow as ReleaseRow,
    )
    from studbook.release import (
        evaluate_release_group as evaluate_release_group,
    )
    from studbook.release import (
        rank_release_candidates as rank_release_candidates,
    )
    from studbook.release import (
        release_group as release_group,
    )
    from studbook.release import (
        release_inputs as release_inputs,
    )
    from studbook.reports import (
        Report as Report,
    )
    from studbook.reports import (
        breeding_plan_report as breeding_plan_report,
    )
    from studbook.reports import (
        pairing_report as pairing_report,
    )
    from studbook.reports import (
        release_report as release_report,
    )
    from studbook.reports import (
        render as render,
    )
    from studbook.reports import (
        summary_report as summary_report,
    )
    from studbook.settings import (
        ProgrammeSettings as ProgrammeSettings,
    )
    from studbook.settings import (
        read_settings as read_settings,
    )
    from studbook.simulation import (
        SimulationResult as SimulationResult,
    )
    from studbook.simulation import (
        simulate_gene_diversity as simulate_gene_diversity,
    )
    from studbook.summary import (
        PopulationSummary as PopulationSummary,
    )
    from studbook.summary import (
        population_summary as population_summary,
    )

_EXPORTS = {
    "Assumption": "studbook.assumptions",
    "AssumptionError": "studbook.assumptions",
    "AssumptionSet": "studbook.assumptions",
    "HypotheticalAnimal": "studbook.assumptions",
    "apply_assumptions": "studbook.assumptions",
    "assumed_studbook": "studbook.assumptions",
    "PedigreeCertainty": "studbook.certainty",
    "PotentialFounders": "studbook.certainty",
    "pedigree_certainty": "studbook.certainty",
    "percent_certain": "studbook.certainty",
    "potential_founders": "studbook.certainty",
    "AnimalId": "studbook.ids",
    "BreedingPlan": "studbook.breeding_plan",
    "Plan": "studbook.breeding_plan",
    "PlannedPair": "studbook.breeding_plan",
    "PlanSettings": "studbook.breeding_plan",
    "breeding_plan": "studbook.breeding_plan",
    "PlanConstraints": "studbook.plan_constraints",
    "PlanSize": "studbook.plan_size",
    "BreedingHold": "studbook.recommendations",
    "IssuedPlan": "studbook.recommendations",
    "PlanHistory": "studbook.recommendations",
    "Recommendation": "studbook.recommendations",
    "RecommendedPlan": "studbook.recommended_plan",
    "sex_ratio_ne": "studbook.demography",
    "ForeignStudbook": "studbook.foreign",
    "read_foreign": "studbook.formats",
    "Disposition": "studbook.dispositions",
    "AnimalDisposition": "studbook.dispositions",
    "dispositions": "studbook.dispositions",
    "ImportValidationError": "studbook.errors",
    "PedigreeCycleError": "studbook.errors",
    "PedigreeError": "studbook.errors",
    "Problem": "studbook.errors",
    "StudbookError": "studbook.errors",
    "UnknownAnimalError": "studbook.errors",
    "Explorer": "studbook.explorer",
    "flagged_contribution": "studbook.founders",
    "founder_contributions": "studbook.founders",
    "founder_equivalents": "studbook.founders",
    "founder_representation": "studbook.founders",
    "genetic_founders": "studbook.founders",
    "percent_known": "studbook.founders",
    "GeneDropResult": "studbook.genedrop",
    "gene_drop": "studbook.genedrop",
    "EmptyPopulationError": "studbook.kinship",
    "founder_genome_equivalents": "studbook.kinship",
    "gene_diversity": "studbook.kinship",
    "inbreeding": "studbook.kinship",
    "kinship": "studbook.kinship",
    "kinship_block": "studbook.kinship",
    "kinship_matrix": "studbook.kinship",
    "mean_kinship": "studbook.kinship",
    "MsiScale": "studbook.pairing",
    "compare_plans": "studbook.next_generation",
    "next_generation": "studbook.next_generation",
    "optimum_contributions": "studbook.next_generation",
    "MsiTable": "studbook.pairing",
    "kinship_ceiling": "studbook.pairing",
    "PairingInputs": "studbook.pairing",
    "PairingRow": "studbook.pairing",
    "PairingTable": "studbook.pairing",
    "pairing_inputs": "studbook.pairing",
    "rank_pairings": "studbook.pairing",
    "Pedigree": "studbook.pedigree",
    "read_pedigree": "studbook.pedigree",
    "plan_csv": "studbook.plan_csv",
    "PlanDocumentInputs": "studbook.plan_document",
    "plan_html": "studbook.plan_html",
    "plan_document_inputs": "studbook.plan_inputs",
    "plan_markdown": "studbook.plan_markdown",
    "AMUR_LEOPARD": "studbook.population",
    "NO_AGE_LIMITS": "studbook.population",
    "Candidates": "studbook.population",
    "PopulationGenetics": "studbook.population",
    "ReferencePopulation": "studbook.population",
    "SpeciesProfile": "studbook.population",
    "breeding_candidates": "studbook.population",
    "population_genetics": "studbook.population",
    "reference_population": "studbook.population",
    "release_candidates": "studbook.population",
    "Relationship": "studbook.relationship",
    "relationship": "studbook.relationship",
    "ReleaseGroup": "studbook.release",
    "ReleaseInputs": "studbook.release",
    "ReleaseRow": "studbook.release",
    "evaluate_release_group": "studbook.release",
    "rank_release_candidates": "studbook.release",
    "release_group": "studbook.release",
    "release_inputs": "studbook.release",
    "Report": "studbook.reports",
    "breeding_plan_report": "studbook.reports",
    "pairing_report": "studbook.reports",
    "release_report": "studbook.reports",
    "render": "studbook.reports",
    "summary_report": "studbook.reports",
    "PopulationSummary": "studbook.summary",
    "population_summary": "studbook.summary",
    "SettingsError": "studbook.errors",
    "GeneDiversityProjection": "studbook.projection",
    "growth_needed": "studbook.projection",
    "project_gene_diversity": "studbook.projection",
    "ProgrammeSettings": "studbook.settings",
    "read_settings": "studbook.settings",
    "SimulationResult": "studbook.simulation",
    "simulate_gene_diversity": "studbook.simulation",
}

__all__ = [*_EXPORTS, "__version__"]


def __getattr__(name: str) -> Any:
    """Import the module defining ``name`` on first use; ``__version__`` from the metadata."""
    if name == "__version__":
        from importlib.metadata import version

        value: Any = version("studbook")
    elif name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'studbook' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _Package(ModuleType):
    """The ``studbook`` package, whose exported names win over its submodules' names.

    ``kinship``, ``inbreeding`` and ``breeding_plan`` are functions and modules both. Importing a
    submodule sets it as an attribute of the package; refused here, so ``studbook.kinship`` is
    the function, as it was when this file imported everything eagerly.
    """

    def __setattr__(self, name: str, value: Any) -> None:
        if not (name in _EXPORTS and isinstance(value, ModuleType)):
            super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
