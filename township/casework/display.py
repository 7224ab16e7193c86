"""A case's timeline as people read it: translated labels, names not usernames, internal notes only for staff.

    rows = timeline_rows(application, audience=Audience.PUBLIC, parts=children)
    {% include "casework/_timeline.html" with timeline=rows %}

One query for the case and its parts (a bundle's children), with the actors joined.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from django.contrib.contenttypes.models import ContentType

from township.casework.models import TimelineEntry
from township.casework.registry import case_type_of
from township.casework.workflow import action_label
from township.org.models import person_name


class Audience(StrEnum):
    PUBLIC = "public"  # the applicant, a resident, the tracking page: public entries, no staff names
    STAFF = "staff"  # staff who may see the case: every entry, with names and internal notes


@dataclass(frozen=True)
class TimelineRow:
    at: datetime
    seq: int
    action: str
    label: str
    state_label: str
    actor_name: str
    note: str
    is_internal: bool
    part: str = ""
    part_obj: object = None  # the part (a bundle's child) the entry belongs to, None for the case itself


def _actor_name(entry: TimelineEntry) -> str:
    return person_name(entry.actor) if entry.actor is not None else entry.actor_label


def timeline_rows(case, *, audience: Audience, parts: Iterable[tuple[object, str]] = ()) -> list[TimelineRow]:
    """The case's timeline (and its parts', each tagged with its label), oldest first."""
    workflow = case_type_of(case).workflow
    states = workflow.states if workflow is not None else None
    state_labels = dict(states.choices) if states is not None else {}
    part_labels, part_objs = {case.pk: ""}, {}
    for part, label in parts:
        part_labels[part.pk], part_objs[part.pk] = str(label), part
    entries = TimelineEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(case), object_id__in=list(part_labels)
    ).order_by("created_at", "object_id", "seq")
    if audience == Audience.PUBLIC:
        entries = entries.filter(is_internal=False)
    else:
        entries = entries.select_related("actor")
    rows = []
    for entry in entries:
        rows.append(
            TimelineRow(
                at=entry.created_at,
                seq=entry.seq,
                action=entry.action,
                label=action_label(entry.action, workflow),
                state_label=str(state_labels.get(entry.to_state, "")),
                actor_name="" if audience == Audience.PUBLIC else _actor_name(entry),
                note=entry.note,
                is_internal=entry.is_internal,
                part=part_labels.get(entry.object_id, ""),
                part_obj=part_objs.get(entry.object_id),
            )
        )
    return rows
