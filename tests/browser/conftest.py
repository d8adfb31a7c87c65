"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Never `playwright install`: the browser is the system package at /usr/bin/chromium
(.ci/run installs it with apt). When it is missing the tests fail with a clear
message instead of skipping, so CI cannot pass without having run them.

Mails go through a real SMTP server on loopback (aiosmtpd); the journeys read
the personal link out of the delivered message, as a person would.
"""

import email
import email.policy
import os
import re
import shutil
import socket
from pathlib import Path

# Playwright's sync API keeps an event loop in the main thread; Django refuses
# ORM calls there unless told that this is deliberate. Must be set before Django runs.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest  # noqa: E402
from aiosmtpd.controller import Controller  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",  # containers often have a tiny /dev/shm
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# A local page answers in well under a second; the margin is for a machine whose two
# cores are busy with other test runs (a 10 s limit timed out a substitution's
# redirect at load 12). Slowness is measured in bench/, not here.
TIMEOUT_MS = 30_000


def _chromium_or_fail():
    path = shutil.which(CHROMIUM) or (CHROMIUM if os.access(CHROMIUM, os.X_OK) else None)
    if path is None:
        pytest.fail(
            f"Chromium not found at {CHROMIUM}. The browser tests need Debian's chromium package "
            "(sudo apt-get install chromium fonts-dejavu-core), or set CHROMIUM=/path/to/chromium. "
            "Do not run `playwright install`. Skip them on purpose with `-m 'not browser'`.",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="session")
def base_url():
    """Replaces pytest-playwright's fallback fixture, an instance method that pytest 9
    deprecates (filterwarnings=error turns that into an error). Tests use `site`."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": _chromium_or_fail(),
        "args": CHROMIUM_ARGS,
        "headless": True,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "viewport": {"width": 1280, "height": 900},
        "locale": "de-DE",
        "timezone_id": "Europe/Berlin",
        "accept_downloads": True,
    }


@pytest.fixture
def page(page):
    page.set_default_timeout(TIMEOUT_MS)
    page.set_default_navigation_timeout(TIMEOUT_MS)
    return page


@pytest.fixture(scope="session")
def live_server(django_db_setup, live_server):
    """The test database must exist before the live server starts: pytest-django hands an
    in-memory SQLite connection to the server's threads only if it sees one then.
    Otherwise every request thread opens its own connection, which SQLite never closes
    for in-memory databases (ResourceWarning, an error here)."""
    return live_server


@pytest.fixture
def site(live_server, settings):
    """The live server's base URL; mails link to it."""
    settings.SITE_URL = live_server.url
    settings.RATE_LIMIT_POSTS = 1000
    return live_server.url


# --- screenshots -----------------------------------------------------------


@pytest.fixture
def shot(request):
    """shot(page, "name") saves a full-page picture to test-artifacts/<test name>/NN-name.jpg.

    JPEG, not PNG: Chromium encodes a long page about twice as fast (0.18 s instead of 0.29 s for
    the demo programme) and a hundred pictures a run add up; the text stays readable."""
    folder = ARTIFACTS / re.sub(r"[^\w.-]+", "_", request.node.name)
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True, exist_ok=True)
    counter = iter(range(1, 100))

    def save(page, name):
        path = folder / f"{next(counter):02d}-{name}.jpg"
        # From the top: a page scrolled by filling a form would draw sticky parts
        # (the admin's sidebar) at their scrolled offset in a full-page picture.
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=path, full_page=True, type="jpeg", quality=85)
        return path

    save.folder = folder
    return save


# --- a real SMTP server on loopback -----------------------------------------


class Mailbox:
    """Messages received by the SMTP server, parsed."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(message)
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address.lower() in m["To"].lower()]

    def last_to(self, address):
        received = self.to(address)
        assert received, f"no mail to {address}; received: {[(m['To'], m['Subject']) for m in self.messages]}"
        return received[-1]

    @staticmethod
    def text(message):
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def attachments(message):
        return [(part.get_filename(), part.get_content()) for part in message.iter_attachments()]

    def personal_link(self, message, site):
        match = re.search(re.escape(site) + r"/anmeldung/[\w-]+/", self.text(message))
        assert match, self.text(message)
        return match.group(0)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def mailbox(settings):
    port = _free_port()
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    yield box
    controller.stop()
