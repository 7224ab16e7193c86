"""Services: the public view of an application (tracking page and API), cached in Redis by number.

    view = tracked_view(number, limit_key)      # one Redis round trip when cached
    view.matches(code)                          # constant-time; a wrong code looks like no application

The view holds only what anyone with the number and query code may see: title, status, department,
dates, the result's number, the public timeline entries and a bundle's parts (never names, identity
numbers, phones or notes marked internal). Labels are looked up when read, so one cached view serves
every language.

Freshness: each number has a generation token beside its view; a view counts only while the token it was
built under is still the current one. Saving an application and appending to its timeline retire the
number's token (and a bundle part's parent's) once the transaction commits (`timeline_appended` for the
timeline). A reader that built a view from rows read just before a commit stores
it under the old token, so it is never served: no stale view survives a change, whatever the interleaving.
An unknown number is cached too (as "no application"), so a wrong code and an unknown number cost the same.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import transaction
from django.utils.crypto import constant_time_compare

from services.models import Application, ApplicationStatus
from services.models.applications import FINISHED_STATES, WORKFLOW
from township.casework.display import TimelineRow
from township.casework.models import TimelineEntry
from township.casework.workflow import action_label
from township.identifiers import normalise

VIEW_SECONDS = 600
# the token outlives its view, so a view is never served under a token that expired and came back
TOKEN_SECONDS = VIEW_SECONDS + 60
_VERSION = 2  # bump when the cached shape changes

_APPLICATION_FIELDS = (
    "pk",
    "township_id",
    "query_code",
    "number",
    "status",
    "parent_id",
    "bundle_id",
    "item_version__name",
    "bundle__name",
    "department__name",
    "submitted_at",
    "accepted_at",
    "due_at",
    "limit_unit",
    "finished_at",
    "result_id",
    "result__number",
    "postal_tracking_number",
)
_PART_FIELDS = ("pk", "number", "status", "item_version__name", "department__name", "due_at", "limit_unit")
_ENTRY_FIELDS = ("created_at", "seq", "action", "to_state", "note", "object_id")


def _digest(number: str) -> str:
    return hashlib.blake2b(number.encode("utf-8"), digest_size=16).hexdigest()


def view_key(number: str) -> str:
    return f"track:v{_VERSION}:view:{_digest(number)}"


def token_key(number: str) -> str:
    return f"track:v{_VERSION}:token:{_digest(number)}"


def _due_date(due_at, limit_unit) -> date | None:
    return Application(due_at=due_at, limit_unit=limit_unit).due_date


@dataclass(frozen=True)
class TrackedPart:
    """A bundle's child as the parent's tracking view shows it."""

    pk: int
    number: str | None
    status: str
    item_name: str | None
    department_name: str | None
    due_date: date | None

    @property
    def status_label(self) -> str:
        return _status_label(self.status)

    @property
    def label(self) -> str:
        return " · ".join(filter(None, [self.item_name or "", self.department_name or ""]))


@dataclass(frozen=True)
class TrackedApplication:
    """The public view of one application; what the tracking page and API read instead of the model."""

    pk: int
    township_id: int
    query_code: str = field(repr=False)
    number: str
    status: str
    title: str
    department_name: str | None
    submitted_at: datetime | None
    accepted_at: datetime | None
    due_at: datetime | None
    due_date: date | None
    finished_at: datetime | None
    result_id: int | None
    result_number: str | None
    postal_tracking_number: str
    parts: tuple[TrackedPart, ...] = ()
    # (created_at, seq, action, to_state, note, object_id) of the public entries, oldest first
    entries: tuple[tuple, ...] = ()
    # the number's generation token the view was cached under ("" when read inside a transaction): the
    # page keys its rendered fragment on it, so a change retires the fragment with the view
    generation: str = ""

    def matches(self, code: str) -> bool:
        return constant_time_compare(self.query_code, code)

    @property
    def status_label(self) -> str:
        return _status_label(self.status)

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED_STATES

    def timeline(self) -> list[TimelineRow]:
        """The public timeline rows, labelled in the active language."""
        parts = {part.pk: part for part in self.parts}
        return [
            TimelineRow(
                at=at,
                seq=seq,
                action=action,
                label=action_label(action, WORKFLOW),
                state_label=_status_label(to_state) if to_state else "",
                actor_name="",
                note=note,
                is_internal=False,
                part=parts[object_id].label if object_id in parts else "",
                part_obj=parts.get(object_id),
            )
            for at, seq, action, to_state, note, object_id in self.entries
        ]


def _status_label(status: str) -> str:
    return str(ApplicationStatus(status).label) if status in ApplicationStatus.values else status


def build_view(number: str) -> TrackedApplication | None:
    """Read the public view from the database: one narrow query for the application, one for a bundle's
    parts (bundles only), one for the public timeline entries."""
    row = Application.objects.filter(number=number).values(*_APPLICATION_FIELDS).first()
    if row is None:
        return None
    parts: tuple[TrackedPart, ...] = ()
    if row["bundle_id"] and not row["parent_id"]:
        parts = tuple(
            TrackedPart(
                pk=part["pk"],
                number=part["number"],
                status=part["status"],
                item_name=part["item_version__name"],
                department_name=part["department__name"],
                due_date=_due_date(part["due_at"], part["limit_unit"]),
            )
            for part in Application.objects.filter(parent_id=row["pk"]).order_by("pk").values(*_PART_FIELDS)
        )
    entries = tuple(
        TimelineEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Application),
            object_id__in=[row["pk"], *(part.pk for part in parts)],
            is_internal=False,
        )
        .order_by("created_at", "object_id", "seq")
        .values_list(*_ENTRY_FIELDS)
    )
    return TrackedApplication(
        pk=row["pk"],
        township_id=row["township_id"],
        query_code=row["query_code"],
        number=row["number"],
        status=row["status"],
        title=row["item_version__name"] or row["bundle__name"] or "",
        department_name=row["department__name"],
        submitted_at=row["submitted_at"],
        accepted_at=row["accepted_at"],
        due_at=row["due_at"],
        due_date=_due_date(row["due_at"], row["limit_unit"]),
        finished_at=row["finished_at"],
        result_id=row["result_id"],
        result_number=row["result__number"],
        postal_tracking_number=row["postal_tracking_number"],
        parts=parts,
        entries=entries,
    )


def tracked_view(number: str, *extra_keys: str) -> tuple[TrackedApplication | None, dict]:
    """The public view for a number (None: no such application), and the values of `extra_keys` read
    from the cache in the same round trip (the tracking page's failed-lookup counter).

    Inside a transaction the view is read from the database and never cached: the connection may see
    its own uncommitted writes, which nobody else may be shown (and which may yet roll back)."""
    number = normalise(number or "")
    if not number:
        return None, (cache.get_many(list(extra_keys)) if extra_keys else {})
    if transaction.get_connection().in_atomic_block:
        return build_view(number), (cache.get_many(list(extra_keys)) if extra_keys else {})
    view_k, token_k = view_key(number), token_key(number)
    found = cache.get_many([view_k, token_k, *extra_keys])
    token, cached = found.get(token_k), found.get(view_k)
    if token is not None and cached is not None and cached[0] == token:
        return cached[1], found
    if token is None:
        token = secrets.token_hex(8)
        if not cache.add(token_k, token, TOKEN_SECONDS):
            token = cache.get(token_k)
    view = build_view(number)
    if token is not None:
        if view is not None:
            view = replace(view, generation=token)
        cache.set(view_k, (token, view), VIEW_SECONDS)
    return view, found


# --- invalidation ------------------------------------------------------------------------------------


def drop_views(numbers) -> None:
    """Retire each number's token, so its cached view is rebuilt on the next lookup (one DEL)."""
    numbers = {n for n in numbers if n}
    if numbers:
        # deleting the token is enough: the next reader makes a new one, which no stored view carries
        cache.delete_many([token_key(n) for n in numbers])


def _numbers_of(application: Application) -> set[str]:
    """The application's number and, for a bundle's part, its parent's (whose view lists the part)."""
    numbers = {application.number}
    if application.parent_id:
        parent = application._state.fields_cache.get("parent")
        if parent is not None and parent.pk == application.parent_id:
            numbers.add(parent.number)
        else:
            numbers.update(
                Application.objects.filter(pk=application.parent_id).values_list("number", flat=True)
            )
    return numbers - {None, ""}


class _DropOnCommit:
    """The numbers whose views one transaction changed, dropped together when it commits."""

    attribute = "_tracking_views_to_drop"

    def __init__(self, connection):
        self.connection, self.numbers = connection, set()

    def __call__(self):
        self.connection.__dict__.pop(self.attribute, None)
        drop_views(self.numbers)

    @classmethod
    def of(cls, connection) -> _DropOnCommit:
        pending = connection.__dict__.get(cls.attribute)
        # a rollback discards the callback registered with the set: then start a new one
        if pending is None or not any(entry[1] is pending for entry in connection.run_on_commit):
            pending = connection.__dict__[cls.attribute] = cls(connection)
            transaction.on_commit(pending)
        return pending


def application_saved(sender, instance: Application, raw=False, **kwargs) -> None:
    """post_save: drop the number's view once the transaction commits (one Redis write per transaction,
    however often the application is saved in it); at once when there is no transaction."""
    if raw or not instance.number:
        return
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        _DropOnCommit.of(connection).numbers.update(_numbers_of(instance))
    else:
        drop_views(_numbers_of(instance))


def timeline_appended(sender, entry, case=None, **kwargs) -> None:
    """A public timeline entry was committed: the tracking view shows it from the next lookup on."""
    if isinstance(case, Application) and case.number and not entry.is_internal:
        drop_views(_numbers_of(case))
