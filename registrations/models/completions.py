"""What a public form brought for a person who is registered already, and which submissions were seen.

A person who pre-registered and later fills in a public form again (the binding form on the
conference page, the pre-registration form) must not lose what they typed, and the page must
not tell the visitor whether the address is known. So the typed data is kept as a
`PendingCompletion` and the owner of the address on file gets a link that applies it
(domain/completions.py, lifecycle.apply_completion).

A `FormSubmission` remembers the hidden submission token of a public form that was accepted,
with a fingerprint of what it carried: a double-clicked submit sends the same token with the
same data and gets the first answer again, no second registration and no second mail.
"""

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .registration import Registration, new_token


class PendingCompletion(models.Model):
    """A public form's data for a registration that exists: applied only by the owner, from the mailed link."""

    class Form(models.TextChoices):
        PRE_REGISTRATION = "pre_registration", _("Voranmeldung")
        BINDING = "binding", _("Verbindliche Anmeldung")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        related_name="pending_completions",
        verbose_name=_("Anmeldung"),
    )
    form = models.CharField(_("Formular"), max_length=20, choices=Form.choices)
    # The cleaned form data, as the domain functions take it (ids for items, no model instances).
    data = models.JSONField(_("Eingaben"), encoder=DjangoJSONEncoder, default=dict)
    # The secret of the mailed link: like the personal link, it opens the person's data.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    created_at = models.DateTimeField(_("eingegangen am"), default=timezone.now)
    expires_at = models.DateTimeField(_("gültig bis"))
    applied_at = models.DateTimeField(_("übernommen am"), null=True, blank=True)
    superseded_at = models.DateTimeField(
        _("ersetzt am"),
        null=True,
        blank=True,
        help_text=_("Später kamen neuere Eingaben für dieselbe Anmeldung."),
    )

    class Meta:
        verbose_name = _("ausstehende Eingabe")
        verbose_name_plural = _("ausstehende Eingaben")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(superseded_at__isnull=True),
                name="pending_completion_applied_or_superseded",
            ),
        ]

    def __str__(self):
        return f"{self.get_form_display()} – {self.registration}"

    def get_absolute_url(self):
        return reverse("registrations:completion", kwargs={"completion_token": self.token})

    def is_open(self, now=None):
        """Not applied, not replaced by newer input, not expired."""
        now = now or timezone.now()
        return self.applied_at is None and self.superseded_at is None and self.expires_at > now


class FormSubmission(models.Model):
    """An accepted public form submission: its hidden token, a fingerprint of its data, and its outcome."""

    token = models.CharField(max_length=64)
    fingerprint = models.CharField(max_length=64)
    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="form_submissions")
    completion = models.ForeignKey(
        PendingCompletion, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["token", "fingerprint"], name="one_outcome_per_submission"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} – {self.registration_id}"
