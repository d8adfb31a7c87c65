"""The thank-you page after a public form, shown only to the browser that sent the form.

A form that was accepted redirects to its thank-you page and leaves a signed cookie
naming the conference; the page is shown only with that cookie (otherwise it redirects
to the conference page, as when someone opens it from a bookmark). The cookie holds
nothing but the conference's key, signed so that it cannot be made up, and no session is
created: the anonymous flow of a registration burst writes no session row and reads
none in the pages after it (bench/LOAD.md, 2 Dec 2026, "the anonymous flow without a
session"). The answer is the same for a new and a known address (no enumeration).
"""

from django.conf import settings
from django.core import signing

# A day is enough to reload the thank-you page; after that it leads to the conference page.
OUTCOME_MAX_AGE = 24 * 60 * 60


def _salt(kind):
    return f"registrations.outcome.{kind}"


def remember_outcome(response, kind, conference):
    """Let the browser that receives `response` see the thank-you page `kind` of `conference`."""
    response.set_signed_cookie(
        f"{kind}_outcome",
        str(conference.pk),
        salt=_salt(kind),
        max_age=OUTCOME_MAX_AGE,
        path="/",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def has_outcome(request, kind, conference):
    """Whether this browser sent the form `kind` of `conference` (remember_outcome)."""
    try:
        value = request.get_signed_cookie(f"{kind}_outcome", salt=_salt(kind), max_age=OUTCOME_MAX_AGE)
    except (KeyError, signing.BadSignature):
        return False
    return value == str(conference.pk)
