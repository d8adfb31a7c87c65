"""Participants' registrations: one row per person and conference, from pre-registration to binding.

One `Registration` row is one person at one conference, from the non-binding
pre-registration (Voranmeldung) to the binding registration (verbindliche
Anmeldung): the place it holds stays the same row, and so does its personal
link. German domain words kept in names: Voranmeldung (pre-registration),
Leitweg-ID (the routing id German public-sector buyers need on e-invoices),
Stornorechnung (cancellation invoice), Geschäftsstelle (the association's
office).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.banking import validate_iban
from core.history import HistoricalRecords
from programme.models import Conference, ProgrammeItem

from .consent import ConsentText


def new_token():
    """A personal-link secret: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def new_checkin_token():
    """The secret printed as a QR code on the badge: 128 random bits, URL-safe.

    A token of its own, never the personal link's: a badge lies on tables and is
    photographed, and whoever reads it may only be checked in, not edit the registration.
    """
    return secrets.token_urlsafe(16)


def claims_place(now=None):
    """The one rule for who holds (or waits for) a place: a confirmed address, or a hold not yet over.

    A registration made on a public form gets a hold (`hold_expires_at`) until its
    address is confirmed through the mailed link (`email_confirmed_at`); once the
    hold is over unconfirmed, it counts for nothing, whether or not
    lifecycle.release_expired_holds has cancelled it yet. Registrations without a
    hold (entered by the office, or made before holds existed) count as confirmed.
    """
    now = now or timezone.now()
    return Q(email_confirmed_at__isnull=False) | Q(hold_expires_at__isnull=True) | Q(hold_expires_at__gt=now)


class RegistrationQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Registration.Status.CANCELLED)

    def holding_places(self, now=None):
        """Registrations that really hold a place now: see `claims_place`."""
        return self.filter(claims_place(now), status=Registration.Status.HOLDS_PLACE)

    def waiting(self, now=None):
        """The waiting list in its one order, without lapsed holds (see `claims_place`)."""
        return self.filter(claims_place(now), status=Registration.Status.WAITING).order_by(
            "waiting_since", "pk"
        )

    def lapsed(self, now=None):
        """Active registrations whose address was not confirmed within the hold time (see claims_place)."""
        return self.active().filter(
            email_confirmed_at__isnull=True, hold_expires_at__lte=now or timezone.now()
        )

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
        OVERPAID = "overpaid", _("überzahlt")
        REFUND_DUE = "refund_due", _("Erstattung fällig")
        REFUNDED = "refunded", _("erstattet")

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="registrations", verbose_name=_("Tagung")
    )
    stage = models.CharField(_("Stufe"), max_length=20, choices=Stage.choices, default=Stage.PRE)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    source = models.CharField(_("Eingang"), max_length=20, choices=Source.choices, default=Source.WEB)
    # The language the person used on the public form: their mails and confirmation come in it.
    language = models.CharField(
        _("Sprache"), max_length=8, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    token = models.CharField(
        _("Geheimnis des persönlichen Links"), max_length=64, unique=True, default=new_token, editable=False
    )

    checkin_token = models.CharField(
        _("Check-in-Code des Namensschilds"),
        max_length=32,
        unique=True,
        default=new_checkin_token,
        editable=False,
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
    # Confirmation of the address (issue 14): see claims_place.
    email_confirmed_at = models.DateTimeField(_("E-Mail-Adresse bestätigt am"), null=True, blank=True)
    hold_expires_at = models.DateTimeField(
        _("Platz reserviert bis"),
        null=True,
        blank=True,
        help_text=_("Ohne bestätigte E-Mail-Adresse verfällt die Anmeldung zu diesem Zeitpunkt."),
    )
    # Moving up close to or after the binding deadline (rules.windows.personal_deadline_for).
    personal_deadline = models.DateField(
        _("persönliche Frist"),
        null=True,
        blank=True,
        help_text=_(
            "Bis zu diesem Tag (einschließlich) kann sich die nachgerückte Person verbindlich anmelden; "
            "danach geht ihr Platz an die nächste Person auf der Warteliste."
        ),
    )
    binding_reminder_sent_at = models.DateTimeField(
        _("an die verbindliche Anmeldung erinnert am"), null=True, blank=True
    )
    # The place of a pre-registration that missed its deadline was given on (lifecycle.release_places).
    place_released_at = models.DateTimeField(_("Platz freigegeben am"), null=True, blank=True)
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
    # Registered by a contact together with colleagues (group_registrations.py); None when alone.
    group_registration = models.ForeignKey(
        "GroupRegistration",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("Gruppenanmeldung"),
    )
    # Who entered the dietary and accessibility needs: the person, or the group's contact with
    # the person's agreement (rules.group_registrations.needs_refusal).
    needs_entered_by_contact = models.BooleanField(
        _("Bedürfnisse von der Kontaktperson eingetragen (mit Einverständnis)"), default=False
    )
    # A substitution ends this registration and starts a new one for the substitute
    # (domain/lifecycle.py: substitute); each keeps its own person's data, mails and invoices.
    substituted_by = models.OneToOneField(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="substitute_for",
        verbose_name=_("Platz übergeben an"),
    )
    # Where a refund goes (after a Storno or an overpayment): entered by the office, usually
    # the account the money came from. Checked with schwifty (core.banking.validate_iban).
    refund_account_holder = models.CharField(_("Kontoinhaber für Erstattungen"), max_length=70, blank=True)
    refund_iban = models.CharField(
        _("IBAN für Erstattungen"),
        max_length=34,
        blank=True,
        validators=[validate_iban],
        help_text=_("Nur nötig, wenn Geld zurückzuzahlen ist; für die SEPA-Überweisungsdatei."),
    )

    # Data protection
    deletion_requested_at = models.DateTimeField(_("Löschung beantragt am"), null=True, blank=True)
    anonymised_at = models.DateTimeField(_("anonymisiert am"), null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()
    # Audit trail (who changed what, when). The secrets stay out of it.
    history = HistoricalRecords(excluded_fields=["token", "checkin_token"])

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["-created_at"]
        constraints = [
            # One active registration per person (rules.personal.person_key): colleagues who
            # share a mailbox each register; the same address and name twice is refused.
            models.UniqueConstraint(
                "conference",
                Lower("email"),
                Lower("first_name"),
                Lower("last_name"),
                condition=~Q(status="cancelled"),
                name="one_active_registration_per_person",
                violation_error_message=_(
                    "Für diese Person (Name und E-Mail-Adresse) gibt es schon eine Anmeldung zu dieser Tagung."
                ),
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
    def awaits_confirmation(self):
        """Made on a public form and its address not confirmed yet (see claims_place)."""
        return self.email_confirmed_at is None and self.hold_expires_at is not None

    def hold_has_lapsed(self, now=None):
        """The hold time passed without a confirmed address: the registration holds nothing."""
        return self.awaits_confirmation and self.hold_expires_at <= (now or timezone.now())

    @property
    def was_substituted(self):
        """Ended by handing the place to a substitute (its place lives on in `substituted_by`)."""
        return self.substituted_by_id is not None

    @property
    def may_name_substitute(self):
        """A binding registration that is not cancelled may be handed over (domain.lifecycle.substitute)."""
        return self.is_binding and not self.is_cancelled

    @property
    def is_billed_collectively(self):
        """On the collective invoice (Sammelrechnung) of its group, not on an invoice of its own."""
        return self.group_registration_id is not None and self.group_registration.is_billed_collectively

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
