"""The default escalation of a warning, for every case type that registers an `Escalation`.

Yellow (due soon): the people handling the case get an inbox message. Red (overdue): the handlers, the
heads of the case's department and of the handlers' departments, and the command centre of the case's
township get an inbox message and an SMS. Keys carry the warning event and the person, so a sweep that
runs twice (or on two workers) tells everyone once.

Each batch of events costs a fixed handful of queries (the cases with only the fields the title needs,
the handlers, the heads, the command centre, one bulk insert of inbox items, one of outbox rows).
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from township.bulk import insert_new
from township.casework.models import WarningLevel
from township.notify.models import InboxItem
from township.notify.services import forget_unread_counts, send_sms_many
from township.org.roles import Role

INBOX_BATCH = 5000


def staff_with_role(role: str, *, departments=(), townships=()) -> dict[int, list[tuple[int, str]]]:
    """{department or township id: [(user id, phone)]} of the active staff holding `role` there."""
    if departments:
        key, where = "staff_profile__department_id", {"staff_profile__department_id__in": set(departments)}
    else:
        key, where = "staff_profile__township_id", {"staff_profile__township_id__in": set(townships)}
    rows = (
        get_user_model()
        .objects.filter(groups__name=role, is_active=True, staff_profile__is_active=True, **where)
        .values_list(key, "pk", "staff_profile__phone")
        .distinct()
    )
    found: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for owner, user_id, phone in rows:
        found[owner].append((user_id, phone or ""))
    return found


def _phones(user_ids) -> dict[int, str]:
    return dict(
        get_user_model()
        .objects.filter(pk__in=set(user_ids), is_active=True)
        .values_list("pk", "staff_profile__phone")
    )


def describe_deadline(case, event) -> str:
    """The title of a warning on one of a case's deadlines (its own clock's are the case type's)."""
    deadline = event.deadline
    due = timezone.localtime(event.due_at)
    values = {"case": case, "deadline": deadline.label, "due": date_format(due, "DATETIME_FORMAT")}
    if event.level == WarningLevel.RED:
        return gettext("Overdue: %(case)s — %(deadline)s (due %(due)s)") % values
    return gettext("Due soon: %(case)s — %(deadline)s (due %(due)s)") % values


def escalate(case_type, events) -> None:
    """Tell the right people about each warning event of `case_type` (inbox, and SMS when overdue)."""
    escalation = case_type.escalation
    model = case_type.model
    fields = {"pk", "township_id", *escalation.fields}
    if any(f.name == "department" for f in model._meta.get_fields()):
        fields.add("department_id")
    queryset = model._base_manager.only(*(f for f in fields if f != "pk"))
    if escalation.related:
        queryset = queryset.select_related(*escalation.related)
    cases = queryset.in_bulk({event.object_id for event in events})
    handlers = escalation.handlers(list(cases))
    by_kind: dict[str, dict] = {}
    for kind, find in case_type.deadline_handlers.items():
        ids = [e.object_id for e in events if getattr(e, "deadline", None) and e.deadline.kind == kind]
        if ids:
            by_kind[kind] = find(ids)

    def handlers_of(event):
        deadline = getattr(event, "deadline", None)
        if deadline is not None and deadline.kind in by_kind:
            return by_kind[deadline.kind].get(event.object_id, ())
        return handlers.get(event.object_id, ())

    red = [e for e in events if e.level == WarningLevel.RED and e.object_id in cases]
    departments = {getattr(cases[e.object_id], "department_id", None) for e in red} | {
        d for e in red for _u, d in handlers_of(e)
    }
    departments.discard(None)
    heads = staff_with_role(Role.DEPARTMENT_HEAD, departments=departments) if departments else {}
    command = (
        staff_with_role(Role.COMMAND_CENTRE, townships={cases[e.object_id].township_id for e in red})
        if red
        else {}
    )
    phones = _phones(u for e in red for u, _d in handlers_of(e)) if red else {}
    inbox, texts = [], []
    with translation.override(settings.LANGUAGE_CODE):
        url_of = case_type.url_maker()
        for event in events:
            case = cases.get(event.object_id)
            if case is None:
                continue
            is_red = event.level == WarningLevel.RED
            deadline = getattr(event, "deadline", None)
            if deadline is None:
                title = escalation.describe(case, event)
            else:
                title = (escalation.describe_deadline or describe_deadline)(case, event)
            title = str(title)[:200]
            url = url_of(case.pk)
            people = {user_id: phones.get(user_id, "") for user_id, _d in handlers_of(event)}
            if is_red:
                for department in {
                    getattr(case, "department_id", None),
                    *(d for _u, d in handlers_of(event)),
                }:
                    people.update(dict(heads.get(department, [])))
                people.update(dict(command.get(case.township_id, [])))
            for user_id, phone in sorted(people.items()):
                key = f"warning:{event.pk}:{user_id}"
                inbox.append(
                    {
                        "user_id": user_id,
                        "township_id": case.township_id,
                        "title": title,
                        "url": url,
                        "key": key,
                    }
                )
                if is_red and phone:
                    texts.append((phone, title, key, case.township_id))
    insert_new(InboxItem, inbox, conflict=["key"], page_size=INBOX_BATCH)
    told = {item["user_id"] for item in inbox}
    transaction.on_commit(lambda: forget_unread_counts(told))
    send_sms_many(texts)


def tell_role(
    role: str, *, key: str, title: str, department_id=None, township_id=None, url: str = "", body: str = ""
) -> int:
    """Put one inbox message in the inbox of everyone holding `role` in a department (or, without one, in
    the township): a request that waits for a head, a bad review to look into. Keyed per person, so a
    retried step tells nobody twice; returns how many were told."""
    people = (
        staff_with_role(role, departments=[department_id]).get(department_id, [])
        if department_id
        else staff_with_role(role, townships=[township_id]).get(township_id, [])
    )
    items = [
        InboxItem(
            user_id=user_id,
            township_id=township_id,
            title=str(title)[:200],
            body=body,
            url=url,
            key=f"{key}:{user_id}",
        )
        for user_id, _phone in people
    ]
    InboxItem.objects.bulk_create(items, ignore_conflicts=True)
    told = [item.user_id for item in items]
    transaction.on_commit(lambda: forget_unread_counts(told))
    return len(items)
