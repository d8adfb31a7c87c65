"""A fingerprint of the code, templates, translations and static files of this release.

Cached HTML (the programme page, the iCal file, rendered forms) is only valid for the
release that rendered it: a template, a translation or a static file name (WhiteNoise's
hashed names appear in the HTML) may change with an update. The cache key prefix is
this fingerprint, so a shared cache (CACHE_URL) never serves the previous release's HTML.
"""

import hashlib
from pathlib import Path

SOURCES = ("vsop_events", "programme", "registrations", "exports", "templates", "static", "locale")
SUFFIXES = {".py", ".html", ".txt", ".mo", ".css", ".js", ".svg"}
FILES = ("requirements.txt",)  # package updates change the HTML too (e.g. Bootstrap's file names)


def code_fingerprint(base_dir):
    """12 hex digits that change whenever one of the release's source files changes."""
    digest = hashlib.sha256()
    base = Path(base_dir)
    paths = [base / name for name in FILES]
    for source in SOURCES:
        paths += sorted(
            path
            for path in (base / source).rglob("*")
            if path.suffix in SUFFIXES and "__pycache__" not in path.parts
        )
    for path in paths:
        if path.is_file():
            digest.update(str(path.relative_to(base)).encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
