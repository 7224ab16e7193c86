"""Enforcement: the power list (power), cases (cases), and later inspections and credit."""

# ---- power list and configuration (helper "power") ----
from enforcement.models.config import (
    DocumentNumberFormat,
    DocumentType,
    EnforcementRuleSet,
    HearingThreshold,
    PartyType,
    SequenceSource,
)

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
    AmountBasis,
    DiscretionBand,
    DiscretionTier,
    Harm,
    ImmutableVersion,
    PowerChannel,
    PowerKind,
    PowerMatter,
    PowerMatterVersion,
    PowerStatus,
)

# --- end "entities" ---

__all__ = [
    # ---- power list and configuration (helper "power") ----
    "AmountBasis",
    "DiscretionBand",
    "DiscretionTier",
    "DocumentNumberFormat",
    "DocumentType",
    "EnforcementRuleSet",
    "Harm",
    "HearingThreshold",
    "ImmutableVersion",
    "PartyType",
    "PowerChannel",
    "PowerKind",
    "PowerMatter",
    "PowerMatterVersion",
    "PowerStatus",
    "SequenceSource",
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

# --- cases (helper "cases") ---
from enforcement.models.cases import (  # noqa: E402
    CaseOfficer,
    CollectiveDiscussion,
    EnforcementCase,
    EvidenceItem,
    Hearing,
    InvestigationRecord,
    LegalReview,
    OfficerCredential,
    PaymentInstalment,
    PenaltyProposal,
    PreservationMeasure,
    Publication,
    Recusal,
    ServiceRecord,
    Suspension,
)

__all__ += [
    "CaseOfficer",
    "CollectiveDiscussion",
    "EnforcementCase",
    "EvidenceItem",
    "Hearing",
    "InvestigationRecord",
    "LegalReview",
    "OfficerCredential",
    "PaymentInstalment",
    "PenaltyProposal",
    "PreservationMeasure",
    "Publication",
    "Recusal",
    "ServiceRecord",
    "Suspension",
]
# --- end cases ---
