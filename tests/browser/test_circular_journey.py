"""Issue 17's journey "write a mail to one workshop's participants → preview → confirm → outbox".

The office filters the workshop bookings to one workshop, ticks them all, writes a Rundschreiben
with placeholders, looks at the preview, confirms on the page that counts and names the people,
and finds exactly those participants' mails in the outbox and on the Rundschreiben's page. One
participant reads English: her salutation and footer are English, the office's text is not.
"""

import pytest
from playwright.sync_api import expect

from registrations.models import Circular, OutgoingMail
from registrations.office.roles import OFFICE
from tests.browser.helpers import serious_axe_violations
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    StaffFactory,
    WorkshopBookingFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ein-langes-passwort-2025"


def _log_in(page, site, username):
    page.goto(site + "/admin/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()


def test_office_writes_to_one_workshops_participants_and_finds_their_mails_in_the_outbox(
    page, site, mailbox, shot
):
    conference = ConferenceFactory(title="Jahrestagung 2026")
    phase = WorkshopPhaseFactory(conference=conference, number=2, title="Praxis")
    chosen = WorkshopFactory(phase=phase, title="AP 2.3 Kleinräumiges Monitoring", order=1)
    other = WorkshopFactory(phase=phase, title="AP 2.4 Wohnen", order=2)
    people = [
        RegistrationFactory(
            conference=conference,
            salutation="frau",
            first_name="Erika",
            last_name="Muster",
            email="erika@example.org",
        ),
        RegistrationFactory(
            conference=conference,
            salutation="herr",
            first_name="Max",
            last_name="Beispiel",
            email="max@example.org",
        ),
        RegistrationFactory(
            conference=conference,
            salutation="frau",
            first_name="Jane",
            last_name="Smith",
            email="jane@example.org",
            language="en",
        ),
    ]
    for person in people:
        WorkshopBookingFactory(workshop=chosen, registration=person)
    outsider = RegistrationFactory(
        conference=conference, first_name="Otto", last_name="Anders", email="otto@example.org"
    )
    WorkshopBookingFactory(workshop=other, registration=outsider)
    StaffFactory(username="buero", email="buero@example.org", password=PASSWORD, roles=[OFFICE])

    _log_in(page, site, "buero")
    page.goto(site + "/admin/registrations/workshopbooking/")
    page.locator("#changelist-filter").get_by_role("link", name=chosen.title).click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option(label="E-Mail schreiben (Rundschreiben)")
    shot(page, "bookings-filtered")
    page.locator("button[name=index]").click()

    expect(page.locator("h1")).to_have_text("E-Mail schreiben")
    expect(page.locator(".circular-recipients")).to_contain_text("An 3 Personen (Jahrestagung 2026).")
    page.get_by_label("Betreff").fill("Raumänderung {{ tagung }}")
    page.get_by_label("Text").fill("{{ anrede }}\n\nder Workshop zieht in Raum 4.\n\n{{ personlicher_link }}")
    page.get_by_role("button", name="Vorschau ansehen").click()
    # A mistyped placeholder is an error next to the field; the text stays as typed.
    expect(page.locator(".errorlist")).to_contain_text("Unbekannter Platzhalter {{ personlicher_link }}")
    expect(page.get_by_label("Text")).to_have_value(
        "{{ anrede }}\n\nder Workshop zieht in Raum 4.\n\n{{ personlicher_link }}"
    )
    shot(page, "write-with-error")
    assert serious_axe_violations(page) == []
    page.get_by_label("Text").fill(
        "{{ anrede }}\n\nder Workshop zieht in Raum 4.\n\nIhre Anmeldung: {{ persoenlicher_link }}\n\n"
        "Mit freundlichen Grüßen\nIhre Geschäftsstelle"
    )
    page.get_by_role("button", name="Vorschau ansehen").click()

    preview = page.locator(".circular-preview")
    expect(preview).to_contain_text("an Max Beispiel")  # sorted by name: Beispiel comes first
    expect(preview.locator(".circular-preview-subject")).to_have_text("Raumänderung Jahrestagung 2026")
    expect(preview.locator(".circular-preview-text")).to_contain_text("Sehr geehrter Herr Beispiel,")
    expect(preview.locator(".circular-preview-text")).to_contain_text("/anmeldung/[…]/")
    assert people[1].token not in page.content()
    shot(page, "preview")
    page.get_by_role("button", name="Weiter zur Bestätigung").click()

    expect(page.locator(".confirm-count")).to_contain_text("3 E-Mails gehen in den Postausgang")
    page.locator(".confirm-names summary").click()
    expect(page.locator(".confirm-names li")).to_have_count(3)
    expect(page.locator(".confirm-names")).not_to_contain_text("Otto Anders")
    shot(page, "confirm")
    assert serious_axe_violations(page) == []
    button = page.get_by_role("button", name="Ja, 3 E-Mails in den Postausgang stellen")
    button.dblclick()  # an impatient double click sends once

    expect(page.locator("#content")).to_contain_text("Raumänderung {{ tagung }}")
    # The page posts once (static/js/submit_once.js); the server would refuse a second post anyway.
    expect(page.locator(".messagelist")).to_contain_text(
        "3 E-Mails in die Warteschlange gestellt; sie werden versendet."
    )
    expect(page.locator(".messagelist")).not_to_contain_text("gesendet.")
    rows = page.locator(".circular-recipient-table tbody tr")
    expect(rows).to_have_count(3)
    for person in people:
        expect(page.locator(".circular-recipient-table")).to_contain_text(person.full_name)
    expect(page.locator(".circular-recipient-table")).not_to_contain_text("Otto Anders")
    shot(page, "rundschreiben-page")

    page.get_by_role("link", name="Die E-Mails dieses Rundschreibens im Postausgang").click()
    expect(page.locator("#result_list tbody tr")).to_have_count(3)
    shot(page, "outbox")
    circular = Circular.objects.get()
    assert sorted(
        OutgoingMail.objects.filter(circular_recipient__circular=circular).values_list("to", flat=True)
    ) == sorted(person.email for person in people)
    assert OutgoingMail.objects.filter(kind="circular").count() == 3
    assert mailbox.to("otto@example.org") == []

    # Every person got their own link; Jane's salutation and footer are English, the text as typed.
    for person in people:
        message = mailbox.last_to(person.email)
        assert mailbox.personal_link(message, site) == site + person.get_absolute_url()
    jane = mailbox.text(mailbox.last_to("jane@example.org")).replace("\r\n", "\n")  # SMTP's line ends
    assert not OutgoingMail.objects.filter(kind="circular", body_text__contains="\r").exists()
    assert jane.startswith("Dear Ms Smith,\n\nder Workshop zieht in Raum 4.")
    assert "· Office" in jane
