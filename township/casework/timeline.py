"""Case timelines: append-only, numbered per case and SHA-256 chained, so tampering is detectable.

Each entry's hash covers the previous entry's hash and its own canonical JSON, so changing or removing
an entry breaks the chain from there on; `verify_timelines` (and `manage.py verify_timeline`) finds it.
The database refuses UPDATE and DELETE on the table (trigger in migration 0002), so tampering takes an
owner who disables the trigger first. A rewrite of a whole chain with fresh hashes can only be caught
against a hash kept elsewhere; keep the latest hashes in an external record if that threat matters.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.contrib.contenttypes.models import ContentType
from django.db import connections, router, transaction
from django.db.models import Exists, Model, OuterRef, QuerySet, Subquery
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext

from township.casework.models import TimelineEntry, TimelineHead
from township.org.models import person_name

# Sent after the transaction that appended `entry` commits, with `entry` and the `case` it belongs to (the
# instance the caller passed), e.g. to drop a cached public view of the case. Receivers must be cheap.
timeline_appended = Signal()

_SLUG = re.compile(r"^[-a-z0-9_]+$")


def _case_type_label(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)
    return f"{content_type.app_label}.{content_type.model}"


def canonical_json(entry: TimelineEntry) -> str:
    """The entry's hashed fields as canonical JSON (sorted keys, no spaces, UTC time)."""
    return json.dumps(
        {
            "seq": entry.seq,
            # the natural key, not the id, so a dump restored into another database still verifies
            "case_type": _case_type_label(entry.content_type_id),
            "object_id": entry.object_id,
            "actor_id": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "from_state": entry.from_state,
            "to_state": entry.to_state,
            "note": entry.note,
            "is_internal": entry.is_internal,
            "created_at": entry.created_at.astimezone(UTC).isoformat(),
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )


def entry_hash(prev_hash: str, entry: TimelineEntry) -> str:
    return hashlib.sha256((prev_hash + canonical_json(entry)).encode("utf-8")).hexdigest()


def _actor_label(actor) -> str:
    if actor is None:
        return ""
    return person_name(actor)[:150]


def append_entry(
    case: Model,
    *,
    action: str,
    actor=None,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    is_internal: bool = False,
    at: datetime | None = None,
    actor_label: str | None = None,
) -> TimelineEntry:
    """Append one entry to the case's timeline and return it.

    Runs in a transaction (the caller's if there is one, without a savepoint) and locks the
    case's timeline head, so concurrent appends to one case get consecutive numbers and a clean chain. `actor_label` defaults to the actor's name; give it for actors without an account
    (e.g. "12345 hotline").
    """
    if case.pk is None:
        raise ValueError("save the case before writing to its timeline")
    if not isinstance(action, str) or not _SLUG.match(action):
        raise ValueError(f"action must be a lowercase slug such as 'accept', got {action!r}")
    at = at or timezone.now()
    if timezone.is_naive(at):
        raise ValueError(f"at must be timezone-aware, got {at.isoformat()}")
    content_type = ContentType.objects.get_for_model(case)
    using = router.db_for_write(TimelineEntry)
    head_table = connections[using].ops.quote_name(TimelineHead._meta.db_table)
    # No savepoint of its own: inside the caller's transaction a failed append fails the whole step (nothing
    # catches it to carry on), and SAVEPOINT/RELEASE cost two round trips per entry.
    with transaction.atomic(using=using, savepoint=False), connections[using].cursor() as cursor:
        # The head row numbers the entries: its row lock serialises appends to one case, and it keeps
        # the latest hash apart from the entries so that a removed newest entry shows.
        cursor.execute(
            f"INSERT INTO {head_table} (content_type_id, object_id, seq, entry_hash) "  # noqa: S608
            "VALUES (%s, %s, 0, '') ON CONFLICT (content_type_id, object_id) "
            f"DO UPDATE SET seq = {head_table}.seq RETURNING seq, entry_hash",
            [content_type.pk, case.pk],
        )
        last_seq, prev_hash = cursor.fetchone()
        entry = TimelineEntry(
            content_type=content_type,
            object_id=case.pk,
            seq=last_seq + 1,
            actor=actor,
            actor_label=_actor_label(actor) if actor_label is None else actor_label[:150],
            action=action,
            from_state=from_state,
            to_state=to_state,
            note=note,
            is_internal=is_internal,
            created_at=at,
            prev_hash=prev_hash,
        )
        entry.entry_hash = entry_hash(prev_hash, entry)
        entry.save(using=using)
        cursor.execute(
            f"UPDATE {head_table} SET seq = %s, entry_hash = %s "  # noqa: S608
            "WHERE content_type_id = %s AND object_id = %s",
            [entry.seq, entry.entry_hash, content_type.pk, case.pk],
        )
        transaction.on_commit(
            lambda: timeline_appended.send(sender=TimelineEntry, entry=entry, case=case), using=using
        )
    return entry


HEADS_PER_STATEMENT = 2000


def append_entries(items: Sequence[tuple[Model, dict]]) -> list[TimelineEntry]:
    """Append many entries at once (a bulk import), each item `(case, keyword arguments of append_entry)`;
    a case's entries are numbered and chained in the order given. The same chain and head rules as
    `append_entry`, in a few statements: one upsert per 2,000 cases locks and reads their heads (in a
    fixed order, so two bulk writers cannot deadlock), one INSERT writes the entries and one UPDATE moves
    the heads. Runs in the caller's transaction (or one of its own)."""
    if not items:
        return []
    using = router.db_for_write(TimelineEntry)
    head_table = connections[using].ops.quote_name(TimelineHead._meta.db_table)
    keyed = []
    for case, values in items:
        if case.pk is None:
            raise ValueError("save the case before writing to its timeline")
        action, at = values.get("action"), values.get("at") or timezone.now()
        if not isinstance(action, str) or not _SLUG.match(action):
            raise ValueError(f"action must be a lowercase slug such as 'accept', got {action!r}")
        if timezone.is_naive(at):
            raise ValueError(f"at must be timezone-aware, got {at.isoformat()}")
        keyed.append(((ContentType.objects.get_for_model(case).pk, case.pk), case, {**values, "at": at}))
    keys = sorted({key for key, _case, _values in keyed})
    heads: dict[tuple[int, int], tuple[int, str]] = {}
    entries: list[TimelineEntry] = []
    with transaction.atomic(using=using, savepoint=False), connections[using].cursor() as cursor:
        for start in range(0, len(keys), HEADS_PER_STATEMENT):
            chunk = keys[start : start + HEADS_PER_STATEMENT]
            cursor.execute(
                f"INSERT INTO {head_table} (content_type_id, object_id, seq, entry_hash) VALUES "  # noqa: S608
                + ", ".join(["(%s, %s, 0, '')"] * len(chunk))
                + " ON CONFLICT (content_type_id, object_id) "
                f"DO UPDATE SET seq = {head_table}.seq RETURNING content_type_id, object_id, seq, entry_hash",
                [value for key in chunk for value in key],
            )
            heads.update({(ct, oid): (seq, digest) for ct, oid, seq, digest in cursor.fetchall()})
        for key, _case, values in keyed:
            last_seq, prev_hash = heads[key]
            actor, label = values.get("actor"), values.get("actor_label")
            entry = TimelineEntry(
                content_type_id=key[0],
                object_id=key[1],
                seq=last_seq + 1,
                actor=actor,
                actor_label=_actor_label(actor) if label is None else label[:150],
                action=values["action"],
                from_state=values.get("from_state", ""),
                to_state=values.get("to_state", ""),
                note=values.get("note", ""),
                is_internal=values.get("is_internal", False),
                created_at=values["at"],
                prev_hash=prev_hash,
            )
            entry.entry_hash = entry_hash(prev_hash, entry)
            heads[key] = (entry.seq, entry.entry_hash)
            entries.append(entry)
        TimelineEntry.objects.using(using).bulk_create(entries, batch_size=1000)
        for start in range(0, len(keys), HEADS_PER_STATEMENT):
            chunk = keys[start : start + HEADS_PER_STATEMENT]
            cursor.execute(
                f"UPDATE {head_table} AS head SET seq = moved.seq, entry_hash = moved.entry_hash "  # noqa: S608
                "FROM (VALUES "
                + ", ".join(["(%s::integer, %s::bigint, %s::integer, %s)"] * len(chunk))
                + ") AS moved (content_type_id, object_id, seq, entry_hash) "
                "WHERE head.content_type_id = moved.content_type_id AND head.object_id = moved.object_id",
                [value for key in chunk for value in (*key, *heads[key])],
            )
        appended = [(entry, case) for entry, (_key, case, _values) in zip(entries, keyed, strict=True)]
        transaction.on_commit(
            lambda: [timeline_appended.send(sender=TimelineEntry, entry=e, case=c) for e, c in appended],
            using=using,
        )
    return entries


def entries_for(case: Model, *, include_internal: bool) -> QuerySet[TimelineEntry]:
    """The case's timeline in order; without internal notes for the applicant's tracking page."""
    entries = TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(case), object_id=case.pk
    ).order_by("seq")
    return entries if include_internal else entries.filter(is_internal=False)


@dataclass(frozen=True)
class TimelineProblem:
    case_type: str
    object_id: int
    seq: int
    problem: str

    def __str__(self) -> str:
        return gettext("%(case_type)s %(object_id)s, entry %(seq)s: %(problem)s") % {
            "case_type": self.case_type,
            "object_id": self.object_id,
            "seq": self.seq,
            "problem": self.problem,
        }


class TimelineReport(list):
    """The problems found (a list, empty when all is well) and how much was checked."""

    entries = 0
    cases = 0


def verify_timelines(queryset: QuerySet[TimelineEntry] | None = None) -> TimelineReport:
    """Recompute every chain in `queryset` (whole cases only; default: all) and report what is wrong.

    Streams the entries, so memory stays flat however long the timelines are.
    """
    entries = TimelineEntry.objects.all() if queryset is None else queryset
    report = TimelineReport()
    case, expected_seq, prev_hash = None, 1, ""
    for entry in entries.order_by("content_type_id", "object_id", "seq").iterator(chunk_size=2000):
        if (entry.content_type_id, entry.object_id) != case:
            case, expected_seq, prev_hash = (entry.content_type_id, entry.object_id), 1, ""
            report.cases += 1
        report.entries += 1
        found = []
        if entry.seq != expected_seq:
            # the link is broken too, but the gap says more
            found.append(
                gettext("entries %(first)s to %(last)s are missing")
                % {"first": expected_seq, "last": entry.seq - 1}
            )
        elif entry.prev_hash != prev_hash:
            found.append(
                gettext("does not link to the entry before it (an earlier entry was changed or replaced)")
            )
        if entry_hash(entry.prev_hash, entry) != entry.entry_hash:
            found.append(gettext("its content was changed after it was written (hash mismatch)"))
        report.extend(
            TimelineProblem(_case_type_label(entry.content_type_id), entry.object_id, entry.seq, text)
            for text in found
        )
        expected_seq, prev_hash = entry.seq + 1, entry.entry_hash
    report.extend(_truncations(entries if queryset is not None else None))
    return report


def _truncations(entries: QuerySet[TimelineEntry] | None) -> list[TimelineProblem]:
    """Cases whose newest entries were removed: their head names an entry that is not there."""
    heads = TimelineHead.objects.filter(seq__gt=0)
    if entries is not None:
        heads = heads.filter(
            Exists(
                entries.filter(content_type_id=OuterRef("content_type_id"), object_id=OuterRef("object_id"))
            )
        )
    same_case = TimelineEntry.objects.filter(
        content_type_id=OuterRef("content_type_id"), object_id=OuterRef("object_id")
    )
    cut = (
        heads.exclude(Exists(same_case.filter(seq=OuterRef("seq"), entry_hash=OuterRef("entry_hash"))))
        .annotate(last=Subquery(same_case.order_by("-seq").values("seq")[:1]))
        .order_by("content_type_id", "object_id")
    )
    problems = []
    for head in cut:
        if (head.last or 0) < head.seq:
            text = gettext("the newest entries up to %(seq)s were removed (the timeline was cut short)") % {
                "seq": head.seq
            }
        else:
            text = gettext("the newest entry does not match the recorded latest hash")
        problems.append(
            TimelineProblem(_case_type_label(head.content_type_id), head.object_id, head.last or 0, text)
        )
    return problems
