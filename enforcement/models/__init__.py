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
