"""What a Rundschreiben's placeholders say for one person, in that person's language.

The office's text stays as typed; only the salutation (`{{ anrede }}`) and the mail's footer follow
the participant's language (the footer lives in the mail template, registrations/mails/circular.*).
"""

from django.conf import settings
from django.template import Context
from django.template.loader import get_template
from django.utils import translation


def salutation(registration, language):
    """'Sehr geehrte Frau Dr. Muster,' or 'Dear Ms Dr. Muster,' — the mails' own salutation."""
    name = "registrations/mails/_salutation.txt"
    if language != settings.LANGUAGE_CODE:
        name = f"registrations/mails/{language}/_salutation.txt"
    with translation.override(language):
        # Plain text: the HTML part escapes it where it is placed, as it does the office's text.
        text = get_template(name).template.render(Context({"registration": registration}, autoescape=False))
    return " ".join(text.split())


def placeholder_values(registration, *, language, personal_url):
    """The value of every placeholder for `registration`; `personal_url` None where it must not appear."""
    return {
        "anrede": salutation(registration, language),
        "name": registration.full_name,
        "tagung": registration.conference.title,
        "persoenlicher_link": personal_url or "",
    }
