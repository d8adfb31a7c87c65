"""Bank statements: reading CAMT.053 and finding the invoices a credit pays. Pure functions.

German banks send end-of-day statements as CAMT.053 (camt.053.001.08 since
November 2025, older exports as .02), one XML per account and day or a ZIP of
several. The parser reads both versions with or without a namespace prefix,
safely: no entities are expanded and nothing is fetched from the network.

Matching follows how a Kommune pays: the accounts office copies the invoice
number into the remittance text, but not always as printed (`RE 2026-0004`,
`RE2026 0004`, `Rechnung 2026/4`), and pays several invoices in one collective
transfer. Only an invoice number books; the payer's name and the amount
merely suggest (rapidfuzz) and the office decides.
"""

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

ZERO = Decimal("0.00")
MAX_STATEMENT_BYTES = 10 * 1024 * 1024  # a year of daily statements of a small association is far less
MAX_ZIP_MEMBERS = 400
CAMT053_NAMESPACE = "urn:iso:std:iso:20022:tech:xsd:camt.053."


class StatementError(ValueError):
    """The file is not a statement we can read; the message is German, for the office."""


@dataclass(frozen=True)
class StatementEntry:
    """One booking line of a statement (an entry, or one transaction of a batch entry)."""

    bank_reference: str
    account_iban: str
    booked_on: date
    amount: Decimal
    is_credit: bool
    remittance: str = ""
    debtor_name: str = ""
    debtor_iban: str = ""
    ultimate_debtor: str = ""
    # Why the entry is not a credit to book (debit, reversal, not yet booked, other currency); "" if it is.
    ignored_reason: str = ""

    @property
    def is_bookable(self):
        return not self.ignored_reason


# --- reading ------------------------------------------------------------------


def _safe_parser():
    # resolve_entities=False: no billion laughs, no external entities; no_network: no DTD fetches.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
    )


def _text(element, path):
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _texts(element, path):
    return [(e.text or "").strip() for e in element.findall(path) if e.text and e.text.strip()]


def _amount(text):
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except (InvalidOperation, TypeError) as error:
        raise StatementError(
            _("Der Kontoauszug enthält einen ungültigen Betrag: %(value)s") % {"value": text}
        ) from error


def _date(element):
    # .02 and .08 both: BookgDt/Dt or BookgDt/DtTm (a date-time: the date part counts).
    value = _text(element, "{*}BookgDt/{*}Dt") or _text(element, "{*}BookgDt/{*}DtTm")[:10]
    value = value or _text(element, "{*}ValDt/{*}Dt") or _text(element, "{*}ValDt/{*}DtTm")[:10]
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise StatementError(_("Eine Buchung im Kontoauszug hat kein gültiges Buchungsdatum.")) from error


def _party_name(transaction, role):
    # .08 wraps the party in Pty (Party40Choice); .02 has Nm directly under Dbtr.
    return _text(transaction, f"{{*}}RltdPties/{{*}}{role}/{{*}}Pty/{{*}}Nm") or _text(
        transaction, f"{{*}}RltdPties/{{*}}{role}/{{*}}Nm"
    )


def _ignored_reason(entry, is_credit, currency):
    status = _text(entry, "{*}Sts/{*}Cd") or _text(entry, "{*}Sts")
    if not is_credit:
        return _("Abbuchung (Lastschrift oder Überweisung an andere) – wird nicht gebucht")
    if _text(entry, "{*}RvslInd").lower() == "true":
        return _("Rückbuchung – wird nicht gebucht")
    if status and status.upper() != "BOOK":
        return _("noch nicht gebucht (vorgemerkt) – wird nicht gebucht")
    if currency and currency != "EUR":
        return _("Fremdwährung %(currency)s – bitte von Hand erfassen") % {"currency": currency}
    return ""


def _checksum(*parts):
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return f"sha256:{digest[:40]}"


def _entries_of_statement(statement, seen_checksums):
    account_iban = _text(statement, "{*}Acct/{*}Id/{*}IBAN").replace(" ", "").upper()
    for entry in statement.findall("{*}Ntry"):
        amount_element = entry.find("{*}Amt")
        if amount_element is None:
            raise StatementError(_("Eine Buchung im Kontoauszug hat keinen Betrag."))
        entry_amount = _amount(amount_element.text)
        currency = amount_element.get("Ccy", "")
        is_credit = _text(entry, "{*}CdtDbtInd").upper() == "CRDT"
        booked_on = _date(entry)
        ignored = _ignored_reason(entry, is_credit, currency)
        entry_reference = _text(entry, "{*}AcctSvcrRef")
        transactions = entry.findall("{*}NtryDtls/{*}TxDtls")

        def tx_amount(tx):
            return _text(tx, "{*}Amt") or _text(tx, "{*}AmtDtls/{*}TxAmt/{*}Amt")

        # A batch entry (several transfers booked as one sum) is split when each transfer states its amount.
        split = len(transactions) > 1 and all(tx_amount(tx) for tx in transactions)
        if split and sum((_amount(tx_amount(tx)) for tx in transactions), ZERO) != entry_amount:
            split = False
        parts = [(tx, _amount(tx_amount(tx))) for tx in transactions] if split else [(None, entry_amount)]
        for index, (tx, amount) in enumerate(parts, start=1):
            scope = [tx] if tx is not None else transactions
            remittance = " ".join(text for t in scope for text in _texts(t, "{*}RmtInf/{*}Ustrd"))
            remittance = remittance or _text(entry, "{*}AddtlNtryInf")
            party = "Dbtr" if is_credit else "Cdtr"
            debtor_name = next((name for t in scope if (name := _party_name(t, party))), "")
            ultimate = next((name for t in scope if (name := _party_name(t, f"Ultmt{party}"))), "")
            debtor_iban = next(
                (
                    iban
                    for t in scope
                    if (iban := _text(t, f"{{*}}RltdPties/{{*}}{party}Acct/{{*}}Id/{{*}}IBAN"))
                ),
                "",
            )
            reference = ""
            if tx is not None:
                reference = _text(tx, "{*}Refs/{*}AcctSvcrRef") or (
                    f"{entry_reference}/{index}" if entry_reference else ""
                )
            else:
                reference = entry_reference
            if not reference:
                # No bank reference: the entry's content is its identity; a second identical
                # entry in the same file (same payer, day, amount, text) counts on from the first.
                base = _checksum(
                    account_iban, booked_on, amount, is_credit, debtor_iban, debtor_name, remittance
                )
                seen_checksums[base] = seen_checksums.get(base, 0) + 1
                reference = base if seen_checksums[base] == 1 else f"{base}#{seen_checksums[base]}"
            yield StatementEntry(
                bank_reference=reference[:200],
                account_iban=account_iban,
                booked_on=booked_on,
                amount=amount,
                is_credit=is_credit,
                remittance=re.sub(r"\s+", " ", remittance).strip(),
                debtor_name=debtor_name[:250],
                debtor_iban=debtor_iban.replace(" ", "").upper()[:34],
                ultimate_debtor=ultimate[:250],
                ignored_reason=ignored,
            )


def _parse_xml(data, seen_checksums):
    try:
        root = etree.fromstring(data, parser=_safe_parser())
    except etree.XMLSyntaxError as error:
        raise StatementError(
            _("Die Datei ist kein lesbares XML. Bitte laden Sie den Kontoauszug im Format CAMT.053 hoch.")
        ) from error
    namespace = etree.QName(root).namespace or ""
    if etree.QName(root).localname != "Document" or (
        namespace and not namespace.startswith(CAMT053_NAMESPACE)
    ):
        raise StatementError(
            _("Die Datei ist kein Kontoauszug im Format CAMT.053 (gefunden: %(kind)s).")
            % {"kind": namespace.rsplit(":", 1)[-1] or etree.QName(root).localname}
        )
    statements = root.findall("{*}BkToCstmrStmt/{*}Stmt")
    if not statements:
        raise StatementError(_("Die Datei enthält keinen Kontoauszug (kein BkToCstmrStmt/Stmt)."))
    return [entry for statement in statements for entry in _entries_of_statement(statement, seen_checksums)]


def parse_statement_file(data):
    """All entries of an uploaded statement: one CAMT.053 XML, or a ZIP of several (also nested folders)."""
    if len(data) > MAX_STATEMENT_BYTES:
        raise StatementError(_("Die Datei ist zu groß."))
    seen = {}
    if not (data[:4] == b"PK\x03\x04" or zipfile.is_zipfile(io.BytesIO(data))):
        return _parse_xml(data, seen)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [m for m in archive.infolist() if not m.is_dir() and m.filename.lower().endswith(".xml")]
        if not members:
            raise StatementError(_("Das ZIP-Archiv enthält keine XML-Datei."))
        if len(members) > MAX_ZIP_MEMBERS:
            raise StatementError(_("Das ZIP-Archiv enthält zu viele Dateien."))
        # The declared sizes guard against a ZIP bomb before anything is unpacked.
        if sum(m.file_size for m in members) > MAX_STATEMENT_BYTES * 5:
            raise StatementError(_("Das ZIP-Archiv ist entpackt zu groß."))
        entries = []
        for member in sorted(members, key=lambda m: m.filename):
            entries.extend(_parse_xml(archive.read(member), seen))
        return entries
    except zipfile.BadZipFile as error:
        raise StatementError(_("Das ZIP-Archiv ist beschädigt.")) from error


# --- invoice numbers in the remittance text -------------------------------------

_PREFIX = r"RECHNUNGS?\s*-?\s*(?:NR|NUMMER)|RECHNUNG|RECHN|RG|RE|R-?NR|NR"
_INVOICE_NUMBER = re.compile(
    rf"(?<![0-9A-Z])(?:(?P<prefix>{_PREFIX})\.?[\s:#\-]*)?"
    r"(?<!\d)(?P<year>20\d{2})"
    r"(?:(?P<separator>[\s\-/_.]{1,3})(?P<sequence>\d{1,5})|(?P<compact>\d{4}))"
    r"(?!\d)(?![\-/.]\d)",  # "2026-06-15" is a date, not invoice 2026-0006
    re.IGNORECASE,
)


def invoice_numbers_in(text):
    """The invoice numbers (year, sequence) named in a remittance text, in order, each once.

    Loose separators are accepted (`RE 2026-0004`, `RE2026 0004`, `Rechnung 2026/4`,
    `2026-0004`); a short number without a word like "RE" or "Rechnung" in front
    (`Tagung 2026 3`) is not taken for one.
    """
    numbers = []
    for match in _INVOICE_NUMBER.finditer(text or ""):
        sequence = match["compact"] or match["sequence"]
        if not (match["prefix"] or match["compact"] or len(sequence) >= 3):
            continue
        number = (int(match["year"]), int(sequence))
        if number[1] > 0 and number not in numbers:
            numbers.append(number)
    return numbers


# --- splitting a credit across open invoices -----------------------------------


@dataclass(frozen=True)
class Split:
    """How a credit is booked: (key, amount) per invoice, and what that means for the payer."""

    parts: list
    outcome: str  # "paid", "part_paid" or "overpaid" (BankTransaction.Outcome values)
    surplus: Decimal = ZERO


def split_credit(amount, open_amounts):
    """Split a credit across the open amounts of the invoices it names, in the order named.

    Equal to the sum → each invoice gets its open amount (paid). Less → the invoices
    are filled in order until the money runs out (part-paid). More → each gets its
    open amount and the surplus goes to the last one (overpaid, to be checked).
    `open_amounts`: [(key, open amount)]; amounts already paid in full count as 0.
    """
    if not open_amounts:
        raise ValueError("a credit is split across at least one invoice")
    opens = [(key, max(open_amount, ZERO)) for key, open_amount in open_amounts]
    total_open = sum((open_amount for _, open_amount in opens), ZERO)
    parts, left = [], amount
    for key, open_amount in opens:
        share = min(open_amount, left)
        if share > ZERO:
            parts.append([key, share])
            left -= share
    if left > ZERO:  # overpaid: the surplus stays with the last invoice that was owing
        if parts:
            parts[-1][1] += left
        else:
            parts.append([opens[-1][0], left])
    parts = [(key, share) for key, share in parts]
    if amount == total_open:
        return Split(parts=parts, outcome="paid")
    if amount < total_open:
        return Split(parts=parts, outcome="part_paid")
    return Split(parts=parts, outcome="overpaid", surplus=amount - total_open)


# --- suggestions for credits without an invoice number ---------------------------

SUGGESTION_MIN_SCORE = 70  # a name this close is suggested whatever the amount
SAME_AMOUNT_MIN_SCORE = 60  # with the open amount equal, a looser name is enough
MAX_SUGGESTIONS = 3
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss"})


def _normalised(text):
    # Bank files often spell umlauts out (MUELLER); compare both spellings alike.
    return default_process(text.lower().translate(_UMLAUTS))


@dataclass(frozen=True)
class Candidate:
    """Something a credit could pay: an invoice with money open, and the names it goes by."""

    key: object
    open_amount: Decimal
    names: tuple = field(default_factory=tuple)  # participant, organisation, invoice recipient …
    ibans: tuple = field(default_factory=tuple)  # accounts that paid this registration before


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    score: int
    same_amount: bool
    same_iban: bool


def _name_score(texts, names):
    best = 0
    for text in texts:
        for name in names:
            if text and name:
                best = max(best, fuzz.token_set_ratio(text, name, processor=_normalised))
    return int(round(best))


def suggest_candidates(*, amount, payer_texts, iban, candidates, limit=MAX_SUGGESTIONS):
    """The likeliest invoices for an unmatched credit: by payer or organisation name
    (rapidfuzz), the same amount as is open, an account that paid the registration before.

    A suggestion is only a suggestion: the office assigns it, nothing is booked on it.
    """
    suggestions = []
    for candidate in candidates:
        score = _name_score(payer_texts, candidate.names)
        same_amount = candidate.open_amount == amount
        same_iban = bool(iban) and iban in candidate.ibans
        if score >= SUGGESTION_MIN_SCORE or same_iban or (same_amount and score >= SAME_AMOUNT_MIN_SCORE):
            suggestions.append(Suggestion(candidate, score, same_amount, same_iban))
    suggestions.sort(key=lambda s: (s.same_iban, s.same_amount, s.score), reverse=True)
    return suggestions[:limit]
