"""The office's admin pages in a real browser at 1,280 px (issue 17): the registration list fits
beside its filters (nothing cut off after "Tagung"), the person's page shows workshops, groups,
invoices, payments and mails, the history reads in German. Screenshots in test-artifacts/."""

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from registrations.domain import lifecycle, outbox
from registrations.domain.demo import ORGANISATIONS
from registrations.models import OutgoingMail
from registrations.office.roles import OFFICE
from tests.factories import BindingRegistrationFactory, ConferenceFactory, StaffFactory, binding_data
from tests.registrations.test_person_page import person_with

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "ein-langes-passwort-2026"


def overflow(page, selector):
    """How far the element is wider than its box or reaches past the window, in pixels (0: it fits)."""
    return page.evaluate(
        """(s) => {
            const element = document.querySelector(s);
            const box = element.parentElement;
            return Math.max(
                0,
                element.scrollWidth - box.clientWidth,
                Math.ceil(element.getBoundingClientRect().right - document.documentElement.clientWidth),
                document.documentElement.scrollWidth - document.documentElement.clientWidth,
            );
        }""",
        selector,
    )


def test_the_office_list_person_page_and_history_at_1280_px(page, site, shot):
    conference = ConferenceFactory(title="Demo-Jahrestagung 2027 der Sozialplanung", places=40)
    for n, (organisation, _city, _size) in enumerate(ORGANISATIONS[:25]):
        BindingRegistrationFactory(
            conference=conference,
            organisation=organisation,
            first_name="Hans-Jürgen" if n % 2 else "Anna-Lena",
            last_name=f"Niederschulte-Übelhör {n}",
            email=f"hans-juergen.niederschulte-uebelhoer.{n}@landkreis-beispiel.example",
        )
    person = person_with(conference, n=2)
    lifecycle.register_binding(conference=conference, data=binding_data(5))
    StaffFactory(username="buero", password=PASSWORD, roles=[OFFICE])
    assert page.viewport_size["width"] == 1280

    page.goto(site + "/admin/")
    page.get_by_label("Benutzername").fill("buero")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()

    changelist = reverse("admin:registrations_registration_changelist")
    page.goto(f"{site}{changelist}?conference__id__exact={conference.pk}")
    expect(page.locator("#result_list")).to_be_visible()
    shot(page, "registration-list")
    assert overflow(page, "#result_list") == 0
    assert overflow(page, "#changelist-filter") == 0
    headers = page.locator("#result_list thead th").all_inner_texts()
    assert " ".join(headers[-3:]).upper().split() == [
        "ZAHLUNG",
        "OFFENER",
        "BETRAG",
        "ANGELEGT",
        "AM",
    ]  # the last columns are on the screen, not cut off after "Tagung"
    last = page.locator("#result_list thead th").last.bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert last["x"] + last["width"] <= filters["x"]  # not hidden under the filters
    expect(page.get_by_text("ohne Workshop", exact=False).first).to_be_visible()

    page.goto(f"{site}{reverse('admin:registrations_registration_change', args=[person.pk])}")
    for heading in ("Workshops", "Diskussionsgruppen", "Rechnungen", "Zahlungen", "E-Mails"):
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Workshop-Belegung").first).to_be_visible()
    expect(page.get_by_role("link", name="Gruppe wechseln").first).to_be_visible()
    shot(page, "person-page")
    assert overflow(page, "#content-main") == 0

    page.goto(f"{site}{reverse('admin:registrations_registration_history', args=[person.pk])}")
    expect(page.get_by_role("heading", name=f"Verlauf: {person}")).to_be_visible()
    expect(page.locator("#change-history")).to_contain_text("Zahlung")
    expect(page.locator("#change-history")).not_to_contain_text("None")
    shot(page, "history")


def test_the_outbox_list_fits_1280_px_beside_its_filters(page, site, shot):
    """Long addresses and subjects (a Rundschreiben, a workshop title) stay inside the list."""
    conference = ConferenceFactory(title="Demo-Jahrestagung 2027 der Sozialplanung", places=40)
    for n in range(6):
        registration = BindingRegistrationFactory(
            conference=conference,
            last_name=f"Niederschulte-Übelhör {n}",
            email=f"hans-juergen.niederschulte-uebelhoer.{n}@landkreis-beispiel-mit-langem-namen.example",
        )
        outbox.queue_mail(registration=registration, template="link_resent")
    OutgoingMail.objects.filter(pk=OutgoingMail.objects.order_by("pk").first().pk).update(
        subject="Workshop „Sozialraumorientierte Planung in ländlichen Räumen: Daten, Beteiligung "
        "und Steuerung im Landkreis“: Sie sind nachgerückt",
        status=OutgoingMail.Status.FAILED,
        attempts=3,
        next_attempt_at=timezone.now(),
    )
    StaffFactory(username="buero", password=PASSWORD, roles=[OFFICE])

    page.goto(site + "/admin/")
    page.get_by_label("Benutzername").fill("buero")
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.goto(site + reverse("admin:registrations_outgoingmail_changelist"))
    expect(page.locator("#result_list")).to_be_visible()
    shot(page, "outbox-list")
    assert overflow(page, "#result_list") == 0
    last = page.locator("#result_list thead th").last.bounding_box()
    filters = page.locator("#changelist-filter").bounding_box()
    assert last["x"] + last["width"] <= filters["x"]
    expect(page.locator("#result_list")).to_contain_text("nächster Versuch")
