"""The default rating scheme for departments, after Jinhua's digital city-management assessment of units
(m.wenke99.com/p-414460.html): on-time closure 50 (full at ≥ 70 %, −1 a point below), closure 20 (full at
≥ 90 %, −1 a point below); the good-review line is this portal's addition. Townships may replace it."""

from django.db import migrations

INDICATORS = [
    ("window.on_time_rate", 50, 70, 1),
    ("back_office.completion_rate", 20, 90, 1),
    ("window.good_review_rate", 10, 95, "0.5"),
]


def create(apps, schema_editor):
    Scheme = apps.get_model("command_center", "RatingScheme")
    Indicator = apps.get_model("command_center", "RatingIndicator")
    scheme, created = Scheme.objects.get_or_create(
        township=None,
        subject="department",
        is_active=True,
        defaults={"name": "部门考核（按期结案率50、结案率20、好评率10）", "source": "金华数字城管考核办法"},
    )
    if created:
        for order, (key, full, target, per_point) in enumerate(INDICATORS):
            Indicator.objects.create(
                scheme=scheme,
                indicator=key,
                full_score=full,
                target_percent=target,
                deduction_per_point=per_point,
                order=order,
            )


class Migration(migrations.Migration):
    dependencies = [("command_center", "0001_rollups_and_rating_schemes")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
