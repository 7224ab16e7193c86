"""Which models are time-limited cases, and how each app wants to hear about their warnings.

The kernel knows nothing of services, grid or enforcement: each app registers its case models from
its AppConfig.ready(), with a hook that notifies the right people:

    register_case_type(Application, on_warning=notify_application_warnings)

`on_warning(events)` receives a list of WarningEvent rows, once each, inside the transaction that
marks them dispatched: send notifications with transaction.on_commit, and raise to have the whole
batch handed over again on the next sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from township.casework.models import CaseClock, WarningEvent

WarningHook = Callable[[list[WarningEvent]], None]


@dataclass(frozen=True)
class CaseType:
    model: type[CaseClock]
    on_warning: WarningHook | None


_registry: dict[str, CaseType] = {}


def register_case_type(model: type[CaseClock], *, on_warning: WarningHook | None = None) -> None:
    """Have the sweep keep this model's warning levels; registering again replaces the hook."""
    if not (isinstance(model, type) and issubclass(model, CaseClock)) or model._meta.abstract:
        raise ImproperlyConfigured(f"{model!r} is not a concrete CaseClock model")
    if on_warning is not None and not callable(on_warning):
        raise ImproperlyConfigured(f"on_warning for {model._meta.label} must be callable")
    _registry[model._meta.label_lower] = CaseType(model=model, on_warning=on_warning)


def registered_case_types() -> list[CaseType]:
    return list(_registry.values())
