"""The office's money journey in a real browser: dashboard figures → overdue list → reminder
preview → sent; refunds due → SEPA file → recorded (issue 16). Screenshots in test-artifacts/."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from registrations.domain import invoicing, lifecycle, payments
from registrations.models import Payment, PaymentReminder, Registration
from tests.factories import BindingRegistrationFactory, ConferenceFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def invoiced(conference, n, *, days_ago=0, **kwargs):
    registration = BindingRegistrationFactory(
        conference=conference, email=f"p{n}@example.org", last_name=f"Nachname{n}", **kwargs
    )
    invoicing.issue_invoice(registration=registration, now=timezone.now() - dt.timedelta(days=days_ago))
    return registration


def run_admin_action(page, names, action):
    for name in names:
        page.get_by_role("row", name=re.compile(name)).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label=action)
    page.locator("button[name=index]").click()


def test_office_sends_reminders_after_a_preview_and_pays_back_refunds(page, site, shot, tmp_path):
    conference = ConferenceFactory(title="VSOP-Jahrestagung 2026")
    late = invoiced(conference, 1, days_ago=40)
    also_late = invoiced(conference, 2, days_ago=40)
    invoiced(conference, 3)  # not yet due
    cancelled = invoiced(conference, 4, refund_iban="DE89370400440532013000")
    payments.record_payment(
        registration=cancelled, amount=Decimal("250.00"), received_on=timezone.localdate()
    )
    lifecycle.cancel(registration=cancelled)
    StaffFactory(username="buero", password="ein-langes-passwort-2025", is_superuser=True)

    page.set_viewport_size({"width": 1680, "height": 1000})  # an office screen: the overdue list is wide
    page.goto(site + "/admin/")
    page.get_by_label("Benutzername").fill("buero")
    page.get_by_label("Passwort").fill("ein-langes-passwort-2025")
    page.get_by_role("button", name="Anmelden").click()
    dashboard = page.locator("#office-dashboard")
    expect(dashboard.get_by_role("row", name=re.compile("^offen"))).to_contain_text("750,00")
    expect(dashboard.get_by_role("row", name=re.compile("davon überfällig"))).to_contain_text("500,00 € (2)")
    expect(dashboard.get_by_role("row", name=re.compile("zu erstatten"))).to_contain_text("250,00 € (1)")
    shot(page, "dashboard-money")

    # The overdue list, from the dashboard.
    dashboard.locator("a.money-overdue").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    expect(page.locator("#result_list thead")).to_contain_text("Mahnstufe")
    shot(page, "overdue-invoices")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(
        label="Zahlungserinnerung oder Mahnung senden (mit Vorschau)"
    )
    page.locator("button[name=index]").click()
    expect(page.locator(".dunning-count")).to_contain_text(
        "2 Zahlungserinnerungen oder Mahnungen werden verschickt."
    )
    shot(page, "reminder-preview")
    assert not PaymentReminder.objects.exists()
    page.get_by_role("button", name="Jetzt verschicken").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "Zahlungserinnerungen an 2 Personen in die Warteschlange gestellt; sie werden versendet."
    )
    expect(page.locator("#result_list")).to_contain_text("Zahlungserinnerung")
    shot(page, "reminders-sent")
    assert set(PaymentReminder.objects.values_list("invoice__registration", flat=True)) == {
        late.pk,
        also_late.pk,
    }

    # Refunds due, from the dashboard: the SEPA file, then the refund recorded.
    page.goto(site + "/admin/")
    page.locator("#office-dashboard a.money-refunds").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Erstattung fällig")
    shot(page, "refunds-due")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(
        label="SEPA-Überweisungsdatei für Erstattungen (pain.001)"
    )
    with page.expect_download() as download_info:
        page.locator("button[name=index]").click()
    target = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(target)
    assert "<IBAN>DE89370400440532013000</IBAN>" in target.read_text()

    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="Erstattung als überwiesen erfassen")
    page.locator("button[name=index]").click()
    expect(page.get_by_label("Erstattung überwiesen am")).not_to_have_value("")
    shot(page, "refund-form")
    page.get_by_role("button", name="Erstattungen erfassen").click()
    expect(page.locator(".messagelist")).to_contain_text("Erstattung für 1 Anmeldung erfasst.")
    shot(page, "refund-recorded")
    cancelled.refresh_from_db()
    assert cancelled.payment_status == Registration.PaymentStatus.REFUNDED
    assert Payment.objects.get(amount__lt=0).amount == Decimal("-250.00")

    # The treasurer's lists, from the dashboard.
    page.goto(site + "/admin/")
    page.locator("#office-dashboard a.money-lists").first.click()
    expect(page.get_by_role("heading", name="Rechnungsausgangsbuch und offene Posten")).to_be_visible()
    shot(page, "money-lists")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Herunterladen").click()
    assert download_info.value.suggested_filename.startswith("Rechnungsausgangsbuch_")
