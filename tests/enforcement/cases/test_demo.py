"""The demo cases: every stage, some overdue, loaded through the services, idempotent."""

import pytest
from django.utils import timezone

from enforcement.demo.cases import load_demo_cases
from enforcement.models.cases import EnforcementCase
from tests.factories import DepartmentFactory, TownshipFactory
from township.casework.models import Deadline

pytestmark = pytest.mark.django_db


def test_demo_cases_cover_every_stage_and_load_once():
    township = TownshipFactory(code="320999101", short_code="QS", name="青石镇")
    DepartmentFactory(township=township, code="ZHZF", name="综合行政执法局")
    assert load_demo_cases(township) == 12
    assert load_demo_cases(township) == 0
    # one clue handed over to the bureau waits for its head to pass it to a squad
    assert (
        EnforcementCase.objects.filter(department__code="ZHZF", source="transfer", status="clue").count() == 1
    )
    statuses = set(EnforcementCase.objects.values_list("status", flat=True))
    assert {
        "clue",
        "registration_pending",
        "not_registered",
        "investigating",
        "proposed",
        "notified",
        "decided",
        "served",
        "closed",
    } <= statuses
    overdue = Deadline.objects.filter(clock_stopped_at__isnull=True, due_at__lt=timezone.now()).values_list(
        "kind", flat=True
    )
    assert {"clue-check", "service", "payment"} <= set(overdue)
