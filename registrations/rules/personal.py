"""A person's own data on a registration, and the one-registration-per-address rule's wording."""

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


def email_taken_message():
    """What a person is told when another active registration of the conference has the address."""
    return _("Für diese E-Mail-Adresse gibt es schon eine Anmeldung zu dieser Tagung.")


def registration_language(code):
    """The language a registration keeps for its mails and documents: one the site offers, else German."""
    offered = {language for language, _name in settings.LANGUAGES}
    code = (code or "").split("-")[0].lower()
    return code if code in offered else settings.LANGUAGE_CODE
