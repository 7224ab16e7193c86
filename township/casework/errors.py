"""Errors of the case kernel: ClockError is a refusal the user reads; AppendOnlyError is a programming error."""

from township.errors import DomainError


class ClockError(DomainError, ValueError):
    """A deadline clock cannot do what was asked (pause a paused clock, an unknown unit, ...)."""

    default_code = "clock"


class AppendOnlyError(Exception):
    """Timeline entries are evidence: once written they are never changed or removed."""
