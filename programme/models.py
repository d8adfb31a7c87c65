"""The programme of a conference: what happens when, where and with whom.

German domain words kept in identifiers where English has no good twin are
explained where they are defined.
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ConferenceQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Conference.Status.PUBLISHED)

    def upcoming(self):
        return self.public().filter(ends_at__gte=timezone.now()).order_by("starts_at")

    def past(self):
        return self.public().filter(ends_at__lt=timezone.now()).order_by("-starts_at")


class Conference(models.Model):
    """One Jahrestagung (annual conference) or Kleine Jahrestagung."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("Veröffentlicht")

    title = models.CharField(_("Titel"), max_length=200)
    slug = models.SlugField(
        _("Kurzname in der Adresse"),
        max_length=100,
        unique=True,
        help_text=_("Erscheint in der Adresse der Tagungsseite, z. B. jahrestagung-2025."),
    )
    motto = models.CharField(_("Thema / Motto"), max_length=300, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    city = models.CharField(_("Ort"), max_length=100)
    venue_name = models.CharField(_("Tagungsstätte"), max_length=200, blank=True)
    venue_address = models.TextField(_("Anschrift der Tagungsstätte"), blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    places = models.PositiveIntegerField(
        _("Anzahl der Plätze"),
        default=0,
        help_text=_("Höchstzahl der Teilnehmenden; 0 heißt: keine Anmeldung möglich."),
    )
    hold_minutes = models.PositiveSmallIntegerField(
        _("Reservierung bis zur Bestätigung (Minuten)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(5)],
        help_text=_(
            "So lange hält eine Anmeldung über die Website ihren Platz, bis die E-Mail-Adresse über den "
            "zugeschickten Link bestätigt ist. Leer: der Standard der Installation (60 Minuten)."
        ),
    )
    member_fee = models.DecimalField(
        _("Teilnahmegebühr Mitglieder"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    non_member_fee = models.DecimalField(
        _("Teilnahmegebühr Nicht-Mitglieder"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0.00"),
        validators=[MinValueValidator(Decimal("0.00"))],
    )
    pre_registration_opens_at = models.DateTimeField(
        _("Voranmeldung möglich ab"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, wenn die Voranmeldung sofort möglich sein soll."),
    )
    pre_registration_deadline = models.DateField(_("Voranmeldung bis"), null=True, blank=True)
    registration_deadline = models.DateField(_("Verbindliche Anmeldung bis"), null=True, blank=True)
    programme_published = models.BooleanField(_("Detailprogramm veröffentlicht"), default=False)
    status = models.CharField(
        _("Veröffentlichung"),
        max_length=20,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("Ein Entwurf ist öffentlich nicht sichtbar."),
    )
    is_demo = models.BooleanField(
        _("Demo-Tagung"),
        default=False,
        help_text=_("Wird öffentlich deutlich als Demonstration gekennzeichnet."),
    )
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    payment_terms = models.TextField(
        _("Zahlungsvereinbarung und Teilnahmebedingungen"),
        blank=True,
        help_text=_(
            "Wird im Anmeldeformular vollständig angezeigt und muss akzeptiert werden. "
            "Jede Änderung wird als neue Version gespeichert; bestehende Anmeldungen behalten ihre Version."
        ),
    )
    payment_due_days = models.PositiveSmallIntegerField(
        _("Zahlungsziel (Tage)"), default=14, help_text=_("Tage zwischen Rechnungsdatum und Fälligkeit.")
    )
    # Mahnwesen (dunning): how long to wait before each level, and whether a daily task sends them.
    # Database defaults too: code that knows an older state of the table can still insert rows.
    reminder_wait_days = models.PositiveSmallIntegerField(
        _("Zahlungserinnerung nach (Tage)"),
        default=7,
        db_default=7,
        help_text=_("Tage nach der Fälligkeit, bevor die Zahlungserinnerung verschickt werden kann."),
    )
    first_dunning_wait_days = models.PositiveSmallIntegerField(
        _("1. Mahnung nach (Tage)"),
        default=14,
        db_default=14,
        help_text=_("Tage nach der Zahlungserinnerung, bevor die 1. Mahnung verschickt werden kann."),
    )
    second_dunning_wait_days = models.PositiveSmallIntegerField(
        _("2. Mahnung nach (Tage)"),
        default=14,
        db_default=14,
        help_text=_("Tage nach der 1. Mahnung, bevor die 2. Mahnung verschickt werden kann."),
    )
    sends_reminders_automatically = models.BooleanField(
        _("Erinnerungen und Mahnungen täglich automatisch verschicken"),
        default=False,
        db_default=False,
        help_text=_(
            "Sonst verschickt sie nur die Geschäftsstelle über die Liste der überfälligen Rechnungen."
        ),
    )
    needs_review = models.BooleanField(
        _("zu prüfen"),
        default=False,
        db_default=False,
        help_text=_("Aus dem Vorjahr übernommen und noch nicht von der Geschäftsstelle durchgesehen."),
    )
    # Moving up close to or after the binding deadline gives a personal deadline (rules/windows.py).
    personal_deadline_threshold_days = models.PositiveSmallIntegerField(
        _("Persönliche Frist beim Nachrücken weniger als (Tage vor Anmeldeschluss)"),
        default=14,
        db_default=14,
        help_text=_(
            "Wer von der Warteliste der Voranmeldung weniger als so viele Tage vor dem Anmeldeschluss "
            "oder danach nachrückt, erhält eine persönliche Frist für die verbindliche Anmeldung."
        ),
    )
    personal_deadline_days = models.PositiveSmallIntegerField(
        _("Persönliche Frist (Tage)"),
        default=7,
        db_default=7,
        validators=[MinValueValidator(1)],
        help_text=_(
            "So viele Tage nach dem Nachrücken hat die Person Zeit, sich verbindlich anzumelden, "
            "mindestens bis zum Anmeldeschluss. Danach geht der Platz an die nächste Person auf der Warteliste."
        ),
    )
    binding_reminder_days = models.PositiveSmallIntegerField(
        _("Erinnerung an die verbindliche Anmeldung (Tage vor Anmeldeschluss)"),
        default=7,
        db_default=7,
        help_text=_(
            "So viele Tage vor dem Anmeldeschluss erhält jede vorangemeldete Person mit Platz eine "
            "Erinnerung, einmal. 0: keine Erinnerung."
        ),
    )
    report = models.TextField(
        _("Tagungsbericht"),
        blank=True,
        help_text=_("Bericht über eine vergangene Tagung; Absätze durch Leerzeilen trennen."),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("Tagung")
        verbose_name_plural = _("Tagungen")
        ordering = ["-starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="conference_ends_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(member_fee__gte=0) & Q(non_member_fee__gte=0),
                name="conference_fees_not_negative",
                violation_error_message=_("Gebühren dürfen nicht negativ sein."),
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.starts_at:%Y})" if self.starts_at else self.title

    def get_absolute_url(self):
        return reverse("programme:conference", kwargs={"slug": self.slug})

    def clean(self):
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
        if (
            self.pre_registration_deadline
            and self.registration_deadline
            and self.registration_deadline < self.pre_registration_deadline
        ):
            errors["registration_deadline"] = _(
                "Die verbindliche Anmeldung kann nicht vor dem Ende der Voranmeldung schließen."
            )
        if (
            self.pre_registration_opens_at
            and self.pre_registration_deadline
            and self.pre_registration_deadline < timezone.localdate(self.pre_registration_opens_at)
        ):
            errors["pre_registration_deadline"] = _("Die Voranmeldung muss nach ihrem Beginn enden.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_past(self):
        return self.ends_at < timezone.now()

    @property
    def contact(self):
        from django.conf import settings

        return self.contact_email or settings.ASSOCIATION["email"]


class Person(models.Model):
    """Someone on stage: speaker, moderator or host, as the programme names them."""

    academic_title = models.CharField(
        _("Titel"), max_length=50, blank=True, help_text=_("z. B. Prof. Dr. phil.")
    )
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    organisation = models.CharField(
        _("Organisation"), max_length=300, blank=True, help_text=_("z. B. Hochschule Mittweida")
    )
    role_description = models.CharField(
        _("Funktion"),
        max_length=300,
        blank=True,
        help_text=_("z. B. Vorsitzender des VSOP e.V."),
    )

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        return " ".join(p for p in (self.academic_title, self.first_name, self.last_name) if p)

    @property
    def display_with_organisation(self):
        return ", ".join(p for p in (self.display_name, self.organisation) if p)


class WorkshopPhase(models.Model):
    """An Arbeitsphase: a block in which participants work in small groups."""

    class Mode(models.TextChoices):
        CHOOSE = "choose", _("Wahl eines parallelen Workshops")
        GROUPS = "groups", _("Zugeteilte Diskussionsgruppen")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="workshop_phases", verbose_name=_("Tagung")
    )
    number = models.PositiveSmallIntegerField(_("Nummer"), validators=[MinValueValidator(1)])
    title = models.CharField(_("Thema"), max_length=300)
    guiding_question = models.CharField(
        _("Leitfrage"), max_length=300, blank=True, help_text=_("z. B. Wo stehen wir heute?")
    )
    description = models.TextField(_("Beschreibung"), blank=True)
    mode = models.CharField(_("Form"), max_length=20, choices=Mode.choices, default=Mode.CHOOSE)
    reuses_groups_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reused_by",
        verbose_name=_("Gruppen übernehmen aus"),
        help_text=_("Die Teilnehmenden treffen sich wieder in den Gruppen dieser Arbeitsphase."),
    )
    needs_review = models.BooleanField(
        _("zu prüfen"),
        default=False,
        db_default=False,
        help_text=_("Aus dem Vorjahr übernommen und noch nicht von der Geschäftsstelle durchgesehen."),
    )

    class Meta:
        verbose_name = _("Arbeitsphase")
        verbose_name_plural = _("Arbeitsphasen")
        ordering = ["conference", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "number"],
                name="unique_phase_number_per_conference",
                violation_error_message=_("Diese Nummer hat schon eine Arbeitsphase der Tagung."),
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="phase_number_positive"),
        ]

    def __str__(self):
        return _("%(number)s. Arbeitsphase: %(title)s") % {"number": self.number, "title": self.title}

    def clean(self):
        if self.reuses_groups_of_id:
            source = self.reuses_groups_of
            if source.pk == self.pk:
                raise ValidationError(
                    {"reuses_groups_of": _("Eine Arbeitsphase kann nicht ihre eigenen Gruppen übernehmen.")}
                )
            if source.conference_id != self.conference_id:
                raise ValidationError(
                    {"reuses_groups_of": _("Die Gruppen müssen aus derselben Tagung stammen.")}
                )
            if source.mode != self.Mode.GROUPS or self.mode != self.Mode.GROUPS:
                raise ValidationError(
                    {
                        "reuses_groups_of": _(
                            "Nur Arbeitsphasen mit Diskussionsgruppen können Gruppen übernehmen."
                        )
                    }
                )

    @property
    def is_choice(self):
        return self.mode == self.Mode.CHOOSE


class Workshop(models.Model):
    """One of the parallel workshops of a phase. It belongs to its phase's conference by construction."""

    phase = models.ForeignKey(
        WorkshopPhase, on_delete=models.CASCADE, related_name="workshops", verbose_name=_("Arbeitsphase")
    )
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    room = models.CharField(_("Raum"), max_length=100, blank=True)
    seat_limit = models.PositiveIntegerField(
        _("Plätze"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1)],
        help_text=_("Leer lassen, wenn die Teilnehmerzahl nicht begrenzt ist."),
    )
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    moderators = models.ManyToManyField(
        Person, through="WorkshopModerator", related_name="moderated_workshops", verbose_name=_("Moderation")
    )
    needs_review = models.BooleanField(
        _("zu prüfen"),
        default=False,
        db_default=False,
        help_text=_("Aus dem Vorjahr übernommen und noch nicht von der Geschäftsstelle durchgesehen."),
    )

    class Meta:
        verbose_name = _("Workshop")
        verbose_name_plural = _("Workshops")
        ordering = ["phase", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(seat_limit__isnull=True) | Q(seat_limit__gte=1),
                name="workshop_seat_limit_positive",
                violation_error_message=_("Ein Workshop braucht mindestens einen Platz."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def conference(self):
        return self.phase.conference


class WorkshopModerator(models.Model):
    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, verbose_name=_("Workshop"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, verbose_name=_("Person"))
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Moderation")
        verbose_name_plural = _("Moderation")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["workshop", "person"], name="unique_workshop_moderator"),
        ]

    def __str__(self):
        return f"{self.person} – {self.workshop}"


class ProgrammeItem(models.Model):
    """One entry of the schedule: a talk, a break, a workshop phase, an evening event …"""

    class Kind(models.TextChoices):
        WELCOME = "welcome", _("Begrüßung")
        TALK = "talk", _("Vortrag")
        BREAK = "break", _("Pause / Buffet")
        WORKSHOP_PHASE = "workshop_phase", _("Arbeitsphase")
        PLENARY = "plenary", _("Plenum / Zusammenfassung")
        EVENING = "evening", _("Abendveranstaltung")
        ASSEMBLY = "assembly", _("Mitgliederversammlung")
        OTHER = "other", _("Sonstiges")

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="programme_items", verbose_name=_("Tagung")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"), null=True, blank=True)
    room = models.CharField(_("Raum / Ort"), max_length=200, blank=True)
    members_only = models.BooleanField(_("nur für Mitglieder"), default=False)
    requires_signup = models.BooleanField(
        _("Anmeldung erforderlich"),
        default=False,
        help_text=_("Teilnehmende melden sich bei der Anmeldung zu dieser Veranstaltung an."),
    )
    workshop_phase = models.OneToOneField(
        WorkshopPhase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="programme_item",
        verbose_name=_("Arbeitsphase"),
    )
    people = models.ManyToManyField(
        Person, through="Appearance", related_name="appearances", verbose_name=_("Mitwirkende")
    )
    needs_review = models.BooleanField(
        _("zu prüfen"),
        default=False,
        db_default=False,
        help_text=_("Aus dem Vorjahr übernommen und noch nicht von der Geschäftsstelle durchgesehen."),
    )

    class Meta:
        verbose_name = _("Programmpunkt")
        verbose_name_plural = _("Programmpunkte")
        ordering = ["starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="programme_item_ends_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
        ]

    def __str__(self):
        return f"{timezone.localtime(self.starts_at):%d.%m.%Y %H:%M} {self.title}"

    def clean(self):
        errors = {}
        if self.ends_at and self.starts_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("Das Ende muss nach dem Beginn liegen.")
        if self.workshop_phase_id and self.conference_id:
            if self.workshop_phase.conference_id != self.conference_id:
                errors["workshop_phase"] = _("Die Arbeitsphase gehört zu einer anderen Tagung.")
        if self.workshop_phase_id and self.kind != self.Kind.WORKSHOP_PHASE:
            errors["kind"] = _("Ein Programmpunkt mit Arbeitsphase muss die Art „Arbeitsphase“ haben.")
        if errors:
            raise ValidationError(errors)


class Appearance(models.Model):
    """A person on stage in a programme item, with their role."""

    class Role(models.TextChoices):
        SPEAKER = "speaker", _("Vortrag")
        MODERATOR = "moderator", _("Moderation")
        HOST = "host", _("Begrüßung / Leitung")

    item = models.ForeignKey(ProgrammeItem, on_delete=models.CASCADE, verbose_name=_("Programmpunkt"))
    person = models.ForeignKey(Person, on_delete=models.CASCADE, verbose_name=_("Person"))
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices, default=Role.SPEAKER)
    order = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Mitwirkung")
        verbose_name_plural = _("Mitwirkende")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["item", "person", "role"], name="unique_appearance"),
        ]

    def __str__(self):
        return f"{self.person} ({self.get_role_display()})"


class SitePage(models.Model):
    """A page the office edits itself: privacy notice (Datenschutz), Impressum."""

    slug = models.SlugField(_("Kurzname"), max_length=50, unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    body = models.TextField(_("Text"), help_text=_("Absätze durch Leerzeilen trennen."))
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        verbose_name = _("Seite")
        verbose_name_plural = _("Seiten")
        ordering = ["title"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programme:page", kwargs={"slug": self.slug})
