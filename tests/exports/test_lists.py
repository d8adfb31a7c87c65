import pytest

from exports.domain.files import describe_filters
from exports.queries import lists
from tests.factories import RegistrationFactory

pytestmark = pytest.mark.django_db


def _names(table):
    return [r.last_name for r in table.registrations]


def test_list_is_sorted_the_german_way_whatever_the_case_and_umlauts(conference):
    for last in ["Zander", "Özdemir", "ebert", "Otto", "Ärmel"]:
        RegistrationFactory(conference=conference, last_name=last)

    table = lists.participant_table(conference, ["name"])

    assert _names(table) == ["Ärmel", "ebert", "Otto", "Özdemir", "Zander"]


def test_default_list_holds_only_people_with_a_place(conference):
    RegistrationFactory(conference=conference, last_name="Platz")
    RegistrationFactory(
        conference=conference, last_name="Wartend", status="waiting", waiting_since=conference.created_at
    )
    RegistrationFactory(conference=conference, last_name="Storniert", status="cancelled")
    RegistrationFactory(last_name="Andere Tagung")

    assert _names(lists.participant_table(conference)) == ["Platz"]


def test_filters_combine(conference, populate):
    people = populate(12)
    paid_members = sorted(p.last_name for p in people if p.is_member and p.payment_status == "paid")

    table = lists.participant_table(
        conference, ["name"], {"status": ["holds_place"], "paid": "yes", "member": "yes"}
    )

    assert sorted(_names(table)) == paid_members
    assert paid_members  # the fixture has paying members, so this test can fail


def test_workshop_and_group_filters(conference, populate):
    people = populate(6)
    workshop_a = populate.workshops[0]
    group_2 = populate.groups[1]

    in_a = lists.participant_table(conference, ["name"], {"workshop": workshop_a.pk})
    in_group_2 = lists.participant_table(conference, ["name"], {"group": group_2.pk})

    assert sorted(_names(in_a)) == sorted(p.last_name for i, p in enumerate(people) if i % 3 == 0)
    assert sorted(_names(in_group_2)) == sorted(p.last_name for i, p in enumerate(people) if i % 2 == 1)


def test_phase_columns_show_workshop_and_group(conference, populate):
    person = populate(1)[0]

    table = lists.participant_table(conference, ["last_name", "phase_1", "phase_2", "evening_events"])

    assert table.headers == ["Nachname", "AP 1: Workshop", "AP 2: Gruppe", "Abendveranstaltungen"]
    assert list(table.text_rows()) == [[person.last_name, "Workshop A", "Gruppe 1", "Abendessen im Brauhaus"]]


def test_unknown_columns_are_dropped(conference, populate):
    populate(1)

    table = lists.participant_table(conference, ["last_name", "phase_9", "no_such_column"])

    assert table.headers == ["Nachname"]


def test_display_writes_german_values():
    import datetime as dt
    from decimal import Decimal

    assert lists.display(Decimal("1250.5"), lists.MONEY) == "1.250,50\u00a0€"
    assert lists.display(True, lists.BOOL) == "ja"
    assert lists.display(dt.date(2025, 9, 25), lists.DATE) == "25.09.2025"
    assert lists.display(None) == ""


def test_filters_are_described_in_words(conference, populate):
    populate(1)

    text = describe_filters(
        conference,
        {"status": ["holds_place"], "paid": "no", "member": "yes", "workshop": populate.workshops[1].pk},
    )

    assert text == "Platz gesichert · nicht bezahlt · Mitglieder · Workshop: Workshop B"
