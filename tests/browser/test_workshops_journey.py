"""Workshops in the browser: choosing, the waiting list of a full workshop, moving up by mail,
and the office's fill page; with axe-core on the new pages."""

import pytest
from playwright.sync_api import expect

from registrations.domain import workshops
from registrations.models import WorkshopBooking
from tests.browser.helpers import serious_axe_violations
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    StaffFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_participant_waits_for_a_full_workshop_and_moves_up_by_mail(page, site, mailbox, shot):
    conference = ConferenceFactory(title="Jahrestagung Workshops")
    phase = WorkshopPhaseFactory(conference=conference, number=2, title="Beispiele aus der Praxis")
    monitoring = WorkshopFactory(phase=phase, title="Kleinräumiges Monitoring", seat_limit=1, order=1)
    WorkshopModeratorFactory(workshop=monitoring, person__first_name="Paula", person__last_name="Platz")
    WorkshopFactory(phase=phase, title="Wohnen und Segregation", seat_limit=10, order=2)
    holder = RegistrationFactory(conference=conference, first_name="Hanna", last_name="Halter")
    workshops.choose_workshops(registration=holder, choices={phase.pk: monitoring.pk})
    wanda = RegistrationFactory(
        conference=conference, first_name="Wanda", last_name="Wartend", email="wanda@example.org"
    )

    page.goto(site + wanda.get_absolute_url())
    expect(page.locator("main")).to_contain_text("noch kein Workshop gewählt")
    page.get_by_role("link", name="Workshops wählen oder ändern").click()
    full_option = page.get_by_label("Kleinräumiges Monitoring", exact=False).first
    expect(full_option).to_be_disabled()
    shot(page, "choice-form")
    assert serious_axe_violations(page) == []

    page.get_by_label("Wohnen und Segregation", exact=False).check()
    page.get_by_label("Warteliste für einen ausgebuchten Workshop (optional)").select_option(
        label="Kleinräumiges Monitoring"
    )
    page.get_by_role("button", name="Wahl speichern").click()
    main = page.locator("main")
    expect(main).to_contain_text("Ihre Workshop-Wahl wurde gespeichert.")
    expect(main).to_contain_text("„Kleinräumiges Monitoring“, Platz 1 auf der Warteliste")
    expect(main).to_contain_text("Wohnen und Segregation")
    shot(page, "waiting-with-second-choice")

    # Hanna switches to the other workshop: her seat goes to Wanda, who is told by mail.
    mailbox.messages.clear()
    page.goto(site + holder.get_absolute_url() + "workshops/")
    page.get_by_label("Wohnen und Segregation", exact=False).check()
    page.get_by_role("button", name="Wahl speichern").click()
    expect(page.locator("main")).to_contain_text("Ihre Workshop-Wahl wurde gespeichert.")

    message = mailbox.last_to("wanda@example.org")
    assert message["Subject"] == "Workshop-Platz frei geworden: Kleinräumiges Monitoring"
    link = mailbox.personal_link(message, site)
    page.goto(link)
    expect(page.locator("main")).not_to_contain_text("auf der Warteliste")
    expect(page.locator("main")).to_contain_text("Kleinräumiges Monitoring")
    shot(page, "moved-up")
    assert list(
        WorkshopBooking.objects.filter(registration=wanda).values_list("workshop__title", "status")
    ) == [("Kleinräumiges Monitoring", "seated")]


def test_office_moves_someone_on_the_fill_page(page, site, shot):
    conference = ConferenceFactory(title="Jahrestagung Belegung")
    phase = WorkshopPhaseFactory(conference=conference, number=2, title="Praxis")
    first = WorkshopFactory(phase=phase, title="Erster Workshop", seat_limit=1, order=1)
    WorkshopFactory(phase=phase, title="Zweiter Workshop", seat_limit=5, order=2)
    holder = RegistrationFactory(conference=conference, first_name="Hanna", last_name="Halter")
    workshops.choose_workshops(registration=holder, choices={phase.pk: first.pk})
    waiting = RegistrationFactory(conference=conference, first_name="Wanda", last_name="Wartend")
    workshops.choose_workshops(registration=waiting, choices={phase.pk: first.pk}, join_waiting_list=True)
    StaffFactory(username="office", email="office@example.org", password="geheim-und-lang", is_superuser=True)

    page.goto(f"{site}/admin/login/")
    page.get_by_label("Benutzername").fill("office")
    page.get_by_label("Passwort").fill("geheim-und-lang")
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"{site}/admin/registrations/workshopbooking/")
    page.get_by_role("link", name="Workshop-Belegung je Tagung").click()
    page.get_by_role("link", name=conference.title, exact=False).click()
    shot(page, "fill-page")
    assert serious_axe_violations(page) == []

    page.get_by_label("Hanna Halter verschieben nach").select_option(label="Zweiter Workshop")
    page.get_by_role("row", name="Halter, Hanna").get_by_role("button", name="verschieben").click()
    expect(page.locator(".messagelist")).to_contain_text("Hanna Halter sitzt jetzt in „Zweiter Workshop“.")
    shot(page, "after-move")
    assert WorkshopBooking.objects.get(registration=waiting).status == WorkshopBooking.Status.SEATED
