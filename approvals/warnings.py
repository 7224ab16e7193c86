"""Approvals: what a warning on an application means. Yellow: its approvers are told in their inbox. Red
(overdue): the approvers, the department head and the command centre get an SMS and an inbox message.
Keys carry the warning event, so a sweep that runs twice (or on two workers) tells everyone once."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from approvals.models import ReviewTask, TaskStatus
from services.models import Application
from township.casework.models import WarningLevel
from township.notify.services import notify_inbox, send_sms
from township.org.roles import Role


def _recipients(application: Application, level: int) -> list:
    User = get_user_model()
    approvers = ReviewTask.objects.filter(
        application=application, status=TaskStatus.ACTIVE, assignee__isnull=False
    )
    condition = Q(pk__in=approvers.values("assignee_id"))
    if level == WarningLevel.RED:
        condition |= Q(
            groups__name=Role.DEPARTMENT_HEAD,
            staff_profile__department_id__in=approvers.values("department_id"),
        ) | Q(groups__name=Role.DEPARTMENT_HEAD, staff_profile__department_id=application.department_id)
        condition |= Q(groups__name=Role.COMMAND_CENTRE, staff_profile__township_id=application.township_id)
    return list(
        User.objects.filter(condition, is_active=True, staff_profile__is_active=True)
        .select_related("staff_profile")
        .distinct()
        .order_by("pk")
    )


def application_warnings(events) -> None:
    applications = Application.objects.in_bulk([event.object_id for event in events])
    from django.conf import settings

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
            for user in _recipients(application, event.level):
                key = f"warning:{event.pk}:{user.pk}"
                notify_inbox(user=user, title=title, url=url, key=key, township=application.township)
                phone = getattr(user.staff_profile, "phone", "")
                if is_red and phone:
                    send_sms(to=phone, body=title, key=key, township=application.township)
