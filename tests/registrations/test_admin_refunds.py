"""Refunds due in the admin: their list, "Erstattung erfassen" and the SEPA transfer file (issue 16)."""

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.domain import lifecycle, payments
from registrations.models import Payment, Registration
from tests.factories import ConferenceFactory, invoiced_registration

pytestmark = pytest.mark.django_db

REGISTRATIONS = "admin:registrations_registration_changelist"
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"}


@pytest.fixture
def conference():
    return ConferenceFactory(title="VSOP-Jahrestagung 2025")


def cancelled_after_paying(conference, n, **kwargs):
    registration = invoiced_registration(conference, n, **kwargs)
    payments.record_payment(
        registration=registration, amount=Decimal("250.00"), received_on=timezone.localdate()
    )
    lifecycle.cancel(registration=registration)
    registration.refresh_from_db()
    return registration


def overpaid(conference, n, **kwargs):
    registration = invoiced_registration(conference, n, **kwargs)
    payments.record_payment(
        registration=registration, amount=Decimal("300.00"), received_on=timezone.localdate()
    )
    registration.refresh_from_db()
    return registration


def post_action(client, action, registrations, **extra):
    return client.post(
        reverse(REGISTRATIONS),
        {"action": action, "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_the_list_of_refunds_due_holds_overpaid_and_cancelled_after_paying(admin_client, conference):
    """Issue 16: there was no list of refunds due."""
    refund = cancelled_after_paying(conference, 1)
    surplus = overpaid(conference, 2)
    invoiced_registration(conference, 3)

    response = admin_client.get(reverse(REGISTRATIONS), {"money": "refund_due"})

    assert {r.pk for r in response.context["cl"].result_list} == {refund.pk, surplus.pk}
    content = response.content.decode()
    assert "-250,00\u00a0€" in content
    assert "-50,00\u00a0€" in content
    assert "Erstattung fällig" in content
    assert "überzahlt" in content


def test_the_outstanding_list_holds_what_is_still_to_come_in(admin_client, conference):
    still_open = invoiced_registration(conference, 1)
    cancelled_after_paying(conference, 2)
    response = admin_client.get(reverse(REGISTRATIONS), {"money": "outstanding"})
    assert [r.pk for r in response.context["cl"].result_list] == [still_open.pk]


def test_the_refund_list_runs_a_constant_number_of_queries(
    admin_client, conference, django_assert_max_num_queries
):
    url = reverse(REGISTRATIONS)
    cancelled_after_paying(conference, 0)
    with django_assert_max_num_queries(18):
        assert admin_client.get(url, {"money": "refund_due"}).context["cl"].result_count == 1
    for n in (1, 2):
        cancelled_after_paying(conference, n)
    with django_assert_max_num_queries(18):
        assert admin_client.get(url, {"money": "refund_due"}).context["cl"].result_count == 3


def test_mark_refunded_asks_the_date_then_records_each_credit(admin_client, admin_user, conference):
    refund = cancelled_after_paying(conference, 1)
    surplus = overpaid(conference, 2)
    nothing = invoiced_registration(conference, 3)

    page = admin_client.post(
        reverse(REGISTRATIONS),
        {"action": "mark_refunded_action", "_selected_action": [refund.pk, surplus.pk]},
    )
    assert "Erstattung überwiesen am" in page.content.decode()
    assert "250,00\u00a0€" in page.content.decode()
    assert not Payment.objects.filter(amount__lt=0).exists()

    response = post_action(
        admin_client, "mark_refunded_action", [refund, surplus, nothing], apply="1", on="2025-08-01"
    )

    assert "Erstattungen für 2 Anmeldungen erfasst." in messages_of(response)
    assert "1 Anmeldung übersprungen: nichts zu erstatten." in messages_of(response)
    refunds = Payment.objects.filter(amount__lt=0).order_by("registration__last_name")
    assert [(r.amount, r.received_on, r.recorded_by) for r in refunds] == [
        (Decimal("-250.00"), dt.date(2025, 8, 1), admin_user),
        (Decimal("-50.00"), dt.date(2025, 8, 1), admin_user),
    ]
    statuses = dict(Registration.objects.values_list("pk", "payment_status"))
    assert (statuses[refund.pk], statuses[surplus.pk]) == ("refunded", "paid")


def test_the_sepa_file_holds_the_selected_refunds_with_an_iban(admin_client, conference):
    with_iban = cancelled_after_paying(conference, 1, refund_iban="DE89370400440532013000")
    without_iban = overpaid(conference, 2)
    nothing = invoiced_registration(conference, 3, refund_iban="DE89370400440532013000")

    response = admin_client.post(
        reverse(REGISTRATIONS),
        {
            "action": "refund_transfer_file_action",
            "_selected_action": [with_iban.pk, without_iban.pk, nothing.pk],
        },
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    assert response["Content-Disposition"].startswith('attachment; filename="Erstattungen_')
    root = ET.fromstring(response.content)  # noqa: S314 - our own file
    assert [
        (t.findtext("p:CdtrAcct/p:Id/p:IBAN", namespaces=NS), t.findtext("p:Amt/p:InstdAmt", namespaces=NS))
        for t in root.iterfind(".//p:CdtTrfTxInf", namespaces=NS)
    ] == [("DE89370400440532013000", "250.00")]
    assert not Payment.objects.filter(amount__lt=0).exists()  # recorded only once the bank paid


def test_the_sepa_file_is_refused_when_nothing_can_be_paid(admin_client, conference):
    without_iban = overpaid(conference, 1)
    response = post_action(admin_client, "refund_transfer_file_action", [without_iban])
    assert "Person1" in " ".join(messages_of(response))
    assert any("keine IBAN für Erstattungen" in m for m in messages_of(response))
    assert "Keine der ausgewählten Anmeldungen kann erstattet werden." in messages_of(response)


def test_the_office_enters_a_checked_refund_iban(admin_client, conference):
    registration = cancelled_after_paying(conference, 1)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    content = admin_client.get(url).content.decode()
    assert "IBAN für Erstattungen" in content
    assert "Kontoinhaber für Erstattungen" in content
