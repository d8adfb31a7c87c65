"""Invoices: gapless numbers per year, frozen data, Stornorechnungen, hooks."""

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction

from registrations.models import Invoice, InvoiceSequence, Registration
from registrations.services import hooks, invoices, places
from registrations.services.places import RegistrationError
from tests.factories import ConferenceFactory, RegistrationFactory

from .money_helpers import binding_registration

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def in_july_2025(time_machine):
    time_machine.move_to(dt.datetime(2025, 7, 1, 12, 0, tzinfo=BERLIN), tick=False)


@pytest.fixture
def conference(in_july_2025):
    return ConferenceFactory(
        title="VSOP-Jahrestagung 2025",
        city="Köln",
        venue_name="Tagungshaus am Dom",
        starts_at=dt.datetime(2025, 9, 25, 10, 0, tzinfo=BERLIN),
        ends_at=dt.datetime(2025, 9, 26, 14, 0, tzinfo=BERLIN),
        payment_due_days=14,
    )


def numbers():
    return list(Invoice.objects.order_by("year", "sequence").values_list("number", "kind", "amount"))


def test_issue_invoice_freezes_billing_data_and_numbers_from_one(conference):
    registration = binding_registration(conference=conference)

    invoice = invoices.issue_invoice(registration=registration)

    assert invoice.number == "2025-0001"
    assert (invoice.year, invoice.sequence) == (2025, 1)
    assert invoice.kind == Invoice.Kind.INVOICE
    assert invoice.amount == Decimal("250.00")
    assert invoice.issued_on == dt.date(2025, 7, 1)
    assert invoice.due_on == dt.date(2025, 7, 15)
    assert invoice.recipient == (
        "Landkreis Beispiel\nJugendamt, Sozialplanung\nz. Hd. Dr. Anna-Lena Müller-Lüdenscheidt\n"
        "Am Markt 1\n50667 Köln"
    )
    assert invoice.recipient_email == "rechnung@landkreis-beispiel.de"
    assert invoice.order_number == "BE-2025-77"
    assert invoice.cost_centre == "KST 4711"
    assert invoice.leitweg_id == "05315000-0001-23"
    assert invoice.participant_name == "Dr. Anna-Lena Müller-Lüdenscheidt"
    assert invoice.description == "Teilnahme an der VSOP-Jahrestagung 2025 in Köln (Mitglied)"
    assert invoice.service_period == "25.09.2025 – 26.09.2025"
    assert invoice.service_place == "Tagungshaus am Dom, Köln"
    registration.refresh_from_db()
    assert registration.payment_status == Registration.PaymentStatus.OPEN


def test_invoice_to_the_person_uses_their_name_and_address(conference):
    registration = binding_registration(
        conference=conference, billing_recipient="person", billing_email="", billing_organisation=""
    )
    invoice = invoices.issue_invoice(registration=registration)
    assert invoice.recipient == "Dr. Anna-Lena Müller-Lüdenscheidt\nAm Markt 1\n50667 Köln"
    assert invoice.recipient_email == registration.email


def test_later_changes_of_the_registration_do_not_touch_the_invoice(conference):
    registration = binding_registration(conference=conference)
    invoice = invoices.issue_invoice(registration=registration)
    registration.billing_organisation = "Stadt Anders"
    registration.fee = Decimal("300.00")
    registration.save()
    invoice.refresh_from_db()
    assert invoice.recipient.startswith("Landkreis Beispiel\n")
    assert invoice.amount == Decimal("250.00")


def test_issue_invoice_is_idempotent(conference):
    registration = binding_registration(conference=conference)
    first = invoices.issue_invoice(registration=registration)
    second = invoices.issue_invoice(registration=registration)
    assert second == first
    assert Invoice.objects.count() == 1
    assert InvoiceSequence.objects.get(year=2025).last_number == 1


@pytest.mark.parametrize(
    ("stage", "status", "fee"),
    [
        ("pre", "holds_place", Decimal("250.00")),
        ("binding", "waiting", Decimal("250.00")),
        ("binding", "cancelled", Decimal("250.00")),
        ("binding", "holds_place", None),
    ],
)
def test_no_invoice_without_a_binding_place_and_a_fee(conference, stage, status, fee):
    registration = binding_registration(
        conference=conference,
        stage=stage,
        status=status,
        fee=fee,
        waiting_since=conference.created_at if status == "waiting" else None,
    )
    with pytest.raises(RegistrationError):
        invoices.issue_invoice(registration=registration)
    assert Invoice.objects.count() == 0
    assert InvoiceSequence.objects.filter(last_number__gt=0).count() == 0


def test_a_rolled_back_invoice_gives_its_number_back(conference):
    first, second = (
        binding_registration(conference=conference),
        binding_registration(conference=conference, email="zwei@example.org"),
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        invoices.issue_invoice(registration=first)
        raise RuntimeError("the binding registration failed after the invoice")
    assert invoices.issue_invoice(registration=second).number == "2025-0001"


def test_numbers_stay_gapless_across_storno_and_new_invoices(conference):
    anna = binding_registration(conference=conference)
    ben = binding_registration(conference=conference, first_name="Ben", email="ben@example.org")
    invoices.issue_invoice(registration=anna)
    invoices.issue_invoice(registration=ben)
    anna.fee = Decimal("300.00")
    anna.fee_category = "non_member"
    anna.save()

    new = invoices.reissue_invoice(registration=anna)
    storno = invoices.cancel_invoice(registration=ben, reason="Testabsage")

    assert numbers() == [
        ("2025-0001", "invoice", Decimal("250.00")),
        ("2025-0002", "invoice", Decimal("250.00")),
        ("2025-0003", "cancellation", Decimal("-250.00")),
        ("2025-0004", "invoice", Decimal("300.00")),
        ("2025-0005", "cancellation", Decimal("-250.00")),
    ]
    assert new.number == "2025-0004"
    assert new.description == "Teilnahme an der VSOP-Jahrestagung 2025 in Köln (Nicht-Mitglied)"
    old = Invoice.objects.get(number="2025-0001")
    assert old.cancelled_by.number == "2025-0003"
    assert invoices.current_invoice(anna) == new
    assert storno.cancels.number == "2025-0002"
    assert storno.description == "Teilnahme an der VSOP-Jahrestagung 2025 in Köln (Mitglied) – Testabsage"
    assert storno.recipient == storno.cancels.recipient
    assert "Ben Müller-Lüdenscheidt" in storno.recipient
    assert invoices.current_invoice(ben) is None


def test_numbers_start_again_in_a_new_year(conference, time_machine):
    invoices.issue_invoice(registration=binding_registration(conference=conference))
    time_machine.move_to(dt.datetime(2026, 1, 2, 9, 0, tzinfo=BERLIN), tick=False)
    late = binding_registration(conference=conference, email="spaet@example.org")
    invoice = invoices.issue_invoice(registration=late)
    storno = invoices.cancel_invoice(registration=late, reason="Testabsage")
    assert (invoice.number, storno.number) == ("2026-0001", "2026-0002")
    assert dict(InvoiceSequence.objects.values_list("year", "last_number")) == {2025: 1, 2026: 2}


def test_cancel_invoice_without_a_valid_invoice_is_refused(conference):
    registration = binding_registration(conference=conference)
    with pytest.raises(RegistrationError, match="keine gültige Rechnung"):
        invoices.cancel_invoice(registration=registration, reason="x")


def test_reissue_without_an_invoice_just_issues_one(conference):
    registration = binding_registration(conference=conference)
    invoice = invoices.reissue_invoice(registration=registration)
    assert numbers() == [("2025-0001", "invoice", Decimal("250.00"))]
    assert invoice.cancels is None


def test_binding_hook_issues_the_invoice_once(conference):
    registration = binding_registration(conference=conference)
    with transaction.atomic():
        hooks.run_binding_hooks(registration)
        hooks.run_binding_hooks(registration)
    assert numbers() == [("2025-0001", "invoice", Decimal("250.00"))]


def test_binding_hook_skips_a_free_place(conference):
    registration = binding_registration(conference=conference, fee=Decimal("0.00"))
    hooks.run_binding_hooks(registration)
    assert Invoice.objects.count() == 0


def test_binding_registration_moving_up_gets_its_invoice(conference):
    conference.places = 1
    conference.save()
    RegistrationFactory(conference=conference)  # holds the only place
    waiting = binding_registration(
        conference=conference, status="waiting", waiting_since=conference.created_at
    )
    conference.places = 2
    conference.save()
    places.move_up(registration=waiting)
    assert invoices.current_invoice(waiting).amount == Decimal("250.00")


def test_cancelling_the_registration_issues_a_stornorechnung(conference):
    registration = binding_registration(conference=conference)
    invoice = invoices.issue_invoice(registration=registration)

    places.cancel(registration=registration)

    storno = Invoice.objects.get(kind=Invoice.Kind.CANCELLATION)
    assert storno.cancels == invoice
    assert storno.amount == Decimal("-250.00")
    assert storno.number == "2025-0002"
    assert storno.due_on == storno.issued_on == dt.date(2025, 7, 1)
    assert storno.description.endswith("– Stornierung der Anmeldung")
    registration.refresh_from_db()
    assert registration.payment_status == Registration.PaymentStatus.NONE


def test_cancelling_a_registration_without_invoice_issues_nothing(conference):
    registration = binding_registration(conference=conference)
    places.cancel(registration=registration)
    assert Invoice.objects.count() == 0
