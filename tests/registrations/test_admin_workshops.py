import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from registrations.domain import workshops
from registrations.models import OutgoingMail, WorkshopBooking
from registrations.office.roles import ORGANISATION
from tests.factories import (
    ConferenceFactory,
    RegistrationFactory,
    StaffFactory,
    WorkshopFactory,
    WorkshopPhaseFactory,
)

pytestmark = pytest.mark.django_db


def book(phase, workshop, count, *, join=False, second=None):
    people = []
    for _ in range(count):
        registration = RegistrationFactory(conference=phase.conference)
        workshops.choose_workshops(
            registration=registration,
            choices={phase.pk: workshop.pk},
            second_choices={phase.pk: second.pk} if second else None,
            join_waiting_list=join,
        )
        people.append(registration)
    return people


def fill_url(conference):
    return reverse("admin:registrations_workshop_fill", args=[conference.pk])


def queries(client, url):
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context.captured_queries)


def test_fill_page_shows_seats_taken_free_and_waiting_in_order(admin_client, phase):
    full = WorkshopFactory(phase=phase, title="Sozialraum", seat_limit=2, order=1)
    other = WorkshopFactory(phase=phase, title="Quartier", seat_limit=10, order=2)
    book(phase, full, 2)
    waiting = book(phase, full, 2, join=True, second=other)
    content = admin_client.get(fill_url(phase.conference)).content.decode()
    assert "2 von 2 Plätzen" in content
    assert "2 von 10 Plätzen" in content  # the two waiting people sit in their second choice
    assert content.index(waiting[0].sort_name) < content.index(waiting[1].sort_name)
    assert "Zweitwahl: Quartier" in content
    assert "Platz geben" in content


def test_fill_page_runs_the_same_number_of_queries_for_more_people_and_workshops(admin_client, phase):
    first = WorkshopFactory(phase=phase, seat_limit=1)
    second = WorkshopFactory(phase=phase, seat_limit=30)
    book(phase, first, 1)
    book(phase, first, 1, join=True, second=second)
    small = queries(admin_client, fill_url(phase.conference))
    other_phase = WorkshopPhaseFactory(conference=phase.conference, number=3)
    for _ in range(3):
        WorkshopFactory(phase=other_phase, seat_limit=5)
    book(phase, second, 12)
    book(phase, first, 4, join=True, second=second)
    assert queries(admin_client, fill_url(phase.conference)) == small


def test_booking_list_runs_constant_queries(admin_client, phase):
    first = WorkshopFactory(phase=phase, seat_limit=1)
    second = WorkshopFactory(phase=phase, seat_limit=30)
    book(phase, first, 1)
    url = reverse("admin:registrations_workshopbooking_changelist")
    small = queries(admin_client, url)
    book(phase, first, 5, join=True, second=second)
    assert queries(admin_client, url) == small
    assert "Wartelistenplatz" in admin_client.get(url).content.decode()


def test_moving_on_the_fill_page_passes_the_freed_seat_on(admin_client, phase):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    second = WorkshopFactory(phase=phase, title="B", seat_limit=5)
    [holder] = book(phase, first, 1)
    [waiting] = book(phase, first, 1, join=True)
    booking = WorkshopBooking.objects.get(registration=holder)
    response = admin_client.post(fill_url(phase.conference), {"booking": booking.pk, "workshop": second.pk})
    assert response.status_code == 302
    assert response["Location"] == f"{fill_url(phase.conference)}#phase-{phase.pk}"
    assert WorkshopBooking.objects.get(registration=holder).workshop == second
    assert WorkshopBooking.objects.get(registration=waiting).status == WorkshopBooking.Status.SEATED
    assert OutgoingMail.objects.filter(registration=waiting, kind="workshop_moved_up").count() == 1
    page = admin_client.get(response["Location"]).content.decode()
    assert f"{holder.full_name} sitzt jetzt in „B“." in page


def test_moving_into_a_full_workshop_shows_the_refusal(admin_client, phase):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    full = WorkshopFactory(phase=phase, title="Voll", seat_limit=1)
    [holder] = book(phase, first, 1)
    book(phase, full, 1)
    booking = WorkshopBooking.objects.get(registration=holder)
    response = admin_client.post(
        fill_url(phase.conference), {"booking": booking.pk, "workshop": full.pk}, follow=True
    )
    assert "„Voll“ ist voll (1 Plätze)" in response.content.decode()
    assert WorkshopBooking.objects.get(registration=holder).workshop == first


def test_a_booking_of_another_conference_cannot_be_moved_through_this_page(admin_client, phase):
    workshop = WorkshopFactory(phase=phase)
    foreign_phase = WorkshopPhaseFactory()
    foreign = WorkshopFactory(phase=foreign_phase)
    [registration] = book(foreign_phase, foreign, 1)
    booking = WorkshopBooking.objects.get(registration=registration)
    response = admin_client.post(fill_url(phase.conference), {"booking": booking.pk, "workshop": workshop.pk})
    assert response.status_code == 404


def test_move_action_moves_several_and_reports_refusals(admin_client, phase):
    first = WorkshopFactory(phase=phase, title="A", seat_limit=5)
    target = WorkshopFactory(phase=phase, title="Ziel", seat_limit=2)
    people = book(phase, first, 3)
    bookings = WorkshopBooking.objects.filter(registration__in=people).order_by("pk")
    url = reverse("admin:registrations_workshopbooking_changelist")
    form = admin_client.post(url, {"action": "move_action", "_selected_action": [b.pk for b in bookings]})
    assert form.status_code == 200
    assert "Ziel-Workshop" in form.content.decode()
    response = admin_client.post(
        url,
        {
            "action": "move_action",
            "_selected_action": [b.pk for b in bookings],
            "apply": "1",
            "workshop": target.pk,
        },
        follow=True,
    )
    content = response.content.decode()
    assert "2 Personen verschoben." in content
    assert "„Ziel“ ist voll" in content
    assert WorkshopBooking.objects.filter(workshop=target).count() == 2


def test_remove_action_frees_the_seat_for_the_first_waiting(admin_client, phase):
    workshop = WorkshopFactory(phase=phase, seat_limit=1)
    [holder] = book(phase, workshop, 1)
    [waiting] = book(phase, workshop, 1, join=True)
    booking = WorkshopBooking.objects.get(registration=holder)
    admin_client.post(
        reverse("admin:registrations_workshopbooking_changelist"),
        {"action": "remove_action", "_selected_action": [booking.pk], "apply": "1"},
    )
    assert not WorkshopBooking.objects.filter(registration=holder).exists()
    assert WorkshopBooking.objects.get(registration=waiting).status == WorkshopBooking.Status.SEATED


def test_organiser_sees_the_fill_but_cannot_move(client, phase):
    first = WorkshopFactory(phase=phase, seat_limit=1)
    second = WorkshopFactory(phase=phase, seat_limit=3)
    [holder] = book(phase, first, 1)
    client.force_login(StaffFactory(username="orga", roles=[ORGANISATION]))
    page = client.get(fill_url(phase.conference))
    assert page.status_code == 200
    assert "move-form" not in page.content.decode()
    booking = WorkshopBooking.objects.get(registration=holder)
    response = client.post(fill_url(phase.conference), {"booking": booking.pk, "workshop": second.pk})
    assert response.status_code == 403
    assert WorkshopBooking.objects.get(registration=holder).workshop == first


def test_fill_index_lists_conferences_with_workshops(admin_client, phase):
    WorkshopFactory(phase=phase)
    ConferenceFactory(title="Ohne Workshops")
    content = admin_client.get(reverse("admin:registrations_workshop_fill_index")).content.decode()
    assert phase.conference.title in content
    assert "Ohne Workshops" not in content


def test_workshop_admin_list_shows_seat_fill_in_constant_queries(admin_client, phase):
    workshop = WorkshopFactory(phase=phase, title="A", seat_limit=2)
    book(phase, workshop, 2)
    book(phase, workshop, 1, join=True)
    url = reverse("admin:programme_workshop_changelist")
    small = queries(admin_client, url)
    assert "2 / 2, 1 wartend" in admin_client.get(url).content.decode()
    for _ in range(3):
        book(phase, WorkshopFactory(phase=phase, seat_limit=None), 2)
    assert queries(admin_client, url) == small


def test_raising_the_seat_limit_in_the_admin_moves_the_waiting_up(
    admin_client, phase, django_capture_on_commit_callbacks
):
    workshop = WorkshopFactory(phase=phase, title="A", seat_limit=1)
    book(phase, workshop, 1)
    [waiting] = book(phase, workshop, 1, join=True)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:programme_workshop_change", args=[workshop.pk]),
            {
                "phase": phase.pk,
                "title": "A",
                "description": "",
                "room": "",
                "seat_limit": 2,
                "order": 0,
                "workshopmoderator_set-TOTAL_FORMS": 0,
                "workshopmoderator_set-INITIAL_FORMS": 0,
            },
        )
    assert response.status_code == 302
    assert WorkshopBooking.objects.get(registration=waiting).status == WorkshopBooking.Status.SEATED


def test_booking_change_page_is_read_only_with_history(admin_client, phase):
    workshop = WorkshopFactory(phase=phase)
    [registration] = book(phase, workshop, 1)
    booking = WorkshopBooking.objects.get(registration=registration)
    page = admin_client.get(reverse("admin:registrations_workshopbooking_change", args=[booking.pk]))
    content = page.content.decode()
    assert 'name="_save"' not in content
    assert "in der Workshop-Belegung" in content
    history = admin_client.get(reverse("admin:registrations_workshopbooking_history", args=[booking.pk]))
    assert history.status_code == 200
