import io
from decimal import Decimal

import pytest

from registrations.domain import lifecycle, membership
from registrations.domain.lifecycle import register_binding
from registrations.domain.membership import MemberImportError, import_member_list
from registrations.models import Invoice, Member, Registration
from tests.factories import (
    ConferenceFactory,
    ProgrammeItemFactory,
    RegistrationFactory,
    pre_registration_data,
    self_billing,
)

pytestmark = pytest.mark.django_db


def csv_file(text, *, encoding="utf-8"):
    return io.BytesIO(text.encode(encoding))


def members():
    return sorted(Member.objects.values_list("member_number", "name", "email"))


def test_import_semicolon_csv_with_bom_and_umlauts():
    result = import_member_list(
        file=csv_file(
            "Mitgliedsnummer;Name;E-Mail\r\n1001;Jürgen Größe-Äbele;J.Groesse@Stadt.de\r\n1002;Zoë O'Neill;\r\n",
            encoding="utf-8-sig",
        )
    )
    assert (result.created, result.updated, result.deleted) == (2, 0, 0)
    assert members() == [("1001", "Jürgen Größe-Äbele", "j.groesse@stadt.de"), ("1002", "Zoë O'Neill", "")]


def test_import_comma_csv_without_bom_and_quoted_fields():
    import_member_list(file=csv_file('Mitgliedsnummer,Name,E-Mail\n"A-7","Müller, Anna",anna@example.org\n'))
    assert members() == [("A-7", "Müller, Anna", "anna@example.org")]


def test_import_windows_1252_file_from_excel():
    import_member_list(file=csv_file("Mitgliedsnummer;Name;E-Mail\n1;Käthe Weiß;\n", encoding="cp1252"))
    assert members() == [("1", "Käthe Weiß", "")]


def test_import_replaces_the_list_and_updates_changed_entries():
    Member.objects.create(member_number="1", name="Alt", email="")
    Member.objects.create(member_number="2", name="Ausgetreten", email="")
    result = import_member_list(
        file=csv_file("Mitgliedsnummer;Name;E-Mail\n1;Neu;neu@example.org\n3;Drei;\n")
    )
    assert (result.created, result.updated, result.deleted) == (1, 1, 1)
    assert members() == [("1", "Neu", "neu@example.org"), ("3", "Drei", "")]


def test_import_without_replace_keeps_other_members():
    Member.objects.create(member_number="2", name="Bleibt", email="")
    import_member_list(file=csv_file("Mitgliedsnummer;Name;E-Mail\n1;Eins;\n"), replace=False)
    assert [m[0] for m in members()] == ["1", "2"]


def test_bad_rows_are_listed_by_line_and_nothing_is_imported():
    Member.objects.create(member_number="9", name="Vorher", email="")
    with pytest.raises(MemberImportError) as error:
        import_member_list(
            file=csv_file(
                "Mitgliedsnummer;Name;E-Mail\n1;Gut;\n;Ohne Nummer;\n2;;x@example.org\n1;Doppelt;\n3;Kaputt;keine-mail\n"
            )
        )
    assert error.value.errors == [
        "Zeile 3: Mitgliedsnummer fehlt.",
        "Zeile 4: Name fehlt.",
        "Zeile 5: Mitgliedsnummer 1 steht schon in Zeile 2.",
        "Zeile 6: „keine-mail“ ist keine gültige E-Mail-Adresse.",
    ]
    assert members() == [("9", "Vorher", "")]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Die Datei ist leer."),
        (b"Nummer;Vorname\n1;A\n", "es fehlt: Name"),
        (b"Mitgliedsnummer;Name\n", "keine Mitglieder"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x81\x81\x81", "keine Textdatei"),
    ],
)
def test_unusable_files_are_refused_with_a_german_message(content, message):
    with pytest.raises(MemberImportError) as error:
        import_member_list(file=io.BytesIO(content))
    assert message in " ".join(error.value.errors)


def test_import_rechecks_open_membership_claims():
    conference = ConferenceFactory()
    claim = RegistrationFactory(
        conference=conference, is_member=True, member_number="1001", membership_check="unverified"
    )
    by_mail = RegistrationFactory(
        conference=conference, is_member=True, email="anna@example.org", membership_check="check"
    )
    unknown = RegistrationFactory(
        conference=conference, is_member=True, member_number="77", membership_check="unverified"
    )
    result = import_member_list(
        file=csv_file("Mitgliedsnummer;Name;E-Mail\n1001;A;\n1002;Anna;Anna@Example.org\n")
    )
    assert result.rechecked == {"verified": 2, "check": 1}
    claim.refresh_from_db()
    by_mail.refresh_from_db()
    unknown.refresh_from_db()
    assert (claim.membership_check, by_mail.membership_check, unknown.membership_check) == (
        "verified",
        "verified",
        "check",
    )


def test_membership_status_rules():
    assert membership.membership_status(is_member=True, member_number="1", email="") == "unverified"
    Member.objects.create(member_number="A-1", name="A", email="a@example.org")
    assert membership.membership_status(is_member=False, member_number="A-1", email="") == "not_claimed"
    assert membership.membership_status(is_member=True, member_number=" a-1 ", email="") == "verified"
    assert membership.membership_status(is_member=True, member_number="", email="A@example.org") == "verified"
    assert membership.membership_status(is_member=True, member_number="B", email="b@example.org") == "check"


def _binding(conference, *, is_member, n=1):
    pre, _ = lifecycle.pre_register(
        conference=conference,
        data=pre_registration_data(n, is_member=is_member),
    )
    registration, _ = register_binding(
        conference=conference,
        registration=pre,
        data=self_billing(
            is_member=is_member,
            evening_events=[
                item.pk
                for item in conference.programme_items.filter(requires_signup=True)
                if is_member or not item.members_only
            ],
        ),
    )
    return registration


def test_office_bills_a_false_member_as_non_member_and_the_invoice_is_reissued():
    conference = ConferenceFactory()
    ProgrammeItemFactory(conference=conference, kind="evening", members_only=True, requires_signup=True)
    registration = _binding(conference, is_member=True)
    assert registration.membership_check == "unverified"
    old = Invoice.objects.get(registration=registration)
    assert old.amount == Decimal("250.00")
    membership.confirm_membership(registration=registration, is_member=False)
    registration.refresh_from_db()
    assert (registration.fee_category, registration.fee) == ("non_member", Decimal("300.00"))
    assert registration.membership_check == Registration.MembershipCheck.NOT_CLAIMED
    assert registration.evening_events.count() == 0
    assert sorted((i.kind, i.amount) for i in Invoice.objects.filter(registration=registration)) == [
        ("cancellation", Decimal("-250.00")),
        ("invoice", Decimal("250.00")),
        ("invoice", Decimal("300.00")),
    ]
    assert "als Nicht-Mitglied abgerechnet" in registration.history.values_list(
        "history_change_reason", flat=True
    )


def test_office_confirms_membership_without_touching_an_unchanged_invoice():
    conference = ConferenceFactory()
    registration = _binding(conference, is_member=True)
    membership.confirm_membership(registration=registration, is_member=True)
    registration.refresh_from_db()
    assert registration.membership_check == Registration.MembershipCheck.VERIFIED
    assert registration.fee == Decimal("250.00")
    assert Invoice.objects.filter(registration=registration).count() == 1


def test_office_switches_a_non_member_to_member_fee():
    conference = ConferenceFactory()
    registration = _binding(conference, is_member=False)
    membership.confirm_membership(registration=registration, is_member=True)
    registration.refresh_from_db()
    assert (registration.fee_category, registration.fee, registration.is_member) == (
        "member",
        Decimal("250.00"),
        True,
    )
    assert Invoice.objects.get(
        registration=registration, kind="invoice", cancelled_by__isnull=True
    ).amount == Decimal("250.00")
