"""Check-in on site: a badge token of its own per registration, and the attendance per day.

The token column is added empty, filled row by row (each registration gets its
own random token; a column default would give all existing rows the same one),
then made unique and required.
"""

import secrets

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

import registrations.models.registration


def fill_checkin_tokens(apps, schema_editor):
    Registration = apps.get_model("registrations", "Registration")
    rows = list(Registration.objects.filter(checkin_token__isnull=True).only("pk"))
    for row in rows:
        row.checkin_token = secrets.token_urlsafe(16)
    Registration.objects.bulk_update(rows, ["checkin_token"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0005_general_consent_text_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="registration",
            name="checkin_token",
            field=models.CharField(
                editable=False, max_length=32, null=True, verbose_name="Check-in-Code des Namensschilds"
            ),
        ),
        migrations.RunPython(fill_checkin_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="registration",
            name="checkin_token",
            field=models.CharField(
                default=registrations.models.registration.new_checkin_token,
                editable=False,
                max_length=32,
                unique=True,
                verbose_name="Check-in-Code des Namensschilds",
            ),
        ),
        migrations.CreateModel(
            name="Attendance",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("day", models.DateField(verbose_name="Tag")),
                (
                    "recorded_at",
                    models.DateTimeField(default=django.utils.timezone.now, verbose_name="erfasst am"),
                ),
                (
                    "recorded_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="erfasst von",
                    ),
                ),
                (
                    "registration",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="attendances",
                        to="registrations.registration",
                        verbose_name="Anmeldung",
                    ),
                ),
            ],
            options={
                "verbose_name": "Anwesenheit",
                "verbose_name_plural": "Anwesenheiten",
                "ordering": ["day", "recorded_at", "pk"],
                "permissions": [("record_attendance", "Anwesenheit erfassen (Check-in)")],
                "constraints": [
                    models.UniqueConstraint(
                        fields=("registration", "day"), name="one_attendance_per_person_and_day"
                    )
                ],
            },
        ),
    ]
