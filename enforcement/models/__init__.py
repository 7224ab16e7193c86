"""Enforcement: the power list (power), cases (cases), and later inspections and credit."""

# --- helper "entities" (issue 14): inspections and credit ---
from enforcement.models.credit import (  # noqa: E402
    CreditBand,
    CreditRecord,
    CreditRepair,
    CreditSource,
    RepairStatus,
)
from enforcement.models.inspections import (  # noqa: E402
    Draw,
    InspectionMatter,
    InspectionMethod,
    InspectionOutcome,
    InspectionPhoto,
    InspectionPlan,
    InspectionTask,
    Inspector,
    InspectorConflict,
    PlanStatus,
    PlanStratum,
    SamplingUnit,
    TaskStatus,
)
from enforcement.models.power import (
    DiscretionBand,
    DiscretionTier,
    PowerChannel,
    PowerKind,
    PowerMatter,
    PowerMatterVersion,
    PowerStatus,
)

# --- end "entities" ---

__all__ = [
    "DiscretionBand",
    "DiscretionTier",
    "PowerChannel",
    "PowerKind",
    "PowerMatter",
    "PowerMatterVersion",
    "PowerStatus",
]
# --- helper "entities" (issue 14) ---
__all__ += [
    "CreditBand",
    "CreditRecord",
    "CreditRepair",
    "CreditSource",
    "Draw",
    "InspectionMatter",
    "InspectionMethod",
    "InspectionOutcome",
    "InspectionPhoto",
    "InspectionPlan",
    "InspectionTask",
    "Inspector",
    "InspectorConflict",
    "PlanStatus",
    "PlanStratum",
    "RepairStatus",
    "SamplingUnit",
    "TaskStatus",
]
# --- end "entities" ---
