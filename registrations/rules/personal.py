"""A person's own data on a registration, and the one-active-registration-per-person rule.

One person has at most one active registration per conference. Colleagues who share a
mailbox (a Sekretariat, a Sachgebiet) are different people with the same address, so the
address alone does not say who someone is: `person_key` does, and nothing else.
"""

import unicodedata

from django.conf import settings
from django.utils.translation import gettext as _

PERSONAL_FIELDS = (
    "salutation",
    "academic_title",
    "first_name",
    "last_name",
    "email",
    "organisation",
    "position",
    "is_member",
    "member_number",
    "note",
)

# A substitute brings their own personal data; the note stays with the registration.
SUBSTITUTE_FIELDS = tuple(name for name in PERSONAL_FIELDS if name != "note")


def normalise_email(email):
    """Addresses are compared and stored lower-case, without surrounding blanks."""
    return email.strip().lower()


def normalise_name(name):
    """A name as compared: Unicode NFC, case-folded, inner blanks collapsed ("  Anna  MARIA" = "anna maria")."""
    return " ".join(unicodedata.normalize("NFC", name or "").casefold().split())


def person_key(*, email, first_name, last_name):
    """What makes two registrations the same person: the same address (normalise_email) and the
    same first and last name (normalise_name). Title, salutation and organisation do not count.

    The database backs it with the constraint `one_active_registration_per_person` on the
    lower-cased address and names; this key is at least as strict (it also folds "ß" and
    blanks), so what it lets through the constraint never refuses.
    """
    return (normalise_email(email or ""), normalise_name(first_name), normalise_name(last_name))


def is_same_person(registration, *, email, first_name, last_name):
    """Whether `registration` is the person with this address and name (see person_key)."""
    return person_key(
        email=registration.email, first_name=registration.first_name, last_name=registration.last_name
    ) == person_key(email=email, first_name=first_name, last_name=last_name)


def person_taken_message():
    """What a person is told when the conference has an active registration of the same person."""
    return _("Für diese Person (Name und E-Mail-Adresse) gibt es schon eine Anmeldung zu dieser Tagung.")


def registration_language(code):
    """The language a registration keeps for its mails and documents: one the site offers, else German."""
    offered = {language for language, _name in settings.LANGUAGES}
    code = (code or "").split("-")[0].lower()
    return code if code in offered else settings.LANGUAGE_CODE
