"""The site's own address in development: the one runserver actually listens on.

Mails carry absolute links (SITE_URL). In production SITE_URL is set; in development
`make run PORT=8001` passes it, and a bare `manage.py runserver 127.0.0.1:8001` is read
from its arguments, so a link in a mail never points to a port nobody listens on.
"""

DEFAULT_ADDRPORT = "127.0.0.1:8000"


def runserver_site_url(argv):
    """'http://host:port' for `manage.py runserver [addrport]`, None for any other command."""
    if len(argv) < 2 or argv[1] != "runserver":
        return None
    addrport = next((arg for arg in argv[2:] if not arg.startswith("-")), DEFAULT_ADDRPORT)
    if addrport.isdigit():
        addrport = f"127.0.0.1:{addrport}"
    elif addrport.startswith("0.0.0.0:"):
        addrport = "127.0.0.1:" + addrport.split(":", 1)[1]
    return f"http://{addrport}"
