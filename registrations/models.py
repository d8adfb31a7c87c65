"""Participants' registrations and everything money and mail attached to them.

One `Registration` row is one person at one conference, from the non-binding
pre-registration (Voranmeldung) to the binding registration (verbindliche
Anmeldung): the place it holds stays the same row, and so does its personal
link. German domain words kept in names: Voranmeldung (pre-registration),
Leitweg-ID (the routing id German public-sector buyers need on e-invoices),
Stornorechnung (cancellation invoice), Geschäftsstelle (the association's
office).
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programme.models import Conference, Person, ProgrammeItem, Workshop, WorkshopPhase


def new_token():
    """A personal-link secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


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


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def holding_places(self):
        return self.filter(status=Registration.Status.HOLDS_PLACE)

    def waiting(self):
        return self.filter(status=Registration.Status.WAITING).order_by("waiting_since", "pk")

    def binding(self):
        return self.filter(stage=Registration.Stage.BINDING)

    def pre_registered(self):
        return self.filter(stage=Registration.Stage.PRE)


class Registration(models.Model):
    """A person's place (or waiting-list spot) at a conference."""

    class Stage(models.TextChoices):
        PRE = "pre", _("Voranmeldung")
        BINDING = "binding", _("Verbindliche Anmeldung")

    class Status(models.TextChoices):
        HOLDS_PLACE = "holds_place", _("Platz gesichert")
        WAITING = "waiting", _("Warteliste")
        CANCELLED = "cancelled", _("Storniert")

    class Salutation(models.TextChoices):
        FRAU = "frau", _("Frau")
        HERR = "herr", _("Herr")
        DIVERS = "divers", _("divers")
        NONE = "none", _("keine Angabe")

    class Source(models.TextChoices):
        WEB = "web", _("Website")
        OFFICE = "office", _("Geschäftsstelle")

    class FeeCategory(models.TextChoices):
        MEMBER = "member", _("Mitglied")
        NON_MEMBER = "non_member", _("Nicht-Mitglied")

    class MembershipCheck(models.TextChoices):
        NOT_CLAIMED = "not_claimed", _("kein Mitglied angegeben")
        UNVERIFIED = "unverified", _("noch nicht geprüft")
        VERIFIED = "verified", _("bestätigt")
        CHECK = "check", _("Mitgliedschaft prüfen")

    class BillingRecipient(models.TextChoices):
        EMPLOYER = "employer", _("Arbeitgeber / Dienststelle")
        PERSON = "person", _("mich persönlich")

    class PaymentStatus(models.TextChoices):
        NONE = "none", _("keine Rechnung")
        OPEN = "open", _("offen")
        PARTLY_PAID = "partly_paid", _("teilweise bezahlt")
        PAID = "paid", _("bezahlt")
        REFUNDED = "refunded", _("erstattet")

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("Tagung")
    )
    stage = models.CharField(_("Stufe"), max_length=20, choices=Stage.choices, default=Stage.PRE)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("Eingang"), max_length=20, choices=Source.choices, default=Source.WEB)
    token = models.CharField(
        _("Geheimnis des persönlichen Links"), max_length=64, unique=True, default=new_token, editable=False
    )

    salutation = models.CharField(
        _("Anrede"), max_length=10, choices=Salutation.choices, default=Salutation.NONE
    )
    academic_title = models.CharField(_("Titel"), max_length=50, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    email = models.EmailField(_("E-Mail"), max_length=254)
    organisation = models.CharField(_("Organisation"), max_length=200, blank=True)
    position = models.CharField(_("Funktion / Stelle"), max_length=200, blank=True)
    is_member = models.BooleanField(_("VSOP-Mitglied"), default=False)
    member_number = models.CharField(_("Mitgliedsnummer"), max_length=30, blank=True)
    note = models.TextField(_("Anmerkung"), max_length=2000, blank=True)

    privacy_consent = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("zugestimmter Datenschutzhinweis"),
    )
    privacy_consented_at = models.DateTimeField(_("Datenschutz zugestimmt am"), null=True, blank=True)

    waiting_since = models.DateTimeField(_("auf der Warteliste seit"), null=True, blank=True)
    moved_up_at = models.DateTimeField(_("nachgerückt am"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    # Binding registration
    registered_at = models.DateTimeField(_("verbindlich angemeldet am"), null=True, blank=True)
    fee_category = models.CharField(
        _("Gebührenkategorie"), max_length=20, choices=FeeCategory.choices, blank=True
    )
    fee = models.DecimalField(
        _("Teilnahmegebühr"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "Bei der Anmeldung festgeschrieben; spätere Änderungen der Tagungsgebühren wirken nicht zurück."
        ),
    )
    membership_check = models.CharField(
        _("Mitgliedschaft"),
        max_length=20,
        choices=MembershipCheck.choices,
        default=MembershipCheck.NOT_CLAIMED,
    )
    billing_recipient = models.CharField(
        _("Rechnung an"), max_length=20, choices=BillingRecipient.choices, blank=True
    )
    billing_organisation = models.CharField(_("Rechnungsempfänger"), max_length=200, blank=True)
    billing_department = models.CharField(_("Abteilung"), max_length=200, blank=True)
    billing_street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    billing_postcode = models.CharField(_("PLZ"), max_length=10, blank=True)
    billing_city = models.CharField(_("Ort"), max_length=100, blank=True)
    billing_email = models.EmailField(_("E-Mail für die Rechnung"), blank=True)
    order_number = models.CharField(_("Bestellnummer"), max_length=100, blank=True)
    cost_centre = models.CharField(_("Kostenstelle"), max_length=100, blank=True)
    leitweg_id = models.CharField(_("Leitweg-ID"), max_length=50, blank=True)
    dietary_needs = models.CharField(_("Ernährung"), max_length=300, blank=True)
    accessibility_needs = models.CharField(_("Barrierefreiheit"), max_length=300, blank=True)
    list_consent = models.BooleanField(
        _("auf der Teilnehmendenliste"),
        default=False,
        help_text=_(
            "Einverstanden, mit Name und Organisation auf der Liste für alle Teilnehmenden zu stehen."
        ),
    )
    terms_consent = models.ForeignKey(
        ConsentText,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("akzeptierte Teilnahmebedingungen"),
    )
    terms_accepted_at = models.DateTimeField(_("Bedingungen akzeptiert am"), null=True, blank=True)
    evening_events = models.ManyToManyField(
        ProgrammeItem, blank=True, related_name="registrations", verbose_name=_("Abendveranstaltungen")
    )
    payment_status = models.CharField(
        _("Zahlung"), max_length=20, choices=PaymentStatus.choices, default=PaymentStatus.NONE
    )
    substitution_note = models.TextField(_("Ersatzperson"), blank=True)

    # Data protection
    deletion_requested_at = models.DateTimeField(_("Löschung beantragt am"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()
    # Audit trail (who changed what, when). The token stays out of it.
    history = HistoricalRecords(excluded_fields=["token"])

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "email"],
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_email",
                violation_error_message=_("Für diese E-Mail-Adresse gibt es schon eine Anmeldung."),
            ),
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(fee__gte=0), name="registration_fee_not_negative"
            ),
            models.CheckConstraint(
                condition=~Q(status="waiting") | Q(waiting_since__isnull=False),
                name="waiting_registration_has_waiting_since",
            ),
        ]
        indexes = [
            models.Index(fields=["conference", "status", "waiting_since"]),
        ]

    def __str__(self):
        return f"{self.full_name} – {self.conference.title}"

    def get_absolute_url(self):
        return reverse("registrations:personal", kwargs={"token": self.token})

    @property
    def full_name(self):
        return " ".join(p for p in (self.academic_title, self.first_name, self.last_name) if p)

    @property
    def sort_name(self):
        return f"{self.last_name}, {self.first_name}"

    @property
    def is_binding(self):
        return self.stage == self.Stage.BINDING

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def holds_place(self):
        return self.status == self.Status.HOLDS_PLACE

    @property
    def is_waiting(self):
        return self.status == self.Status.WAITING

    @property
    def may_name_substitute(self):
        """A binding registration that is not cancelled may be handed over (services.registration.substitute)."""
        return self.is_binding and not self.is_cancelled

    @property
    def billing_address_lines(self):
        if self.billing_recipient == self.BillingRecipient.PERSON:
            head = [self.full_name]
        else:
            head = [
                self.billing_organisation,
                self.billing_department,
                _("z. Hd. %(name)s") % {"name": self.full_name},
            ]
        tail = [self.billing_street, f"{self.billing_postcode} {self.billing_city}".strip()]
        return [line for line in [*head, *tail] if line]


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


class InvoiceSequence(models.Model):
    """The last invoice number of a year; its row is locked to hand out gapless numbers."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("Rechnungsnummernkreis")
        verbose_name_plural = _("Rechnungsnummernkreise")

    def __str__(self):
        return f"{self.year}: {self.last_number}"


class Invoice(models.Model):
    """An issued invoice or cancellation invoice. Never edited after it is issued."""

    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Rechnung")
        CANCELLATION = "cancellation", _("Stornorechnung")

    number = models.CharField(_("Rechnungsnummer"), max_length=20, unique=True, editable=False)
    year = models.PositiveIntegerField(_("Jahr"), editable=False)
    sequence = models.PositiveIntegerField(_("laufende Nummer"), editable=False)
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices, default=Kind.INVOICE)
    registration = models.ForeignKey(
        Registration, on_delete=models.PROTECT, related_name="invoices", verbose_name=_("Anmeldung")
    )
    cancels = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cancelled_by",
        verbose_name=_("storniert Rechnung"),
    )
    issued_on = models.DateField(_("Rechnungsdatum"))
    due_on = models.DateField(_("fällig am"))
    recipient = models.TextField(_("Rechnungsanschrift"))
    recipient_email = models.EmailField(_("E-Mail für die Rechnung"), blank=True)
    order_number = models.CharField(_("Bestellnummer"), max_length=100, blank=True)
    cost_centre = models.CharField(_("Kostenstelle"), max_length=100, blank=True)
    leitweg_id = models.CharField(_("Leitweg-ID"), max_length=50, blank=True)
    participant_name = models.CharField(_("Teilnehmer/in"), max_length=250)
    description = models.CharField(_("Leistung"), max_length=300)
    service_period = models.CharField(_("Leistungszeitraum"), max_length=100)
    service_place = models.CharField(_("Leistungsort"), max_length=200)
    amount = models.DecimalField(_("Betrag"), max_digits=8, decimal_places=2)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("Rechnung")
        verbose_name_plural = _("Rechnungen")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(fields=["year", "sequence"], name="unique_invoice_sequence_per_year"),
            models.CheckConstraint(
                condition=(Q(kind="invoice") & Q(amount__gte=0))
                | (Q(kind="cancellation") & Q(amount__lte=0)),
                name="invoice_amount_sign_matches_kind",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def payment_reference(self):
        return f"RE {self.number}"


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
        from core.formatting import euro

        return f"{euro(self.amount)} – {self.registration.full_name}"


class OutgoingMail(models.Model):
    """The outbox: every mail is recorded here first and delivered after the data is committed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet auf Versand")
        SENT = "sent", _("versendet")
        FAILED = "failed", _("fehlgeschlagen, wird wiederholt")

    registration = models.ForeignKey(
        Registration,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
        verbose_name=_("Anmeldung"),
    )
    kind = models.CharField(_("Art"), max_length=50)
    dedup_key = models.CharField(
        _("Einmal-Schlüssel"),
        max_length=100,
        null=True,
        blank=True,
        help_text=_("Verhindert, dass dieselbe Aussendung zweimal an dieselbe Anmeldung geht."),
    )
    to = models.EmailField(_("an"))
    subject = models.CharField(_("Betreff"), max_length=300)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    sent_at = models.DateTimeField(_("versendet am"), null=True, blank=True)

    class Meta:
        verbose_name = _("E-Mail")
        verbose_name_plural = _("E-Mails (Postausgang)")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "dedup_key"],
                condition=Q(dedup_key__isnull=False),
                name="unique_mailing_per_registration",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"


class OutgoingMailAttachment(models.Model):
    mail = models.ForeignKey(OutgoingMail, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(_("Dateiname"), max_length=200)
    mimetype = models.CharField(_("Typ"), max_length=100)
    content = models.BinaryField(_("Inhalt"), blank=True, default=b"")
    # An invoice is attached as a reference and rendered when the mail is
    # delivered: WeasyPrint stays out of the transaction that holds the locks.
    invoice = models.ForeignKey(
        "Invoice",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Rechnung"),
    )

    class Meta:
        verbose_name = _("Anhang")
        verbose_name_plural = _("Anhänge")

    def __str__(self):
        return self.filename
