"""Workflows: the table of a case's allowed moves, the row locks, and the one `transition()` that moves it.

Each case model declares its table next to itself and registers it (`register_case_type(..., workflow=)`):

    WORKFLOW = Workflow(
        state_field="status",
        states=ApplicationStatus,
        moves=[
            Move("submit", _("Submit"), sources=[S.DRAFT, S.NOTIFIED], target=S.SUBMITTED),
            Move("accept", _("Accept"), sources=[S.SUBMITTED, S.NOTIFIED], target=S.ACCEPTED),
            ...
        ],
        labels={"pause": _("Clock paused")},   # timeline actions that are not moves
    )

A table checks only the source state, never the user: the service checks permission itself. A service
locks the row first (`lock`, or `lock_family` for a parent and its children, always in primary-key order
so two services locking the same family cannot deadlock), then calls `transition()`, which checks the
table, moves the state, writes the labelled timeline entry and sends `case_transitioned` inside the
same transaction (listeners queue their side effects with `transaction.on_commit`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from django.db import models, transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from township.casework.registry import case_type_of
from township.casework.timeline import append_entry
from township.errors import Conflict

# Sent inside the transaction after a case moved: sender=the case model, case, entry, source, target,
# action, actor. Receivers (e.g. the applicant's SMS) queue their side effects with on_commit.
case_transitioned = Signal()


class InvalidTransition(Conflict):
    """The case's state does not allow that move (someone else acted first, or the step is over)."""

    default_code = "invalid_transition"


@dataclass(frozen=True)
class Move:
    """One allowed move: `action` (a timeline slug) from any of `sources` to `target`."""

    action: str
    label: object
    sources: Iterable[str]
    target: str
    is_internal: bool = False

    def __post_init__(self):
        object.__setattr__(self, "sources", frozenset(str(s) for s in self.sources))
        object.__setattr__(self, "target", str(self.target))


@dataclass
class Workflow:
    """A case model's transition table, plus the labels of its other timeline actions."""

    moves: list[Move]
    state_field: str = "status"
    states: type[models.TextChoices] | None = None
    labels: Mapping[str, object] = field(default_factory=dict)
    # False for short-lived records that are not casework (queue tickets): no timeline entry per move.
    records_timeline: bool = True
    # An app may refuse with its own subclass of InvalidTransition (so `except EvaluationError` sees it).
    error_class: type[InvalidTransition] | None = None

    def __post_init__(self):
        self._by_action: dict[str, list[Move]] = {}
        for move in self.moves:
            self._by_action.setdefault(move.action, []).append(move)

    # --- reading the table ---

    def move_for(self, source: str, *, action: str, to: str | None = None) -> Move | None:
        for move in self._by_action.get(action, ()):
            if str(source) in move.sources and (to is None or move.target == str(to)):
                return move
        return None

    def allows(self, source: str, target: str) -> bool:
        return any(str(source) in m.sources and m.target == str(target) for m in self.moves)

    def targets(self, source: str) -> set[str]:
        return {m.target for m in self.moves if str(source) in m.sources}

    def actions_from(self, source: str) -> list[Move]:
        """The moves possible from `source`, in table order (what a page may offer)."""
        return [m for m in self.moves if str(source) in m.sources]

    def is_final(self, state: str) -> bool:
        return not self.targets(state)

    def state_label(self, state: str) -> str:
        if self.states is not None and state in self.states.values:
            return str(self.states(state).label)
        return str(state)

    def action_label(self, action: str) -> str:
        if action in self.labels:
            return str(self.labels[action])
        moves = self._by_action.get(action)
        if moves:
            return str(moves[0].label)
        return ""


def action_label(action: str, workflow: Workflow | None = None) -> str:
    """The translated label of a timeline action: the case type's own, then the kernel's, then the slug."""
    if workflow is not None:
        label = workflow.action_label(action)
        if label:
            return label
    if action in KERNEL_LABELS:
        return str(KERNEL_LABELS[action])
    return capfirst(action.replace("-", " ").replace("_", " "))


# Actions the kernel itself writes to any case's timeline.
KERNEL_LABELS = {
    "urge": _("Urged"),
    "supervise": _("Put under supervision"),
    "urge-reply": _("Replied to urging"),
    "deadline-open": _("Time limit started"),
    "deadline-close": _("Time limit met"),
    "deadline-pause": _("Time limit paused"),
    "deadline-resume": _("Time limit resumed"),
    "deadline-extend": _("Time limit extended"),
    "note": _("Note"),
}


# --- locks -------------------------------------------------------------------------------------------


def lock(case: models.Model, *, related: Iterable[str] = ()) -> models.Model:
    """Lock the case's row (and only that row) until the transaction ends; return it fresh.

    `related` are forward relations to fetch in the same query; they are joined, not locked.
    """
    _require_transaction(case)
    queryset = type(case)._base_manager.select_for_update(of=("self",) if related else ())
    if related:
        queryset = queryset.select_related(*related)
    return queryset.get(pk=case.pk)


def lock_family(case: models.Model, *, parent_field: str = "parent") -> tuple[models.Model, list]:
    """Lock a parent and all its children in primary-key order; return (parent, children) fresh.

    Pass the parent or any child: either way the whole family is locked, so withdrawing a bundle and
    deciding one of its parts at the same moment queue behind each other instead of deadlocking.
    """
    _require_transaction(case)
    model = type(case)
    parent_id = getattr(case, f"{parent_field}_id") or case.pk
    rows = list(
        model._base_manager.select_for_update()
        .filter(Q(pk=parent_id) | Q(**{f"{parent_field}_id": parent_id}))
        .order_by("pk")
    )
    parent = next(row for row in rows if row.pk == parent_id)
    return parent, [row for row in rows if row.pk != parent_id]


def lock_in_family(case: models.Model, *, parent_field: str = "parent") -> models.Model:
    """Lock a case for a step; a part of a family (a bundle's child) locks its whole family first, in the
    same order as `lock_family`, so the step and a step on the whole family never deadlock."""
    if getattr(case, f"{parent_field}_id", None):
        _parent, children = lock_family(case, parent_field=parent_field)
        return next(child for child in children if child.pk == case.pk)
    return lock(case)


def advisory_lock(scope: str, value) -> None:
    """Serialise work on something that has no row to lock (a day's ticket numbers, one phone number's
    sign-in codes) until the transaction ends: PostgreSQL's transaction-level advisory lock on the pair."""
    with transaction.get_connection().cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s), hashtext(%s))", [scope, str(value)])


def lock_many(model: type[models.Model], ids: Iterable[int]) -> list:
    """Lock several rows of one model in primary-key order."""
    return list(model._base_manager.select_for_update().filter(pk__in=list(ids)).order_by("pk"))


def _require_transaction(case) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"lock {type(case).__name__} inside transaction.atomic()")


# --- the one way a case moves ---------------------------------------------------------------------------


def workflow_of(case_or_model) -> Workflow:
    workflow = case_type_of(case_or_model).workflow
    if workflow is None:
        raise LookupError(f"{case_or_model!r} has no registered workflow")
    return workflow


def transition(
    case: models.Model,
    *,
    to: str,
    actor,
    action: str,
    note: str = "",
    at: datetime | None = None,
    is_internal: bool | None = None,
    actor_label: str | None = None,
):
    """Move a locked case to `to` by `action` along its workflow, write the timeline entry, return it.

    Raises InvalidTransition (a clear message naming both states) when the table has no such move.
    The caller saves the case (it usually changes other fields in the same step).
    """
    workflow = workflow_of(case)
    source = getattr(case, workflow.state_field)
    move = workflow.move_for(source, action=action, to=to)
    if move is None:
        error = workflow.error_class or InvalidTransition
        raise error(
            gettext("This is “%(state)s” and cannot become “%(target)s” (%(action)s).")
            % {
                "state": workflow.state_label(source),
                "target": workflow.state_label(to),
                "action": action_label(action, workflow),
            }
        )
    setattr(case, workflow.state_field, move.target)
    entry = None
    if workflow.records_timeline:
        entry = append_entry(
            case,
            action=action,
            actor=actor,
            from_state=source,
            to_state=move.target,
            note=note,
            at=at,
            is_internal=move.is_internal if is_internal is None else is_internal,
            actor_label=actor_label,
        )
    case_transitioned.send(
        sender=type(case)._meta.concrete_model,
        case=case,
        entry=entry,
        source=source,
        target=move.target,
        action=action,
        actor=actor,
    )
    return entry
