"""Test bank statements as a bank sends them.

camt.053.001.08 statements are built with pyiso20022's bindings, generated
from the official ISO 20022 schema (required elements are required
arguments there) and serialised with xsdata, so they carry the
full structure of a bank's file (group header, balances, bank transaction
codes, Pty wrappers) and not only the elements our parser reads. The older
camt.053.001.02 is written by hand after the DK's (Deutsche Kreditwirtschaft)
sample layout, as some banks still export it.
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from pyiso20022.camt import camt_053_001_08 as camt
from xsdata.formats.dataclass.serializers import XmlSerializer
from xsdata.formats.dataclass.serializers.config import SerializerConfig
from xsdata.models.datatype import XmlDate, XmlDateTime

NAMESPACE_08 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"
NAMESPACE_02 = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
ACCOUNT = "DE02370502990000684712"  # the association's account (a valid test IBAN)
DEBTOR_IBAN = "DE89370400440532013000"


@dataclass
class Booking:
    """One line of a test statement; `reference` None: the bank sends no AcctSvcrRef."""

    amount: Decimal
    remittance: list = field(default_factory=list)
    debtor: str = "Stadtkasse Musterstadt"
    debtor_iban: str = DEBTOR_IBAN
    reference: str | None = None
    credit: bool = True
    booked_on: dt.date = dt.date(2026, 6, 15)
    ultimate_debtor: str | None = None


def _amount(value):
    return camt.ActiveOrHistoricCurrencyAndAmount(value=Decimal(value), ccy="EUR")


def _date(value):
    return camt.DateAndDateTime2Choice(dt=XmlDate.from_date(value))


def _party(name):
    return camt.Party40Choice(pty=camt.PartyIdentification135(nm=name)) if name else None


def _entry_08(booking):
    credit = booking.credit
    code = camt.CreditDebitCode.CRDT if credit else camt.CreditDebitCode.DBIT
    other = _party(booking.debtor)
    other_account = camt.CashAccount38(id=camt.AccountIdentification4Choice(iban=booking.debtor_iban))
    parties = (
        camt.TransactionParties6(
            dbtr=other, dbtr_acct=other_account, ultmt_dbtr=_party(booking.ultimate_debtor)
        )
        if credit
        else camt.TransactionParties6(cdtr=other, cdtr_acct=other_account)
    )
    return camt.ReportEntry10(
        amt=_amount(booking.amount),
        cdt_dbt_ind=code,
        sts=camt.EntryStatus1Choice(cd="BOOK"),
        bookg_dt=_date(booking.booked_on),
        val_dt=_date(booking.booked_on),
        acct_svcr_ref=booking.reference,
        bk_tx_cd=camt.BankTransactionCodeStructure4(
            domn=camt.BankTransactionCodeStructure5(
                cd="PMNT",
                fmly=camt.BankTransactionCodeStructure6(cd="RCDT" if credit else "ICDT", sub_fmly_cd="ESCT"),
            ),
            prtry=camt.ProprietaryBankTransactionCodeStructure1(
                cd="NTRF+166" if credit else "NTRF+116", issr="DK"
            ),
        ),
        ntry_dtls=[
            camt.EntryDetails9(
                tx_dtls=[
                    camt.EntryTransaction10(
                        refs=camt.TransactionReferences6(end_to_end_id="NOTPROVIDED"),
                        amt=_amount(booking.amount),
                        cdt_dbt_ind=code,
                        rltd_pties=parties,
                        rmt_inf=camt.RemittanceInformation16(ustrd=list(booking.remittance)),
                    )
                ]
            )
        ],
        addtl_ntry_inf="GUTSCHR. UEBERWEISUNG" if credit else "UEBERWEISUNG",
    )


def statement_08(bookings, *, statement_id="STMT-2026-06-15", prefix=None):
    """A camt.053.001.08 file (bytes). `prefix`: None for a default namespace (`<Document xmlns=…>`),
    a name like "camt" for `<camt:Document xmlns:camt=…>`."""
    when = XmlDateTime.from_datetime(dt.datetime(2026, 6, 16, 6, 0, tzinfo=dt.UTC))
    opening = Decimal("1000.00")
    closing = opening + sum((b.amount if b.credit else -b.amount for b in bookings), Decimal("0"))

    def balance(code, amount):
        return camt.CashBalance8(
            tp=camt.BalanceType13(cd_or_prtry=camt.BalanceType10Choice(cd=code)),
            amt=_amount(abs(amount)),
            cdt_dbt_ind=camt.CreditDebitCode.CRDT if amount >= 0 else camt.CreditDebitCode.DBIT,
            dt=_date(bookings[0].booked_on if bookings else dt.date(2026, 6, 15)),
        )

    document = camt.Document(
        bk_to_cstmr_stmt=camt.BankToCustomerStatementV08(
            grp_hdr=camt.GroupHeader81(msg_id=f"MSG-{statement_id}", cre_dt_tm=when),
            stmt=[
                camt.AccountStatement9(
                    id=statement_id,
                    elctrnc_seq_nb=Decimal("1"),
                    cre_dt_tm=when,
                    acct=camt.CashAccount39(
                        id=camt.AccountIdentification4Choice(iban=ACCOUNT),
                        ccy="EUR",
                        ownr=camt.PartyIdentification135(nm="VSOP e. V."),
                    ),
                    bal=[balance("OPBD", opening), balance("CLBD", closing)],
                    ntry=[_entry_08(b) for b in bookings],
                )
            ],
        )
    )
    serializer = XmlSerializer(config=SerializerConfig(indent="  "))
    return serializer.render(document, ns_map={prefix: NAMESPACE_08}).encode()


def _escape(text):
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def statement_02(bookings, *, statement_id="STMT-02"):
    """A camt.053.001.02 file (bytes), hand-written: Sts is a plain code, Dbtr has Nm directly."""
    entries = []
    for b in bookings:
        role = "Dbtr" if b.credit else "Cdtr"
        reference = f"<AcctSvcrRef>{b.reference}</AcctSvcrRef>" if b.reference else ""
        ustrd = "".join(f"<Ustrd>{_escape(line)}</Ustrd>" for line in b.remittance)
        entries.append(
            f"""<Ntry><Amt Ccy="EUR">{b.amount}</Amt><CdtDbtInd>{"CRDT" if b.credit else "DBIT"}</CdtDbtInd>
<Sts>BOOK</Sts><BookgDt><Dt>{b.booked_on.isoformat()}</Dt></BookgDt><ValDt><Dt>{b.booked_on.isoformat()}</Dt></ValDt>
{reference}<BkTxCd><Prtry><Cd>NTRF+166</Cd><Issr>ZKA</Issr></Prtry></BkTxCd>
<NtryDtls><TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
<AmtDtls><TxAmt><Amt Ccy="EUR">{b.amount}</Amt></TxAmt></AmtDtls>
<RltdPties><{role}><Nm>{_escape(b.debtor)}</Nm></{role}><{role}Acct><Id><IBAN>{b.debtor_iban}</IBAN></Id></{role}Acct></RltdPties>
<RmtInf>{ustrd}</RmtInf></TxDtls></NtryDtls></Ntry>"""
        )
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="{NAMESPACE_02}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<BkToCstmrStmt><GrpHdr><MsgId>MSG-{statement_id}</MsgId><CreDtTm>2026-06-16T06:00:00+02:00</CreDtTm></GrpHdr>
<Stmt><Id>{statement_id}</Id><CreDtTm>2026-06-16T06:00:00+02:00</CreDtTm>
<Acct><Id><IBAN>{ACCOUNT}</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>PRCD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-06-15</Dt></Dt></Bal>
{"".join(entries)}
</Stmt></BkToCstmrStmt></Document>""".encode()


def without_namespace(xml):
    """The same statement with no namespace at all (some bank exports and hand edits look like this)."""
    text = xml.decode()
    for namespace in (NAMESPACE_08, NAMESPACE_02):
        text = text.replace(f' xmlns="{namespace}"', "")
    return text.encode()


def zipped(files):
    """A ZIP of several statements, as banks hand out a month of daily files: {name: bytes}."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
    return buffer.getvalue()
