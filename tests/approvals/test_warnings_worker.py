"""Warnings through a real Celery worker: the sweep over seeded applications turns them yellow and red,
and each level change notifies its people exactly once, also when the sweep runs twice."""

from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.urls import reverse
from django.utils import timezone

from services.models import Application
from tests.approvals.helpers import Office, assignee_of
from tests.factories import make_staff
from township.casework.models import WarningLevel
from township.casework.tasks import sweep_warning_levels
from township.celery import app
from township.notify.models import InboxItem, OutboxMessage
from township.org.roles import Role


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sweeps_yellow_and_red_and_tells_everyone_once():
    app.control.purge()
    office = Office(chiefs=1)
    command = make_staff(Role.COMMAND_CENTRE, township=office.township)
    command.staff_profile.phone = "13922220000"
    command.staff_profile.save()
    now = timezone.now()
    soon, late, fine = office.in_review(), office.in_review(), office.in_review()
    Application.objects.filter(pk=soon.pk).update(
        due_at=now + timedelta(days=1), yellow_at=now - timedelta(hours=1)
    )
    Application.objects.filter(pk=late.pk).update(
        due_at=now - timedelta(days=1), yellow_at=now - timedelta(days=3)
    )
    chief = assignee_of(late)

    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        first = sweep_warning_levels.delay().get(timeout=60)
        second = sweep_warning_levels.delay().get(timeout=60)

    levels = dict(
        Application.objects.filter(pk__in=[soon.pk, late.pk, fine.pk]).values_list("pk", "warning_level")
    )
    assert levels == {soon.pk: WarningLevel.YELLOW, late.pk: WarningLevel.RED, fine.pk: WarningLevel.NORMAL}
    assert first["models"]["services.application"]["changed"] == 2
    assert second["models"]["services.application"]["changed"] == 0
    # yellow: the approver's inbox; red: the approver, the head and the command centre, inbox and SMS
    assert InboxItem.objects.filter(user=chief, title__contains=soon.number).count() == 1
    # each message links to its own application's page in the back office
    assert set(InboxItem.objects.filter(title__contains=late.number).values_list("url", flat=True)) == {
        reverse("admin:approvals_reviewcase_change", args=[late.pk])
    }
    red_inbox = InboxItem.objects.filter(title__contains=late.number)
    assert sorted(red_inbox.values_list("user_id", flat=True)) == sorted(
        [chief.pk, office.head.pk, command.pk]
    )
    red_sms = OutboxMessage.objects.filter(
        body__contains=late.number, recipient__in=["13900000000", "13911110000", "13922220000"]
    )
    assert red_sms.count() == 3
    assert not InboxItem.objects.filter(title__contains=fine.number).exists()
