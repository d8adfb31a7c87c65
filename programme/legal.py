"""Whether the office has finished the public legal texts (privacy notice, Impressum).

The demo seeds both pages from templates (programme/demo/) with a note to the office and
placeholders in square brackets. Until the office replaces them, the admin dashboard says
so in red; participants consent to the privacy notice, so it must not go out unfinished.
"""

import re

from .models import SitePage

LEGAL_PAGES = ("datenschutz", "impressum")
OFFICE_NOTE = "Hinweis für die Geschäftsstelle"
# "[Dienstleister bitte ergänzen.]", "[Datum ergänzen]", "[Name und Anschrift]" …
BRACKETED = re.compile(r"\[[^\[\]\n]{3,}\]")


def placeholders_in(text):
    """The demo's placeholders left in a text: the note to the office and every bracketed gap."""
    found = [OFFICE_NOTE] if OFFICE_NOTE in text else []
    return found + BRACKETED.findall(text)


def unfinished_legal_pages():
    """The legal pages that still contain placeholders, each with `placeholders` (one query)."""
    pages = list(SitePage.objects.filter(slug__in=LEGAL_PAGES).order_by("title"))
    unfinished = []
    for page in pages:
        page.placeholders = placeholders_in(page.body)
        if page.placeholders:
            unfinished.append(page)
    return unfinished
