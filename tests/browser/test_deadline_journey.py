"""Issue 15 in a real browser: moving up after the binding deadline with a personal deadline that
expires, and the office's list and release at the deadline.

Time is moved with time-machine (the live server runs in this process, so it moves too).
Screenshots land in test-artifacts/<test name>/, at 390 and 1,280 px.
"""

import datetime as dt
import re
import zoneinfo

import pytest
from playwright.sync_api import expect

from ops import tasks
from registrations.domain import lifecycle
from registrations.models import Registration
from tests.factories import ConferenceFactory, StaffFactory, pre_registered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def on(month, day, hour=12):
    return dt.datetime(2026, month, day, hour, 0, tzinfo=BERLIN)


def both_widths(page, shot, name):
    page.set_viewport_size(PHONE)
    shot(page, f"{name}-390")
    page.set_viewport_size(DESKTOP)
    shot(page, f"{name}-1280")


@pytest.fixture
def conference(time_machine):
    time_machine.move_to(on(11, 1), tick=True)
    return ConferenceFactory(
        title="Jahrestagung Nachrücken",
        places=1,
        starts_at=on(12, 20, 10),
        ends_at=on(12, 21, 14),
        pre_registration_deadline=dt.date(2026, 11, 15),
        registration_deadline=dt.date(2026, 11, 30),
    )


def test_moving_up_after_the_deadline_with_a_personal_deadline_that_expires(
    page, site, mailbox, shot, conference, time_machine
):
    holder = lifecycle.confirm_address(registration=pre_registered(conference, 1))
    lifecycle.confirm_address(registration=pre_registered(conference, 2, email="nora@example.org"))
    lifecycle.confirm_address(registration=pre_registered(conference, 3, email="otto@example.org"))

    # 1 December, after the binding deadline: the holder cancels, Nora moves up.
    time_machine.move_to(on(12, 1), tick=True)
    lifecycle.cancel(registration=holder)
    moved_up = mailbox.last_to("nora@example.org")
    assert moved_up["Subject"] == "Sie sind nachgerückt: Jahrestagung Nachrücken"
    text = mailbox.text(moved_up)
    assert "Bitte melden Sie sich bis zum 08.12.2026 verbindlich an. Das ist Ihre persönliche Frist" in text
    assert "30.11.2026" not in text

    page.goto(mailbox.personal_link(moved_up, site))
    expect(page.locator("#personal-deadline")).to_contain_text(
        "Ihre persönliche Frist: Bitte melden Sie sich bis zum 08.12.2026 verbindlich an."
    )
    expect(page.locator("main")).not_to_contain_text("30.11.2026")
    both_widths(page, shot, "personal-page-with-personal-deadline")
    page.get_by_role("link", name="Zum Anmeldeformular").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("abgelaufen")
    expect(page.locator("#personal-deadline")).to_contain_text("Ihre persönliche Frist endet am 08.12.2026.")
    expect(page.locator("main")).not_to_contain_text("Anmeldeschluss ist der 30.11.2026")
    expect(page.get_by_role("checkbox", name=re.compile("Ich melde mich verbindlich an"))).to_be_visible()
    both_widths(page, shot, "binding-form-open-for-the-personal-deadline")

    # 9 December: the deadline passed; the scheduler's job gives the place to Otto.
    time_machine.move_to(on(12, 9, 0), tick=True)
    tasks.release_missed_deadlines.call()

    released = mailbox.last_to("nora@example.org")
    assert released["Subject"] == "Ihr Platz wurde weitergegeben: Jahrestagung Nachrücken"
    assert "endete am 08.12.2026" in mailbox.text(released)
    otto = mailbox.last_to("otto@example.org")
    assert otto["Subject"] == "Sie sind nachgerückt: Jahrestagung Nachrücken"
    assert "Bitte melden Sie sich bis zum 16.12.2026 verbindlich an" in mailbox.text(otto)

    page.goto(mailbox.personal_link(moved_up, site))  # the link she has had since moving up
    expect(page.locator("#place-released")).to_contain_text(
        "an die nächste Person auf der Warteliste gegangen"
    )
    both_widths(page, shot, "personal-page-place-released")
    page.goto(mailbox.personal_link(otto, site))
    expect(page.locator("#personal-deadline")).to_contain_text("16.12.2026")
    assert Registration.objects.get(email="otto@example.org").holds_place


def test_the_office_sees_the_deadlines_and_releases_missed_places_after_confirming(
    page, site, mailbox, shot, conference, time_machine
):
    conference.places = 2
    conference.save()
    people = [
        lifecycle.confirm_address(registration=pre_registered(conference, n, last_name=name))
        for n, name in enumerate(["Abel", "Berger", "Conrad", "Dorn"], start=1)
    ]
    time_machine.move_to(on(12, 1), tick=True)
    lifecycle.cancel(registration=people[0])  # Conrad moves up with a personal deadline
    StaffFactory(username="office", email="office@example.org", password="geheim-und-lang", is_superuser=True)

    page.goto(f"{site}/admin/login/")
    page.get_by_label("Benutzername").fill("office")
    page.get_by_label("Passwort").fill("geheim-und-lang")
    page.get_by_role("button", name="Anmelden").click()
    page.goto(f"{site}/admin/registrations/registration/?binding_deadline=running")
    expect(page.locator("#result_list")).to_contain_text("08.12.2026")
    both_widths(page, shot, "list-personal-deadline-running")

    page.goto(f"{site}/admin/registrations/registration/?binding_deadline=missed")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Berger")
    both_widths(page, shot, "list-deadline-missed")
    page.locator("#action-toggle").check()
    page.locator("select[name=action]").select_option("release_places_action")
    page.locator("button[name=index]").click()
    expect(page.locator(".release-count")).to_contain_text("1 Platz wird freigegeben.")
    expect(page.locator("#release-due")).to_contain_text("Person2 Berger")
    both_widths(page, shot, "release-confirmation")
    page.get_by_role("button", name="Plätze jetzt freigeben").click()
    expect(page.locator(".messagelist")).to_contain_text("1 Platz freigegeben")
    shot(page, "after-release")

    berger = Registration.objects.get(last_name="Berger")
    assert berger.place_released_at is not None
    assert mailbox.last_to(berger.email)["Subject"].startswith("Ihr Platz wurde weitergegeben")
    dorn = Registration.objects.get(last_name="Dorn")
    assert dorn.holds_place and dorn.personal_deadline == dt.date(2026, 12, 8)
