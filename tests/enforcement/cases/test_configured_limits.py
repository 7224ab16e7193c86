"""The cases take their numbers of law or local rule from the township's legal configuration
(enforcement.power.rules), not from constants of their own: a township that shortens its clue check or
its decision limit, or numbers its documents its own way, sees its cases follow."""

import pytest

from enforcement.cases import services
from enforcement.models import DocumentNumberFormat, EnforcementRuleSet
from township.casework.deadlines import open_deadlines

from .conftest import local
from .helpers import clue, day, notified, registered

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def due(case, kind):
    return open_deadlines(case).get(kind=kind).due_date


def test_the_default_rules_give_the_laws_limits(world):
    case = clue(world, at=local(2026, 9, 21, 9, 0))
    # 15 working days from Mon 21 Sep 2026, across National Day (1-8 Oct off, Sat 10 Oct a working day)
    assert due(case, "clue-check") == day(2026, 10, 19)


def test_a_townships_own_rules_change_its_cases_clocks(world):
    EnforcementRuleSet.objects.create(
        township=world.township, clue_check_working_days=10, decision_calendar_days=60
    )
    case = clue(world, at=local(2026, 9, 21, 9, 0))
    assert due(case, "clue-check") == day(
        2026, 10, 12
    )  # 22-30 Sep (7), Fri 9 and Sat 10 Oct (8, 9), Mon 12 Oct
    case = registered(world, at=local(2026, 6, 3, 10, 0))
    assert due(case, "decision") == day(2026, 8, 3)  # 60 calendar days: Sun 2 Aug rolls to Monday


def test_document_numbers_follow_the_configured_format(world):
    DocumentNumberFormat.objects.filter(township__isnull=True, document_type="penalty_decision").update(
        pattern="{organ}{type}决字〔{year}〕第{seq}号"
    )
    case = notified(world, served_at=local(2026, 9, 1, 9, 0), fine="3000", at=local(2026, 8, 3, 10, 0))
    services.record_waiver(case=case, by=world.officer, at=local(2026, 9, 2, 9, 0))
    services.decide_penalty(case=case, by=world.head, at=local(2026, 9, 3, 9, 0))
    case.refresh_from_db()
    assert case.decision_number == "青综执罚决字〔2026〕第1号"
