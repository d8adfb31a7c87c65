"""Discussion groups of a phase, how they were drawn, and who is in which group."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.history import HistoricalRecords
from programme.models import Person, WorkshopPhase

from .registration import Registration


class GroupAssignment(models.Model):
    """How a phase's discussion groups were drawn: the seed makes the draw reproducible."""

    phase = models.OneToOneField(
        WorkshopPhase,
        on_delete=models.CASCADE,
        related_name="group_assignment",
        verbose_name=_("Arbeitsphase"),
    )
    seed = models.BigIntegerField(_("Zufallszahl (Seed)"))
    group_count = models.PositiveIntegerField(_("Anzahl der Gruppen"))
    created_at = models.DateTimeField(_("zugeteilt am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        verbose_name=_("zugeteilt von"),
    )

    class Meta:
        verbose_name = _("Gruppenzuteilung")
        verbose_name_plural = _("Gruppenzuteilungen")

    def __str__(self):
        return f"{self.phase} (Seed {self.seed})"


class DiscussionGroup(models.Model):
    """A discussion group of a phase in 'assigned groups' mode."""

    phase = models.ForeignKey(
        WorkshopPhase,
        on_delete=models.CASCADE,
        related_name="discussion_groups",
        verbose_name=_("Arbeitsphase"),
    )
    number = models.PositiveIntegerField(_("Nummer"))
    name = models.CharField(_("Name"), max_length=100, blank=True)
    room = models.CharField(_("Raum"), max_length=100, blank=True)
    moderators = models.ManyToManyField(
        Person, blank=True, related_name="discussion_groups", verbose_name=_("Moderation")
    )
    needs_review = models.BooleanField(
        _("zu prüfen"),
        default=False,
        db_default=False,
        help_text=_("Aus dem Vorjahr übernommen und noch nicht von der Geschäftsstelle durchgesehen."),
    )

    class Meta:
        verbose_name = _("Diskussionsgruppe")
        verbose_name_plural = _("Diskussionsgruppen")
        ordering = ["phase", "number"]
        constraints = [
            models.UniqueConstraint(fields=["phase", "number"], name="unique_group_number_per_phase"),
        ]

    def __str__(self):
        return self.name or _("Gruppe %(number)s") % {"number": self.number}


class GroupMembership(models.Model):
    phase = models.ForeignKey(
        WorkshopPhase, on_delete=models.CASCADE, related_name="+", verbose_name=_("Arbeitsphase")
    )
    group = models.ForeignKey(
        DiscussionGroup, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Gruppe")
    )
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="group_memberships", verbose_name=_("Anmeldung")
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Gruppenmitglied")
        verbose_name_plural = _("Gruppenmitglieder")
        constraints = [
            models.UniqueConstraint(fields=["phase", "registration"], name="one_group_per_phase"),
        ]

    def __str__(self):
        return f"{self.registration.full_name} – {self.group}"
