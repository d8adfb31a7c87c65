"""The office's monthly bank routine in a real browser: upload the statement, review, book,
assign what the import could not, and see the payments on the dashboard."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from registrations.domain import invoicing
from registrations.models import BankTransaction, Registration
from registrations.office.roles import OFFICE
from tests.camt import Booking, statement_08
from tests.factories import BindingRegistrationFactory, ConferenceFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ein-langes-passwort-2026"


def invoiced(conference, n, fee, **kwargs):
    registration = BindingRegistrationFactory(
        conference=conference, email=f"p{n}@example.org", last_name=f"Person{n}", fee=Decimal(fee), **kwargs
    )
    return registration, invoicing.issue_invoice(registration=registration)


def received(page):
    return page.locator("#office-dashboard").get_by_role("row", name=re.compile("eingegangen"))


def test_office_imports_a_statement_reviews_books_and_assigns_the_rest(page, site, shot, tmp_path):
    conference = ConferenceFactory(title="VSOP-Jahrestagung 2026")
    (first, one), (second, two) = invoiced(conference, 1, "250.00"), invoiced(conference, 2, "300.00")
    third, three = invoiced(
        conference, 3, "180.00", organisation="Landkreis Beispiel", billing_organisation="Landkreis Beispiel"
    )
    statement = tmp_path / "kontoauszug-2026-06.xml"
    statement.write_bytes(
        statement_08(
            [
                Booking(
                    Decimal("550.00"),
                    [f"Sammelueberweisung RE {one.number} RE {two.number}"],
                    debtor="Stadtkasse Musterstadt",
                    reference="2026061500001",
                ),
                Booking(
                    Decimal("180.00"),
                    ["Tagungsgebuehr Juni"],
                    debtor="KREISKASSE LANDKREIS BEISPIEL",
                    reference="2026061500002",
                ),
                Booking(Decimal("49.90"), ["Kontofuehrung Juni"], debtor="Sparkasse", credit=False),
            ]
        )
    )
    StaffFactory(username="buero", password=PASSWORD, roles=[OFFICE])

    page.goto(site + "/admin/")
    page.get_by_label("Benutzername").fill("buero")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    expect(received(page)).to_contain_text("0,00")
    shot(page, "dashboard-before")

    page.get_by_role("link", name="Kontoeingänge").first.click()
    page.get_by_role("link", name="Kontoauszug importieren (CAMT.053)").click()
    page.get_by_label("Kontoauszug").set_input_files(statement)
    shot(page, "upload")
    page.get_by_role("button", name="Hochladen und prüfen").click()

    # The review shows what will happen; nothing is booked yet.
    expect(page.get_by_role("heading", name="Kontoauszug prüfen")).to_be_visible()
    matched = page.locator("#bank-matched")
    expect(matched).to_contain_text(one.number)
    expect(matched).to_contain_text(two.number)
    expect(page.locator("#bank-unmatched")).to_contain_text("KREISKASSE LANDKREIS BEISPIEL")
    expect(page.locator("#bank-skipped")).to_contain_text("Abbuchung")
    shot(page, "review")
    assert BankTransaction.objects.count() == 0

    page.get_by_role("button", name="Buchen").click()
    expect(page.locator(".messagelist")).to_contain_text(
        "mit Rechnungsnummer verbucht: 1, in der Warteschlange: 1"
    )
    expect(page.locator("#bank-booked")).to_contain_text(first.full_name)
    shot(page, "booked")

    # The queue suggests the Landkreis by name; the office assigns it with one click.
    page.get_by_role("link", name="Zur Warteschlange").click()
    suggestion = page.get_by_role("button", name=re.compile(f"Zuordnen: {three.number}"))
    expect(suggestion).to_be_visible()
    shot(page, "queue")
    suggestion.click()
    expect(page.locator(".messagelist")).to_contain_text(f"auf {three.number}")
    shot(page, "assigned")

    for registration in (first, second, third):
        registration.refresh_from_db()
        assert registration.payment_status == Registration.PaymentStatus.PAID

    page.goto(site + "/admin/")
    expect(received(page)).to_contain_text("730,00")
    shot(page, "dashboard-after")
