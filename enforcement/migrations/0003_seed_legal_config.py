"""Seed the legal configuration: the default rule set, hearing thresholds and document-number formats.

The values are frozen here (a migration must not import code that may change later); they match
enforcement.power.defaults, which the rules fall back on when a row is missing.
"""

from decimal import Decimal

from django.db import migrations

THRESHOLDS = [
    # province, domain, party type, amount, inclusive, source, confirmed
    ("", "", "person", "3000", True, "江西省行政处罚听证程序规定（参照，未按本省核对）", False),
    ("", "", "organisation", "20000", True, "江西省行政处罚听证程序规定（参照，未按本省核对）", False),
    ("", "市场监管", "person", "10000", True, "市场监管听证数额（未核对）", False),
    ("", "市场监管", "organisation", "100000", True, "市场监管听证数额（未核对）", False),
    ("", "公安", "person", "2000", True, "公安机关办理行政案件程序规定", False),
    ("", "公安", "organisation", "10000", True, "公安机关办理行政案件程序规定", False),
]

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


def seed(apps, schema_editor):
    RuleSet = apps.get_model("enforcement", "EnforcementRuleSet")
    Threshold = apps.get_model("enforcement", "HearingThreshold")
    Format = apps.get_model("enforcement", "DocumentNumberFormat")
    RuleSet.objects.get_or_create(township=None)
    for province, domain, party, amount, inclusive, source, confirmed in THRESHOLDS:
        Threshold.objects.get_or_create(
            province=province,
            domain=domain,
            party_type=party,
            defaults={
                "amount": Decimal(amount),
                "inclusive": inclusive,
                "source": source,
                "is_confirmed": confirmed,
            },
        )
    for document_type, code in TYPE_CODES.items():
        Format.objects.get_or_create(
            township=None,
            document_type=document_type,
            defaults={"type_code": code, "pattern": "{organ}{type}〔{year}〕{seq}号", "sequence_source": "own"},
        )


class Migration(migrations.Migration):
    dependencies = [("enforcement", "0002_power_versions_and_legal_config")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
