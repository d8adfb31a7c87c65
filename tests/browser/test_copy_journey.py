"""The office's year in the browser: copy last year's conference, adjust it, open registration;
and send the new conference's invitation to those who asked for it."""

import datetime as dt
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from programme.models import Conference, Workshop
from registrations.domain import invitations
from registrations.models import InvitationContact, OutgoingMail
from registrations.office.roles import OFFICE
from tests.factories import ConferenceFactory, RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_as_office(page, site):
    StaffFactory(username="office", password="geheim-und-lang", roles=[OFFICE])
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Benutzername").fill("office")
    page.get_by_label("Passwort").fill("geheim-und-lang")
    page.get_by_role("button", name="Anmelden").click()


def run_action(page, value):
    page.locator("select[name=action]").select_option(value)
    page.locator("button[name=index]").click()  # "Run"


def test_office_copies_last_years_conference_adjusts_it_and_opens_registration(page, site, shot):
    call_command("load_demo", stdout=StringIO())
    start = timezone.localdate() + dt.timedelta(days=200)
    log_in_as_office(page, site)

    page.goto(f"{site}/admin/programme/conference/")
    page.get_by_role("row", name=re.compile(r"Jahrestagung 2022.*Leipzig")).get_by_role("checkbox").check()
    run_action(page, "copy_conference_action")
    main = page.locator("main")
    expect(main).to_contain_text("Übernommen werden")
    expect(main).to_contain_text("Nicht übernommen werden")
    shot(page, "copy-confirmation")

    page.get_by_label("Titel der neuen Tagung").fill("Jahrestagung 2027")
    page.get_by_label("Kurzname in der Adresse").fill("jahrestagung-2027-leipzig")
    page.get_by_label("Anderer Beginn (Datum unten eintragen)").check()
    page.get_by_label("Beginn der neuen Tagung").fill(start.isoformat())
    page.get_by_role("button", name="Tagung kopieren").click()
    expect(page.locator(".messagelist")).to_contain_text("„Jahrestagung 2027“ ist als Entwurf angelegt")
    shot(page, "copied-conference")
    new = Conference.objects.get(slug="jahrestagung-2027-leipzig")
    assert timezone.localdate(new.starts_at) == start

    # Adjust a workshop: its room changes; saving clears its "zu prüfen".
    to_review = f"{site}/admin/programme/workshop/?review=open&phase__conference__id__exact={new.pk}"
    page.goto(to_review)
    expect(page.locator("#result_list")).to_contain_text("zu prüfen")
    shot(page, "workshops-to-review")
    page.get_by_role("link", name="Sozialdaten in der Quartiersarbeit").click()
    page.get_by_label("Raum").fill("Raum 2.07")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    workshop = Workshop.objects.get(phase__conference=new, title="Sozialdaten in der Quartiersarbeit")
    assert (workshop.room, workshop.needs_review) == ("Raum 2.07", False)

    # The office has looked at the other workshops: marked as reviewed in one go.
    page.goto(to_review)
    page.locator("#action-toggle").check()
    run_action(page, "mark_reviewed")
    expect(page.locator(".messagelist")).to_contain_text("10 Einträge als geprüft markiert.")
    assert not Workshop.objects.filter(phase__conference=new, needs_review=True).exists()

    # Open registration: published, with places; saving the conference clears its own mark.
    page.goto(f"{site}/admin/programme/conference/{new.pk}/change/")
    page.get_by_label("Thema / Motto").fill("Sozialplanung im Wandel")
    page.get_by_label("Anzahl der Plätze").fill("120")
    page.locator("select[name=status]").select_option("published")
    page.get_by_label("Detailprogramm veröffentlicht").check()
    page.locator("input[name=_continue]").first.click()
    expect(page.locator(".messagelist")).to_contain_text("erfolgreich geändert")
    shot(page, "opened-registration")
    new.refresh_from_db()
    assert (new.status, new.places, new.needs_review) == (Conference.Status.PUBLISHED, 120, False)

    page.goto(f"{site}{new.get_absolute_url()}")
    main = page.locator("main")
    expect(main).to_contain_text("Jahrestagung 2027")
    expect(main).to_contain_text("Sozialplanung im Wandel")
    expect(main).to_contain_text("Noch 120 Plätze frei.")
    shot(page, "public-conference-page")
    page.goto(f"{site}{new.get_absolute_url()}programm/")
    expect(page.locator("main")).to_contain_text("Raum 2.07")
    shot(page, "public-programme")


def test_office_sends_the_new_conference_invitation_to_those_who_asked(page, site, shot, mailbox):
    last_year = ConferenceFactory(title="Jahrestagung 2026", places=10)
    start = timezone.now() + dt.timedelta(days=200)
    next_year = ConferenceFactory(
        title="Jahrestagung 2027",
        city="Erfurt",
        places=100,
        starts_at=start,
        ends_at=start + dt.timedelta(days=2),
    )
    for first, last in [("Ada", "Arndt"), ("Bruno", "Berg")]:
        registration = RegistrationFactory(
            conference=last_year, first_name=first, last_name=last, email=f"{first.lower()}@example.org"
        )
        invitations.give_invitation_consent(registration=registration)
    InvitationContact.objects.create(
        first_name="Kai", last_name="Archiv", email="kai@example.org", consented_at=timezone.now()
    )
    log_in_as_office(page, site)

    page.goto(f"{site}/admin/registrations/invitationcontact/")
    expect(page.locator("#result_list")).to_contain_text(
        "Anmeldung gelöscht (nur Name und E-Mail aufbewahrt)"
    )
    shot(page, "contacts")
    page.locator("#action-toggle").check()
    run_action(page, "send_invitation_action")
    page.get_by_label("Einladung zu").select_option(label=str(next_year))
    shot(page, "choose-conference")
    page.get_by_role("button", name="Weiter zur Vorschau").click()
    main = page.locator("main")
    expect(main).to_contain_text("Die Einladung zu „Jahrestagung 2027“ geht an 3 Personen.")
    expect(main).to_contain_text("Einladung: Jahrestagung 2027 in Erfurt")
    shot(page, "preview")
    assert not OutgoingMail.objects.exists()

    page.get_by_role("button", name="Einladung an 3 Personen senden").click()
    expect(page.locator(".messagelist")).to_contain_text("an 3 Personen liegt im Postausgang")
    message = mailbox.last_to("kai@example.org")
    assert message["Subject"] == "Einladung: Jahrestagung 2027 in Erfurt"
    link = re.search(re.escape(site) + r"/einladungen/abbestellen/[\w-]+/", mailbox.text(message)).group(0)

    page.goto(link)
    page.get_by_role("button", name="Keine Einladungen mehr erhalten").click()
    expect(page.locator("main")).to_contain_text("Sie erhalten keine Einladungen zu künftigen Tagungen mehr.")
    shot(page, "withdrawn")
    assert not InvitationContact.objects.filter(email="kai@example.org").exists()
