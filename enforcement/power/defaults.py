"""Built-in defaults of the legal configuration, used when no row exists (migration 0003 seeds the same)."""

from decimal import Decimal

RULE_SET = {
    "clue_check_working_days": 15,
    "clue_check_extension_working_days": 15,
    "decision_calendar_days": 90,
    "head_extension_calendar_days": 30,
    "further_extension_needs_collective_discussion": True,
    "further_extension_max_calendar_days": None,
    "publish_penalty_working_days": 7,
    "publish_other_working_days": 20,
    "withdraw_working_days": 3,
    "summary_fine_person_max": Decimal("200"),
    "summary_fine_organisation_max": Decimal("3000"),
    "legal_review_fine_person": Decimal("10000"),
    "legal_review_fine_organisation": Decimal("100000"),
    "first_offence_lookback_months": None,
}

# party type -> (amount, inclusive, source): the national fallback when no threshold row exists
HEARING_FALLBACK = {
    "person": ("3000", True, "江西省行政处罚听证程序规定（参照，未按本省核对）"),
    "organisation": ("20000", True, "江西省行政处罚听证程序规定（参照，未按本省核对）"),
}

PATTERN = "{organ}{type}〔{year}〕{seq}号"
TYPE_CODES = {
    "registration": "立",
    "non_registration": "不立",
    "preservation": "保",
    "seizure": "扣",
    "order_to_correct": "改",
    "advance_notice": "告",
    "hearing_notice": "听",
    "penalty_decision": "罚",
    "no_penalty_decision": "不罚",
    "on_the_spot": "简罚",
    "reminder": "催",
    "closing": "结",
}
