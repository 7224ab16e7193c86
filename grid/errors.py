"""Refusals of the grid app: each a DomainError whose message is for the user."""

from township.casework.workflow import InvalidTransition
from township.errors import DomainError


class GridEventError(DomainError):
    """A step of a grid event that cannot be done; the message is for the user."""


class EventNotPossible(InvalidTransition, GridEventError):
    """The event's state does not allow that step."""


class GridError(DomainError):
    """A grid action that cannot be done as asked."""


class GeometryError(GridError):
    """A boundary that is not a usable polygon."""


class BoundaryImportRejected(GridError):
    """A GeoJSON import with faults: nothing was changed; `faults` names each one."""

    def __init__(self, message, faults):
        super().__init__(message)
        self.faults = list(faults)


class ImportRejected(GridError):
    """A base-data or expense import with bad rows: nothing was changed; `row_errors` is
    [(row number, field, message)]."""

    def __init__(self, message, row_errors):
        super().__init__(message)
        self.row_errors = list(row_errors)
