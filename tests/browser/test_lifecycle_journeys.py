"""Journeys of issue 15 (Lifecycle) in a real browser: a lost link, the personal calendar.

Screenshots land in test-artifacts/<test name>/.
"""

import re

import icalendar
import pytest
from playwright.sync_api import expect

from programme.demo import DEMO_SLUG, load_demo
from programme.models import Conference, ProgrammeItem
from registrations.domain import lifecycle
from registrations.models import OutgoingMail
from tests.factories import ConferenceFactory, binding_data, pre_registered

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWER = "Falls diese Adresse angemeldet ist, haben wir Ihnen den Link geschickt."


def test_lost_link_is_requested_on_the_conference_page_and_arrives(page, site, mailbox, shot):
    conference = ConferenceFactory(title="Jahrestagung Lost Link")
    registration = pre_registered(conference, 1, email="vergesslich@example.org")
    OutgoingMail.objects.all().delete()
    mailbox.messages.clear()

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + conference.get_absolute_url())
    box = page.locator("section.lost-link")
    expect(box.get_by_role("heading", name="Link vergessen?")).to_be_visible()
    shot(page, "conference-with-lost-link")
    box.get_by_label(re.compile("E-Mail-Adresse")).fill("Vergesslich@Example.org")
    box.get_by_role("button", name="Link zusenden").click()
    expect(page.locator("main")).to_contain_text(ANSWER)
    shot(page, "lost-link-answer")

    message = mailbox.last_to("vergesslich@example.org")
    assert message["Subject"] == "Ihre persönlichen Links"
    assert "Jahrestagung Lost Link" in mailbox.text(message)
    link = mailbox.personal_link(message, site)
    assert link == site + registration.get_absolute_url()

    # An unknown address gets the same answer and no mail.
    page.get_by_label(re.compile("E-Mail-Adresse")).fill("niemand@example.org")
    page.get_by_role("button", name="Link zusenden").click()
    expect(page.locator("main")).to_contain_text(ANSWER)
    assert mailbox.to("niemand@example.org") == []

    # A mistyped link leads to the same form.
    page.goto(link[:-5] + "xxxx/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dieser persönliche Link gilt nicht")
    expect(page.get_by_role("button", name="Link zusenden")).to_be_visible()
    shot(page, "wrong-link")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Meine Anmeldung")


def test_participant_downloads_the_personal_calendar(page, site, shot, tmp_path):
    load_demo()
    conference = Conference.objects.get(slug=DEMO_SLUG)
    evening = conference.programme_items.filter(kind=ProgrammeItem.Kind.EVENING, requires_signup=True)
    members_only = set(conference.programme_items.filter(members_only=True).values_list("title", flat=True))
    registration, _ = lifecycle.register_binding(
        conference=conference,
        data=binding_data(
            7,
            is_member=False,
            evening_events=[item.pk for item in evening if not item.members_only],
        ),
    )
    page.goto(site + registration.get_absolute_url())
    shot(page, "personal-page")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Meine Termine in den Kalender (iCal)").click()
    download = download_info.value
    assert download.suggested_filename == f"{DEMO_SLUG}.ics"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    found = icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    summaries = [str(event["summary"]) for event in found]
    assert summaries
    assert not [s for s in summaries if any(s.startswith(f"{title} (") for title in members_only)]
    assert all("dtend" in event for event in found)


@pytest.mark.parametrize("width", [390, 1280])
def test_archive_and_programme_pages_at_phone_and_desktop_width(page, site, shot, width):
    load_demo()
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site + "/tagungen/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Alle Tagungen")
    expect(page.get_by_role("heading", name="Vergangene Tagungen")).to_be_visible()
    shot(page, f"conferences-{width}")

    page.get_by_role("link", name=re.compile("Kleine Jahrestagung 2025")).first.click()
    main = page.locator("main")
    expect(main).to_contain_text("stattgefunden")
    expect(main).not_to_contain_text("Voranmeldung bis zum")
    expect(main).not_to_contain_text("wird noch vorbereitet")
    shot(page, f"past-conference-{width}")

    page.goto(f"{site}/tagungen/{DEMO_SLUG}/programm/")
    nav = page.get_by_role("navigation", name="Zu einem Tag springen")
    days = nav.get_by_role("link")
    assert days.count() >= 2
    shot(page, f"programme-{width}")
    assembly = page.locator(".programme-item--assembly").first
    assembly.scroll_into_view_if_needed()
    assembly.screenshot(path=shot.folder / f"assembly-{width}.png")
    days.nth(1).click()
    expect(page).to_have_url(re.compile("#day-2$"))
    # The day's heading comes into view below the sticky navigation (scrolling may be smooth).
    page.wait_for_function(
        """() => {
            const top = document.querySelector("#day-2").getBoundingClientRect().top;
            const nav = document.querySelector(".programme-day-nav").getBoundingClientRect().bottom;
            return top >= nav - 1 && top < nav + 120;
        }"""
    )
    # No label is cut inside a word part: every kind label fits its column or breaks at a soft hyphen.
    widths = page.locator(".kind-label").evaluate_all(
        "labels => labels.filter(l => l.scrollWidth > l.clientWidth + 1).map(l => l.textContent)"
    )
    assert widths == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
