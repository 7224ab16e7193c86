"""Domain errors of the case kernel; their messages are meant for the person who tried the action."""


class ClockError(ValueError):
    """A deadline clock cannot do what was asked (pause a paused clock, an unknown unit, ...)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


class AppendOnlyError(Exception):
    """Timeline entries are evidence: once written they are never changed or removed."""
