"""The one place other code reads the enforcement rules that are law or local rule (models in
enforcement/models/config.py, edited in the admin, defaults seeded by migration 0003).

Contract (the cases helper and anyone else call only these; never read the config models directly):

    hearing_threshold(township, domain, party_type) -> HearingRule
        What counts as a "large fine" (art. 63) for the township's province, the matter's domain
        (PowerMatterVersion.domain) and the party type ("person" / "organisation", PartyType). The most
        specific row wins: province+domain, province, domain, national fallback. Never None.
    hearing_right_for_fine(township, domain, party_type, fine) -> bool
        Whether a fine of `fine` yuan gives the party the right to request a hearing (≥ or > as the
        rule says). Other grounds of art. 63 (revocation, closure…) are the caller's to check.
    clue_check_limit(township=None) -> ClueCheckLimit
        .limit (15 working days) and .extension (+15 working days, with the head's approval).
    decision_limit(township=None) -> DecisionLimit
        .limit (90 calendar days from registration), .head_extension (30 calendar days, or None when
        the township allows none), .further_needs_collective_discussion, .further_max_days (None: the
        discussion sets the term).
    check_decision_extension(township, *, extended_days, requested_days, head_approved,
                             collective_discussion) -> None
        Refuses (ExtensionRefused, a DomainError) an extension of the decision limit the rules do not
        allow; `extended_days` is what the case was already extended by.
    publication_limit(township=None, *, is_penalty=True) -> Limit   (7 / 20 working days)
    withdrawal_limit(township=None) -> Limit                          (3 working days)
    summary_procedure_max_fine(township, party_type) -> Decimal      (200 / 3,000 yuan, art. 51)
    allows_summary_procedure(township, party_type, fine) -> bool     (a warning is fine=0)
    legal_review_fine_threshold(township, party_type) -> Decimal | None
    needs_legal_review_for_fine(township, party_type, fine) -> bool  (the local catalogue's amount trigger)
    first_offence_lookback_months(township) -> int | None            (None: any earlier violation counts)
    organ_code(township) -> str                                      (青综执)
    document_number_format(township, document_type) -> NumberFormat
    format_document_number(township, document_type, *, year, seq) -> str
    next_document_number(*, township, document_type, at=None, case_serial=None) -> str
        Takes the next number (青综执罚〔2026〕12号) from a locked counter in the caller's transaction:
        call it inside the transaction that issues the document, as late as possible. A format whose
        sequence is the case's needs `case_serial` (the case number's serial).

    hearing_threshold_for(case) -> HearingRule / legal_review_threshold_for(case) -> Decimal | None
    decision_days(township) / head_extension_days(township) -> int
        Shorthands for the cases (party type and domain read from the case).

Limits the statutes fix and no township can change (the limitation periods of art. 36, the 2 officers of
art. 42, the 5 and 7 working days of art. 64, the 15 days of art. 67, the 3 % late fee, the review and
litigation periods...) are the constants at the end of this module: the cases read every number of law or
local rule from here and nowhere else.

A `Limit` has `.value` and `.unit` (township.casework.models.LimitUnit), ready for open_deadline().
Refusals are RulesError / ExtensionRefused (DomainError subclasses) with a translated message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.models import (
    DocumentNumberFormat,
    DocumentType,
    EnforcementRuleSet,
    HearingThreshold,
    PartyType,
    SequenceSource,
)
from enforcement.power import defaults
from township.casework.models import LimitUnit
from township.casework.numbers import next_serial
from township.errors import DomainError


class RulesError(DomainError):
    """A question the rules cannot answer as asked (unknown party type, document type, bad amount)."""


class ExtensionRefused(DomainError):
    """An extension of the decision limit that the rules do not allow."""

    status_code = 409
    default_code = "extension_refused"


@dataclass(frozen=True)
class Limit:
    value: int
    unit: str  # LimitUnit


@dataclass(frozen=True)
class ClueCheckLimit:
    limit: Limit
    extension: Limit


@dataclass(frozen=True)
class DecisionLimit:
    limit: Limit
    head_extension: Limit | None
    further_needs_collective_discussion: bool
    further_max_days: int | None


@dataclass(frozen=True)
class HearingRule:
    amount: Decimal
    inclusive: bool
    province: str
    domain: str
    party_type: str
    source: str
    is_confirmed: bool

    def applies_to(self, fine) -> bool:
        fine = money(fine)
        return fine >= self.amount if self.inclusive else fine > self.amount


@dataclass(frozen=True)
class NumberFormat:
    document_type: str
    type_code: str
    pattern: str
    sequence_source: str


MAX_AMOUNT = Decimal("1e10")  # what the amount columns (12 digits, 2 decimals) can hold


def money(value) -> Decimal:
    """An amount in yuan as a Decimal, refusing what is not a finite amount of 0 or more."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        raise RulesError(_("“%(value)s” is not an amount in yuan.") % {"value": value}) from None
    if not amount.is_finite() or amount < 0 or amount >= MAX_AMOUNT:
        raise RulesError(_("“%(value)s” is not an amount in yuan.") % {"value": value})
    if amount != amount.quantize(Decimal("0.01")):
        raise RulesError(_("An amount has at most two decimals (fen)."))
    return amount


def party(value) -> str:
    text = str(value or "")
    if text not in PartyType.values:
        raise RulesError(_("The party is a citizen or an organisation, not “%(value)s”.") % {"value": text})
    return text


def province_of(township) -> str:
    return (getattr(township, "code", "") or "")[:2]


# ---- the rule set ---------------------------------------------------------------------------------


def rule_set(township=None) -> EnforcementRuleSet:
    """The township's own rules, else the default row, else the built-in defaults (unsaved)."""
    township_id = getattr(township, "pk", township)
    rows = EnforcementRuleSet.objects.filter(Q(township__isnull=True) | Q(township_id=township_id))
    found = {row.township_id: row for row in rows}
    return found.get(township_id) or found.get(None) or EnforcementRuleSet(**defaults.RULE_SET)


def clue_check_limit(township=None) -> ClueCheckLimit:
    rules = rule_set(township)
    return ClueCheckLimit(
        limit=Limit(rules.clue_check_working_days, LimitUnit.WORKING_DAYS),
        extension=Limit(rules.clue_check_extension_working_days, LimitUnit.WORKING_DAYS),
    )


def decision_limit(township=None) -> DecisionLimit:
    rules = rule_set(township)
    head = rules.head_extension_calendar_days
    return DecisionLimit(
        limit=Limit(rules.decision_calendar_days, LimitUnit.CALENDAR_DAYS),
        head_extension=Limit(head, LimitUnit.CALENDAR_DAYS) if head else None,
        further_needs_collective_discussion=rules.further_extension_needs_collective_discussion,
        further_max_days=rules.further_extension_max_calendar_days,
    )


def check_decision_extension(
    township, *, extended_days: int, requested_days: int, head_approved: bool, collective_discussion: bool
) -> None:
    """Refuse an extension of the decision limit the rules do not allow. The first `head_extension`
    days need the head's approval; anything beyond them also needs a collective-discussion record (and
    stays within `further_max_days` when the township set one)."""
    if not isinstance(requested_days, int) or requested_days <= 0:
        raise ExtensionRefused(_("An extension is a whole number of days, at least 1."))
    limits = decision_limit(township)
    if not head_approved:
        raise ExtensionRefused(_("An extension of the decision limit needs the head's approval."))
    head_days = limits.head_extension.value if limits.head_extension else 0
    total = extended_days + requested_days
    if total <= head_days:
        return
    if head_days == 0 and not limits.further_needs_collective_discussion:
        raise ExtensionRefused(_("The rules of this township allow no extension of the decision limit."))
    if limits.further_needs_collective_discussion and not collective_discussion:
        raise ExtensionRefused(
            _(
                "Beyond %(days)d days the decision limit can be extended only by the heads' collective "
                "discussion; record it first."
            )
            % {"days": head_days}
        )
    if limits.further_max_days is not None and total > head_days + limits.further_max_days:
        raise ExtensionRefused(
            _("The decision limit can be extended by at most %(days)d days in all.")
            % {"days": head_days + limits.further_max_days}
        )


def publication_limit(township=None, *, is_penalty: bool = True) -> Limit:
    rules = rule_set(township)
    days = rules.publish_penalty_working_days if is_penalty else rules.publish_other_working_days
    return Limit(days, LimitUnit.WORKING_DAYS)


def withdrawal_limit(township=None) -> Limit:
    return Limit(rule_set(township).withdraw_working_days, LimitUnit.WORKING_DAYS)


def summary_procedure_max_fine(township, party_type) -> Decimal:
    rules = rule_set(township)
    if party(party_type) == PartyType.PERSON:
        return rules.summary_fine_person_max
    return rules.summary_fine_organisation_max


def allows_summary_procedure(township, party_type, fine) -> bool:
    """Whether a fine of `fine` yuan (0 for a warning alone) may be decided on the spot (art. 51)."""
    return money(fine) <= summary_procedure_max_fine(township, party_type)


def legal_review_fine_threshold(township, party_type) -> Decimal | None:
    rules = rule_set(township)
    if party(party_type) == PartyType.PERSON:
        return rules.legal_review_fine_person
    return rules.legal_review_fine_organisation


def needs_legal_review_for_fine(township, party_type, fine) -> bool:
    threshold = legal_review_fine_threshold(township, party_type)
    return threshold is not None and money(fine) >= threshold


def first_offence_lookback_months(township) -> int | None:
    return rule_set(township).first_offence_lookback_months


# ---- hearing thresholds ---------------------------------------------------------------------------


def hearing_threshold(township, domain: str, party_type) -> HearingRule:
    """The "large fine" threshold for (the township's province, domain, party type); never None."""
    kind = party(party_type)
    province, domain = province_of(township), (domain or "").strip()
    rows = list(
        HearingThreshold.objects.filter(party_type=kind, province__in={"", province}, domain__in={"", domain})
    )
    if rows:
        # most specific first: province+domain, province, domain, fallback
        best = max(rows, key=lambda r: (bool(r.province), bool(r.domain)))
        return HearingRule(
            amount=best.amount,
            inclusive=best.inclusive,
            province=best.province,
            domain=best.domain,
            party_type=kind,
            source=best.source,
            is_confirmed=best.is_confirmed,
        )
    amount, inclusive, source = defaults.HEARING_FALLBACK[kind]
    return HearingRule(Decimal(amount), inclusive, "", "", kind, source, False)


def hearing_right_for_fine(township, domain: str, party_type, fine) -> bool:
    return hearing_threshold(township, domain, party_type).applies_to(fine)


# ---- document numbers ---------------------------------------------------------------------------


def organ_code(township) -> str:
    rules = rule_set(township)
    if rules.organ_code and rules.township_id == township.pk:
        return rules.organ_code
    return f"{township.name[:1]}综执"


def document_number_format(township, document_type) -> NumberFormat:
    kind = str(document_type or "")
    if kind not in DocumentType.values:
        raise RulesError(_("“%(value)s” is not a numbered enforcement document.") % {"value": kind})
    rows = {
        row.township_id: row
        for row in DocumentNumberFormat.objects.filter(
            Q(township__isnull=True) | Q(township_id=township.pk), document_type=kind
        )
    }
    row = rows.get(township.pk) or rows.get(None)
    if row is None:
        return NumberFormat(kind, defaults.TYPE_CODES[kind], defaults.PATTERN, SequenceSource.OWN)
    return NumberFormat(kind, row.type_code, row.pattern, row.sequence_source)


def format_document_number(township, document_type, *, year: int, seq: int) -> str:
    """The number of document `seq` of `year`: no "第", no zero padding unless the pattern asks."""
    found = document_number_format(township, document_type)
    return found.pattern.format(organ=organ_code(township), type=found.type_code, year=year, seq=seq)


def next_document_number(
    *, township, document_type, at: datetime | None = None, case_serial: int | None = None
) -> str:
    """Take the next number of `document_type` in the township for the year of `at` (local time).
    Call inside the issuing transaction: a rolled-back issue gives its number back."""
    found = document_number_format(township, document_type)
    year = timezone.localtime(at or timezone.now()).year
    if found.sequence_source == SequenceSource.CASE:
        if not isinstance(case_serial, int) or case_serial <= 0:
            raise RulesError(_("This document takes its number from the case; give the case's serial."))
        seq = case_serial
    else:
        seq = next_serial(township=township, series=f"enf:{found.document_type}", year=year)
    return found.pattern.format(organ=organ_code(township), type=found.type_code, year=year, seq=seq)


# ---- the cases' shorthands ---------------------------------------------------------------------------


def party_type_of(case) -> str:
    """An individual business (个体工商户) is fined as the natural person who runs it."""
    return PartyType.ORGANISATION if case.is_organisation else PartyType.PERSON


def domain_of(case) -> str:
    return case.power_version.domain if case.power_version_id else ""


def hearing_threshold_for(case) -> HearingRule:
    return hearing_threshold(case.township, domain_of(case), party_type_of(case))


def legal_review_threshold_for(case) -> Decimal | None:
    return legal_review_fine_threshold(case.township_id, party_type_of(case))


def decision_days(township=None) -> int:
    return decision_limit(township).limit.value


def head_extension_days(township=None) -> int:
    head = decision_limit(township).head_extension
    return head.value if head else 0


# ---- fixed by statute (not configuration) ----------------------------------------------------------
# Units (art. 85): the Penalty Law's 2, 3, 5 and 7-day limits are WORKING days; its other limits are
# CALENDAR days, and a calendar-day period whose last day is a rest day or public holiday ends on the
# first working day after it (Civil Procedure Law 2023 art. 85).

LIMITATION_YEARS = 2  # art. 36
LIMITATION_YEARS_SAFETY_WITH_HARM = 5  # life, health, safety or financial security AND harm caused
MIN_OFFICERS = 2  # art. 42
# A reviewer first appointed on or after this date is "初次从事" under the revised law (in force
# 2021-07-15) and needs the national legal professional qualification (art. 58).
FIRST_TIME_REVIEWER_SINCE = "2021-07-15"
PRESERVATION_DECISION_WORKING_DAYS = 7  # art. 56
SEALING_DAYS = 30  # 行政强制法 art. 25, calendar days
SEALING_EXTENSION_DAYS = 30
HEARING_REQUEST_WORKING_DAYS = 5  # art. 64(1)
HEARING_NOTICE_WORKING_DAYS = 7  # art. 64(2)
SERVICE_WORKING_DAYS = 7  # art. 61
PUBLIC_NOTICE_SERVICE_DAYS = 30  # 民事诉讼法 art. 95
PAYMENT_DAYS = 15  # art. 67, from service
LATE_FEE_DAILY_RATE = Decimal("0.03")  # art. 72(1), capped at the fine
REMINDER_WORKING_DAYS = 10  # 行政强制法 art. 54
COURT_APPLICATION_MONTHS = 3  # 行政强制法 art. 53, after the review and litigation periods
REVIEW_DAYS = 60  # 行政复议法 art. 20
LITIGATION_MONTHS = 6  # 行政诉讼法 art. 46
SUMMARY_FILING_WORKING_DAYS = 2  # local rule (proposed): file the on-the-spot form with the bureau
# Penalties that always carry the right to a hearing (art. 63) / need a legal review (art. 58), matched
# in a proposal's `other_penalties`.
HEARING_PENALTY_WORDS = (
    "吊销",
    "降低资质",
    "责令停产停业",
    "责令关闭",
    "限制从业",
    "revoke",
    "close",
    "stop production",
)
LEGAL_REVIEW_PENALTY_WORDS = ("吊销", "责令停产停业", "责令关闭", "revoke", "close", "stop production")
