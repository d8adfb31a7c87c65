"""The association's member list, as the office uploads it."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Member(models.Model):
    """An entry of the association's member list, uploaded by the office as CSV."""

    member_number = models.CharField(_("Mitgliedsnummer"), max_length=30, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"), blank=True, db_index=True)
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now=True)

    class Meta:
        verbose_name = _("Mitglied")
        verbose_name_plural = _("Mitgliederliste")
        ordering = ["name"]

    def __str__(self):
        return f"{self.member_number} {self.name}"
