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
