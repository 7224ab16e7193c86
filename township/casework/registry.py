"""Which models are time-limited cases, their workflows, and who hears about their warnings.

The kernel knows nothing of services, grid or enforcement: each app registers its case models from its
AppConfig.ready():

    register_case_type(
        Application,
        workflow=WORKFLOW,                  # the transition table (township.casework.workflow)
        label=_("Application"),
        url_name="admin:approvals_reviewcase_change",   # staff page of one case, reversed with its pk
        escalation=Escalation(handlers=..., describe=...),  # the kernel's default escalation
        listeners=[my_listener],            # more warning listeners of the app's own
        number_series="SQ",                 # case numbers from township.casework.numbers
    )

Registering the same model again (another app adding its listener, its escalation or its handlers) adds
to the registration instead of replacing it, so INSTALLED_APPS order never decides which listener runs;
giving a different workflow twice is an error.

A listener `listener(events)` receives WarningEvent rows, once each, inside the transaction that marks
them dispatched: send notifications with transaction.on_commit (or bulk outbox rows), and raise to have
the whole batch handed over again on the next sweep. Events of a case's extra deadlines
(township.casework.deadlines) reach the owning case type's listeners with `event.deadline` set and
`event.object_id` naming the case; for the case's own clock `event.deadline` is None.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

from township.casework.models import CaseClock, WarningEvent

if TYPE_CHECKING:
    from township.casework.workflow import Workflow

WarningListener = Callable[[list[WarningEvent]], None]


@dataclass(frozen=True)
class Escalation:
    """What the kernel's default escalation needs to know about a case type.

    handlers(case_ids) -> {case id: [(user id, department id or None), ...]}: who works on each case now.
    describe(case, event) -> the one-line title of the warning for the inbox and the SMS.
    fields: the model fields describe() reads (loaded with .only(), so the sweep stays light).
    Yellow goes to the handlers; red also to the heads of the case's and the handlers' departments and to
    the command centre of the case's township, by inbox and SMS.
    """

    handlers: Callable[[list[int]], dict[int, list[tuple[int, int | None]]]]
    describe: Callable[[Any, WarningEvent], str]
    fields: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    # describe_deadline(case, event) for warnings on the case's extra deadlines; default: the kernel's
    describe_deadline: Callable[[Any, WarningEvent], str] | None = None


@dataclass
class CaseType:
    model: type[models.Model]
    workflow: Workflow | None = None
    label: Any = ""
    url_name: str | None = None
    escalation: Escalation | None = None
    listeners: list[WarningListener] = field(default_factory=list)
    number_series: str | None = None
    has_clock: bool = True
    # Who handles a deadline of a kind, when not the case's handlers: {kind: handlers(case_ids)}
    # (e.g. the window clerks for an online application's pre-review).
    deadline_handlers: dict = field(default_factory=dict)

    @property
    def label_lower(self) -> str:
        return self.model._meta.label_lower

    def all_listeners(self) -> list[WarningListener]:
        found = list(self.listeners)
        if self.escalation is not None:
            from township.casework.escalation import escalate  # noqa: PLC0415 - cycle: escalation reads this registry

            found.insert(0, lambda events, case_type=self: escalate(case_type, events))
        return found

    def on_warning(self, events: list[WarningEvent]) -> None:
        """Hand events to every listener of this case type (the sweep calls this)."""
        for listener in self.all_listeners():
            listener(events)

    def url_for(self, case_id: int) -> str:
        """The case's page; reversed once per URL name and language (a sweep asks for thousands)."""
        return self.url_maker()(case_id)

    def url_maker(self) -> Callable[[int], str]:
        """url_for as a function of the id, for a batch: the pattern is looked up once."""
        if not self.url_name:
            return lambda case_id: ""
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        head, tail = _url_pattern(self.url_name, urlconf, get_language(), get_script_prefix())
        return lambda case_id: f"{head}{int(case_id)}{tail}"


_URL_SENTINEL = "918273645"


@lru_cache(maxsize=256)
def _url_pattern(url_name: str, urlconf, language, script_prefix: str) -> tuple[str, str]:
    url = reverse(url_name, urlconf=urlconf, args=[int(_URL_SENTINEL)])
    if url.count(_URL_SENTINEL) != 1:  # pragma: no cover - a URL whose other parts hold the sentinel
        raise ImproperlyConfigured(f"cannot make a URL pattern of {url_name}")
    head, tail = url.split(_URL_SENTINEL)
    return head, tail


_registry: dict[str, CaseType] = {}


def register_case_type(
    model: type[models.Model],
    *,
    workflow: Workflow | None = None,
    label: Any = None,
    url_name: str | None = None,
    escalation: Escalation | None = None,
    listeners: Iterable[WarningListener] = (),
    on_warning: WarningListener | None = None,
    number_series: str | None = None,
    deadline_handlers: dict | None = None,
) -> CaseType:
    """Make `model` a case type, or add to its registration (listeners accumulate, once each)."""
    if not (isinstance(model, type) and issubclass(model, models.Model)) or model._meta.abstract:
        raise ImproperlyConfigured(f"{model!r} is not a concrete model")
    new_listeners = [*listeners, *([on_warning] if on_warning is not None else [])]
    for listener in new_listeners:
        if not callable(listener):
            raise ImproperlyConfigured(
                f"warning listener {listener!r} of {model._meta.label} is not callable"
            )
    case_type = _registry.get(model._meta.label_lower)
    if case_type is None:
        case_type = CaseType(model=model, has_clock=issubclass(model, CaseClock))
        _registry[model._meta.label_lower] = case_type
    for name, value in (
        ("workflow", workflow),
        ("url_name", url_name),
        ("escalation", escalation),
        ("number_series", number_series),
    ):
        if value is None:
            continue
        current = getattr(case_type, name)
        if current is not None and current is not value and name == "workflow":
            raise ImproperlyConfigured(f"{model._meta.label} already has a different workflow")
        setattr(case_type, name, value)
    case_type.deadline_handlers.update(deadline_handlers or {})
    if label is not None:
        case_type.label = label
    elif not case_type.label:
        case_type.label = model._meta.verbose_name
    for listener in new_listeners:
        if listener not in case_type.listeners:
            case_type.listeners.append(listener)
    return case_type


def registered_case_types(*, with_clock: bool = True) -> list[CaseType]:
    """Registered case types; by default those the sweep keeps (models with a CaseClock)."""
    return [c for c in _registry.values() if c.has_clock or not with_clock]


def case_type_of(case_or_model) -> CaseType:
    model = case_or_model if isinstance(case_or_model, type) else type(case_or_model)
    model = model._meta.concrete_model  # a proxy (an admin's view of the model) is the same case type
    try:
        return _registry[model._meta.label_lower]
    except KeyError:
        raise LookupError(f"{model._meta.label} is not a registered case type") from None


def case_type_for_label(label_lower: str) -> CaseType | None:
    return _registry.get(label_lower)


@contextlib.contextmanager
def override_listeners(model, listeners: Iterable[WarningListener], *, escalation: bool = False):
    """For tests and benchmarks: run `model`'s warnings through these listeners only, then restore."""
    case_type = case_type_of(model)
    saved = (list(case_type.listeners), case_type.escalation)
    case_type.listeners = list(listeners)
    if not escalation:
        case_type.escalation = None
    try:
        yield case_type
    finally:
        case_type.listeners, case_type.escalation = saved
