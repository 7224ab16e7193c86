"""Refusals of the grid app: each a DomainError whose message is for the user."""

from township.casework.workflow import InvalidTransition
from township.errors import DomainError


class GridEventError(DomainError):
    """A step of a grid event that cannot be done; the message is for the user."""


class EventNotPossible(InvalidTransition, GridEventError):
    """The event's state does not allow that step."""
