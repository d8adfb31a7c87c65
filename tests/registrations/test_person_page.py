"""One page per person (issue 17): the registration's admin page shows its workshops, groups,
invoices with their state and open amount, payments and mails, with links to act, at a cost that
does not grow with what the person has."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from programme.models import WorkshopPhase
from registrations.domain import invoicing, lifecycle, outbox
from registrations.domain.payments import record_payment
from registrations.models import Registration
from registrations.office.roles import OFFICE
from tests.factories import (
    ConferenceFactory,
    DiscussionGroupFactory,
    GroupMembershipFactory,
    StaffFactory,
    WorkshopBookingFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
    binding_data,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client):
    client.force_login(StaffFactory(roles=[OFFICE]))
    return client


def person_with(conference, *, n):
    """A confirmed binding registration with n of everything: workshops, groups, payments, mails."""
    registration, _ = lifecycle.register_binding(
        conference=conference, data=binding_data(1, organisation="Stadt Köln")
    )
    registration = lifecycle.confirm_address(registration=registration)  # invoice and mails
    for number in range(1, n + 1):
        phase = WorkshopPhaseFactory(conference=conference, number=number)
        WorkshopBookingFactory(
            registration=registration, workshop=WorkshopFactory(phase=phase, title=f"AP {number} W")
        )
        group_phase = WorkshopPhaseFactory(
            conference=conference, number=10 + number, mode=WorkshopPhase.Mode.GROUPS
        )
        GroupMembershipFactory(
            registration=registration, group=DiscussionGroupFactory(phase=group_phase, number=number)
        )
        record_payment(
            registration=registration, amount=Decimal("10.00"), received_on=dt.date(2026, 11, number)
        )
        outbox.queue_mail(registration=registration, template="link_resent")
    for _ in range(n - 1):
        invoicing.reissue_invoice(registration=registration, notify=False)
    return Registration.objects.get(pk=registration.pk)


def page(client, registration):
    return client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))


def test_the_registration_page_shows_workshops_groups_invoices_payments_and_mails(office):
    conference = ConferenceFactory(places=10)
    registration = person_with(conference, n=1)

    html = page(office, registration).content.decode()

    booking = registration.workshop_bookings.get()
    assert "AP 1 W" in html and "1. Arbeitsphase" in html
    assert (
        reverse("admin:registrations_workshop_fill", args=[conference.pk])
        + f"#workshop-{booking.workshop_id}"
        in html
    )
    membership = registration.group_memberships.get()
    assert str(membership.group) in html
    assert reverse("admin:registrations_groupmembership_change", args=[membership.pk]) in html
    invoice = registration.invoices.get()
    assert invoice.number in html
    assert "teilweise bezahlt" in html  # 10 € of 300 € paid
    assert "290,00\xa0€" in html  # still open
    assert "10,00\xa0€" in html  # the payment
    payments = html[html.index('id="payments-group"') : html.index('id="mails-group"')]
    assert '<th class="column-amount">Betrag in €' in payments  # the column names the currency
    assert '<td class="field-amount">\n<p>10,00</p>' in re.sub(r">\s+<", ">\n<", payments)
    mail = registration.mails.filter(kind="link_resent").get()
    assert "Persönlicher Link" in html and "Rechnung" in html
    assert reverse("admin:registrations_outgoingmail_change", args=[mail.pk]) in html
    for raw in ("link_resent", "partly_paid", "invoice_documents"):
        assert f">{raw}<" not in html, raw


def test_a_cancelled_invoice_shows_its_storno_and_nothing_open(office):
    conference = ConferenceFactory(places=10)
    registration = person_with(conference, n=2)  # reissued once: invoice, Storno, new invoice

    html = page(office, registration).content.decode()

    first, storno, current = registration.invoices.order_by("year", "sequence")
    assert f"storniert ({storno.number})" in html
    assert f"Storno zu {first.number}" in html
    assert current.number in html


def test_the_registration_page_costs_the_same_for_one_or_three_of_everything(
    office, django_assert_max_num_queries
):
    small = person_with(ConferenceFactory(places=10), n=1)
    with CaptureQueriesContext(connection) as one:
        assert page(office, small).status_code == 200
    large = person_with(ConferenceFactory(places=10), n=3)
    assert large.workshop_bookings.count() == 3 and large.mails.count() >= 5 and large.invoices.count() == 5

    with django_assert_max_num_queries(len(one)):
        assert page(office, large).status_code == 200


def test_a_new_registration_has_no_lists_to_show(office):
    ConferenceFactory(places=10)
    response = office.get(reverse("admin:registrations_registration_add"))
    assert response.status_code == 200
    assert response.context["inline_admin_formsets"] == []
