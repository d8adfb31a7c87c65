"""Container health check for the web service: GET /health/ on this container's gunicorn.

Sends the site's own host name (the first entry of ALLOWED_HOSTS), because Django refuses
any other Host header. Exit status 0 only for "200 OK"; the JSON says what failed."""

import os
import sys
import urllib.error
import urllib.request

PORT = os.environ.get("PORT", "8000")


def host_name():
    for entry in os.environ.get("ALLOWED_HOSTS", "").split(","):
        entry = entry.strip().lstrip(".")
        if entry and entry != "*":
            return entry
    return "localhost"


def main():
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}/health/", headers={"Host": host_name()})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 (fixed http URL)
            print(response.read().decode())
            return 0 if response.status == 200 else 1
    except urllib.error.HTTPError as error:
        print(error.code, error.read().decode())
    except OSError as error:
        print(type(error).__name__, error)
    return 1


if __name__ == "__main__":
    sys.exit(main())
