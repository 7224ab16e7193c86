from township.casework.workflow import InvalidTransition
from township.errors import DomainError


class HotlineError(DomainError):
    pass


class OrderNotPossible(InvalidTransition, HotlineError):
    pass
