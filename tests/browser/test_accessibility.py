"""Accessibility: every public page and form passes axe-core without a serious or
critical violation, and the pre-registration form works with the keyboard alone."""

import re

import pytest
from playwright.sync_api import expect

from programme.demo import DEMO_SLUG, LEIPZIG_SLUG, load_demo
from programme.models import Conference
from registrations.domain import lifecycle
from registrations.domain.lifecycle import register_binding
from registrations.models import Registration
from registrations.queries.workshops import workshop_choices
from tests.browser.helpers import fill_pre_registration_with_keyboard, focused_name, serious_axe_violations
from tests.factories import ConferenceFactory, binding_data, pre_registration_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check_pages(page, shot, pages):
    """Visit each (name, url) pair, screenshot it and collect axe's blocking findings."""
    problems = []
    for name, url in pages:
        page.goto(url)
        shot(page, name)
        problems += serious_axe_violations(page)
    return problems


def test_public_pages_have_no_serious_axe_violations(page, site, shot):
    load_demo()
    full = ConferenceFactory(places=1, slug="ausgebucht", title="Ausgebuchte Tagung")
    lifecycle.pre_register(conference=full, data=pre_registration_data(1))
    pages = [
        ("home", f"{site}/"),
        ("conference", f"{site}/tagungen/{DEMO_SLUG}/"),
        ("programme", f"{site}/tagungen/{DEMO_SLUG}/programm/"),
        ("past-conference", f"{site}/tagungen/{LEIPZIG_SLUG}/"),
        ("past-programme", f"{site}/tagungen/{LEIPZIG_SLUG}/programm/"),
        ("pre-registration", f"{site}/tagungen/{DEMO_SLUG}/voranmeldung/"),
        ("binding-registration", f"{site}/tagungen/{DEMO_SLUG}/anmeldung/"),
        ("full-conference", f"{site}/tagungen/ausgebucht/"),
        ("privacy", f"{site}/seiten/datenschutz/"),
        ("imprint", f"{site}/seiten/impressum/"),
        ("not-found", f"{site}/gibt-es-nicht/"),
    ]
    assert check_pages(page, shot, pages) == []


def test_forms_with_errors_have_no_serious_axe_violations(page, site, shot):
    load_demo()
    page.goto(f"{site}/tagungen/{DEMO_SLUG}/voranmeldung/")
    page.get_by_label("E-Mail").fill("keine-adresse")
    page.get_by_role("button", name="Unverbindlich voranmelden").click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    expect(page.locator("main")).to_contain_text("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
    shot(page, "pre-registration-errors")
    problems = serious_axe_violations(page)

    registration, _ = lifecycle.pre_register(
        conference=ConferenceFactory(slug="formulare"), data=pre_registration_data(2)
    )
    page.goto(site + registration.get_absolute_url() + "daten/")
    page.get_by_label("Vorname").fill("")
    page.get_by_role("button", name=re.compile("Speichern", re.IGNORECASE)).click()
    expect(page.locator(".invalid-feedback").first).to_be_visible()
    shot(page, "edit-errors")
    problems += serious_axe_violations(page)

    page.goto(f"{site}/tagungen/{DEMO_SLUG}/anmeldung/")
    page.get_by_label("PLZ").fill("5")
    page.get_by_role("button", name="Verbindlich anmelden").click()
    expect(page.locator("main")).to_contain_text("Bitte akzeptieren Sie die Zahlungsvereinbarung")
    shot(page, "binding-errors")
    problems += serious_axe_violations(page)

    page.goto(site + registration.get_absolute_url() + "stornieren/")
    page.get_by_role("button", name="Verbindlich stornieren").click()
    expect(page.locator("main")).to_contain_text("Bitte bestätigen Sie die Stornierung.")
    shot(page, "cancel-errors")
    problems += serious_axe_violations(page)
    assert problems == []


def test_personal_pages_have_no_serious_axe_violations(page, site, shot):
    conference = ConferenceFactory(places=1, slug="persoenlich")
    holder, _ = lifecycle.pre_register(
        conference=conference, data=pre_registration_data(1, is_member=True, member_number="7")
    )
    waiting, _ = lifecycle.pre_register(conference=conference, data=pre_registration_data(2))
    cancelled, _ = lifecycle.pre_register(
        conference=ConferenceFactory(slug="storniert"), data=pre_registration_data(3)
    )
    lifecycle.cancel(registration=cancelled)
    assert waiting.status == Registration.Status.WAITING
    load_demo()
    demo = Conference.objects.get(slug=DEMO_SLUG)
    pre, _ = lifecycle.pre_register(
        conference=demo, data=pre_registration_data(4, is_member=True, member_number="8")
    )
    workshops = {choice.phase.pk: choice.workshops[0].workshop.pk for choice in workshop_choices(demo)}
    bound, _ = register_binding(
        conference=demo,
        data=binding_data(5, workshop_choices=workshops),
    )
    pages = [
        ("personal-holds-place", site + holder.get_absolute_url()),
        ("personal-waiting", site + waiting.get_absolute_url()),
        ("personal-cancelled", site + cancelled.get_absolute_url()),
        ("personal-edit", site + holder.get_absolute_url() + "daten/"),
        ("personal-cancel", site + holder.get_absolute_url() + "stornieren/"),
        ("binding-form-with-link", site + pre.get_absolute_url() + "verbindlich/"),
        ("personal-binding", site + bound.get_absolute_url()),
        ("personal-workshops", site + bound.get_absolute_url() + "workshops/"),
        ("personal-substitute", site + bound.get_absolute_url() + "ersatzperson/"),
        ("personal-deletion", site + bound.get_absolute_url() + "loeschung/"),
    ]
    assert check_pages(page, shot, pages) == []


def test_pre_registration_works_with_the_keyboard_alone(page, site, shot):
    ConferenceFactory(slug="tastatur", places=10)
    page.goto(f"{site}/tagungen/tastatur/voranmeldung/")
    # The skip link comes first and leads to the content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("Zum Inhalt springen")

    # Submitting the empty form with Enter shows the errors and keeps the page usable.
    fill_pre_registration_with_keyboard(
        page,
        {
            "salutation": "Herr",
            "academic_title": "",
            "first_name": "Jonas",
            "last_name": "Tastatur",
            "email": "jonas@example",  # invalid: no top-level domain
            "organisation": "Stadt Bonn",
            "position": "",
        },
        start_at_top=True,
    )
    expect(page.locator("main")).to_contain_text("Bitte geben Sie eine gültige E-Mail-Adresse ein.")
    shot(page, "keyboard-error")
    assert Registration.objects.count() == 0

    # Correct the address with the keyboard alone and send again.
    page.get_by_label("E-Mail").focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("jonas@example.org")
    assert focused_name(page) == "email"
    tab_fields = []
    for _ in range(40):
        page.keyboard.press("Tab")
        tab_fields.append(focused_name(page))
        if tab_fields[-1] == "submit":
            break
    assert tab_fields[-1] == "submit"
    # The consent box keeps its tick after the error.
    expect(page.get_by_label(re.compile("Datenschutzhinweis gelesen"))).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("Wir haben Ihnen eine E-Mail geschickt")
    shot(page, "keyboard-done")
    registration = Registration.objects.get()
    assert (registration.first_name, registration.last_name, registration.email, registration.salutation) == (
        "Jonas",
        "Tastatur",
        "jonas@example.org",
        Registration.Salutation.HERR,
    )
    # The honeypot field is never reached with Tab.
    assert "website" not in tab_fields
