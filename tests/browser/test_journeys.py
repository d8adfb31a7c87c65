"""End-to-end journeys in a real browser: a participant, the waiting list, the office.

Data the browser adds nothing to (the demo conference, people who registered
earlier) is set up through the services; everything a person does is done in
Chromium. Screenshots of the key screens land in test-artifacts/<test name>/.
"""

import re

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from programme.demo import DEMO_SLUG, load_demo
from programme.models import Conference, WorkshopPhase
from registrations.domain import confirmations, lifecycle
from registrations.domain.groups import assign_discussion_groups
from registrations.domain.lifecycle import register_binding
from registrations.models import GroupMembership, Invoice, OutgoingMail, Registration
from registrations.queries import balances
from tests.browser.helpers import fill_pre_registration_with_keyboard, pdf_to_png
from tests.factories import ConferenceFactory, StaffFactory, employer_billing, pre_registration_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


ANNA = {
    "salutation": "Frau",
    "academic_title": "Dr.",
    "first_name": "Anna-Lena",
    "last_name": "Müller-Lüdenscheidt",
    "email": "anna.mueller@landkreis-beispiel.de",
    "organisation": "Landkreis Beispiel",
    "position": "Sozialplanerin",
    "is_member": True,
    "member_number": "1234",
}


def test_participant_pre_registers_and_uses_the_personal_link(page, site, mailbox, shot, tmp_path):
    load_demo()

    page.goto(site + "/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Tagungen des VSOP e.V.")
    shot(page, "home")

    page.get_by_role("link", name="Zur Tagung").first.click()
    expect(page).to_have_url(re.compile(f"/tagungen/{DEMO_SLUG}/$"))
    shot(page, "conference")

    page.get_by_role("link", name="Zum Programm").click()
    expect(page).to_have_url(re.compile(f"/tagungen/{DEMO_SLUG}/programm/$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shot(page, "programme")

    page.goto(f"{site}/tagungen/{DEMO_SLUG}/voranmeldung/")
    fill_pre_registration_with_keyboard(page, ANNA)
    expect(page).to_have_url(re.compile(f"/tagungen/{DEMO_SLUG}/voranmeldung/danke/$"))
    # The same answer for every address (no enumeration); the place shows behind the mailed link.
    expect(page.locator("main")).to_contain_text("Wir haben Ihnen eine E-Mail geschickt")
    shot(page, "pre-registration-done")

    registration = Registration.objects.get(email=ANNA["email"])
    assert (registration.first_name, registration.last_name, registration.salutation) == (
        "Anna-Lena",
        "Müller-Lüdenscheidt",
        Registration.Salutation.FRAU,
    )
    assert (registration.is_member, registration.member_number) == (True, "1234")
    assert registration.status == Registration.Status.HOLDS_PLACE

    message = mailbox.last_to(ANNA["email"])
    assert len(mailbox.messages) == 1
    assert "Voranmeldung" in message["Subject"]
    link = mailbox.personal_link(message, site)
    assert link == site + registration.get_absolute_url()

    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Anmeldung")
    expect(page.locator("main")).to_contain_text("Müller-Lüdenscheidt")
    expect(page.locator("main")).to_contain_text("ein Platz ist für Sie reserviert")
    shot(page, "personal-page")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile("Bestätigung für die Dienstreisegenehmigung")).click()
    download = download_info.value
    assert download.suggested_filename == f"Voranmeldung_{DEMO_SLUG}.pdf"
    pdf_path = tmp_path / download.suggested_filename
    download.save_as(pdf_path)
    text = "".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    assert "Müller-Lüdenscheidt" in text
    assert pdf_to_png(pdf_path, shot.folder / "pdf-confirmation")

    # The office sends the programme; its mail leads to the binding form.
    conference = registration.conference
    assert confirmations.send_programme_mailing(conference=conference) == 1
    programme_mail = mailbox.last_to(ANNA["email"])
    assert mailbox.personal_link(programme_mail, site) == link
    page.goto(link)
    page.get_by_role("link", name="Zum Anmeldeformular").click()
    expect(page).to_have_url(re.compile(r"/anmeldung/[\w-]+/verbindlich/$"))
    expect(page.get_by_label("Nachname")).to_have_value("Müller-Lüdenscheidt")
    expect(page.get_by_label("Ich bin Mitglied im VSOP e.V.")).to_be_checked()
    shot(page, "binding-form")

    page.get_by_label("Arbeitgeber / Dienststelle").check()
    page.get_by_label("Rechnungsempfänger (Dienststelle, Organisation)").fill("Landkreis Beispiel")
    page.get_by_label("Abteilung / Amt").fill("Sozialamt")
    page.get_by_label("Straße und Hausnummer").fill("Kreishausstraße 1")
    page.get_by_label("PLZ").fill("50667")
    page.get_by_label("Ort", exact=True).fill("Köln")
    page.get_by_role("radio", name=re.compile("^Digitale Werkzeuge für die Sozialplanung")).check()
    page.get_by_role("radio", name=re.compile("^Sozialdaten in der Quartiersarbeit")).check()
    page.get_by_label(re.compile("Mitgliederabend des VSOP")).check()
    page.get_by_label(re.compile("Ich melde mich verbindlich an")).check()
    page.get_by_role("button", name="Verbindlich anmelden").click()

    expect(page).to_have_url(link)
    expect(page.locator("main")).to_contain_text("Sie sind verbindlich angemeldet")
    shot(page, "binding-done")

    registration.refresh_from_db()
    assert registration.stage == Registration.Stage.BINDING
    assert registration.fee == conference.member_fee
    invoice = Invoice.objects.get(registration=registration)
    assert invoice.amount == conference.member_fee

    confirmation = mailbox.last_to(ANNA["email"])
    assert (
        confirmation["Subject"] == OutgoingMail.objects.filter(registration=registration).latest("pk").subject
    )
    attachments = dict(mailbox.attachments(confirmation))
    invoice_name = f"Rechnung_{invoice.number}.pdf"
    assert invoice_name in attachments, list(attachments)
    assert attachments[invoice_name].startswith(b"%PDF")

    with page.expect_download() as download_info:
        page.get_by_role("link", name=f"Rechnung {invoice.number} (PDF)").click()
    invoice_path = tmp_path / "invoice.pdf"
    download_info.value.save_as(invoice_path)
    invoice_text = "".join(p.extract_text() for p in PdfReader(invoice_path).pages)
    assert invoice.number in invoice_text
    assert "250,00" in invoice_text
    assert pdf_to_png(invoice_path, shot.folder / "pdf-invoice")

    # Before the conference the office draws the discussion groups.
    for phase in conference.workshop_phases.filter(mode=WorkshopPhase.Mode.GROUPS, reuses_groups_of=None):
        assign_discussion_groups(phase=phase, group_count=1, seed=7)
    page.reload()
    groups = page.locator("section", has=page.get_by_role("heading", name="Meine Diskussionsgruppen"))
    expect(groups).to_contain_text("Gruppe 1")
    main = page.locator("main")
    expect(main).to_contain_text("Digitale Werkzeuge für die Sozialplanung")
    expect(main).to_contain_text("Sozialdaten in der Quartiersarbeit")
    shot(page, "personal-page-groups-and-workshops")


def test_waiting_list_moves_up_when_someone_cancels(page, site, mailbox, shot):
    conference = ConferenceFactory(places=2, title="Jahrestagung Warteliste", slug="warteliste")
    first, _ = lifecycle.pre_register(
        conference=conference,
        data={
            "first_name": "Erika",
            "last_name": "Erste",
            "email": "erika@example.org",
            "organisation": "Stadt A",
        },
    )
    lifecycle.pre_register(
        conference=conference,
        data={
            "first_name": "Zora",
            "last_name": "Zweite",
            "email": "zora@example.org",
            "organisation": "Stadt B",
        },
    )
    mailbox.messages.clear()

    page.goto(f"{site}/tagungen/warteliste/")
    expect(page.locator("main")).to_contain_text("Alle Plätze sind vergeben")
    shot(page, "conference-full")

    page.goto(f"{site}/tagungen/warteliste/voranmeldung/")
    page.get_by_label("Vorname").fill("Wanda")
    page.get_by_label("Nachname").fill("Wartend")
    page.get_by_label("E-Mail").fill("wanda@example.org")
    page.get_by_label("Organisation").fill("Landkreis C")
    page.get_by_label(re.compile("Datenschutzhinweis gelesen")).check()
    page.get_by_role("button", name="Unverbindlich voranmelden").click()
    # The same answer for every address; the waiting-list position shows behind the link (below).
    expect(page.locator("main")).to_contain_text("Wir haben Ihnen eine E-Mail geschickt")
    shot(page, "waiting-list-done")

    wanda = Registration.objects.get(email="wanda@example.org")
    assert wanda.status == Registration.Status.WAITING
    wanda_link = mailbox.personal_link(mailbox.last_to("wanda@example.org"), site)

    page.goto(wanda_link)
    expect(page.locator("main")).to_contain_text("Warteliste auf Platz 1")
    shot(page, "waiting-personal-page")

    # Erika cancels through her personal link.
    page.goto(site + first.get_absolute_url())
    page.get_by_role("link", name="Anmeldung stornieren").click()
    shot(page, "cancel-form")
    page.get_by_label("Ja, ich möchte meine Anmeldung stornieren.").check()
    page.get_by_role("button", name=re.compile("stornieren", re.IGNORECASE)).click()
    expect(page.locator("main")).to_contain_text("storniert")
    shot(page, "cancelled")

    first.refresh_from_db()
    wanda.refresh_from_db()
    assert first.status == Registration.Status.CANCELLED
    assert wanda.status == Registration.Status.HOLDS_PLACE
    assert [m["Subject"] for m in mailbox.to("erika@example.org")] == [
        OutgoingMail.objects.get(registration=first, kind="cancelled").subject
    ]
    moved_up = mailbox.last_to("wanda@example.org")
    assert moved_up["Subject"] == OutgoingMail.objects.get(registration=wanda, kind="moved_up").subject
    assert mailbox.personal_link(moved_up, site) == wanda_link

    page.goto(wanda_link)
    expect(page.locator("main")).to_contain_text("ein Platz ist für Sie reserviert")
    shot(page, "moved-up-personal-page")


def binding_data(n, **extra):
    """Billed to the employer, three organisations in turn: the office's lists and groups read them."""
    return pre_registration_data(
        n,
        **{
            "salutation": Registration.Salutation.NONE,
            "last_name": f"Nachname{n}",
            "organisation": f"Stadt {n % 3}",
            "is_member": False,
            **employer_billing(billing_organisation=f"Stadt {n % 3}", **extra),
        },
    )


def run_admin_action(page, names, action):
    """Tick the rows of the given people in an admin change list and run an action on them."""
    for name in names:
        page.get_by_role("row", name=re.compile(name)).get_by_role("checkbox").check()
    page.locator("select[name=action]").select_option(label=action)
    page.locator("button[name=index]").click()  # "Run"; Django 6.1 has no German for it yet


def test_office_verifies_membership_marks_paid_assigns_groups_and_exports(
    page, site, mailbox, shot, tmp_path
):
    load_demo()
    conference = Conference.objects.get(slug=DEMO_SLUG)
    member, _ = register_binding(
        conference=conference, data=binding_data(1, is_member=True, member_number="4711")
    )
    others = [register_binding(conference=conference, data=binding_data(n))[0] for n in (2, 3, 4)]
    # Each person opened the mailed link: the addresses are confirmed, the invoices issued.
    member = lifecycle.confirm_address(registration=member)
    others = [lifecycle.confirm_address(registration=other) for other in others]
    assert member.membership_check == Registration.MembershipCheck.UNVERIFIED
    StaffFactory(
        username="buero", email="buero@example.org", password="ein-langes-passwort-2025", is_superuser=True
    )

    page.goto(site + "/admin/")
    page.get_by_label("Benutzername").fill("buero")
    page.get_by_label("Passwort").fill("ein-langes-passwort-2025")
    page.get_by_role("button", name="Anmelden").click()
    dashboard = page.locator("#office-dashboard")
    expect(dashboard).to_contain_text(conference.title)
    expect(dashboard.get_by_role("row", name="verbindliche Anmeldungen")).to_contain_text("4")
    shot(page, "dashboard")

    # Verify the membership of the person who claims it.
    page.locator("#registrations-registration").get_by_role("link", name="Anmeldungen").click()
    page.get_by_role("link", name="noch nicht geprüft").click()
    shot(page, "membership-to-check")
    run_admin_action(page, ["Nachname1"], "Mitgliedschaft bestätigen (Gebühr für Mitglieder)")
    # Every mass action asks first: the page names the one person ticked.
    expect(page.locator(".confirm-count")).to_have_text("Betrifft 1 Anmeldung.")
    shot(page, "membership-confirm-page")
    page.get_by_role("button", name="Ja, Mitgliedschaft bestätigen").click()
    expect(page.locator(".messagelist")).to_contain_text("Mitgliedschaft von 1 Person bestätigt")
    shot(page, "membership-confirmed")
    member.refresh_from_db()
    assert member.membership_check == Registration.MembershipCheck.VERIFIED
    assert member.fee == conference.member_fee

    # Mark the payments of all four as received.
    page.goto(site + f"/admin/registrations/registration/?conference__id__exact={conference.pk}")
    run_admin_action(
        page,
        ["Nachname1", "Nachname2", "Nachname3", "Nachname4"],
        "Zahlung als eingegangen markieren (offener Betrag)",
    )
    expect(page.get_by_label("Zahlungseingang am")).not_to_have_value("")
    shot(page, "mark-paid-form")
    page.get_by_role("button", name="Zahlungen erfassen").click()
    expect(page.locator(".messagelist")).to_contain_text("Zahlungen für 4 Anmeldungen erfasst.")
    shot(page, "marked-paid")
    for registration in (member, *others):
        assert balances.balance(registration).open_amount == 0

    # Assign the discussion groups of the first group phase: preview, then assign.
    phase = conference.workshop_phases.filter(mode=WorkshopPhase.Mode.GROUPS, reuses_groups_of=None).first()
    page.goto(site + f"/admin/programme/workshopphase/{phase.pk}/change/")
    page.get_by_role("link", name="Gruppen zuteilen").click()
    page.get_by_label("Anzahl bzw. Gruppengröße").fill("2")
    page.get_by_role("button", name="Vorschau aktualisieren").click()
    shot(page, "groups-preview")
    page.get_by_role("button", name="Gruppen zuteilen").click()
    expect(page.locator(".messagelist")).to_contain_text("2 Gruppen zugeteilt")
    shot(page, "group-lists")
    assert GroupMembership.objects.filter(phase=phase).count() == 4

    # A phone call: person 4 cannot come, a colleague takes over the place (Ersatzperson).
    page.goto(site + f"/admin/registrations/registration/{others[-1].pk}/change/")
    page.get_by_role("link", name="Ersatzperson eintragen").click()
    page.get_by_label("Vorname").fill("Bernd")
    page.get_by_label("Nachname").fill("Ersatz")
    page.get_by_label("E-Mail:").fill("bernd.ersatz@example.org")
    page.get_by_label("Organisation").fill("Stadt 1")
    page.get_by_label(re.compile("gibt ihren Platz an diese Person ab")).check()
    shot(page, "substitute-form")
    page.get_by_role("button", name="Platz an die Ersatzperson übergeben").click()
    expect(page.locator(".messagelist")).to_contain_text("ist an Bernd Ersatz übergeben")
    shot(page, "substituted")
    # The substitute has a new registration of their own (trust round 2); the previous one ended.
    substitute = Registration.objects.get(substitute_for=others[-1])
    assert (substitute.last_name, substitute.status) == ("Ersatz", Registration.Status.HOLDS_PLACE)
    assert balances.balance(substitute).open_amount == 0  # same fee, the payment moved with the place

    # Export the participant list as PDF and open it.
    page.goto(site + f"/admin/programme/conference/{conference.pk}/change/")
    page.locator("#content").get_by_role("link", name=re.compile("Listen und Exporte", re.IGNORECASE)).click()
    page.get_by_label("Teilnehmerliste (Geschäftsstelle)").check()
    page.get_by_label("PDF").check()
    shot(page, "export-page")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Exportieren").click()
    pdf_path = tmp_path / "teilnehmer.pdf"
    download_info.value.save_as(pdf_path)
    text = "".join(p.extract_text() for p in PdfReader(pdf_path).pages)
    for name in ("Nachname1", "Nachname2", "Nachname3", "Ersatz, Bernd"):
        assert name in text
    assert "Nachname4" not in text
    assert pdf_to_png(pdf_path, shot.folder / "pdf-participants")
