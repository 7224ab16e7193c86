"""Every number of law or local rule the cases use, in ONE place, with the reference's defaults.

Until the legal configuration (enforcement/models/config.py, helper "power") lands, these are the
values; at merge, each function/constant below is rewired to read the township's configuration (the
signatures take the case or the township so that the call sites do not change). Sources: the time-limit
table of docs/shared/reference/enforcement.md §1, and §3, §5, §10, §11.

Units (art. 85): the Penalty Law's 2, 3, 5 and 7-day limits are WORKING days; all its other limits are
CALENDAR days, and a calendar-day period whose last day is a rest day or public holiday ends on the first
working day after it (Civil Procedure Law 2023 art. 85, applied to every calendar-day limit here,
including the limitation period, as the reference's table says).
"""

from __future__ import annotations

from decimal import Decimal

# --- limitation (art. 36) ----------------------------------------------------------------------------
LIMITATION_YEARS = 2
LIMITATION_YEARS_SAFETY_WITH_HARM = 5  # life, health, safety or financial security AND harm caused
LIMITATION_WARN_DAYS = 60  # warn this many days before the limitation runs out

# --- clue check (SAMR procedure rules art. 18) ----------------------------------------------------------
CLUE_CHECK_WORKING_DAYS = 15
CLUE_CHECK_EXTENSION_WORKING_DAYS = 15

# --- officers (art. 42, 58) ---------------------------------------------------------------------------
MIN_OFFICERS = 2
# A reviewer first appointed on or after this date is "初次从事" under the revised law (in force
# 2021-07-15) and needs the national legal professional qualification.
FIRST_TIME_REVIEWER_SINCE = "2021-07-15"

# --- investigation -------------------------------------------------------------------------------------
PRESERVATION_DECISION_WORKING_DAYS = 7  # art. 56, 85
SEALING_DAYS = 30  # 行政强制法 art. 25, calendar days
SEALING_EXTENSION_DAYS = 30

# --- notice, hearing, decision ------------------------------------------------------------------------
HEARING_REQUEST_WORKING_DAYS = 5  # art. 64(1)
HEARING_NOTICE_WORKING_DAYS = 7  # art. 64(2)
DECISION_DAYS = 90  # art. 60, calendar days from registration
DECISION_EXTENSION_DAYS = 30  # with the head's approval (SAMR); more only by collective discussion


def hearing_threshold(case) -> Decimal:
    """A fine at or above this gives the party a right to a hearing (较大数额, per province and domain).
    Default: 10,000 yuan for a citizen, 100,000 for an organisation (market regulation, unconfirmed)."""
    return Decimal("100000") if case.is_organisation else Decimal("10000")


# Penalty types that always carry the right to a hearing (art. 63), matched in `other_penalties`.
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


def legal_review_threshold(case) -> Decimal:
    """The local catalogue (Gongyi): fines ≥ 10,000 yuan (citizen) / ≥ 100,000 (organisation)."""
    return Decimal("100000") if case.is_organisation else Decimal("10000")


LEGAL_REVIEW_PENALTY_WORDS = ("吊销", "责令停产停业", "责令关闭", "revoke", "close", "stop production")

# --- service, publication -----------------------------------------------------------------------------
SERVICE_WORKING_DAYS = 7  # art. 61
PUBLIC_NOTICE_SERVICE_DAYS = 30  # 民事诉讼法 art. 95
PUBLICATION_WORKING_DAYS = 7  # 国办发〔2018〕118号: penalty decisions
WITHDRAWAL_WORKING_DAYS = 3  # art. 48

# --- execution ----------------------------------------------------------------------------------------
PAYMENT_DAYS = 15  # art. 67, from service
LATE_FEE_DAILY_RATE = Decimal("0.03")  # art. 72(1), capped at the fine
REMINDER_WORKING_DAYS = 10  # 行政强制法 art. 54
COURT_APPLICATION_MONTHS = 3  # 行政强制法 art. 53, after the review and litigation periods
REVIEW_DAYS = 60  # 行政复议法 art. 20
LITIGATION_MONTHS = 6  # 行政诉讼法 art. 46

# --- summary procedure (art. 51, 52) -------------------------------------------------------------------
SUMMARY_FINE_PERSON = Decimal("200")
SUMMARY_FINE_ORGANISATION = Decimal("3000")
SUMMARY_FILING_WORKING_DAYS = 2  # local rule (proposed): file the form with the bureau

# --- document numbers (GB/T 9704 §7.2.5: no 第, no zero padding) ----------------------------------------
DOCUMENT_NUMBER_FORMAT = "{organ}综执{type}〔{year}〕{serial}号"
DOCUMENT_TYPE_CODES = {
    "registration": "立",
    "decision": "罚",
    "no_penalty": "不罚",
    "on_the_spot": "当罚",
    "advance_notice": "告",
    "hearing_notice": "听",
    "preservation": "保",
    "order_to_correct": "改",
    "closing": "结",
}


def organ_code(township) -> str:
    """The organ code (机关代字) of a township's bureau: its short code until configured."""
    return township.short_code
