"""The office's money tools in the admin: invoices, payments, reminders, permissions."""

import datetime as dt
from decimal import Decimal
from functools import partial

import pytest
from django.urls import reverse
from django.utils import timezone

from registrations.domain import dunning, invoicing, payments
from registrations.models import Invoice, OutgoingMail, Payment, Registration
from registrations.office.money import MoneyRegistrationMixin
from registrations.queries import invoices as invoice_queries
from tests.factories import BindingRegistrationFactory, ConferenceFactory, StaffFactory, invoiced_registration

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:registrations_registration_changelist"


# The admin form checks a Leitweg-ID's check digits: these registrations carry a valid one.
# `days_ago=40`: the invoice is past due and its Zahlungserinnerung may go out.
invoiced = partial(invoiced_registration, leitweg_id="04011000-1234512345-06")


@pytest.fixture
def conference():
    return ConferenceFactory(title="VSOP-Jahrestagung 2025")


@pytest.fixture
def office_without_payment_rights(client):
    """Like the coming "Organisation" role: may work on registrations, not on money."""
    client.force_login(
        StaffFactory(
            username="orga",
            permissions=["view_registration", "change_registration", "view_invoice", "view_payment"],
        )
    )
    return client


def run_action(client, action, registrations, **extra):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [r.pk for r in registrations], **extra},
        follow=True,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_invoice_changelist_runs_constant_queries_and_filters(
    admin_client, conference, django_assert_max_num_queries
):
    first = invoiced(conference, 0)
    invoicing.cancel_invoice(registration=first, reason="Test")
    url = reverse("admin:registrations_invoice_changelist")
    with django_assert_max_num_queries(12):
        assert admin_client.get(url).status_code == 200
    for n in range(1, 15):
        invoiced(conference, n)
    with django_assert_max_num_queries(12):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert response.context["cl"].result_count == 16

    response = admin_client.get(url, {"kind__exact": "cancellation"})
    assert [i.number for i in response.context["cl"].result_list] == [
        first.invoices.get(kind="cancellation").number
    ]
    year = timezone.localdate().year
    assert admin_client.get(url, {"year": year}).context["cl"].result_count == 16
    other = ConferenceFactory()
    assert (
        admin_client.get(url, {"registration__conference__id__exact": other.pk}).context["cl"].result_count
        == 0
    )


def test_invoices_are_read_only_in_the_admin(admin_client, conference):
    invoice = invoice_queries.current_invoice(invoiced(conference, 1))
    change_url = reverse("admin:registrations_invoice_change", args=[invoice.pk])
    response = admin_client.get(change_url)
    assert response.status_code == 200
    assert b'name="_save"' not in response.content
    assert invoice.number.encode() in response.content
    assert admin_client.post(change_url, {"amount": "1.00"}).status_code == 403
    assert admin_client.get(reverse("admin:registrations_invoice_add")).status_code == 403
    invoice.refresh_from_db()
    assert invoice.amount == Decimal("250.00")


def test_invoice_pdf_download(admin_client, conference):
    invoice = invoice_queries.current_invoice(invoiced(conference, 1))
    response = admin_client.get(reverse("admin:registrations_invoice_pdf", args=[invoice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="Rechnung_{invoice.number}.pdf"'
    assert response.content.startswith(b"%PDF")


def test_invoice_pdf_needs_the_view_permission(client, conference):
    invoice = invoice_queries.current_invoice(invoiced(conference, 1))
    client.force_login(StaffFactory(username="gast"))
    assert client.get(reverse("admin:registrations_invoice_pdf", args=[invoice.pk])).status_code == 403


def test_registration_changelist_with_money_columns_runs_constant_queries(
    admin_client, conference, django_assert_max_num_queries
):
    url = reverse(CHANGELIST)
    registration = invoiced(conference, 0, days_ago=40)
    dunning.send_payment_reminder(registration=registration)
    with django_assert_max_num_queries(18):
        assert admin_client.get(url).status_code == 200
    for n in range(1, 12):
        dunning.send_payment_reminder(registration=invoiced(conference, n, days_ago=40))
    with django_assert_max_num_queries(18):
        response = admin_client.get(url)
    assert response.status_code == 200
    assert "Offener Betrag" in response.content.decode()  # the last reminder is on the person's page


def test_overdue_filter_lists_only_overdue_registrations(admin_client, conference, time_machine):
    now = timezone.now()
    time_machine.move_to(now - dt.timedelta(days=conference.payment_due_days + 1))
    late = invoiced(conference, 1)
    paid = invoiced(conference, 2)
    payments.record_payment(registration=paid, amount=Decimal("250.00"), received_on=timezone.localdate())
    time_machine.move_to(now)
    fresh = invoiced(conference, 3)

    response = admin_client.get(reverse(CHANGELIST), {"overdue": "yes"})

    assert list(response.context["cl"].result_list) == [late]
    assert fresh.payment_status == Registration.PaymentStatus.OPEN


def test_registration_change_page_shows_invoices_and_payments(admin_client, conference):
    registration = invoiced(conference, 1)
    payments.record_payment(
        registration=registration, amount=Decimal("100.00"), received_on=timezone.localdate()
    )
    response = admin_client.get(reverse("admin:registrations_registration_change", args=[registration.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert invoice_queries.current_invoice(registration).number in content
    assert "150,00\u00a0€" in content  # open amount
    assert "teilweise bezahlt" in content


def test_mark_paid_asks_the_date_then_records_the_open_amounts(admin_client, conference):
    first, second = invoiced(conference, 1), invoiced(conference, 2)
    payments.record_payment(registration=second, amount=Decimal("50.00"), received_on=timezone.localdate())

    page = admin_client.post(
        reverse(CHANGELIST), {"action": "mark_paid_action", "_selected_action": [first.pk, second.pk]}
    )
    assert page.status_code == 200
    assert "Zahlungseingang am" in page.content.decode()
    assert Payment.objects.count() == 1

    response = run_action(
        admin_client,
        "mark_paid_action",
        [first, second],
        apply="1",
        received_on="2025-07-10",
        note="Kontoauszug 12",
    )

    assert "Zahlungen für 2 Anmeldungen erfasst." in messages_of(response)
    recorded = Payment.objects.filter(note="Kontoauszug 12").order_by("registration__last_name")
    assert [(p.amount, p.received_on) for p in recorded] == [
        (Decimal("250.00"), dt.date(2025, 7, 10)),
        (Decimal("200.00"), dt.date(2025, 7, 10)),
    ]
    assert {r.payment_status for r in Registration.objects.all()} == {Registration.PaymentStatus.PAID}


def test_mark_paid_with_an_invalid_date_shows_the_form_again(admin_client, conference):
    registration = invoiced(conference, 1)
    response = run_action(admin_client, "mark_paid_action", [registration], apply="1", received_on="gestern")
    assert response.status_code == 200
    assert "Zahlungseingang am" in response.content.decode()
    assert Payment.objects.count() == 0


def test_reminder_action_sends_and_records_and_never_fails(admin_client, conference):
    open_one = invoiced(conference, 1, days_ago=40)
    paid = invoiced(conference, 2, days_ago=40)
    payments.record_payment(registration=paid, amount=Decimal("250.00"), received_on=timezone.localdate())
    no_invoice = BindingRegistrationFactory(conference=conference, email="ohne@example.org")

    # apply: confirmed on the preview page (issue 16)
    response = run_action(admin_client, "payment_reminder_action", [open_one, paid, no_invoice], apply="1")

    assert response.status_code == 200
    assert "Zahlungserinnerung an 1 Person in die Warteschlange gestellt; sie wird versendet." in messages_of(
        response
    )
    assert sum("kein Betrag offen" in m for m in messages_of(response)) == 2
    assert list(
        OutgoingMail.objects.filter(kind="payment_reminder").values_list("registration", flat=True)
    ) == [open_one.pk]


def test_reissue_action_cancels_and_issues_with_the_current_fee(admin_client, conference):
    registration = invoiced(conference, 1)
    Registration.objects.filter(pk=registration.pk).update(fee=Decimal("300.00"), fee_category="non_member")

    response = run_action(admin_client, "reissue_invoice_action", [registration], apply="1")

    assert (
        "Rechnung für 1 Anmeldung neu ausgestellt; die E-Mail ist in der Warteschlange und wird versendet."
        in messages_of(response)
    )
    assert sorted(Invoice.objects.values_list("kind", "amount")) == [
        ("cancellation", Decimal("-250.00")),
        ("invoice", Decimal("250.00")),
        ("invoice", Decimal("300.00")),
    ]
    assert invoice_queries.current_invoice(registration).amount == Decimal("300.00")


def test_payment_admin_add_goes_through_the_service(admin_client, admin_user, conference):
    registration = invoiced(conference, 1)
    response = admin_client.post(
        reverse("admin:registrations_payment_add"),
        {"registration": registration.pk, "amount": "100,00", "received_on": "2025-07-01", "note": "Teil"},
    )
    assert response.status_code == 302
    payment = Payment.objects.get()
    assert (payment.amount, payment.recorded_by) == (Decimal("100.00"), admin_user)
    registration.refresh_from_db()
    assert registration.payment_status == Registration.PaymentStatus.PARTLY_PAID


def test_money_actions_need_payment_permissions(office_without_payment_rights, conference):
    client = office_without_payment_rights
    registration = invoiced(conference, 1)

    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    actions = [name for name, _ in response.context["action_form"].fields["action"].choices]
    assert "cancel_action" in actions
    assert not set(MoneyRegistrationMixin.money_actions) & set(actions)

    for action in MoneyRegistrationMixin.money_actions:
        response = run_action(client, action, [registration], apply="1", received_on="2025-07-10")
        assert response.status_code == 200
    assert Payment.objects.count() == 0
    assert Invoice.objects.count() == 1
    assert not OutgoingMail.objects.filter(kind="payment_reminder").exists()
    assert client.get(reverse("admin:registrations_payment_add")).status_code == 403


def test_money_actions_are_offered_with_payment_permissions(client, conference):
    client.force_login(
        StaffFactory(
            username="kasse",
            permissions=["view_registration", "change_registration", "add_payment", "change_payment"],
        )
    )
    registration = invoiced(conference, 1, days_ago=40)
    response = run_action(client, "payment_reminder_action", [registration], apply="1")
    assert "Zahlungserinnerung an 1 Person in die Warteschlange gestellt; sie wird versendet." in messages_of(
        response
    )


def form_data(response):
    """The change form's current values as the browser would post them (main form and all inlines)."""
    data = {}

    def add(form):
        for name in form.fields:
            value = form[name].value()
            key = form.add_prefix(name)
            if isinstance(value, bool):
                if value:
                    data[key] = "on"
            elif isinstance(value, (list, tuple)):
                data[key] = [str(v) for v in value]
            elif value is not None:
                data[key] = str(value)

    add(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
        for form in formset.initial_forms:
            add(form)
    return data


def test_payment_added_in_the_inline_goes_through_the_service(admin_client, admin_user, conference):
    registration = invoiced(conference, 1)
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = form_data(admin_client.get(url))
    prefix = "payments"
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-0-amount": "100,00",
            f"{prefix}-0-received_on": "2025-07-01",
            f"{prefix}-0-note": "Überweisung",
        }
    )

    response = admin_client.post(url, data)

    assert response.status_code == 302, response.context["errors"] if response.context else response
    payment = Payment.objects.get()
    assert (payment.amount, payment.received_on, payment.recorded_by) == (
        Decimal("100.00"),
        dt.date(2025, 7, 1),
        admin_user,
    )
    registration.refresh_from_db()
    assert registration.payment_status == Registration.PaymentStatus.PARTLY_PAID


def test_saving_a_registration_without_payment_rights_works(office_without_payment_rights, conference):
    client = office_without_payment_rights
    registration = invoiced(conference, 1)
    payments.record_payment(
        registration=registration, amount=Decimal("10.00"), received_on=timezone.localdate()
    )
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    data = form_data(client.get(url))
    data["note"] = "Rückruf erbeten"

    assert client.post(url, data).status_code == 302
    registration.refresh_from_db()
    assert registration.note == "Rückruf erbeten"
    assert Payment.objects.count() == 1


def test_cancel_invoice_action_issues_and_mails_a_stornorechnung(admin_client, conference):
    registration = invoiced(conference, 1, leitweg_id="")  # PDF only, no XRechnung
    without = BindingRegistrationFactory(conference=conference, email="ohne@example.org")

    response = run_action(admin_client, "cancel_invoice_action", [registration, without], apply="1")

    assert (
        "Rechnung von 1 Anmeldung storniert; die Stornorechnung ist in der Warteschlange und wird versendet."
        in messages_of(response)
    )
    assert any("keine gültige Rechnung" in m for m in messages_of(response))
    storno = Invoice.objects.get(kind="cancellation")
    assert storno.description.endswith("– Storno durch die Geschäftsstelle")
    assert invoice_queries.current_invoice(registration) is None
    mail = OutgoingMail.objects.get(kind="invoice_documents")
    assert [a.invoice for a in mail.attachments.all()] == [storno]


def test_registration_change_page_queries_do_not_grow_with_payments(
    admin_client, conference, django_assert_max_num_queries
):
    registration = invoiced(conference, 1)
    payments.record_payment(
        registration=registration, amount=Decimal("10.00"), received_on=timezone.localdate()
    )
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    with django_assert_max_num_queries(80) as captured:
        assert admin_client.get(url).status_code == 200
    for _ in range(5):
        payments.record_payment(
            registration=registration, amount=Decimal("10.00"), received_on=timezone.localdate()
        )
        invoicing.reissue_invoice(registration=registration, notify=False)
    with django_assert_max_num_queries(len(captured)):
        response = admin_client.get(url)
    assert "10,00\u00a0€ – " in response.content.decode()


def _payment_cells(html):
    """(name, payment, open amount) of each row of the registration list."""
    import re

    rows = re.findall(r"<tr>.*?</tr>", html, re.S)
    cells = []
    for row in rows:
        name = re.search(r'<th class="field-name_display">.*?>([^<]+)</a>', row, re.S)
        payment = re.search(r'<td class="field-payment_display">([^<]*)</td>', row)
        amount = re.search(r'<td class="field-open_amount">([^<]*)</td>', row)
        if name and payment and amount:
            cells.append((name.group(1).strip(), payment.group(1), amount.group(1)))
    return sorted(cells)


def test_colleagues_on_a_collective_invoice_show_its_status_in_the_list_at_constant_queries(
    admin_client, conference, django_assert_max_num_queries
):
    """A colleague has no invoice of their own: the list says which collective invoice they are
    on and how far it is paid, not "keine Rechnung"; the open amount is on the one it is booked on."""
    from registrations.domain import group_registrations
    from tests.factories import group_colleague, registered_group

    def confirmed_group(names, contact_email):
        group = registered_group(
            conference, [group_colleague(name) for name in names], contact_email=contact_email
        )
        group_registrations.confirm_group(group=group)
        return Invoice.objects.get(group_registration=group, kind=Invoice.Kind.INVOICE)

    invoice = confirmed_group(["Anna", "Bernd"], "sek1@kreis-beispiel.de")
    with django_assert_max_num_queries(18):
        html = admin_client.get(reverse(CHANGELIST)).content.decode()
    open_ = f"offen (Sammelrechnung {invoice.number})"
    assert _payment_cells(html) == [
        ("Beispiel, Anna", open_, "600,00\xa0€"),  # the invoice is booked on the first
        ("Beispiel, Bernd", open_, "–"),
    ]

    payments.record_payment(
        registration=invoice.registration, amount=invoice.amount, received_on=timezone.localdate()
    )
    for n in range(3):
        confirmed_group([f"Carla{n}", f"Dirk{n}"], f"sek-{n}@kreis-beispiel.de")
    with django_assert_max_num_queries(18):
        html = admin_client.get(reverse(CHANGELIST)).content.decode()
    paid = f"bezahlt (Sammelrechnung {invoice.number})"
    assert _payment_cells(html)[:2] == [("Beispiel, Anna", paid, "0,00\xa0€"), ("Beispiel, Bernd", paid, "–")]
    assert len(_payment_cells(html)) == 8
