"""Who was there on which conference day: recorded at the desk when a badge is scanned."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registration import Registration

RECORD_PERMISSION_CODENAME = "record_attendance"


class Attendance(models.Model):
    """One person present on one day; scanning the badge twice records nothing new."""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("Anmeldung")
    )
    day = models.DateField(_("Tag"))
    recorded_at = models.DateTimeField(_("erfasst am"), default=timezone.now)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erfasst von"),
    )

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        ordering = ["day", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["registration", "day"], name="one_attendance_per_person_and_day"),
        ]
        permissions = [(RECORD_PERMISSION_CODENAME, _("Anwesenheit erfassen (Check-in)"))]

    def __str__(self):
        return f"{self.registration.full_name} – {self.day:%d.%m.%Y}"
