"""Refusals of the market-entity register."""

from township.errors import DomainError


class EntityError(DomainError):
    """A change to the register that cannot be made (bad data, another township's entity)."""
