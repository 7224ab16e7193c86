"""The clue hand-off: an inspection finding that needs an enforcement case becomes a clue.

The inspections code does not know the case model. It calls `hand_off_clue(task, by=...)`, which calls
the handler registered with `set_clue_handler` and stores the reference it returns (the clue's number)
on the task. The lead wires the cases helper's create-clue service at merge, e.g. in
EnforcementConfig.ready():

    from enforcement.cases.services import create_clue
    from enforcement.inspections.hooks import set_clue_handler

    def clue_from_inspection(task, *, by):
        clue = create_clue(
            township=task.township, source="inspection", entity=task.entity, reported_by=by,
            description=task.findings, source_object=task,
        )
        return clue.number

    set_clue_handler(clue_from_inspection)

Until a handler is registered the task is kept as "transferred" with no reference, so it shows up in
`selectors.clues_waiting()` and can be handed off later with `hand_off_waiting_clues()`.
The handler runs inside the result's transaction: if it raises, the result is not recorded either.
"""

from __future__ import annotations

from collections.abc import Callable

ClueHandler = Callable[..., str]
_handler: ClueHandler | None = None


def set_clue_handler(handler: ClueHandler | None) -> None:
    global _handler  # noqa: PLW0603 - one process-wide hook, set once at start-up
    _handler = handler


def hand_off_clue(task, *, by) -> str:
    """The clue's reference, or "" when no handler is registered yet."""
    if _handler is None:
        return ""
    return str(_handler(task, by=by) or "")
