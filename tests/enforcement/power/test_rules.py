"""The legal configuration read through enforcement.power.rules: seeded defaults, overrides, refusals."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from enforcement.models import DocumentNumberFormat, EnforcementRuleSet, HearingThreshold
from enforcement.power import rules
from tests.factories import TownshipFactory
from township.casework.models import LimitUnit

pytestmark = pytest.mark.django_db
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def township():
    return TownshipFactory(code="320999101", name="青石镇", short_code="QSR")


def test_the_seeded_defaults_are_the_laws_limits(township):
    clue = rules.clue_check_limit(township)
    assert (clue.limit.value, clue.limit.unit) == (15, LimitUnit.WORKING_DAYS)
    assert (clue.extension.value, clue.extension.unit) == (15, LimitUnit.WORKING_DAYS)
    decision = rules.decision_limit(township)
    assert (decision.limit.value, decision.limit.unit) == (90, LimitUnit.CALENDAR_DAYS)
    assert decision.head_extension.value == 30 and decision.further_needs_collective_discussion
    assert rules.publication_limit(township) == rules.Limit(7, LimitUnit.WORKING_DAYS)
    assert rules.publication_limit(township, is_penalty=False).value == 20
    assert rules.withdrawal_limit(township) == rules.Limit(3, LimitUnit.WORKING_DAYS)


def test_a_townships_own_rules_override_the_default_and_leave_others_alone(township):
    other = TownshipFactory()
    EnforcementRuleSet.objects.create(township=township, clue_check_working_days=10, withdraw_working_days=2)
    assert rules.clue_check_limit(township).limit.value == 10
    assert rules.withdrawal_limit(township).value == 2
    assert rules.clue_check_limit(other).limit.value == 15


def test_the_rules_still_answer_when_the_seeded_rows_are_gone(township):
    EnforcementRuleSet.objects.all().delete()
    HearingThreshold.objects.all().delete()
    DocumentNumberFormat.objects.all().delete()
    assert rules.decision_limit(township).limit.value == 90
    assert rules.hearing_threshold(township, "城管", "person").amount == Decimal("3000")
    assert (
        rules.format_document_number(township, "penalty_decision", year=2026, seq=12)
        == "青综执罚〔2026〕12号"
    )


def test_the_most_specific_hearing_threshold_wins(township):
    HearingThreshold.objects.create(province="32", domain="", party_type="person", amount=5000)
    HearingThreshold.objects.create(
        province="32", domain="城管", party_type="person", amount=2000, inclusive=False
    )
    assert rules.hearing_threshold(township, "城管", "person").amount == Decimal("2000")
    assert rules.hearing_threshold(township, "水利", "person").amount == Decimal("5000")
    assert rules.hearing_threshold(township, "市场监管", "organisation").amount == Decimal("100000")
    elsewhere = TownshipFactory(code="360999101")
    assert rules.hearing_threshold(elsewhere, "水利", "person").amount == Decimal("3000")


def test_a_more_than_threshold_excludes_the_amount_itself(township):
    HearingThreshold.objects.create(
        province="32", domain="城管", party_type="person", amount=3000, inclusive=False
    )
    assert not rules.hearing_right_for_fine(township, "城管", "person", 3000)
    assert rules.hearing_right_for_fine(township, "城管", "person", "3000.01")
    assert rules.hearing_right_for_fine(township, "水利", "person", 3000)  # the fallback says ≥


@pytest.mark.parametrize("bad", ["abc", "-1", "NaN", "1e400", "1.001", "\x00", None])
def test_an_amount_that_is_not_money_is_refused_with_a_message(township, bad):
    with pytest.raises(rules.RulesError):
        rules.hearing_right_for_fine(township, "城管", "person", bad)


def test_an_unknown_party_type_is_refused(township):
    with pytest.raises(rules.RulesError, match="citizen or an organisation"):
        rules.hearing_threshold(township, "城管", "company")


def test_summary_procedure_limits_are_200_and_3000_yuan(township):
    assert rules.allows_summary_procedure(township, "person", 200)
    assert not rules.allows_summary_procedure(township, "person", "200.01")
    assert rules.allows_summary_procedure(township, "organisation", 3000)
    assert not rules.allows_summary_procedure(township, "organisation", 3001)


def test_the_legal_review_amount_trigger(township):
    assert rules.needs_legal_review_for_fine(township, "person", 10000)
    assert not rules.needs_legal_review_for_fine(township, "organisation", 99999)
    EnforcementRuleSet.objects.create(township=township, legal_review_fine_person=None)
    assert not rules.needs_legal_review_for_fine(township, "person", 1_000_000)


def test_an_extension_up_to_30_days_needs_only_the_heads_approval(township):
    rules.check_decision_extension(
        township, extended_days=0, requested_days=30, head_approved=True, collective_discussion=False
    )
    with pytest.raises(rules.ExtensionRefused, match="head's approval"):
        rules.check_decision_extension(
            township, extended_days=0, requested_days=10, head_approved=False, collective_discussion=False
        )


def test_an_extension_beyond_30_days_needs_a_collective_discussion(township):
    with pytest.raises(rules.ExtensionRefused, match="collective"):
        rules.check_decision_extension(
            township, extended_days=30, requested_days=15, head_approved=True, collective_discussion=False
        )
    rules.check_decision_extension(
        township, extended_days=30, requested_days=15, head_approved=True, collective_discussion=True
    )


def test_a_township_may_cap_or_forbid_extensions(township):
    EnforcementRuleSet.objects.create(
        township=township,
        head_extension_calendar_days=0,
        further_extension_needs_collective_discussion=False,
    )
    with pytest.raises(rules.ExtensionRefused, match="allow no extension"):
        rules.check_decision_extension(
            township, extended_days=0, requested_days=1, head_approved=True, collective_discussion=True
        )
    EnforcementRuleSet.objects.filter(township=township).update(
        head_extension_calendar_days=30,
        further_extension_needs_collective_discussion=True,
        further_extension_max_calendar_days=30,
    )
    with pytest.raises(rules.ExtensionRefused, match="at most 60 days"):
        rules.check_decision_extension(
            township, extended_days=30, requested_days=31, head_approved=True, collective_discussion=True
        )


def test_document_numbers_follow_gb_t_9704_without_di_or_padding(township):
    at = datetime(2026, 3, 2, 10, tzinfo=SHANGHAI)
    with transaction.atomic():
        numbers = [
            rules.next_document_number(township=township, document_type="penalty_decision", at=at)
            for _ in range(12)
        ]
    assert numbers[0] == "青综执罚〔2026〕1号" and numbers[-1] == "青综执罚〔2026〕12号"
    assert (
        rules.next_document_number(township=township, document_type="registration", at=at)
        == "青综执立〔2026〕1号"
    )
    next_year = datetime(2027, 1, 4, 9, tzinfo=SHANGHAI)
    assert rules.next_document_number(township=township, document_type="penalty_decision", at=next_year) == (
        "青综执罚〔2027〕1号"
    )


def test_a_rolled_back_issue_gives_its_number_back(township):
    at = datetime(2026, 5, 6, 10, tzinfo=SHANGHAI)
    try:
        with transaction.atomic():
            rules.next_document_number(township=township, document_type="advance_notice", at=at)
            raise RuntimeError
    except RuntimeError:
        pass
    assert (
        rules.next_document_number(township=township, document_type="advance_notice", at=at)
        == "青综执告〔2026〕1号"
    )


def test_a_township_may_use_its_own_organ_code_legacy_style_or_the_case_serial(township):
    EnforcementRuleSet.objects.create(township=township, organ_code="青石综执")
    DocumentNumberFormat.objects.create(
        township=township,
        document_type="registration",
        type_code="立",
        pattern="{organ}{type}字〔{year}〕第{seq}号",
    )
    DocumentNumberFormat.objects.create(
        township=township, document_type="penalty_decision", type_code="罚决", sequence_source="case"
    )
    at = datetime(2026, 7, 1, 10, tzinfo=SHANGHAI)
    assert (
        rules.next_document_number(township=township, document_type="registration", at=at)
        == "青石综执立字〔2026〕第1号"
    )
    assert (
        rules.next_document_number(township=township, document_type="penalty_decision", at=at, case_serial=37)
        == "青石综执罚决〔2026〕37号"
    )
    with pytest.raises(rules.RulesError, match="case's serial"):
        rules.next_document_number(township=township, document_type="penalty_decision", at=at)
    assert rules.format_document_number(TownshipFactory(name="白沙镇"), "registration", year=2026, seq=3) == (
        "白综执立〔2026〕3号"
    )


def test_an_unknown_document_type_is_refused(township):
    with pytest.raises(rules.RulesError, match="not a numbered"):
        rules.next_document_number(township=township, document_type="menu")
