"""Issue 15's group journey in a real browser: a secretariat registers three colleagues with a
collective invoice; one mail per address; the group page; a colleague sets their dietary needs
through their own link. Screenshots (390 px and 1,280 px) land in test-artifacts/<test name>/."""

import re

import pytest
from playwright.sync_api import expect

from registrations.models import GroupRegistration, Invoice
from tests.factories import ConferenceFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SECRETARIAT = "sekretariat@kreis-beispiel.de"
OWN = "cem.demir@kreis-beispiel.de"


def fill_person(page, index, *, first, last, email="", member=False):
    card = page.locator("section.group-member").nth(index)
    card.get_by_label("Vorname").fill(first)
    card.get_by_label("Nachname").fill(last)
    if email:
        card.get_by_label(re.compile("Eigene E-Mail-Adresse")).fill(email)
    if member:
        card.get_by_label("Mitglied im VSOP e.V.").check()


def test_secretariat_registers_three_colleagues_with_a_collective_invoice(page, site, mailbox, shot):
    conference = ConferenceFactory(title="Jahrestagung Gruppe", places=10, payment_terms="AGB")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + conference.get_absolute_url())
    page.get_by_role("link", name="Zur Gruppenanmeldung").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gruppenanmeldung: Jahrestagung Gruppe")
    shot(page, "group-form-390")

    page.get_by_label("Ihr Vorname").fill("Sabine")
    page.get_by_label("Ihr Nachname").fill("Sekretär")
    page.get_by_label("Ihre E-Mail-Adresse").fill(SECRETARIAT)
    page.get_by_label("Organisation der Angemeldeten").fill("Landkreis Beispiel")
    page.get_by_label(re.compile("eine Sammelrechnung an den Arbeitgeber")).check()
    page.locator("#id_billing_organisation").fill("Landkreis Beispiel")
    page.locator("#id_billing_street").fill("Hauptstraße 1")
    page.locator("#id_billing_postcode").fill("50667")
    page.locator("#id_billing_city").fill("Köln")
    fill_person(page, 0, first="Anna", last="Albers", member=True)
    fill_person(page, 1, first="Bernd", last="Brandt")
    fill_person(page, 2, first="Cem", last="Demir", email=OWN)
    page.locator("#id_privacy_consent").check()
    page.locator("#id_terms_accepted").check()
    page.get_by_role("button", name="Alle verbindlich anmelden").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Wir haben Ihnen eine E-Mail geschickt")
    shot(page, "group-done-390")

    # One mail per address: the secretariat's one mail names everyone; Cem gets his own link.
    assert sorted(m["To"] for m in mailbox.messages) == [OWN, SECRETARIAT]
    to_contact = mailbox.last_to(SECRETARIAT)
    body = mailbox.text(to_contact)
    for name in ("Anna Albers", "Bernd Brandt", "Cem Demir"):
        assert name in body
    group = GroupRegistration.objects.get()
    group_link = site + group.get_absolute_url()
    assert group_link in body

    # Confirming issues the collective invoice; its mail renders the PDF and e-invoice in the request
    # (the immediate task backend), which takes a while on a busy machine.
    page.goto(group_link, timeout=90_000)
    expect(page.locator("main")).to_contain_text("Danke, Ihre E-Mail-Adresse ist bestätigt")
    expect(page.locator("li.group-member")).to_have_count(3)
    expect(page.locator("main")).to_contain_text("Sammelrechnung")
    shot(page, "group-page-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "group-page-1280")

    invoice = Invoice.objects.get(group_registration=group)
    assert [line.participant_name for line in invoice.lines.all()] == [
        "Anna Albers",
        "Bernd Brandt",
        "Cem Demir",
    ]
    invoice_mail = mailbox.last_to(SECRETARIAT)
    assert invoice_mail["Subject"].startswith(f"Sammelrechnung {invoice.number}")
    assert [name for name, _content in mailbox.attachments(invoice_mail)] == [
        f"Rechnung_{invoice.number}.pdf"
    ]

    # Cem sets his dietary needs through his own link.
    own_link = mailbox.personal_link(mailbox.last_to(OWN), site)
    page.goto(own_link, timeout=60_000)
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Anmeldung")
    page.goto(own_link + "aendern/")
    page.get_by_label("Ernährung (optional)").fill("vegetarisch")
    shot(page, "own-link-needs-1280")
    page.get_by_role("button", name=re.compile("speichern", re.IGNORECASE)).click()
    expect(page.locator("main")).to_contain_text("Ihre Änderungen wurden gespeichert.")
    page.goto(group_link)
    cem = page.locator("li.group-member", has_text="Cem Demir")
    expect(cem).to_contain_text("vegetarisch")
    shot(page, "group-page-after-needs-1280")

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + conference.get_absolute_url() + "gruppenanmeldung/")
    shot(page, "group-form-1280")
