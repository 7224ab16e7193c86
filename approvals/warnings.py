"""Approvals: what a warning on an application means. Yellow: its approvers are told in their inbox. Red
(overdue): the approvers, the department head and the command centre get an inbox message and an SMS.
Keys carry the warning event, so a sweep that runs twice (or on two workers) tells everyone once.

The sweep hands events over in batches; each batch costs a fixed handful of queries (applications,
open steps, heads, command centre, one bulk insert of inbox items) plus one outbox row per red SMS."""

from collections import defaultdict

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from approvals.models import ReviewTask, TaskStatus
from services.models import Application
from township.casework.models import WarningLevel
from township.notify.models import InboxItem
from township.notify.services import send_sms_many
from township.org.roles import Role


def _staff(role, **where) -> dict:
    """{key: [(user id, phone)]} of active staff holding `role`, keyed by department or township id."""
    key = (
        "staff_profile__department_id"
        if "staff_profile__department_id__in" in where
        else "staff_profile__township_id"
    )
    rows = (
        get_user_model()
        .objects.filter(groups__name=role, is_active=True, staff_profile__is_active=True, **where)
        .values_list(key, "pk", "staff_profile__phone")
        .distinct()
    )
    found = defaultdict(list)
    for owner, user_id, phone in rows:
        found[owner].append((user_id, phone))
    return found


def application_warnings(events) -> None:
    applications = Application.objects.select_related("item_version", "bundle", "township").in_bulk(
        [event.object_id for event in events]
    )
    approvers = defaultdict(list)
    for application_id, user_id, department_id, phone in ReviewTask.objects.filter(
        application_id__in=applications, status=TaskStatus.ACTIVE, assignee__isnull=False
    ).values_list("application_id", "assignee_id", "department_id", "assignee__staff_profile__phone"):
        approvers[application_id].append((user_id, phone, department_id))
    red = [e for e in events if e.level == WarningLevel.RED and e.object_id in applications]
    departments = {applications[e.object_id].department_id for e in red} | {
        d for e in red for _u, _p, d in approvers[e.object_id]
    }
    heads = _staff(Role.DEPARTMENT_HEAD, staff_profile__department_id__in=departments - {None}) if red else {}
    command = (
        _staff(
            Role.COMMAND_CENTRE,
            staff_profile__township_id__in={applications[e.object_id].township_id for e in red},
        )
        if red
        else {}
    )
    inbox, texts = [], []
    with translation.override(settings.LANGUAGE_CODE):
        for event in events:
            application = applications.get(event.object_id)
            if application is None:
                continue
            is_red = event.level == WarningLevel.RED
            title = (
                _("Overdue: application %(number)s (%(title)s) passed its promised date %(due)s")
                if is_red
                else _("Due soon: application %(number)s (%(title)s) is due on %(due)s")
            ) % {"number": application.number, "title": application.title, "due": application.due_date}
            url = reverse("admin:approvals_reviewcase_change", args=[application.pk])
            people = {user_id: phone for user_id, phone, _d in approvers[application.pk]}
            if is_red:
                for department in {
                    application.department_id,
                    *(d for _u, _p, d in approvers[application.pk]),
                }:
                    people.update(dict(heads.get(department, [])))
                people.update(dict(command.get(application.township_id, [])))
            for user_id, phone in sorted(people.items()):
                key = f"warning:{event.pk}:{user_id}"
                inbox.append(
                    InboxItem(
                        user_id=user_id,
                        township_id=application.township_id,
                        title=title[:200],
                        url=url,
                        key=key,
                    )
                )
                if is_red and phone:
                    texts.append((phone, title, key, application.township))
    InboxItem.objects.bulk_create(inbox, ignore_conflicts=True, batch_size=1000)
    send_sms_many(texts)
