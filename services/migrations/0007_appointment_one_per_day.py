"""One booked visit per resident a day: the slot's local date on the appointment, and a partial unique index."""

import django.db.models
from django.db import migrations, models
from django.utils import timezone


def copy_slot_day(apps, schema_editor):
    Appointment = apps.get_model("services", "Appointment")
    for appointment in Appointment.objects.select_related("slot").iterator():
        appointment.day = timezone.localdate(appointment.slot.starts_at)
        appointment.save(update_fields=["day"])


class Migration(migrations.Migration):
    dependencies = [
        ("services", "0006_work_list_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="appointment",
            name="day",
            field=models.DateField(null=True, verbose_name="day"),
        ),
        migrations.RunPython(copy_slot_day, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="appointment",
            name="day",
            field=models.DateField(verbose_name="day"),
        ),
        migrations.AddConstraint(
            model_name="appointment",
            constraint=models.UniqueConstraint(
                condition=django.db.models.Q(("status", "booked")),
                fields=("resident", "day"),
                name="one_booking_per_resident_and_day",
            ),
        ),
    ]
