"""Check-in on site: which days count, who may be checked in, who gets a certificate.

Pure functions: the check-in page, the exports (sign-in sheets, certificates) and
the members' assembly list ask here instead of restating the rule.
"""

import datetime as dt
import re

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from ..models import Registration

# What the badge's QR code says: a prefix (so a scanned URL or a stranger's QR
# code is recognised as "not ours") and the registration's check-in token.
QR_PREFIX = "VSOP-CHECKIN:"
QR_PATTERN = re.compile(r"^VSOP-CHECKIN:([A-Za-z0-9_-]{16,32})$")


def qr_payload(registration):
    """The text the badge's QR code encodes; never the personal link's secret."""
    return f"{QR_PREFIX}{registration.checkin_token}"


def token_from_payload(text):
    """The check-in token in a scanned text, or None if the code is not one of our badges."""
    match = QR_PATTERN.match((text or "").strip())
    return match.group(1) if match else None


def conference_days(conference):
    """The calendar days of a conference in Europe/Berlin."""
    first = timezone.localtime(conference.starts_at).date()
    last = timezone.localtime(conference.ends_at).date()
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def default_checkin_day(conference, *, today=None):
    """Today while the conference runs, else its first day (setting up the desk the day before)."""
    days = conference_days(conference)
    today = today or timezone.localdate()
    return today if today in days else days[0]


def checkin_refusal(registration, day):
    """Why this person cannot be checked in on `day` (German), or None if they can.

    Only people holding a place are checked in; someone on the waiting list or
    cancelled goes to the office first.
    """
    if day not in conference_days(registration.conference):
        return _("Der %(day)s ist kein Tag dieser Tagung.") % {"day": date_format(day, "d.m.Y")}
    if registration.status == Registration.Status.CANCELLED:
        return _("%(name)s hat storniert – bitte an die Geschäftsstelle verweisen.") % {
            "name": registration.full_name
        }
    if registration.status == Registration.Status.WAITING:
        return _("%(name)s steht auf der Warteliste – bitte an die Geschäftsstelle verweisen.") % {
            "name": registration.full_name
        }
    return None


def is_eligible_for_assembly(registration):
    """Members holding a place may attend the members' assembly (Mitgliederversammlung)."""
    return registration.status == Registration.Status.HOLDS_PLACE and registration.is_member


def certificate_days(attendances):
    """The days a certificate of attendance names: those recorded at check-in, in order.

    No recorded day, no certificate.
    """
    return sorted({a.day for a in attendances})


def days_text(days):
    """'25.09.2025 und 26.09.2025' for a certificate."""
    parts = [date_format(day, "d.m.Y") for day in days]
    if len(parts) <= 1:
        return "".join(parts)
    return _("%(first)s und %(last)s") % {"first": ", ".join(parts[:-1]), "last": parts[-1]}
