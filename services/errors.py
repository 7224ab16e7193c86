"""Refusals of the services app: each a DomainError whose message is for the user."""

from township.casework.workflow import InvalidTransition
from township.errors import DomainError


class IntakeError(DomainError):
    """An intake step that cannot be done; the message is for the user."""


class ApplicationNotPossible(InvalidTransition, IntakeError):
    """The application's state does not allow that step."""


class EvaluationError(DomainError):
    """An evaluation step that cannot be done; the message is for the user."""


class RectificationNotPossible(InvalidTransition, EvaluationError):
    """The rectification's state does not allow that step."""


class QueueError(DomainError):
    """A queue action that cannot be done; the message is for the user."""


class TicketNotPossible(InvalidTransition, QueueError):
    """The ticket's state does not allow that step."""


class HomeVisitNotPossible(InvalidTransition, IntakeError):
    """The home visit's state does not allow that step."""


class TerminalTrackingError(DomainError):
    """Tracking by identity number at a terminal cannot go on; the message is for the resident."""
