"""Finding 2 of the trust review: after A hands the place to B, B's page, data copy and documents hold
only B's data. A's record ends (cancelled, `substituted_by` B) and keeps A's data, mails and invoices."""

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from registrations.domain.lifecycle import confirm_address, register_binding, substitute
from registrations.domain.payments import record_payment
from registrations.models import GroupMembership, Invoice, OutgoingMail, Registration, WorkshopBooking
from registrations.queries.balances import balance
from registrations.queries.places import places_left
from tests.factories import (
    ConferenceFactory,
    DiscussionGroupFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    employer_billing,
    pre_registration_data,
    self_billing,
)

pytestmark = pytest.mark.django_db

# What only A typed: none of it may reach B's page, data copy or documents.
A_SECRETS = ["anna.alt@example.org", "Amt für Altes", "glutenfrei-A", "Rollstuhl-A", "Privatweg 9"]

SUBSTITUTE = {
    "first_name": "Bernd",
    "last_name": "Neu",
    "email": "bernd.neu@example.org",
    "organisation": "Stadt Neu",
    "is_member": False,
}


def a_registered(conference, **billing):
    registration, _ = register_binding(
        conference=conference,
        data=pre_registration_data(
            1,
            first_name="Anna",
            last_name="Alt",
            email="anna.alt@example.org",
            organisation="Amt für Altes",
            dietary_needs="glutenfrei-A",
            accessibility_needs="Rollstuhl-A",
            **billing,
        ),
    )
    return confirm_address(registration=registration)  # the mailed link: the invoice is drawn now


def test_substitutes_page_data_copy_and_documents_hold_none_of_the_previous_persons_data(client):
    conference = ConferenceFactory(places=3)
    a = a_registered(conference, **self_billing(billing_street="Privatweg 9"))
    a_invoice = a.invoices.get()
    b = substitute(registration=a, data=SUBSTITUTE).substitute

    page = client.get(b.get_absolute_url()).content.decode()
    data = client.get(reverse("registrations:personal_data_export", kwargs={"token": b.token}))
    copy = data.content.decode()
    assert json.loads(copy)["anmeldung"]["email"] == "bernd.neu@example.org"
    for secret in [*A_SECRETS, a.token, a_invoice.number, "Ihr Platz wurde übergeben"]:
        assert secret not in page, secret
        assert secret not in copy, secret
    # A's invoice and its Stornorechnung stay behind A's link; B's link does not open them.
    storno = a_invoice.cancelled_by
    for number in (a_invoice.number, storno.number):
        url = reverse("registrations:personal_invoice_pdf", kwargs={"token": b.token, "number": number})
        assert client.get(url).status_code == 404
    b_invoice = Invoice.objects.get(registration=b)
    assert (b_invoice.participant_name, b_invoice.recipient) == ("Bernd Neu", "Bernd Neu\nStadt Neu")
    url = reverse("registrations:personal_invoice_pdf", kwargs={"token": b.token, "number": b_invoice.number})
    assert client.get(url).status_code == 200


def test_the_previous_persons_link_shows_their_ended_registration_with_their_documents(client):
    conference = ConferenceFactory(places=3)
    a = a_registered(conference, **employer_billing())
    invoice = a.invoices.get()
    substitute(registration=a, data=SUBSTITUTE)
    a.refresh_from_db()
    assert a.is_cancelled and a.was_substituted
    page = client.get(a.get_absolute_url()).content.decode()
    assert "Sie haben Ihren Platz am" in page and "an Bernd Neu übergeben" in page
    assert reverse("registrations:personal_cancel", kwargs={"token": a.token}) not in page
    copy = json.loads(
        client.get(reverse("registrations:personal_data_export", kwargs={"token": a.token})).content
    )
    assert copy["anmeldung"]["email"] == "anna.alt@example.org"
    assert sorted(i["nummer"] for i in copy["rechnungen"]) == [invoice.number, invoice.cancelled_by.number]
    # The employer's accounts office got A's Stornorechnung on A's record (A in copy).
    assert sorted(m["betreff"].split(":")[0] for m in copy["emails"]) == [
        "Ihr Platz wurde übergeben",
        "Ihre verbindliche Anmeldung",
        f"Rechnung {invoice.number}",  # issued when A confirmed the address, and mailed then
        f"Stornorechnung {invoice.cancelled_by.number} zu Rechnung {invoice.number}",
    ]


def test_the_place_seats_groups_and_payments_move_to_the_substitute_and_nothing_is_owed_twice():
    conference = ConferenceFactory(places=1)
    phase = WorkshopPhaseFactory(conference=conference)
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    group_phase = WorkshopPhaseFactory(conference=conference, number=2, mode="groups")
    group = DiscussionGroupFactory(phase=group_phase, number=1)
    a = a_registered(conference, **employer_billing())
    WorkshopBooking.objects.create(registration=a, phase=phase, workshop=workshop)
    GroupMembership.objects.create(registration=a, phase=group_phase, group=group)
    record_payment(registration=a, amount=a.fee, received_on="2026-01-10")
    waiting, _ = register_binding(conference=conference, data=pre_registration_data(3, **self_billing()))
    waiting = confirm_address(registration=waiting)
    assert waiting.is_waiting

    result = substitute(registration=a, data={**SUBSTITUTE, "is_member": True, "member_number": "77"})
    b, a = result.substitute, result.previous

    assert (b.status, places_left(conference)) == (Registration.Status.HOLDS_PLACE, 0)
    waiting.refresh_from_db()
    assert waiting.is_waiting  # the place was never free: nobody moved up
    assert WorkshopBooking.objects.get().registration == b
    assert GroupMembership.objects.get().registration == b
    assert (b.billing_organisation, b.leitweg_id) == ("Landkreis Beispiel", "04011000-1234512345-06")
    assert (balance(a).open_amount, balance(a).paid) == (Decimal("0.00"), Decimal("0.00"))
    # A paid the non-member fee; B is a member: the 50 € difference is B's credit, not owed twice.
    assert (a.fee, b.fee) == (Decimal("300.00"), Decimal("250.00"))
    assert (balance(b).paid, balance(b).credit) == (Decimal("300.00"), Decimal("50.00"))
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.payment_status, b.payment_status) == ("none", "overpaid")  # the 50 € to refund
    # B's confirmation, and B's invoice to the employer's accounts office (B in copy).
    assert sorted(OutgoingMail.objects.filter(registration=b).values_list("to", flat=True)) == [
        "bernd.neu@example.org",
        "rechnung@landkreis-beispiel.de",
    ]
