"""Check-in on site in a real browser on a phone-sized page (390 px).

The badges are rendered as the office prints them (exports badges PDF), cut out
of the sheet and played to Chromium as its camera (a .y4m video made with
ffmpeg); the page decodes them with the vendored jsQR. A scan that cannot be
sent stays in the browser's queue and goes through once the network is back.
"""

import datetime as dt
import io
import re
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from pypdf import PdfReader

from exports.documents import pdfs as badge_layout
from exports.domain import files as exports
from exports.models import ExportKind
from registrations.models import Attendance
from registrations.office.roles import CHECKIN, OFFICE
from tests.browser.conftest import CHROMIUM_ARGS, TIMEOUT_MS, _chromium_or_fail
from tests.browser.helpers import serious_axe_violations
from tests.browser.test_csp import watch_csp
from tests.factories import ConferenceFactory, InvoiceFactory, RegistrationFactory, StaffFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DPI = 200
PASSWORD = "am-empfang-2025"


@pytest.fixture
def running_conference():
    """A conference that runs today and tomorrow, so the page records today."""
    start = timezone.localtime().replace(hour=0, minute=30, second=0, microsecond=0)
    return ConferenceFactory(
        title="Jahrestagung Vor Ort", starts_at=start, ends_at=start + dt.timedelta(days=1, hours=16)
    )


@pytest.fixture
def people(running_conference):
    anna = RegistrationFactory(
        conference=running_conference, first_name="Anna", last_name="Abel", organisation="Landkreis Beispiel"
    )
    bernd = RegistrationFactory(
        conference=running_conference, first_name="Bernd", last_name="Berg", organisation="Stadt Musterstadt"
    )
    clara = RegistrationFactory(
        conference=running_conference, first_name="Clara", last_name="Christ", organisation="Kreis Z"
    )
    InvoiceFactory(registration=bernd, amount=Decimal("250.00"))
    return anna, bernd, clara


def _badge_images(conference, registrations, folder):
    """Render the badge sheet as the office prints it and cut out each person's card (PNG)."""
    pdf = exports.export_file(
        conference=conference,
        kind=ExportKind.BADGES,
        format="pdf",
        params={"filters": {"ids": [r.pk for r in registrations]}},
    ).content
    (folder / "badges.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(DPI), "-f", "1", "-l", "1", folder / "badges.pdf", folder / "sheet"],
        check=True,
    )
    (sheet_path,) = folder.glob("sheet*.png")
    px = DPI / 25.4
    cards = []
    with Image.open(sheet_path) as sheet:
        for index in range(len(registrations)):  # sorted by name on the sheet, as `registrations`
            row, column = divmod(index, badge_layout.BADGE_COLUMNS)
            left = (badge_layout.BADGE_LEFT + column * badge_layout.BADGE_WIDTH) * px
            top = (badge_layout.BADGE_TOP + row * badge_layout.BADGE_HEIGHT) * px
            box = (left, top, left + badge_layout.BADGE_WIDTH * px, top + badge_layout.BADGE_HEIGHT * px)
            path = folder / f"badge-{index + 1}.png"
            sheet.crop(tuple(round(v) for v in box)).save(path)
            cards.append(path)
    return cards


def _camera_video(cards, target):
    """A .y4m that shows each badge for three seconds, 640 × 480, as a phone held close to it would.

    The camera frames the badge's lower right with its QR code at about 8 px per module: a
    whole badge squeezed into 640 px leaves some random tokens' codes at 4 px per module,
    which jsQR then misses now and then (a CI run saw only the first badge for 20 s).
    """
    inputs, filters = [], []
    for index, card in enumerate(cards):
        inputs += ["-loop", "1", "-framerate", "10", "-t", "3", "-i", str(card)]
        filters.append(
            f"[{index}:v]scale=1100:-2,crop=600:440:iw-600:ih-440,pad=640:480:0:0:white,format=yuv420p,setsar=1[v{index}]"
        )
    joined = "".join(f"[v{i}]" for i in range(len(cards)))
    graph = ";".join(filters) + f";{joined}concat=n={len(cards)}:v=1:a=0[out]"
    subprocess.run(
        [
            "ffmpeg",
            "-y",
            "-loglevel",
            "error",
            *inputs,
            "-filter_complex",
            graph,
            "-map",
            "[out]",
            str(target),
        ],
        check=True,
    )
    return target


def _log_in(page, site, username):
    page.goto(f"{site}/admin/login/")
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(PASSWORD)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{site}/admin/")


def _certificate_text(conference, person):
    content = exports.export_file(
        conference=conference,
        kind=ExportKind.CERTIFICATES,
        format="pdf",
        params={"filters": {"ids": [person.pk]}},
    ).content
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)


def test_two_people_are_checked_in_by_scanning_their_badges_and_get_certificates(
    playwright, site, running_conference, people, shot, tmp_path
):
    anna, bernd, clara = people
    StaffFactory(username="empfang", password=PASSWORD, roles=[CHECKIN])
    cards = _badge_images(running_conference, [anna, bernd], tmp_path)
    video = _camera_video(cards, tmp_path / "camera.y4m")
    for card in cards:
        shot.folder.joinpath(card.name).write_bytes(card.read_bytes())

    browser = playwright.chromium.launch(
        executable_path=_chromium_or_fail(),
        headless=True,
        args=[
            *CHROMIUM_ARGS,
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        context = browser.new_context(
            viewport=PHONE, locale="de-DE", timezone_id="Europe/Berlin", is_mobile=True, has_touch=True
        )
        context.grant_permissions(["camera"], origin=site)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        violations = watch_csp(page)
        _log_in(page, site, "empfang")
        page.goto(f"{site}{reverse('admin:registrations_checkin', args=[running_conference.pk])}")
        expect(page.get_by_role("heading", level=1)).to_have_text("Check-in")
        expect(page.get_by_label("Anwesenheit erfassen für")).to_have_value(timezone.localdate().isoformat())
        shot(page, "checkin-page-390")

        page.get_by_role("button", name="Kamera starten").click()
        result = page.locator("#result")
        expect(result).to_contain_text("Anna Abel", timeout=20_000)
        expect(result).to_contain_text("Bernd Berg", timeout=20_000)
        expect(result).to_contain_text("Stadt Musterstadt")
        expect(result).to_contain_text("Offen: 250,00\u00a0€")
        shot(page, "scanned-390")
        page.get_by_role("button", name="Kamera anhalten").click()
        assert violations == []
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        context.close()
    finally:
        browser.close()

    today = timezone.localdate()
    assert set(Attendance.objects.values_list("registration_id", "day")) == {
        (anna.pk, today),
        (bernd.pk, today),
    }
    assert f"am {today:%d.%m.%Y} teilgenommen hat" in " ".join(
        _certificate_text(running_conference, anna).split()
    )
    assert "Bernd Berg" in _certificate_text(running_conference, bernd)
    with pytest.raises(exports.ExportError, match="keine Anwesenheit erfasst"):
        _certificate_text(running_conference, clara)


def test_a_scan_that_fails_to_send_is_kept_and_sent_again(page, site, running_conference, people, shot):
    anna, _bernd, _clara = people
    StaffFactory(username="empfang", password=PASSWORD, roles=[CHECKIN])
    page.set_viewport_size(PHONE)
    _log_in(page, site, "empfang")
    scan_url = reverse("admin:registrations_checkin_scan", args=[running_conference.pk])
    page.route(f"{site}{scan_url}", lambda route: route.abort("internetdisconnected"))
    page.goto(f"{site}{reverse('admin:registrations_checkin', args=[running_conference.pk])}")

    page.get_by_label("Name oder Organisation").fill("Abel")
    page.get_by_role("button", name="Einchecken").click()
    expect(page.locator("#queue")).to_contain_text("Scans warten auf Verbindung: 1")
    queued = page.evaluate(f"JSON.parse(localStorage.getItem('vsop-checkin-queue-{running_conference.pk}'))")
    assert [(item["registration"], item["day"]) for item in queued] == [
        (anna.pk, timezone.localdate().isoformat())
    ]
    assert Attendance.objects.count() == 0
    shot(page, "queued-390")
    assert serious_axe_violations(page) == []

    # Still offline after a reload: the queue lives in localStorage, not in the page.
    page.reload()
    expect(page.locator("#queue")).to_contain_text("Scans warten auf Verbindung: 1")

    page.unroute(f"{site}{scan_url}")  # the network is back; the page retries on its own
    expect(page.locator("#result")).to_contain_text("Eingecheckt")
    expect(page.locator("#queue")).to_be_hidden()
    assert page.evaluate(f"localStorage.getItem('vsop-checkin-queue-{running_conference.pk}')") == "[]"
    assert list(Attendance.objects.values_list("registration_id", flat=True)) == [anna.pk]


def test_a_lost_answer_is_sent_again_and_recorded_once(page, site, running_conference, people):
    anna, _bernd, _clara = people
    StaffFactory(username="empfang", password=PASSWORD, roles=[CHECKIN])
    page.set_viewport_size(PHONE)
    _log_in(page, site, "empfang")
    scan_url = reverse("admin:registrations_checkin_scan", args=[running_conference.pk])
    answers = []

    def lose_first_answer(route):
        response = route.fetch()  # the server records the scan …
        answers.append(response.status)
        if len(answers) == 1:
            route.abort("connectionreset")  # … but the phone never hears back
        else:
            route.fulfill(response=response)

    page.route(f"{site}{scan_url}", lose_first_answer)
    page.goto(f"{site}{reverse('admin:registrations_checkin', args=[running_conference.pk])}")
    page.get_by_label("Name oder Organisation").fill("Abel")
    page.get_by_role("button", name="Einchecken").click()
    expect(page.locator("#result")).to_contain_text("schon eingecheckt")
    assert answers == [200, 200]
    assert Attendance.objects.filter(registration=anna).count() == 1


def test_the_office_takes_money_at_the_desk_and_gets_a_receipt(page, site, running_conference, people, shot):
    _anna, bernd, _clara = people
    StaffFactory(username="buero", password=PASSWORD, roles=[OFFICE])
    page.set_viewport_size(PHONE)
    _log_in(page, site, "buero")
    page.goto(f"{site}{reverse('admin:registrations_checkin', args=[running_conference.pk])}")
    page.get_by_label("Name oder Organisation").fill("Berg")
    page.get_by_role("button", name="Einchecken").click()
    expect(page.locator("#result")).to_contain_text("Offen: 250,00\u00a0€")
    page.get_by_role("link", name="Details und Kasse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Bernd Berg")
    page.get_by_label("Karte (EC/Kreditkarte)").check()
    shot(page, "desk-390")
    assert serious_axe_violations(page) == []
    page.get_by_role("button", name="Zahlung erfassen").click()
    expect(page.locator("main")).to_contain_text("250,00\u00a0€ (Karte) erfasst")
    expect(page.locator("main")).to_contain_text("Nichts offen.")
    shot(page, "desk-paid-390")
    receipt_url = page.get_by_role("link", name=re.compile("Quittung 250,00")).get_attribute("href")
    receipt = page.request.get(f"{site}{receipt_url}")
    assert receipt.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(receipt.body())).pages[0].extract_text()
    assert "Quittung" in text and "Bernd Berg" in text and "Karte" in text

    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{site}{reverse('admin:registrations_attendance_changelist')}")
    expect(page.locator("#result_list")).to_contain_text("Stadt Musterstadt")
    shot(page, "admin-attendances-1280")
    page.get_by_role("link", name="Check-in vor Ort").click()
    expect(page).to_have_url(re.compile(f"/checkin/{running_conference.pk}/$"))
