"""Every mail and page text is true for the case it is sent in (issue 15, defect 4).

A substitute is welcomed with their own invoice, never told about an invoice they
never had; the replaced person is told what happened to theirs; the terms say what a
substitution does to the invoice; a binding registration on the waiting list is
promised no invoice.
"""

from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse

from registrations.domain.consent import terms_body
from registrations.domain.lifecycle import cancel, confirm_address, register_binding, substitute
from registrations.domain.payments import record_payment
from registrations.models import Invoice, OutgoingMail
from tests.factories import (
    ConferenceFactory,
    employer_billing,
    pre_registered,
    pre_registration_data,
    self_billing,
)
from tests.registrations.test_binding_views import direct_url, form_data

pytestmark = pytest.mark.django_db

SUBSTITUTE = {
    "salutation": "herr",
    "first_name": "Bernd",
    "last_name": "Neu",
    "email": "bernd.neu@example.org",
    "organisation": "Stadt Neu",
    "is_member": True,
    "member_number": "77",
}


def confirmed(conference, n=1, **billing):
    """Person n registered bindingly and opened the mailed link: the invoice is drawn."""
    registration, _ = register_binding(conference=conference, data=pre_registration_data(n, **billing))
    return confirm_address(registration=registration)


def mails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def attachment_names(message):
    return [attachment[0] for attachment in message.attachments]


def test_the_substitutes_first_mail_welcomes_them_with_their_own_invoice_attached_once(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=3)
    previous = confirmed(conference, **self_billing())
    previous_invoice = previous.invoices.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = substitute(registration=previous, data=SUBSTITUTE)
    own_invoice = Invoice.objects.get(registration=result.substitute)
    storno = previous_invoice.cancelled_by

    [welcome] = mails_to("bernd.neu@example.org")
    assert welcome.subject == f"Ihre verbindliche Anmeldung: {conference.title}"
    assert "hat Sie als Ersatzperson benannt" in welcome.body
    assert attachment_names(welcome).count(f"Rechnung_{own_invoice.number}.pdf") == 1
    assert [name for name in attachment_names(welcome) if name.endswith(".pdf")] == [
        f"Rechnung_{own_invoice.number}.pdf"
    ]
    letter = welcome.body.split("-" * 60)[0]  # the terms follow below the line
    for untrue in ("storniert", "Stornorechnung", previous_invoice.number, storno.number):
        assert untrue not in letter, untrue
        assert untrue not in welcome.subject, untrue


def test_the_replaced_person_is_told_the_place_was_handed_over_and_their_invoice_cancelled(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=3)
    previous = confirmed(conference, **self_billing())
    previous_invoice = previous.invoices.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = substitute(registration=previous, data=SUBSTITUTE)
    storno = previous_invoice.cancelled_by
    own_invoice = Invoice.objects.get(registration=result.substitute)

    [told] = mails_to(previous.email)
    assert told.subject == f"Ihr Platz wurde übergeben: {conference.title}"
    assert "wie gewünscht nimmt Bernd Neu an Ihrer Stelle teil" in told.body
    assert (
        f"Ihre Rechnung {previous_invoice.number} ist mit der beigefügten Stornorechnung {storno.number} aufgehoben"
        in told.body
    )
    assert "wird nicht erstattet, sondern auf die Rechnung der Ersatzperson angerechnet" in told.body
    assert attachment_names(told) == [f"Stornorechnung_{storno.number}.pdf"]
    assert own_invoice.number not in told.body  # the substitute's invoice is theirs


def test_a_substitute_of_a_paid_place_is_asked_only_for_what_is_still_owed(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=3)
    previous = confirmed(conference, **self_billing())  # a non-member: 300 €
    record_payment(registration=previous, amount=previous.fee, received_on="2026-01-10")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = substitute(registration=previous, data=SUBSTITUTE)  # a member: 250 €
    invoice = Invoice.objects.get(registration=result.substitute)
    assert (invoice.amount, invoice.credited_payments, invoice.amount_due) == (
        Decimal("250.00"),
        Decimal("250.00"),
        Decimal("0.00"),
    )
    [welcome] = mails_to("bernd.neu@example.org")
    assert (
        "Sie ist mit den bereits gezahlten 250,00\u00a0€ beglichen; bitte überweisen Sie nichts mehr."
        in welcome.body
    )
    assert "bitte überweisen Sie den Betrag" not in welcome.body


def test_a_substitute_of_a_part_paid_place_is_asked_for_the_rest(django_capture_on_commit_callbacks):
    conference = ConferenceFactory(places=3)
    previous = confirmed(conference, **self_billing())
    record_payment(registration=previous, amount=Decimal("100.00"), received_on="2026-01-10")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = substitute(registration=previous, data=SUBSTITUTE)
    invoice = Invoice.objects.get(registration=result.substitute)
    assert (invoice.credited_payments, invoice.amount_due) == (Decimal("100.00"), Decimal("150.00"))
    [welcome] = mails_to("bernd.neu@example.org")
    assert (
        "Bereits gezahlt sind 100,00\u00a0€; bitte überweisen Sie den Restbetrag von 150,00\u00a0€"
        in welcome.body
    )


def test_the_accounts_office_is_promised_no_refund_for_a_place_handed_over(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=3)
    previous = confirmed(conference, **employer_billing())
    record_payment(registration=previous, amount=previous.fee, received_on="2026-01-10")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        substitute(registration=previous, data=SUBSTITUTE)
    office = mails_to("rechnung@landkreis-beispiel.de")
    [storno_mail] = [message for message in office if message.subject.startswith("Stornorechnung")]
    assert "der Platz wurde an Bernd Neu als Ersatzperson übergeben" in storno_mail.body
    assert "wird nicht erstattet, sondern auf deren Rechnung angerechnet" in storno_mail.body
    assert "ein bereits gezahlter Betrag wird erstattet" not in storno_mail.body
    [invoice_mail] = [message for message in office if message.subject.startswith("Rechnung")]
    assert "Sie ist mit den bereits gezahlten 250,00\u00a0€ beglichen" in invoice_mail.body


def test_the_terms_say_a_substitute_gets_a_new_invoice_as_the_system_does():
    conference = ConferenceFactory(places=3, payment_terms="")
    terms = terms_body(conference)
    assert "unverändert" not in terms
    assert "Ihre Rechnung wird dann mit einer Stornorechnung aufgehoben" in terms
    assert "die Ersatzperson erhält eine neue Rechnung" in terms
    assert "bereits gezahlte Beträge werden auf die neue Rechnung angerechnet" in terms
    # ... and that is what happens.
    previous = confirmed(conference, **employer_billing())
    invoice = previous.invoices.get()
    result = substitute(registration=previous, data=SUBSTITUTE)
    assert invoice.cancelled_by is not None
    assert Invoice.objects.filter(registration=result.substitute, kind="invoice").count() == 1


def test_the_substitute_page_says_what_happens_to_the_invoice(client):
    conference = ConferenceFactory(places=3)
    registration = confirmed(conference, **self_billing())
    url = reverse("registrations:personal_substitute", kwargs={"token": registration.token})
    page = client.get(url).content.decode()
    assert "Ihre Rechnung wird mit einer Stornorechnung aufgehoben" in page
    assert "Sie lautet auf den Namen der Ersatzperson." in page
    assert "Ihr Link gilt danach nicht mehr" not in page  # it shows the ended registration


# ---------------------------------------------------------------- the waiting list


def test_the_thank_you_page_of_a_full_conference_promises_no_invoice(client):
    conference = ConferenceFactory(places=1)
    pre_registered(conference)
    page = client.post(direct_url(conference), form_data(), follow=True).content.decode()
    assert "Wir haben Ihnen eine E-Mail geschickt" in page
    assert "und die Rechnung folgt" not in page
    assert "Auf der Warteliste erhalten Sie noch keine Rechnung" in page


def test_the_thank_you_page_with_free_places_promises_the_invoice_only_with_a_place(client):
    conference = ConferenceFactory(places=3)
    page = client.post(direct_url(conference), form_data(), follow=True).content.decode()
    assert "Mit einem Platz folgt nach der Bestätigung die Rechnung" in page
    assert "auf der Warteliste erhalten Sie erst eine Rechnung, wenn Sie nachrücken" in page


def test_a_waiting_binding_registrations_mail_promises_no_invoice(client):
    conference = ConferenceFactory(places=1)
    pre_registered(conference)
    waiting, _ = register_binding(conference=conference, data=pre_registration_data(2, **self_billing()))
    assert waiting.is_waiting and waiting.awaits_confirmation
    sent = OutgoingMail.objects.get(registration=waiting, kind="registration_waiting")
    assert "Die Rechnung schicken wir Ihnen nach der Bestätigung" not in sent.body_text
    assert "Die Rechnung schicken wir Ihnen nach der Bestätigung" not in sent.body_html
    assert "Ihr Platz auf der Warteliste geht an die Nächsten" in sent.body_text
    assert "Solange Sie auf der Warteliste stehen, entstehen keine Kosten." in sent.body_text


def test_an_unconfirmed_binding_registration_with_a_place_is_told_when_the_invoice_comes():
    conference = ConferenceFactory(places=3)
    registration, _ = register_binding(conference=conference, data=pre_registration_data(1, **self_billing()))
    assert registration.awaits_confirmation
    sent = OutgoingMail.objects.get(registration=registration, kind="registration_confirmed")
    assert (
        "Die Rechnung schicken wir Ihnen, sobald Sie Ihre E-Mail-Adresse bestätigt haben." in sent.body_text
    )
    assert "Die Rechnung erhalten Sie gesondert per E-Mail." not in sent.body_text


# ---------------------------------------------------------------- cancellation: one mail per recipient


def test_a_cancellation_in_time_is_one_mail_with_the_stornorechnung_attached(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=3)
    registration = confirmed(conference, **self_billing())
    invoice = registration.invoices.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(registration=registration)
    storno = Invoice.objects.get(cancels=invoice)
    [told] = mails_to(registration.email)
    assert told.subject == f"Stornierung bestätigt: {conference.title}"
    assert attachment_names(told) == [f"Stornorechnung_{storno.number}.pdf"]
    assert (
        f"Die Rechnung {invoice.number} ist mit der Stornorechnung {storno.number} aufgehoben, "
        "die dieser E-Mail beiliegt" in told.body
    )
    assert "gesonderter E-Mail" not in told.body


def test_the_accounts_office_still_gets_the_stornorechnung_of_a_cancellation(
    django_capture_on_commit_callbacks,
):
    conference = ConferenceFactory(places=3)
    registration = confirmed(conference, **employer_billing())
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        cancel(registration=registration)
    [told] = mails_to(registration.email)
    assert told.subject.startswith("Stornierung bestätigt")
    [office] = mails_to("rechnung@landkreis-beispiel.de")
    assert office.subject.startswith("Stornorechnung") and office.cc == [registration.email]
