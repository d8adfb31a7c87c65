import io

import pytest
from pypdf import PdfReader

from registrations.documents import lists as list_documents
from registrations.domain import groups
from registrations.models import Registration
from registrations.queries import lists
from tests.factories import (
    ConferenceFactory,
    PersonFactory,
    RegistrationFactory,
    WorkshopBookingFactory,
    WorkshopFactory,
    WorkshopModeratorFactory,
    WorkshopPhaseFactory,
    binding_participants,
)

pytestmark = pytest.mark.django_db


def pdf_pages(pdf):
    assert pdf.startswith(b"%PDF")
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


@pytest.fixture
def conference():
    return ConferenceFactory(places=500, title="Jahrestagung Köln")


def test_group_lists_put_moderators_first_and_sort_members_like_a_phone_book(conference, group_phases):
    first, _ = group_phases
    for last_name in ("Schulz", "Schäfer", "Öztürk", "Übelhör", "Adler"):
        RegistrationFactory(conference=conference, stage="binding", last_name=last_name, first_name="Kim")
    groups.assign_discussion_groups(phase=first, group_count=1, seed=1)
    group = first.discussion_groups.get()
    group.name = "Blau"
    group.room = "Seminarraum 3"
    group.save()
    groups.set_group_moderators(
        group=group, people=[PersonFactory(first_name="Jörg", last_name="Käßmann", organisation="VSOP e.V.")]
    )

    result = lists.group_lists(first)

    assert result.kind == "groups"
    assert result.source_phase is None
    (only,) = result.lists
    assert only.title == "Gruppe 1: Blau"
    assert only.room == "Seminarraum 3"
    assert [(m.name, m.organisation) for m in only.moderators] == [("Jörg Käßmann", "VSOP e.V.")]
    assert [m.name.split()[1] for m in only.members] == ["Adler", "Öztürk", "Schäfer", "Schulz", "Übelhör"]


def test_a_reusing_phase_lists_the_groups_of_its_source_phase(conference, group_phases):
    first, last = group_phases
    binding_participants(conference, 9)
    groups.assign_discussion_groups(phase=first, group_count=3, seed=3)

    source_lists = lists.group_lists(first)
    reused_lists = lists.group_lists(last)

    assert reused_lists.source_phase == first
    assert reused_lists.phase == last
    assert [(g.title, g.members) for g in reused_lists.lists] == [
        (g.title, g.members) for g in source_lists.lists
    ]
    assert reused_lists.member_count == 9


def test_workshop_lists_show_seated_people_and_count_the_waiting_list(conference):
    phase = WorkshopPhaseFactory(conference=conference, number=2)
    workshop = WorkshopFactory(phase=phase, title="Sozialdaten im Quartier", room="Raum 4", seat_limit=2)
    WorkshopModeratorFactory(workshop=workshop, person=PersonFactory(last_name="Zander"), order=1)
    WorkshopModeratorFactory(workshop=workshop, person=PersonFactory(last_name="Adam"), order=2)
    seated = RegistrationFactory(conference=conference, last_name="Förster", organisation="Stadt Bocholt")
    WorkshopBookingFactory(workshop=workshop, registration=seated)
    gone = RegistrationFactory(conference=conference, status=Registration.Status.CANCELLED)
    WorkshopBookingFactory(workshop=workshop, registration=gone)
    WorkshopBookingFactory(workshop=workshop, status="waiting")
    empty = WorkshopFactory(phase=phase, title="Leerer Workshop", seat_limit=None)

    result = lists.workshop_lists(phase)

    assert result.kind == "workshops"
    assert [w.title for w in result.lists] == [workshop.title, empty.title]
    by_title = {w.title: w for w in result.lists}
    listed = by_title["Sozialdaten im Quartier"]
    assert [m.name.split()[-1] for m in listed.moderators] == ["Zander", "Adam"]
    assert [(m.name, m.organisation) for m in listed.members] == [(seated.full_name, "Stadt Bocholt")]
    assert listed.note == "1 von 2 Plätzen belegt, 1 auf der Warteliste"
    assert by_title["Leerer Workshop"].members == []
    assert by_title["Leerer Workshop"].note == ""


@pytest.mark.parametrize("count", [10, 100])
def test_lists_run_a_constant_number_of_queries(
    conference, group_phases, count, django_assert_max_num_queries
):
    first, last = group_phases
    people = binding_participants(conference, count, organisations=7)
    groups.assign_discussion_groups(phase=first, group_count=5, seed=1)
    for group in first.discussion_groups.all():
        groups.set_group_moderators(group=group, people=PersonFactory.create_batch(2))
    choice = WorkshopPhaseFactory(conference=conference, number=2)
    workshops = WorkshopFactory.create_batch(4, phase=choice, seat_limit=None)
    for workshop in workshops:
        WorkshopModeratorFactory(workshop=workshop)
    for index, registration in enumerate(people):
        WorkshopBookingFactory(workshop=workshops[index % 4], registration=registration)

    # phase, groups, moderators, memberships with people
    with django_assert_max_num_queries(4):
        assert lists.group_lists(last).member_count == count
    # phase, workshops, moderators with people, bookings with people
    with django_assert_max_num_queries(4):
        assert lists.workshop_lists(choice).member_count == count


def test_group_lists_pdf_has_one_group_per_page_with_page_numbers(conference, group_phases):
    first, _ = group_phases
    people = binding_participants(conference, 12, organisations=4)
    groups.assign_discussion_groups(phase=first, group_count=3, seed=2)
    moderated = first.discussion_groups.get(number=2)
    groups.set_group_moderators(
        group=moderated, people=[PersonFactory(first_name="Bärbel", last_name="Groß")]
    )

    pages = pdf_pages(list_documents.group_lists_pdf(first))

    assert len(pages) == 3
    for number, text in enumerate(pages, start=1):
        assert f"Gruppe {number}" in text
        assert f"Seite {number} von 3" in text
        assert "Jahrestagung Köln" in text
    assert "Bärbel Groß" in pages[1]
    assert "noch niemand eingetragen" in pages[0]
    for registration in people:
        assert sum(registration.full_name in text for text in pages) == 1


def test_a_long_list_repeats_its_table_header_on_the_next_page(conference, group_phases):
    first, _ = group_phases
    binding_participants(conference, 70)
    groups.assign_discussion_groups(phase=first, group_count=1, seed=2)

    pages = pdf_pages(list_documents.group_lists_pdf(first))

    assert len(pages) >= 2
    assert all("Organisation" in text for text in pages)
    assert "Seite 2 von" in pages[1]


def test_workshop_lists_pdf_has_one_workshop_per_page(conference):
    phase = WorkshopPhaseFactory(conference=conference, number=2, title="Kooperationen")
    for title in ("Mobilität im ländlichen Raum", "Sozialberichterstattung"):
        workshop = WorkshopFactory(phase=phase, title=title)
        WorkshopBookingFactory(workshop=workshop, registration__last_name="Hübner")

    pages = pdf_pages(list_documents.workshop_lists_pdf(phase))

    assert len(pages) == 2
    assert "Mobilität im ländlichen Raum" in pages[0]
    assert "Sozialberichterstattung" in pages[1]
    assert all("Hübner" in text for text in pages)
    assert "2. Arbeitsphase: Kooperationen" in pages[0]


def test_a_phase_without_groups_gets_a_one_page_pdf_that_says_so(group_phases):
    first, _ = group_phases

    pages = pdf_pages(list_documents.group_lists_pdf(first))

    assert len(pages) == 1
    assert "noch keine Gruppen zugeteilt" in pages[0]
