from township.casework.workflow import InvalidTransition
from township.errors import Conflict, DomainError


class HotlineError(DomainError):
    pass


class OrderNotPossible(InvalidTransition, HotlineError):
    pass


class OrderStateConflict(Conflict, HotlineError):
    """The order is not in the state the request needs (answers 409)."""
