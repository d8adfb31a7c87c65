"""Money received for a registration, and refunds."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.formatting import euro
from core.history import HistoricalRecords

from .registration import Registration


class Payment(models.Model):
    """Money received for (or refunded to) a registration. Refunds are negative."""

    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="payments", verbose_name=_("Anmeldung")
    )
    amount = models.DecimalField(_("Betrag"), max_digits=8, decimal_places=2)
    received_on = models.DateField(_("Eingang am"))
    note = models.CharField(_("Notiz"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("erfasst von"),
    )
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Zahlung")
        verbose_name_plural = _("Zahlungen")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(amount=Decimal("0")), name="payment_amount_not_zero"),
        ]

    def __str__(self):
        return f"{euro(self.amount)} – {self.registration.full_name}"
