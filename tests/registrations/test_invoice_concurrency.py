"""Invoice numbers stay gapless and unique under concurrent requests (PostgreSQL only).

Every registration belongs to its own conference, so the conference lock does
not serialise the threads: only the lock on the year's invoice sequence does.
"""

import threading

from django.utils import timezone

from registrations.domain import invoicing
from registrations.models import Invoice, InvoiceSequence
from tests.factories import BindingRegistrationFactory, ConferenceFactory

from .race import POSTGRES_RACE, at_once

pytestmark = POSTGRES_RACE

PEOPLE = 20


def registrations(count):
    return [
        BindingRegistrationFactory(conference=ConferenceFactory(), email=f"p{n}@example.org")
        for n in range(count)
    ]


def fire(people):
    _results, errors = at_once(
        lambda registration: invoicing.issue_invoice(registration=registration), people
    )
    return errors


def test_concurrent_invoices_get_numbers_one_to_n_without_gap_or_duplicate():
    people = registrations(PEOPLE)
    assert not InvoiceSequence.objects.exists()  # the threads also race to create the year's row

    errors = fire(people)

    assert errors == []
    year = Invoice.objects.values_list("year", flat=True).first()
    assert sorted(Invoice.objects.values_list("sequence", flat=True)) == list(range(1, PEOPLE + 1))
    assert Invoice.objects.values("registration").distinct().count() == PEOPLE
    assert InvoiceSequence.objects.get(year=year).last_number == PEOPLE


def test_control_without_the_lock_hands_out_duplicate_numbers(monkeypatch):
    """Shows the race the lock prevents: everyone reads the same last number."""
    from django.db import IntegrityError

    from registrations.models import InvoiceSequence as Sequence

    people = registrations(PEOPLE)
    Sequence.objects.create(year=timezone.localdate().year)
    barrier = threading.Barrier(PEOPLE)

    def unlocked(year):
        sequence = Sequence.objects.get(year=year)
        try:
            barrier.wait(timeout=10)  # everyone has read before anyone writes
        except threading.BrokenBarrierError:
            pass
        return sequence

    monkeypatch.setattr(invoicing, "lock_invoice_sequence", unlocked)
    errors = fire(people)

    issued = Invoice.objects.count()
    assert issued < PEOPLE
    assert len(errors) == PEOPLE - issued
    assert all(isinstance(error, IntegrityError) for error in errors)
