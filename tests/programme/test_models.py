import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from programme.models import Appearance, Conference, ProgrammeItem, WorkshopPhase
from tests.factories import (
    AppearanceFactory,
    ConferenceFactory,
    PersonFactory,
    ProgrammeItemFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")


def at(day, hour, minute=0):
    return dt.datetime(2022, 3, day, hour, minute, tzinfo=BERLIN)


def messages(error):
    return {field: [str(m) for m in msgs] for field, msgs in error.value.message_dict.items()}


# Database constraints


def test_conference_ending_before_it_starts_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(starts_at=at(28, 12), ends_at=at(28, 12))


def test_negative_member_fee_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(member_fee=Decimal("-1.00"))


def test_negative_non_member_fee_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        ConferenceFactory(non_member_fee=Decimal("-0.01"))


def test_programme_item_ending_before_it_starts_is_refused_by_the_database():
    conference = ConferenceFactory(starts_at=at(28, 12), ends_at=at(30, 16))
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeItemFactory(conference=conference, starts_at=at(28, 13), ends_at=at(28, 12))


def test_programme_item_without_end_is_allowed():
    item = ProgrammeItemFactory(ends_at=None)
    assert item.ends_at is None


def test_workshop_without_seats_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopFactory(seat_limit=0)


def test_workshop_without_seat_limit_is_allowed():
    assert WorkshopFactory(seat_limit=None).seat_limit is None


def test_phase_number_is_unique_per_conference():
    phase = WorkshopPhaseFactory(number=1)
    WorkshopPhaseFactory(number=1)  # another conference may use the same number
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopPhaseFactory(conference=phase.conference, number=1)


def test_a_person_moderates_a_workshop_only_once():
    moderator = WorkshopModeratorFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        WorkshopModeratorFactory(workshop=moderator.workshop, person=moderator.person)


def test_a_person_appears_in_an_item_once_per_role():
    appearance = AppearanceFactory(role=Appearance.Role.SPEAKER)
    AppearanceFactory(item=appearance.item, person=appearance.person, role=Appearance.Role.HOST)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppearanceFactory(item=appearance.item, person=appearance.person, role=Appearance.Role.SPEAKER)


# clean(): the messages the office reads


def test_conference_clean_says_in_german_that_the_end_must_follow_the_start():
    conference = ConferenceFactory.build(starts_at=at(28, 12), ends_at=at(27, 12))
    with pytest.raises(ValidationError) as error:
        conference.full_clean()
    assert messages(error)["ends_at"] == ["Das Ende muss nach dem Beginn liegen."]


def test_conference_clean_refuses_binding_deadline_before_pre_registration_deadline():
    conference = ConferenceFactory.build(
        pre_registration_deadline=dt.date(2025, 7, 4), registration_deadline=dt.date(2025, 6, 2)
    )
    with pytest.raises(ValidationError) as error:
        conference.clean()
    assert messages(error) == {
        "registration_deadline": [
            "Die verbindliche Anmeldung kann nicht vor dem Ende der Voranmeldung schließen."
        ]
    }


def test_conference_clean_refuses_pre_registration_ending_before_it_opens():
    conference = ConferenceFactory.build(
        pre_registration_opens_at=dt.datetime(2025, 6, 3, 9, 0, tzinfo=BERLIN),
        pre_registration_deadline=dt.date(2025, 6, 2),
        registration_deadline=dt.date(2025, 7, 4),
    )
    with pytest.raises(ValidationError) as error:
        conference.clean()
    assert messages(error) == {
        "pre_registration_deadline": ["Die Voranmeldung muss nach ihrem Beginn enden."]
    }


def test_conference_full_clean_reports_a_negative_fee():
    conference = ConferenceFactory.build(member_fee=Decimal("-5.00"))
    with pytest.raises(ValidationError) as error:
        conference.full_clean()
    assert "member_fee" in error.value.message_dict


def test_programme_item_clean_says_in_german_that_the_end_must_follow_the_start():
    conference = ConferenceFactory()
    item = ProgrammeItemFactory.build(conference=conference, starts_at=at(28, 13), ends_at=at(28, 13))
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert messages(error) == {"ends_at": ["Das Ende muss nach dem Beginn liegen."]}


def test_programme_item_linked_to_a_phase_of_another_conference_fails_clean():
    phase = WorkshopPhaseFactory()
    item = ProgrammeItemFactory.build(
        conference=ConferenceFactory(), kind=ProgrammeItem.Kind.WORKSHOP_PHASE, workshop_phase=phase
    )
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert messages(error) == {"workshop_phase": ["Die Arbeitsphase gehört zu einer anderen Tagung."]}


def test_programme_item_with_a_phase_must_be_of_kind_workshop_phase():
    phase = WorkshopPhaseFactory()
    item = ProgrammeItemFactory.build(
        conference=phase.conference, kind=ProgrammeItem.Kind.TALK, workshop_phase=phase
    )
    with pytest.raises(ValidationError) as error:
        item.clean()
    assert messages(error) == {
        "kind": ["Ein Programmpunkt mit Arbeitsphase muss die Art „Arbeitsphase“ haben."]
    }


def test_programme_item_linked_to_a_phase_of_its_own_conference_is_clean():
    phase = WorkshopPhaseFactory()
    item = ProgrammeItemFactory.build(
        conference=phase.conference, kind=ProgrammeItem.Kind.WORKSHOP_PHASE, workshop_phase=phase
    )
    item.clean()


def test_a_phase_cannot_reuse_its_own_groups():
    phase = WorkshopPhaseFactory(mode=WorkshopPhase.Mode.GROUPS)
    phase.reuses_groups_of = phase
    with pytest.raises(ValidationError) as error:
        phase.clean()
    assert messages(error) == {
        "reuses_groups_of": ["Eine Arbeitsphase kann nicht ihre eigenen Gruppen übernehmen."]
    }


def test_a_phase_cannot_reuse_groups_of_another_conference():
    other = WorkshopPhaseFactory(number=1, mode=WorkshopPhase.Mode.GROUPS)
    phase = WorkshopPhaseFactory(number=4, mode=WorkshopPhase.Mode.GROUPS, reuses_groups_of=other)
    with pytest.raises(ValidationError) as error:
        phase.clean()
    assert messages(error) == {"reuses_groups_of": ["Die Gruppen müssen aus derselben Tagung stammen."]}


def test_only_group_phases_can_reuse_groups():
    first = WorkshopPhaseFactory(number=1, mode=WorkshopPhase.Mode.GROUPS)
    phase = WorkshopPhaseFactory(
        conference=first.conference, number=2, mode=WorkshopPhase.Mode.CHOOSE, reuses_groups_of=first
    )
    with pytest.raises(ValidationError) as error:
        phase.clean()
    assert messages(error) == {
        "reuses_groups_of": ["Nur Arbeitsphasen mit Diskussionsgruppen können Gruppen übernehmen."]
    }


def test_a_group_phase_may_reuse_groups_of_an_earlier_phase_of_the_same_conference():
    first = WorkshopPhaseFactory(number=1, mode=WorkshopPhase.Mode.GROUPS)
    phase = WorkshopPhaseFactory(
        conference=first.conference, number=4, mode=WorkshopPhase.Mode.GROUPS, reuses_groups_of=first
    )
    phase.clean()
    assert list(first.reused_by.all()) == [phase]


# __str__ and derived values


def test_conference_str_shows_title_and_year():
    conference = ConferenceFactory.build(title="Jahrestagung 2022", starts_at=at(28, 12))
    assert str(conference) == "Jahrestagung 2022 (2022)"


def test_person_str_includes_the_academic_title():
    person = PersonFactory.build(academic_title="Dr.", first_name="Ingo", last_name="Gottschalk")
    assert str(person) == "Dr. Ingo Gottschalk"


def test_person_without_title_or_organisation_reads_naturally():
    person = PersonFactory.build(first_name="Tabea", last_name="Esche", organisation="")
    assert str(person) == "Tabea Esche"
    assert person.display_with_organisation == "Tabea Esche"


def test_person_display_with_organisation():
    person = PersonFactory.build(
        academic_title="Prof. Dr. phil.",
        first_name="Isolde",
        last_name="Heintze",
        organisation="Hochschule Mittweida",
    )
    assert person.display_with_organisation == "Prof. Dr. phil. Isolde Heintze, Hochschule Mittweida"


def test_workshop_phase_str_shows_number_and_theme():
    phase = WorkshopPhaseFactory.build(number=1, title="Standortbestimmung")
    assert str(phase) == "1. Arbeitsphase: Standortbestimmung"


def test_workshop_str_is_its_title_and_it_knows_its_conference():
    workshop = WorkshopFactory(title="Sozialdaten in der Quartiersarbeit")
    assert str(workshop) == "Sozialdaten in der Quartiersarbeit"
    assert workshop.conference == workshop.phase.conference


def test_programme_item_str_shows_local_start_and_title():
    item = ProgrammeItemFactory.build(title="Begrüßung", starts_at=at(28, 13))
    assert str(item) == "28.03.2022 13:00 Begrüßung"


def test_moderator_and_appearance_str_name_person_and_role():
    person = PersonFactory(first_name="Anke", last_name="Niederschulte")
    moderator = WorkshopModeratorFactory(person=person, workshop=WorkshopFactory(title="Monitoring"))
    appearance = AppearanceFactory(person=person, role=Appearance.Role.SPEAKER)
    assert str(moderator) == "Anke Niederschulte – Monitoring"
    assert str(appearance) == "Anke Niederschulte (Vortrag)"


def test_conference_is_past_after_its_end():
    past = ConferenceFactory(starts_at=at(28, 12), ends_at=at(30, 16))
    upcoming = ConferenceFactory()
    assert past.is_past is True
    assert upcoming.is_past is False
    assert list(Conference.objects.past()) == [past]
    assert list(Conference.objects.upcoming()) == [upcoming]


def test_draft_conferences_are_not_public():
    ConferenceFactory(status=Conference.Status.DRAFT)
    assert list(Conference.objects.public()) == []


def test_conference_contact_falls_back_to_the_association(settings):
    conference = ConferenceFactory.build(contact_email="")
    assert conference.contact == settings.ASSOCIATION["email"]
    assert ConferenceFactory.build(contact_email="tagung@example.org").contact == "tagung@example.org"


def test_conference_url_uses_its_slug():
    conference = ConferenceFactory.build(slug="kleine-jahrestagung-2025-koeln")
    assert conference.get_absolute_url() == "/tagungen/kleine-jahrestagung-2025-koeln/"
