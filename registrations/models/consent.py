"""Versioned texts people agree to: the privacy notice and a conference's payment terms."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from programme.models import Conference


class ConsentText(models.Model):
    """A versioned text people agree to: the privacy notice or a conference's payment terms."""

    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Datenschutzhinweis")
        TERMS = "terms", _("Zahlungsvereinbarung und Teilnahmebedingungen")

    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="consent_texts",
        verbose_name=_("Tagung"),
        help_text=_("Leer für Texte, die für alle Tagungen gelten (Datenschutz)."),
    )
    version = models.PositiveIntegerField(_("Version"), editable=False)
    body = models.TextField(_("Text"))
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Einwilligungstext")
        verbose_name_plural = _("Einwilligungstexte")
        ordering = ["kind", "conference", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "conference", "version"], name="unique_consent_text_version"
            ),
            # NULLs are distinct in a unique index: the texts for all conferences need their own.
            models.UniqueConstraint(
                fields=["kind", "version"],
                condition=models.Q(conference__isnull=True),
                name="unique_general_consent_text_version",
            ),
        ]

    def __str__(self):
        where = f" – {self.conference}" if self.conference_id else ""
        return f"{self.get_kind_display()}{where}, Version {self.version}"
