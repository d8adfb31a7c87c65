"""Reading CAMT.053 statements and finding invoice numbers: the pure rules of the bank import."""

import datetime as dt
from decimal import Decimal

import pytest

from registrations.rules.bank_statements import (
    Candidate,
    StatementError,
    invoice_numbers_in,
    parse_statement_file,
    split_credit,
    suggest_candidates,
)
from tests.camt import ACCOUNT, DEBTOR_IBAN, Booking, statement_02, statement_08, without_namespace, zipped


def test_camt_053_001_08_credit_is_read_with_all_fields():
    xml = statement_08(
        [
            Booking(
                Decimal("250.00"),
                ["RE 2026-0004 Jahrestagung", "Anna Müller"],
                reference="2026061500012345",
                ultimate_debtor="Jugendamt Musterstadt",
            )
        ]
    )
    [entry] = parse_statement_file(xml)
    assert entry.bank_reference == "2026061500012345"
    assert entry.account_iban == ACCOUNT
    assert entry.booked_on == dt.date(2026, 6, 15)
    assert entry.amount == Decimal("250.00")
    assert entry.is_credit is True
    assert entry.is_bookable is True
    assert entry.remittance == "RE 2026-0004 Jahrestagung Anna Müller"
    assert entry.debtor_name == "Stadtkasse Musterstadt"
    assert entry.debtor_iban == DEBTOR_IBAN
    assert entry.ultimate_debtor == "Jugendamt Musterstadt"


def test_a_namespace_prefix_changes_nothing():
    bookings = [Booking(Decimal("250.00"), ["RE 2026-0004"], reference="R1")]
    assert parse_statement_file(statement_08(bookings, prefix="camt")) == parse_statement_file(
        statement_08(bookings)
    )


def test_a_statement_without_any_namespace_is_read():
    xml = without_namespace(statement_08([Booking(Decimal("99.50"), ["RE 2026-0007"], reference="R7")]))
    assert b"xmlns" not in xml
    [entry] = parse_statement_file(xml)
    assert (entry.bank_reference, entry.amount, entry.remittance) == ("R7", Decimal("99.50"), "RE 2026-0007")


def test_camt_053_001_02_is_read_like_08():
    bookings = [
        Booking(Decimal("250.00"), ["RE 2026-0004"], reference="R1"),
        Booking(Decimal("12.00"), ["Kontofuehrung"], credit=False, reference="R2"),
    ]
    old, new = parse_statement_file(statement_02(bookings)), parse_statement_file(statement_08(bookings))
    assert old == new
    assert old[0].debtor_name == "Stadtkasse Musterstadt"


def test_a_zip_of_several_statements_yields_all_their_entries():
    first = statement_08([Booking(Decimal("250.00"), ["RE 2026-0001"], reference="A")], statement_id="S1")
    second = statement_02([Booking(Decimal("300.00"), ["RE 2026-0002"], reference="B")], statement_id="S2")
    archive = zipped({"2026-06-15.xml": first, "juni/2026-06-16.xml": second, "liesmich.txt": b"x"})
    assert [e.bank_reference for e in parse_statement_file(archive)] == ["A", "B"]


def test_a_debit_is_read_but_not_bookable():
    [entry] = parse_statement_file(statement_08([Booking(Decimal("40.00"), ["Miete"], credit=False)]))
    assert entry.is_credit is False
    assert entry.is_bookable is False
    assert "Abbuchung" in entry.ignored_reason


def test_without_bank_reference_a_checksum_identifies_the_entry_and_repeats_count_on():
    same = Booking(Decimal("250.00"), ["RE 2026-0004"])
    entries = parse_statement_file(statement_08([same, same]))
    first, second = (e.bank_reference for e in entries)
    assert first.startswith("sha256:")
    assert second == f"{first}#2"
    # The same entry in another file (the monthly statement after the daily one) has the same identity.
    assert parse_statement_file(statement_08([same], statement_id="MONTH"))[0].bank_reference == first


def test_a_batch_entry_is_split_into_its_transfers():
    xml = statement_08([Booking(Decimal("550.00"), ["x"], reference="BATCH")])
    # Turn the one transfer into two of 250 and 300 (the way a bank books a Sammler).
    text = xml.decode()
    start, end = text.index("<TxDtls>"), text.index("</TxDtls>") + len("</TxDtls>")
    tx = text[start:end]
    one = tx.replace("550.00", "250.00").replace("<Ustrd>x</Ustrd>", "<Ustrd>RE 2026-0001</Ustrd>")
    two = tx.replace("550.00", "300.00").replace("<Ustrd>x</Ustrd>", "<Ustrd>RE 2026-0002</Ustrd>")
    entries = parse_statement_file((text[:start] + one + two + text[end:]).encode())
    assert [(e.bank_reference, e.amount, e.remittance) for e in entries] == [
        ("BATCH/1", Decimal("250.00"), "RE 2026-0001"),
        ("BATCH/2", Decimal("300.00"), "RE 2026-0002"),
    ]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"Datum;Betrag\n15.06.2026;250,00", "kein lesbares XML"),
        (
            b'<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>',
            "kein Kontoauszug",
        ),
        (b"PK\x03\x04kaputt", "ZIP"),
    ],
)
def test_other_files_are_refused_with_a_german_message(content, message):
    with pytest.raises(StatementError, match=message):
        parse_statement_file(content)


def test_entities_are_not_expanded():
    xml = statement_08([Booking(Decimal("250.00"), ["&lol;"], reference="R1")]).decode()
    # _escape in the builder turned & into &amp;; put a real entity reference back in.
    xml = xml.replace("&amp;lol;", "&lol;").replace(
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE Document [<!ENTITY lol "RE 2026-0004">]>',
    )
    [entry] = parse_statement_file(xml.encode())
    assert "2026-0004" not in entry.remittance


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("RE 2026-0004", [(2026, 4)]),
        ("RE2026 0004", [(2026, 4)]),
        ("Rechnung 2026/4", [(2026, 4)]),
        ("2026-0004", [(2026, 4)]),
        ("Rechnungsnr. 2026-12 Müller", [(2026, 12)]),
        ("RE20260004", [(2026, 4)]),
        ("Sammelüberweisung RE 2026-0003, RE 2026-0005 und 2026-0006", [(2026, 3), (2026, 5), (2026, 6)]),
        ("RE 2026-0004 RE 2026-0004", [(2026, 4)]),
        ("Tagung 2026 3 Personen", []),
        ("Buchung vom 2026-06-15", []),
        ("IBAN DE89370400440532013000", []),
        ("Kundennr 12026-0004", []),
        ("", []),
    ],
)
def test_invoice_numbers_with_loose_separators(text, numbers):
    assert invoice_numbers_in(text) == numbers


def test_a_credit_equal_to_the_open_amounts_pays_each_invoice():
    split = split_credit(Decimal("550.00"), [("a", Decimal("250.00")), ("b", Decimal("300.00"))])
    assert (split.parts, split.outcome) == ([("a", Decimal("250.00")), ("b", Decimal("300.00"))], "paid")


def test_a_smaller_credit_fills_the_invoices_in_order():
    split = split_credit(Decimal("400.00"), [("a", Decimal("250.00")), ("b", Decimal("300.00"))])
    assert (split.parts, split.outcome) == ([("a", Decimal("250.00")), ("b", Decimal("150.00"))], "part_paid")


def test_a_larger_credit_leaves_the_surplus_on_the_last_invoice_and_says_overpaid():
    split = split_credit(Decimal("600.00"), [("a", Decimal("250.00")), ("b", Decimal("300.00"))])
    assert split.parts == [("a", Decimal("250.00")), ("b", Decimal("350.00"))]
    assert (split.outcome, split.surplus) == ("overpaid", Decimal("50.00"))


def test_a_credit_for_an_invoice_paid_already_is_all_surplus():
    split = split_credit(Decimal("250.00"), [("a", Decimal("0.00"))])
    assert (split.parts, split.outcome, split.surplus) == (
        [("a", Decimal("250.00"))],
        "overpaid",
        Decimal("250.00"),
    )


def _candidate(key, open_amount, *names, ibans=()):
    return Candidate(key=key, open_amount=Decimal(open_amount), names=names, ibans=ibans)


def test_suggestions_come_from_the_payer_name_and_the_amount():
    candidates = [
        _candidate("muster", "250.00", "Anna Müller", "Landkreis Musterstadt"),
        _candidate("other", "250.00", "Bernd Beispiel", "Stadt Köln"),
        _candidate("name-only", "300.00", "Carla Muster", "Landkreis Musterstadt, Jugendamt"),
    ]
    suggestions = suggest_candidates(
        amount=Decimal("250.00"), payer_texts=["LANDKREIS MUSTERSTADT"], iban="", candidates=candidates
    )
    assert [s.candidate.key for s in suggestions] == ["muster", "name-only"]
    assert [s.same_amount for s in suggestions] == [True, False]


def test_an_account_that_paid_before_is_suggested_first():
    candidates = [
        _candidate("by-name", "250.00", "Stadtkasse Musterstadt"),
        _candidate("by-iban", "180.00", "Jugendhilfe e. V.", ibans=(DEBTOR_IBAN,)),
    ]
    suggestions = suggest_candidates(
        amount=Decimal("180.00"),
        payer_texts=["Stadtkasse Musterstadt"],
        iban=DEBTOR_IBAN,
        candidates=candidates,
    )
    assert [s.candidate.key for s in suggestions] == ["by-iban", "by-name"]


def test_an_unrelated_payer_gets_no_suggestion_even_with_the_same_amount():
    candidates = [_candidate("a", "250.00", "Anna Müller", "Landkreis Musterstadt")]
    assert (
        suggest_candidates(
            amount=Decimal("250.00"),
            payer_texts=["Hausverwaltung Schulz GmbH"],
            iban="",
            candidates=candidates,
        )
        == []
    )


def test_umlauts_spelt_out_by_the_bank_match_the_registration():
    candidates = [_candidate("a", "250.00", "Jürgen Müller")]
    [suggestion] = suggest_candidates(
        amount=Decimal("250.00"), payer_texts=["JUERGEN MUELLER"], iban="", candidates=candidates
    )
    assert suggestion.score == 100
