"""Enforcement: the power list (power), cases (cases), and later inspections and credit."""

from enforcement.models.power import (
    DiscretionBand,
    DiscretionTier,
    PowerChannel,
    PowerKind,
    PowerMatter,
    PowerMatterVersion,
    PowerStatus,
)

__all__ = [
    "DiscretionBand",
    "DiscretionTier",
    "PowerChannel",
    "PowerKind",
    "PowerMatter",
    "PowerMatterVersion",
    "PowerStatus",
]

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
    "PenaltyProposal",
    "PreservationMeasure",
    "Publication",
    "Recusal",
    "ServiceRecord",
    "Suspension",
]
# --- end cases ---
