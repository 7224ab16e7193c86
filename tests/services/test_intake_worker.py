"""The Celery paths of intake through a real worker: the acceptance SMS is delivered, and the deadline
sweep turns an overdue application red."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from services.models import Application
from services.services.intake import accept_application, receive_at_window
from tests.factories import TownshipFactory
from tests.services.intake_helpers import applicant, clerk_at_window, full_checklist, intake_item
from township.casework.models import WarningLevel
from township.casework.tasks import sweep_warning_levels
from township.celery import app
from township.notify.models import OutboxMessage, OutboxStatus


def wait_for(predicate, seconds=30):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_the_acceptance_sms_and_sweeps_overdue_applications_red():
    app.control.purge()
    township = TownshipFactory()
    item = intake_item(township=township, promised_limit_days=3)
    clerk, window = clerk_at_window(township)
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
        received = receive_at_window(
            township=township, clerk=clerk, window=window, item=item, applicant=applicant()
        )
        accepted = accept_application(
            application=received, clerk=clerk, checklist=full_checklist(received), with_receipt=False
        )
        message = OutboxMessage.objects.get(recipient="13900000001")
        assert wait_for(lambda: OutboxMessage.objects.get(pk=message.pk).status == OutboxStatus.SENT)
        assert accepted.number in OutboxMessage.objects.get(pk=message.pk).body

        # the promised date passed a week ago: the sweep, run by the worker, marks it red once
        Application.objects.filter(pk=accepted.pk).update(
            due_at=timezone.now() - timedelta(days=7), yellow_at=timezone.now() - timedelta(days=9)
        )
        first = sweep_warning_levels.delay().get(timeout=30)
        second = sweep_warning_levels.delay().get(timeout=30)
    accepted.refresh_from_db()
    assert accepted.warning_level == WarningLevel.RED
    assert first["changed"] >= 1 and second["changed"] == 0
