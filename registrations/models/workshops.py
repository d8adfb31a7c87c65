"""A participant's workshop seat or place on a workshop's waiting list."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from programme.models import Workshop, WorkshopPhase

from .registration import Registration


class WorkshopBooking(models.Model):
    """A participant's seat in a workshop, or their place on its waiting list."""

    class Status(models.TextChoices):
        SEATED = "seated", _("Platz")
        WAITING = "waiting", _("Warteliste")

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="workshop_bookings", verbose_name=_("Anmeldung")
    )
    phase = models.ForeignKey(
        WorkshopPhase, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("Arbeitsphase")
    )
    workshop = models.ForeignKey(
        Workshop, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("Workshop")
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.SEATED)
    second_choice = models.ForeignKey(
        Workshop,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Zweitwahl"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Workshop-Buchung")
        verbose_name_plural = _("Workshop-Buchungen")
        ordering = ["phase__number", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "phase"],
                condition=Q(status="seated"),
                name="one_seat_per_phase",
                violation_error_message=_("Pro Arbeitsphase ist nur ein Workshop möglich."),
            ),
            models.UniqueConstraint(fields=["registration", "workshop"], name="one_booking_per_workshop"),
        ]

    def __str__(self):
        return f"{self.registration.full_name} – {self.workshop} ({self.get_status_display()})"
