"""Builders for command-centre tests: a township with a back office, applications in review at chosen
warning levels, and complaints of the test-only loop (tests/casework_app) standing in for a new loop."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from services.models import Application
from tests.approvals.helpers import Office
from tests.casework_app.models import Complaint
from tests.factories import make_staff
from township.casework.clock import start_clock
from township.casework.deadlines import open_deadline
from township.casework.models import Deadline, LimitUnit, WarningLevel
from township.org.roles import Role


def set_level(application, level, *, days):
    """Make an open application yellow or red (due `days` from now; negative: overdue)."""
    Application.objects.filter(pk=application.pk).update(
        warning_level=level, due_at=timezone.now() + timedelta(days=days)
    )
    application.refresh_from_db()
    return application


def complaint(township, department, handler, *, level=WarningLevel.YELLOW, days=1, number=None):
    with transaction.atomic():
        found = Complaint(
            township=township,
            department=department,
            handler=handler,
            number=number or f"TS-{Complaint.objects.count() + 1:04d}",
            title="路灯不亮",
        )
        start_clock(
            found, at=timezone.now() - timedelta(days=3), limit_value=5, limit_unit=LimitUnit.CALENDAR_DAYS
        )
        found.save()
    Complaint.objects.filter(pk=found.pk).update(
        warning_level=level, due_at=timezone.now() + timedelta(days=days)
    )
    found.refresh_from_db()
    return found


def complaint_deadline(found, *, level=WarningLevel.RED, days=-1):
    with transaction.atomic():
        deadline = open_deadline(
            found,
            kind="reply",
            label="答复投诉人",
            limit_value=2,
            limit_unit=LimitUnit.CALENDAR_DAYS,
            at=timezone.now() - timedelta(days=5),
        )
    Deadline.objects.filter(pk=deadline.pk).update(
        warning_level=level, due_at=timezone.now() + timedelta(days=days)
    )
    return deadline


class Place:
    """A township with one office (chief representative, head, clerk), its command centre, and a second
    township with its own office and command centre."""

    def __init__(self):
        self.office = Office(chiefs=1)
        self.township = self.office.township
        self.department = self.office.department
        self.chief = self.office.chiefs[0]
        self.command = make_staff(Role.COMMAND_CENTRE, township=self.township)
        self.other = Office(chiefs=1)
        self.other_command = make_staff(Role.COMMAND_CENTRE, township=self.other.township)
