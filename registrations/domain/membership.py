"""The member list and the membership check of registrations.

The office uploads the association's member list as CSV (Mitgliedsnummer;
Name; E-Mail). A registration that claims membership is verified when its
member number or its e-mail address is on the list, otherwise it is flagged
"Mitgliedschaft prüfen" for the office, who then confirms it or bills the
person as a non-member (which corrects the fee and, if needed, the invoice).
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core.exceptions import RegistrationError
from core.forms.validators import has_control_characters

from ..models import Member, Registration
from ..queries.invoices import invoice_concerning
from ..rules import fees
from . import invoicing
from .locking import lock_conference

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ERRORS_SHOWN = 20

# Normalised header (lower case, letters and digits only) → field.
HEADER_ALIASES = {
    "mitgliedsnummer": "member_number",
    "mitgliedsnr": "member_number",
    "mitgliedernummer": "member_number",
    "mitgliednr": "member_number",
    "nummer": "member_number",
    "nr": "member_number",
    "name": "name",
    "mitglied": "name",
    "email": "email",
    "emailadresse": "email",
    "mail": "email",
}


class MemberImportError(Exception):
    """The file was refused as a whole; `errors` lists what is wrong, in German, by line."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    rechecked: dict = field(default_factory=dict)

    @property
    def total(self):
        return self.created + self.updated


def _decode(raw):
    """UTF-8 with or without BOM; Excel's Windows-1252 as a fallback."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict")


def _normalise_header(value):
    return re.sub(r"[^a-z0-9]", "", value.strip().lower().replace("ß", "ss"))


def normalise_member_number(value):
    return (value or "").strip().upper()


def _read_rows(file):
    raw = file.read(MAX_FILE_BYTES + 1)
    if isinstance(raw, str):
        raw = raw.encode("utf-8")
    if len(raw) > MAX_FILE_BYTES:
        raise MemberImportError([_("Die Datei ist zu groß (höchstens 5 MB).")])
    try:
        text = _decode(raw)
    except UnicodeDecodeError as error:
        raise MemberImportError(
            [_("Die Datei ist keine Textdatei in UTF-8 oder Windows-1252. Bitte als CSV (UTF-8) speichern.")]
        ) from error
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise MemberImportError([_("Die Datei ist leer.")])
    header_line = lines[0]
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as error:
        raise MemberImportError(
            [_("Die CSV-Datei ist nicht lesbar: %(error)s") % {"error": error}]
        ) from error


# validate_email accepts addresses up to 320 characters; the column holds fewer.
EMAIL_MAX_LENGTH = Member._meta.get_field("email").max_length


def parse_member_list(file):
    """Read and check the whole file; returns a list of dicts or raises MemberImportError."""
    rows = _read_rows(file)
    header = [_normalise_header(cell) for cell in rows[0]]
    columns = {}
    for index, name in enumerate(header):
        target = HEADER_ALIASES.get(name)
        if target and target not in columns:
            columns[target] = index
    missing = [
        label for key, label in (("member_number", "Mitgliedsnummer"), ("name", "Name")) if key not in columns
    ]
    if missing:
        raise MemberImportError(
            [
                _(
                    "Die Kopfzeile muss die Spalten „Mitgliedsnummer“, „Name“ und „E-Mail“ enthalten; "
                    "es fehlt: %(missing)s."
                )
                % {"missing": ", ".join(missing)}
            ]
        )
    errors = []
    members = []
    seen = {}
    for line_number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue

        def cell(key, row=row):
            index = columns.get(key)
            return row[index].strip() if index is not None and index < len(row) else ""

        number = normalise_member_number(cell("member_number"))
        name = " ".join(cell("name").split())
        email = cell("email").lower()
        problems = []
        if not number:
            problems.append(_("Mitgliedsnummer fehlt"))
        elif len(number) > 30:
            problems.append(_("Mitgliedsnummer ist länger als 30 Zeichen"))
        elif number in seen:
            problems.append(
                _("Mitgliedsnummer %(number)s steht schon in Zeile %(line)d")
                % {"number": number, "line": seen[number]}
            )
        if not name:
            problems.append(_("Name fehlt"))
        elif len(name) > 200:
            problems.append(_("Name ist länger als 200 Zeichen"))
        if len(email) > EMAIL_MAX_LENGTH:
            problems.append(
                _("E-Mail-Adresse ist länger als %(limit)d Zeichen") % {"limit": EMAIL_MAX_LENGTH}
            )
        elif email:
            try:
                validate_email(email)
            except ValidationError:
                problems.append(_("„%(email)s“ ist keine gültige E-Mail-Adresse") % {"email": email[:80]})
        if any(has_control_characters(value) for value in (number, name, email)):
            problems.append(_("enthält Steuerzeichen"))
        if problems:
            errors.append(
                _("Zeile %(line)d: %(problems)s.") % {"line": line_number, "problems": "; ".join(problems)}
            )
            continue
        seen[number] = line_number
        members.append({"member_number": number, "name": name, "email": email})
    if errors:
        shown = errors[:MAX_ERRORS_SHOWN]
        if len(errors) > MAX_ERRORS_SHOWN:
            shown.append(_("… und %(n)d weitere fehlerhafte Zeilen.") % {"n": len(errors) - MAX_ERRORS_SHOWN})
        raise MemberImportError(shown)
    if not members:
        raise MemberImportError([_("Die Datei enthält keine Mitglieder.")])
    return members


def import_member_list(*, file, replace=True):
    """Import the member list; all or nothing. With `replace`, members missing from the file are removed.

    Afterwards every open membership claim is checked against the new list.
    """
    members = parse_member_list(file)
    result = ImportResult()
    with transaction.atomic():
        existing = {m.member_number: m for m in Member.objects.select_for_update()}
        to_create, to_update = [], []
        for data in members:
            member = existing.get(data["member_number"])
            if member is None:
                to_create.append(Member(**data))
            elif (member.name, member.email) != (data["name"], data["email"]):
                member.name, member.email = data["name"], data["email"]
                to_update.append(member)
        Member.objects.bulk_create(to_create)
        Member.objects.bulk_update(to_update, ["name", "email"])
        result.created = len(to_create)
        result.updated = len(to_update)
        if replace:
            keep = {data["member_number"] for data in members}
            result.deleted, _details = Member.objects.exclude(member_number__in=keep).delete()
        result.rechecked = recheck_open_claims()
    return result


def membership_status(*, is_member, member_number, email):
    """The check result for a membership claim against the member list."""
    if not is_member:
        return Registration.MembershipCheck.NOT_CLAIMED
    if not Member.objects.exists():
        return Registration.MembershipCheck.UNVERIFIED
    number = normalise_member_number(member_number)
    email = (email or "").strip().lower()
    members = Member.objects.none()
    if number:
        members = members | Member.objects.filter(member_number=number)
    if email:
        members = members | Member.objects.filter(email=email)
    return Registration.MembershipCheck.VERIFIED if members.exists() else Registration.MembershipCheck.CHECK


def check_membership(registration):
    """Set (not save) and return the registration's membership check."""
    registration.membership_check = membership_status(
        is_member=registration.is_member, member_number=registration.member_number, email=registration.email
    )
    return registration.membership_check


def recheck_open_claims():
    """Check every active claim that is not yet verified against the member list (e.g. after an upload).

    Returns {"verified": n, "check": n}. Two queries plus one update per outcome.
    """
    numbers, emails = set(), set()
    for number, email in Member.objects.values_list("member_number", "email"):
        numbers.add(number)
        if email:
            emails.add(email.lower())
    open_claims = Registration.objects.active().filter(
        is_member=True,
        membership_check__in=[Registration.MembershipCheck.UNVERIFIED, Registration.MembershipCheck.CHECK],
    )
    outcome = {Registration.MembershipCheck.VERIFIED: [], Registration.MembershipCheck.CHECK: []}
    for pk, number, email in open_claims.values_list("pk", "member_number", "email"):
        matches = normalise_member_number(number) in numbers or email.lower() in emails
        outcome[
            Registration.MembershipCheck.VERIFIED if matches else Registration.MembershipCheck.CHECK
        ].append(pk)
    for check, pks in outcome.items():
        if pks:
            # update() bypasses the audit trail; a save() per row keeps it.
            for registration in Registration.objects.filter(pk__in=pks):
                registration.membership_check = check
                registration.save(update_fields=["membership_check", "updated_at"])
    return {"verified": len(outcome["verified"]), "check": len(outcome["check"])}


def confirm_membership(*, registration, is_member):
    """The office decides: member (fee for members) or non-member (fee for others).

    A binding registration gets the fee of the new category at the conference's
    current fees; an issued invoice is cancelled and issued anew. A non-member
    loses members-only evening events.
    """
    with transaction.atomic():
        lock_conference(registration.conference_id)
        registration = (
            Registration.objects.select_for_update().select_related("conference").get(pk=registration.pk)
        )
        if registration.is_cancelled:
            raise RegistrationError(_("Diese Anmeldung ist storniert."))
        old_fee = registration.fee
        registration.is_member = is_member
        registration.membership_check = (
            Registration.MembershipCheck.VERIFIED if is_member else Registration.MembershipCheck.NOT_CLAIMED
        )
        update_fields = ["is_member", "membership_check", "updated_at"]
        if registration.is_binding:
            fees.freeze_fee(registration, is_member=is_member)
            update_fields += ["fee_category", "fee"]
        registration._change_reason = (
            "Mitgliedschaft bestätigt" if is_member else "als Nicht-Mitglied abgerechnet"
        )
        registration.save(update_fields=update_fields)
        if not is_member:
            registration.evening_events.remove(*registration.evening_events.filter(members_only=True))
        if (
            registration.is_binding
            and registration.fee != old_fee
            and invoice_concerning(registration) is not None  # its own or its group's collective one
        ):
            invoicing.reissue_invoice(registration=registration)
    return registration
